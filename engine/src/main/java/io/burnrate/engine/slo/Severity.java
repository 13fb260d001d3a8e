package io.burnrate.engine.slo;

import java.util.Arrays;

/**
 * How urgent an alert rule is: a {@link #PAGE} wakes someone up, a {@link #TICKET} can
 * wait for working hours. {@link #wire()} is the name in SLO files, rule names
 * ({@code page-1h-5m}), alert payloads and metric tags.
 */
public enum Severity {
    PAGE("page"),
    TICKET("ticket");

    private final String wire;

    Severity(final String wire) {
        this.wire = wire;
    }

    /** {@code page} or {@code ticket}. */
    public String wire() {
        return wire;
    }

    /**
     * The severity written {@code name} ({@code page} or {@code ticket}, as in the files).
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static Severity ofWire(final String name) {
        for (final Severity s : values()) {
            if (s.wire.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("severity must be " + String.join(" or ",
                Arrays.stream(values()).map(Severity::wire).toList()) + ", not '" + name + "'");
    }

    @Override
    public String toString() {
        return wire;
    }
}
