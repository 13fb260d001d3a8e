package io.burnrate.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * One alert transition on {@code burnrate.alerts}, key {@code <sloId>/<rule>}: a rule
 * started firing or resolved. Schema: {@code schemas/alert-transition.schema.json}.
 *
 * <p>Burn rates are (bad/total over the window) / (1 - objective/100). {@code
 * errorBudgetRemaining} is the fraction of the SLO window's error budget left (negative
 * once overspent); {@code timeToExhaustion} is how long the remaining budget lasts at the
 * long window's burn rate, null when nothing burns.
 */
@JsonPropertyOrder({"sloId", "service", "rule", "severity", "state", "at", "startsAt", "endsAt",
        "longWindow", "shortWindow", "burnRateLong", "burnRateShort", "threshold", "objective",
        "errorBudgetRemaining", "timeToExhaustion", "labels", "annotations", "fingerprint"})
public record AlertTransition(
        String sloId,
        String service,
        String rule,
        String severity,
        String state,
        Instant at,
        Instant startsAt,
        Instant endsAt,
        Duration longWindow,
        Duration shortWindow,
        double burnRateLong,
        double burnRateShort,
        double threshold,
        double objective,
        double errorBudgetRemaining,
        Duration timeToExhaustion,
        Map<String, String> labels,
        Annotations annotations,
        String fingerprint) {

    public static final String FIRING = "firing";
    public static final String RESOLVED = "resolved";

    /** Alertmanager-style annotations; {@code runbook_url} keeps Alertmanager's spelling. */
    @JsonPropertyOrder({"summary", "description", "runbook_url"})
    public record Annotations(
            String summary,
            String description,
            @JsonProperty("runbook_url") String runbookUrl) {
    }
}
