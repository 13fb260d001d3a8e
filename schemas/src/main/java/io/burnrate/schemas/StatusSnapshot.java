package io.burnrate.schemas;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Latest numbers of one SLO on compacted {@code burnrate.status}, key {@code sloId}.
 * Schema: {@code schemas/status-snapshot.schema.json}.
 *
 * <p>{@code windows} lists every window the SLO's alert policy uses plus the SLO window
 * itself, shortest first. {@code sli} is good/total (null without traffic).
 */
@JsonPropertyOrder({"sloId", "service", "at", "objective", "window", "windows", "errorBudgetRemaining",
        "timeToExhaustion", "firing", "labels"})
public record StatusSnapshot(
        String sloId,
        String service,
        Instant at,
        double objective,
        Duration window,
        List<WindowStatus> windows,
        double errorBudgetRemaining,
        Duration timeToExhaustion,
        List<String> firing,
        Map<String, String> labels) {

    /** Counts of one window ending at {@code at}. */
    @JsonPropertyOrder({"window", "total", "bad", "sli", "burnRate"})
    public record WindowStatus(Duration window, long total, long bad, Double sli, double burnRate) {
    }
}
