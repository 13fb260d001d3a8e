package io.burnrate.schemas;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What {@code burnrate backtest} wrote to {@code backtest.json}: the replayed history,
 * one score per alert policy and, per incident, how each policy detected it. Schema:
 * {@code schemas/backtest.schema.json}.
 *
 * <p>Times to detect are seconds (a number, fractions allowed) from the incident's start
 * to the first firing transition; null when the incident was not detected that way.
 *
 * @param from             event time of the first counted event (null without events)
 * @param to               event time of the last counted event
 * @param events           input lines read
 * @param incidentSource   {@code file} (from {@code --incidents}) or {@code derived}
 * @param detectionGrace   how long after an incident's end an alert still counts for it
 * @param flapGap          a rule re-firing within this time after it resolved is a flap
 */
@JsonPropertyOrder({"from", "to", "events", "incidentSource", "detectionGrace", "flapGap", "policies", "incidents"})
public record BacktestReport(
        Instant from,
        Instant to,
        long events,
        String incidentSource,
        Duration detectionGrace,
        Duration flapGap,
        List<Policy> policies,
        List<Incident> incidents) {

    public static final String FROM_FILE = "file";
    public static final String DERIVED = "derived";

    public BacktestReport {
        policies = List.copyOf(policies);
        incidents = List.copyOf(incidents);
    }

    /**
     * The score of one policy over the whole history, all SLOs together.
     *
     * @param actionableShare pages overlapping an incident / all pages; null without pages
     * @param timeToDetect    over the detected incidents, by the first alert of any severity
     * @param timeToPage      over the paged incidents, by the first page
     * @param guardCost       what the history guard costs this policy (measured with
     *                        {@code --guard-cost}), or null when not measured
     */
    @JsonPropertyOrder({"name", "source", "pages", "tickets", "pagesPerWeek", "falsePages", "detectedIncidents",
            "pagedIncidents", "missedIncidents", "actionableShare", "timeToDetect", "timeToPage", "alertMinutes",
            "flaps", "guardCost"})
    public record Policy(
            String name,
            String source,
            long pages,
            long tickets,
            double pagesPerWeek,
            long falsePages,
            long detectedIncidents,
            long pagedIncidents,
            long missedIncidents,
            Double actionableShare,
            Stats timeToDetect,
            Stats timeToPage,
            double alertMinutes,
            long flaps,
            GuardCost guardCost) {

        /** Without a guard-cost measurement. */
        public Policy(final String name, final String source, final long pages, final long tickets,
                      final double pagesPerWeek, final long falsePages, final long detectedIncidents,
                      final long pagedIncidents, final long missedIncidents, final Double actionableShare,
                      final Stats timeToDetect, final Stats timeToPage, final double alertMinutes, final long flaps) {
            this(name, source, pages, tickets, pagesPerWeek, falsePages, detectedIncidents, pagedIncidents,
                    missedIncidents, actionableShare, timeToDetect, timeToPage, alertMinutes, flaps, null);
        }

        public Policy withGuardCost(final GuardCost cost) {
            return new Policy(name, source, pages, tickets, pagesPerWeek, falsePages, detectedIncidents, pagedIncidents,
                    missedIncidents, actionableShare, timeToDetect, timeToPage, alertMinutes, flaps, cost);
        }
    }

    /**
     * The history guard's price for one policy: the same replay with
     * {@code spec.alerting.historyGuard: false} against the guarded one.
     *
     * @param delayedIncidents   incidents the guarded policy detected later than the unguarded one, or missed
     *                           while the unguarded one detected them
     * @param missedByGuard      of those, the ones the guarded policy missed
     * @param meanDelay          seconds the guard added to the time to detect, averaged over the incidents
     *                           both detected (0 when it never held one back); null when none was detected by both
     * @param maxDelay           the largest such delay in seconds; null likewise
     * @param pagesWithoutGuard  pages the unguarded policy sent
     * @param falsePagesWithoutGuard false pages among them (the noise the guard keeps away, against falsePages)
     */
    @JsonPropertyOrder({"delayedIncidents", "missedByGuard", "meanDelay", "maxDelay", "pagesWithoutGuard",
            "falsePagesWithoutGuard"})
    public record GuardCost(long delayedIncidents, long missedByGuard, Double meanDelay, Double maxDelay,
                            long pagesWithoutGuard, long falsePagesWithoutGuard) {
    }

    /** Mean, median and 90th percentile (nearest rank) in seconds; null when there is nothing to measure. */
    @JsonPropertyOrder({"count", "mean", "p50", "p90"})
    public record Stats(long count, Double mean, Double p50, Double p90) {
    }

    /** One incident and how each policy did on it. {@code sloId} null: every SLO of the service. */
    @JsonPropertyOrder({"service", "sloId", "label", "start", "end", "detections"})
    public record Incident(
            String service,
            String sloId,
            String label,
            Instant start,
            Instant end,
            List<Detection> detections) {

        public Incident {
            detections = List.copyOf(detections);
        }
    }

    /**
     * One policy on one incident.
     *
     * @param firstAlert            {@code <sloId>/<rule>} of the first alert of any severity, null when missed
     * @param timeToDetect          seconds from the start to the first alert of any severity
     * @param timeToPage            seconds from the start to the first page
     * @param budgetConsumedPercent share of the SLO window's error budget the incident spent before the first
     *                              alert (before its end plus the grace when missed)
     */
    @JsonPropertyOrder({"policy", "detected", "paged", "firstAlert", "timeToDetect", "timeToPage",
            "budgetConsumedPercent"})
    public record Detection(
            String policy,
            boolean detected,
            boolean paged,
            String firstAlert,
            Double timeToDetect,
            Double timeToPage,
            double budgetConsumedPercent) {
    }
}
