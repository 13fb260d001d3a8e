package io.burnrate.engine.topology;

/**
 * The engine's topics by what they carry. {@link #role()} names the setting
 * ({@code topic.<role>}, {@code --topic <role>=NAME}); each defaults to
 * {@code burnrate.<role>}. Code that handles every topic iterates {@link #values()}, so a
 * new role cannot be forgotten.
 */
public enum TopicRole {
    /** Request events (input). */
    REQUESTS("requests"),
    /** SLO definitions, compacted, keyed by SLO id. */
    SLOS("slos"),
    /** Alert transitions. */
    ALERTS("alerts"),
    /** Status snapshots, compacted, keyed by SLO id. */
    STATUS("status"),
    /** Dead letters: rejected input, late events, refused definitions. */
    DLQ("dlq"),
    /** Error-budget threshold crossings. */
    BUDGET_POLICY("budget-policy"),
    /** Compliance summaries, compacted, one per SLO and period. */
    COMPLIANCE("compliance"),
    /** Pre-aggregated good/total counts (input), keyed by service. */
    COUNTS("counts");

    /** The setting key prefix: {@code topic.requests} names the requests topic. */
    public static final String KEY_PREFIX = "topic.";

    private final String role;

    TopicRole(final String role) {
        this.role = role;
    }

    /** {@code requests}, {@code budget-policy}, ...: the name in settings and flags. */
    public String role() {
        return role;
    }

    /** The setting that names this topic: {@code topic.<role>}. */
    public String key() {
        return KEY_PREFIX + role;
    }

    /** {@code burnrate.<role>}. */
    public String defaultName() {
        return "burnrate." + role;
    }

    /**
     * The role written {@code role} in settings and flags.
     *
     * @throws IllegalArgumentException naming the value and every role
     */
    public static TopicRole ofRole(final String role) {
        for (final TopicRole r : values()) {
            if (r.role.equals(role)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown topic role '" + role + "' (roles: " + roles() + ")");
    }

    /** Every role, comma-separated, in declaration order: for messages and help. */
    public static String roles() {
        final StringBuilder b = new StringBuilder();
        for (final TopicRole r : values()) {
            b.append(b.length() == 0 ? "" : ", ").append(r.role);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return role;
    }
}
