package io.burnrate.engine.ingest;

import java.time.Instant;

/**
 * Bounds on what one input record may hold, so no single record can blow up state, the
 * heap or the dead-letter topic. An event past a bound is dead-lettered with reason
 * {@code too-large} (the record) or {@code limit-exceeded} (a field), naming the bound.
 *
 * @param maxRecordBytes        largest request event value accepted (settings key
 *                              {@code limits.record.bytes}, default 64 KiB)
 * @param maxFieldLength        longest service, operation, attribute key or attribute value,
 *                              in characters ({@code limits.field.length}, default 256)
 * @param maxAttributes         most attributes per event ({@code limits.attributes}, default 64)
 * @param maxDeadLetterBytes    longest copy of a rejected value kept on the dead-letter topic;
 *                              longer ones are cut and say so in {@code burnrate.error.truncated}
 *                              ({@code limits.dlq.value.bytes}, default 64 KiB)
 */
public record InputLimits(int maxRecordBytes, int maxFieldLength, int maxAttributes, int maxDeadLetterBytes) {

    /**
     * Event times outside [2000-01-01, 2100-01-01) are refused whatever the clock says: they
     * are broken clocks or unit mistakes (seconds for milliseconds), and accepting one
     * would make an SLO's periods start decades away from its traffic.
     */
    public static final long MIN_TIMESTAMP = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();
    public static final long MAX_TIMESTAMP = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();

    public static final InputLimits DEFAULTS = new InputLimits(64 * 1024, 256, 64, 64 * 1024);

    public InputLimits {
        if (maxRecordBytes < 64 || maxFieldLength < 1 || maxAttributes < 0 || maxDeadLetterBytes < 0) {
            throw new IllegalArgumentException("limits must be positive (record bytes at least 64)");
        }
    }

    /** Whether {@code ms} is an event time burnrate accepts at all. */
    public static boolean plausibleTime(final long ms) {
        return ms >= MIN_TIMESTAMP && ms < MAX_TIMESTAMP;
    }
}
