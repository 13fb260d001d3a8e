package io.burnrate.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;

/**
 * Pre-aggregated counts of one interval, as a collector publishes them to
 * {@code burnrate.counts}. Schema: {@code schemas/count-record.schema.json}. The interval
 * is {@code start} + {@code end}, or {@code timestamp} (its end) + {@code intervalSeconds};
 * times are written as epoch milliseconds (readers also accept RFC 3339). Give
 * {@code bad}, {@code good} or both (then {@code bad + good == total}).
 */
@JsonPropertyOrder({"service", "operation", "attributes", "start", "end", "timestamp", "intervalSeconds", "total", "bad",
    "good", "latencyOverMs", "id"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CountsRecord(
        String service,
        String operation,
        Map<String, String> attributes,
        Long start,
        Long end,
        Long timestamp,
        Integer intervalSeconds,
        long total,
        Long bad,
        Long good,
        Map<String, Long> latencyOverMs,
        String id) {
}
