package io.burnrate.engine.ingest;

import java.util.Map;
import java.util.SortedMap;

/**
 * A validated pre-aggregated count record (topic {@code burnrate.counts}; schema
 * {@code count-record.schema.json}): {@code total} requests of {@code service} (and
 * {@code operation}, {@code attributes}) completed in {@code [startMs, endMs)}, {@code bad}
 * of them bad, and per latency threshold how many took longer ({@code latencyOverMs},
 * threshold in ms → count, ascending). {@code id}, when the producer sends one, makes a
 * retried record recognisable (idempotence); {@code raw} is the original payload, kept for
 * the dead-letter topic.
 *
 * <p>Invariants (checked by {@link CountParser}): {@code 0 <= bad <= total}, every
 * latency count in {@code [0, total]}, {@code startMs < endMs}, both within the event time
 * bounds of {@link InputLimits}.
 */
public record CountRecord(
        String service,
        String operation,
        Map<String, String> attributes,
        long startMs,
        long endMs,
        long total,
        long bad,
        SortedMap<Double, Long> latencyOverMs,
        String id,
        byte[] raw) {

    /** Requests that were not bad. */
    public long good() {
        return total - bad;
    }

    /** The interval's width in milliseconds. */
    public long widthMs() {
        return endMs - startMs;
    }
}
