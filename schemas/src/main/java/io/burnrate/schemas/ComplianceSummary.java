package io.burnrate.schemas;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * How one SLO did over one period, on {@code burnrate.compliance}, key {@link #key()}
 * ({@code <sloId>/<period.kind>/<period.start>}). Schema:
 * {@code schemas/compliance-summary.schema.json}.
 *
 * <p>Published for every SLO each hour (UTC) and each day (UTC, or the SLO's time zone for
 * calendar SLOs), when a calendar compliance period (week, month) closes, and daily for
 * the trailing window of a rolling SLO ({@code period.kind} {@code rolling}).
 *
 * <p>{@code total}, {@code good} and {@code bad} count requests. For an
 * {@code Occurrences} SLO {@code sli} is good / total and the error budget counts
 * requests: {@code allowedBad} = total x (1 - objective/100), {@code consumedBad} = bad.
 * For a {@code Timeslices} SLO {@code sli} is good slices / slices with traffic and the
 * error budget counts slices. {@code sli} is null without traffic; {@code met} is then
 * true and {@code remainingFraction} 1. {@code objective} is in percent, as in every
 * burnrate payload.
 *
 * <p>{@code revision} is 0 when a period's summary is first published. A budget adjustment
 * added after the fact ({@code burnrate slo adjust}) re-publishes the summaries of the
 * periods it corrects, under the same key, with the corrected numbers and the revision
 * one higher: a consumer keeps the highest revision per key.
 */
@JsonPropertyOrder({"sloId", "service", "labels", "period", "total", "good", "bad", "sli", "objective", "met",
        "errorBudget", "latency", "badMinutes", "alerts", "timeInAlert", "revision"})
public record ComplianceSummary(
        String sloId,
        String service,
        Map<String, String> labels,
        Period period,
        long total,
        long good,
        long bad,
        Double sli,
        double objective,
        boolean met,
        ErrorBudget errorBudget,
        Latency latency,
        long badMinutes,
        Alerts alerts,
        Duration timeInAlert,
        int revision) {

    /** A first publication (revision 0). */
    public ComplianceSummary(final String sloId, final String service, final Map<String, String> labels,
                             final Period period, final long total, final long good, final long bad, final Double sli,
                             final double objective, final boolean met, final ErrorBudget errorBudget,
                             final Latency latency, final long badMinutes, final Alerts alerts,
                             final Duration timeInAlert) {
        this(sloId, service, labels, period, total, good, bad, sli, objective, met, errorBudget, latency, badMinutes,
                alerts, timeInAlert, 0);
    }

    /** This summary as revision {@code n}. */
    public ComplianceSummary withRevision(final int n) {
        return new ComplianceSummary(sloId, service, labels, period, total, good, bad, sli, objective, met, errorBudget,
                latency, badMinutes, alerts, timeInAlert, n);
    }

    public static final String HOUR = "hour";
    public static final String DAY = "day";
    public static final String WEEK = "week";
    public static final String MONTH = "month";
    public static final String ROLLING = "rolling";

    /** The record key on {@code burnrate.compliance}: {@code <sloId>/<kind>/<start>}. */
    @JsonIgnore
    public String key() {
        return key(sloId, period);
    }

    /** {@code <sloId>/<kind>/<start>}, e.g. {@code checkout-availability/month/2026-03-01T05:00:00Z}. */
    public static String key(final String sloId, final Period period) {
        return sloId + "/" + period.kind() + "/" + period.start();
    }

    /** The period {@code [start, end)} the numbers cover; {@code kind}: hour, day, week, month or rolling. */
    @JsonPropertyOrder({"kind", "start", "end"})
    public record Period(String kind, Instant start, Instant end) {
    }

    /**
     * {@code allowedBad}: bad requests (or slices) the objective allows over the period;
     * {@code consumedBad}: how many there were; {@code remainingFraction}: 1 - consumed /
     * allowed (1 without traffic, negative once overspent).
     */
    @JsonPropertyOrder({"allowedBad", "consumedBad", "remainingFraction"})
    public record ErrorBudget(double allowedBad, long consumedBad, double remainingFraction) {
    }

    /** Latency percentiles of every request in the period, in milliseconds (1 % relative error); null without traffic. */
    @JsonPropertyOrder({"p50Ms", "p95Ms", "p99Ms"})
    public record Latency(Double p50Ms, Double p95Ms, Double p99Ms) {
    }

    /** How many times a rule of each severity started firing in the period. */
    @JsonPropertyOrder({"page", "ticket"})
    public record Alerts(long page, long ticket) {
    }
}
