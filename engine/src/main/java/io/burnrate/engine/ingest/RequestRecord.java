package io.burnrate.engine.ingest;

import java.util.Map;

/**
 * A validated request event as an immutable value. {@code status} is
 * {@link io.burnrate.engine.slo.Indicator#NO_STATUS} when the event carried only an
 * outcome; {@code raw} is the original payload, kept for the dead-letter topic.
 */
public record RequestRecord(
        String service,
        long timestamp,
        double latencyMs,
        int status,
        boolean errorOutcome,
        String operation,
        Map<String, String> attributes,
        byte[] raw) implements AcceptedEvent {

    @Override
    public RequestRecord toRecord() {
        return this;
    }
}
