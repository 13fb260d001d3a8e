package io.burnrate.engine.ingest;

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
    /** The record is over {@link InputLimits#maxRecordBytes}. */
    public static final String TOO_LARGE = "too-large";
    /** A field is over one of the {@link InputLimits}: too long, too many attributes. */
    public static final String LIMIT_EXCEEDED = "limit-exceeded";
    /** Processing the record failed unexpectedly (a bug): it is set aside, the stream goes on. */
    public static final String PROCESSING_ERROR = "processing-error";

    /** Thrown inside the parser; carries the rejection without a stack trace. */
    static final class Failure extends Exception {
        final Rejection rejection;

        Failure(final String reason, final String detail) {
            super(detail, null, false, false);
            this.rejection = new Rejection(reason, detail);
        }
    }
}
