package io.burnrate.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * One request as platform teams publish it to {@code burnrate.requests} (and as replay
 * reads it from NDJSON). Schema: {@code schemas/request-event.schema.json}.
 *
 * <p>{@code timestamp} is written as epoch milliseconds; readers also accept RFC 3339.
 * Exactly one of {@code status} and {@code outcome} is normally set.
 */
@JsonPropertyOrder({"service", "timestamp", "latencyMs", "status", "outcome", "operation", "attributes"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RequestEvent(
        String service,
        long timestamp,
        double latencyMs,
        Integer status,
        String outcome,
        String operation,
        Map<String, String> attributes) {
}
