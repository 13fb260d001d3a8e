package io.burnrate.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One alert transition on {@code burnrate.alerts}, key {@code <sloId>/<rule>}: a rule
 * started firing or resolved. Schema: {@code schemas/alert-transition.schema.json}.
 *
 * <p>Burn rates are (bad/total over the window) / (1 - objective/100). {@code
 * errorBudgetRemaining} is the fraction of the SLO window's error budget left (negative
 * once overspent); {@code timeToExhaustion} is how long the remaining budget lasts at the
 * long window's burn rate, null when nothing burns. {@code budgetConsumedPercent} is the
 * share of the error budget the bad events from the start of the long window before the
 * alert started up to {@code at} consumed. {@code contributors} says which operations and
 * attribute values the bad events came from (firing transitions; null on resolved ones).
 */
@JsonPropertyOrder({"sloId", "service", "rule", "severity", "state", "at", "startsAt", "endsAt",
        "longWindow", "shortWindow", "burnRateLong", "burnRateShort", "threshold", "objective",
        "errorBudgetRemaining", "timeToExhaustion", "budgetConsumedPercent", "contributors", "labels", "annotations",
        "fingerprint"})
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
        double budgetConsumedPercent,
        Contributors contributors,
        Map<String, String> labels,
        Annotations annotations,
        String fingerprint) {

    public static final String FIRING = "firing";
    public static final String RESOLVED = "resolved";

    /** A transition without contributors and with 0 budget consumed (tests, tools that build one by hand). */
    public AlertTransition(final String sloId, final String service, final String rule, final String severity,
                           final String state, final Instant at, final Instant startsAt, final Instant endsAt,
                           final Duration longWindow, final Duration shortWindow, final double burnRateLong,
                           final double burnRateShort, final double threshold, final double objective,
                           final double errorBudgetRemaining, final Duration timeToExhaustion,
                           final Map<String, String> labels, final Annotations annotations, final String fingerprint) {
        this(sloId, service, rule, severity, state, at, startsAt, endsAt, longWindow, shortWindow, burnRateLong,
                burnRateShort, threshold, objective, errorBudgetRemaining, timeToExhaustion, 0, null, labels,
                annotations, fingerprint);
    }

    /** Alertmanager-style annotations; {@code runbook_url} keeps Alertmanager's spelling. */
    @JsonPropertyOrder({"summary", "description", "runbook_url"})
    public record Annotations(
            String summary,
            String description,
            @JsonProperty("runbook_url") String runbookUrl) {
    }

    /**
     * Where the bad events of the rule's two windows came from.
     *
     * @param since       null when every bad event of the SLO's history was counted; else the event time
     *                    counting started (the SLO was redefined with other windows or explainBy attributes)
     * @param shortWindow the rule's short window
     * @param longWindow  the rule's long window
     */
    @JsonPropertyOrder({"since", "shortWindow", "longWindow"})
    public record Contributors(Instant since, Window shortWindow, Window longWindow) {
    }

    /**
     * One window's bad events by dimension.
     *
     * @param window     the window's length
     * @param badEvents  the bad events counted for contributors in the window
     * @param dimensions {@code operation} first, then each of the SLO's {@code explainBy} attributes
     */
    @JsonPropertyOrder({"window", "badEvents", "dimensions"})
    public record Window(Duration window, long badEvents, List<Dimension> dimensions) {
    }

    /**
     * The top values of one dimension, largest share first.
     *
     * @param dimension          {@code operation} or an attribute name
     * @param top                at most three values
     * @param untrackedBadEvents bad events of values the bounded table stopped tracking one by one: a listed
     *                           value's count may be low by at most this, and no unlisted value has more
     */
    @JsonPropertyOrder({"dimension", "top", "untrackedBadEvents"})
    public record Dimension(String dimension, List<Contributor> top, long untrackedBadEvents) {
    }

    /**
     * One value and its share.
     *
     * @param value     the operation or attribute value; {@code (none)} for events without one
     * @param badEvents its bad events in the window
     * @param share     badEvents / the window's badEvents (0..1)
     */
    @JsonPropertyOrder({"value", "badEvents", "share"})
    public record Contributor(String value, long badEvents, double share) {
    }
}
