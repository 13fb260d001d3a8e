package io.burnrate.schemas;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Map;

/**
 * The remaining error budget of an SLO crossed one of its policy thresholds, on
 * {@code burnrate.budget-policy}, key {@code sloId}. Schema:
 * {@code schemas/budget-policy-event.schema.json}.
 *
 * <p>{@code threshold} is in percent of the error budget (50, 25, 10 and 0 by default).
 * {@code direction} {@code down}: the remaining budget fell to or below the threshold
 * (the action applies from now); {@code up}: it recovered above it (the action is lifted).
 * {@code remainingFraction} is the remaining budget when the crossing was seen (1
 * untouched, negative once overspent). {@code action} is the SLO's action word for the
 * threshold (e.g. {@code freeze-releases}), null when it has none. {@code at} is the event
 * time of the crossing.
 */
@JsonPropertyOrder({"sloId", "service", "threshold", "direction", "remainingFraction", "action", "at", "labels"})
public record BudgetPolicyEvent(
        String sloId,
        String service,
        double threshold,
        String direction,
        double remainingFraction,
        String action,
        Instant at,
        Map<String, String> labels) {

    public static final String DOWN = "down";
    public static final String UP = "up";
}
