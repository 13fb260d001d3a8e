package io.burnrate.engine.topology;

/**
 * Why an input was refused. {@code reason} is a stable code (also the value of the
 * {@code burnrate.error.reason} header); {@code detail} is for people.
 */
public record Rejection(String reason, String detail) {

    public static final String MALFORMED_JSON = "malformed-json";
    public static final String MISSING_FIELD = "missing-field";
    public static final String INVALID_FIELD = "invalid-field";
    public static final String INVALID_TIMESTAMP = "invalid-timestamp";
    public static final String LATE = "late";

    /** Thrown inside the parser; carries the rejection without a stack trace. */
    static final class Failure extends Exception {
        final Rejection rejection;

        Failure(final String reason, final String detail) {
            super(detail, null, false, false);
            this.rejection = new Rejection(reason, detail);
        }
    }
}
