package io.burnrate.engine.backtest;

import io.burnrate.engine.slo.Severity;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.schemas.BacktestReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores the policies against the incidents: the numbers of {@code backtest.json}.
 *
 * <ul>
 *   <li>An alert detects an incident when its rule <em>fires</em> at or after the
 *       incident's start and before its end plus the detection grace, on an SLO the
 *       incident concerns; a rule already firing at the start does not count.</li>
 *   <li>Time to detect: first such firing of any severity minus the start; time to page:
 *       the same for page rules.</li>
 *   <li>A page is false when its span overlaps no incident of its SLO (the incident's
 *       end extended by the grace).</li>
 *   <li>A flap: a rule fires again within the flap gap after the same rule of the same SLO
 *       resolved.</li>
 *   <li>Budget consumed: 100 x sum over the minutes from the start to the detection of
 *       (the minute's burn rate x the part of the minute inside) / SLO window in minutes,
 *       on the SLO whose rule detected it; when missed, from the start to the end, on the
 *       concerned SLO that burned most.</li>
 * </ul>
 */
final class PolicyScore {

    private static final double WEEK_MS = Duration.ofDays(7).toMillis();

    /** The inputs every score needs. */
    record Context(List<BacktestPolicy> policies, List<SloSpec> slos, List<MinuteCounts> counts,
                   List<Incident> incidents, List<AlertSpan> spans, long from, long to, Duration grace,
                   Duration flapGap) {
    }

    /** The per-policy scores and the per-incident detections. */
    record Scores(List<BacktestReport.Policy> policies, List<BacktestReport.Incident> incidents) {
    }

    private PolicyScore() {
    }

    static Scores score(final Context c) {
        final Map<String, Integer> sloIndex = new HashMap<>();
        for (int i = 0; i < c.slos().size(); i++) {
            sloIndex.put(c.slos().get(i).id(), i);
        }
        final long grace = c.grace().toMillis();
        final List<List<BacktestReport.Detection>> perIncident = new ArrayList<>();
        c.incidents().forEach(i -> perIncident.add(new ArrayList<>()));
        final List<BacktestReport.Policy> policies = new ArrayList<>();
        for (int p = 0; p < c.policies().size(); p++) {
            final List<AlertSpan> spans = new ArrayList<>();
            for (final AlertSpan s : c.spans()) {
                if (s.member().policy() == p) {
                    spans.add(s);
                }
            }
            final List<Double> detect = new ArrayList<>();
            final List<Double> page = new ArrayList<>();
            long missed = 0;
            for (int k = 0; k < c.incidents().size(); k++) {
                final BacktestReport.Detection d = detection(c, sloIndex, c.policies().get(p).name(), spans,
                        c.incidents().get(k), grace);
                perIncident.get(k).add(d);
                if (d.timeToDetect() != null) {
                    detect.add(d.timeToDetect());
                } else {
                    missed++;
                }
                if (d.timeToPage() != null) {
                    page.add(d.timeToPage());
                }
            }
            long pages = 0;
            long tickets = 0;
            long falsePages = 0;
            double alertMs = 0;
            for (final AlertSpan s : spans) {
                alertMs += s.end() - s.start();
                if (s.severity() == Severity.PAGE) {
                    pages++;
                    if (!overlapsAny(c.incidents(), s, grace)) {
                        falsePages++;
                    }
                } else {
                    tickets++;
                }
            }
            final double weeks = Math.max(c.to() - c.from(), MinuteCounts.MINUTE_MS) / WEEK_MS;
            final BacktestPolicy policy = c.policies().get(p);
            policies.add(new BacktestReport.Policy(policy.name(), policy.source(), pages, tickets, pages / weeks,
                    falsePages, detect.size(), page.size(), missed,
                    pages == 0 ? null : (double) (pages - falsePages) / pages, stats(detect), stats(page),
                    alertMs / MinuteCounts.MINUTE_MS, flaps(spans, c.flapGap().toMillis())));
        }
        final List<BacktestReport.Incident> incidents = new ArrayList<>();
        for (int k = 0; k < c.incidents().size(); k++) {
            final Incident i = c.incidents().get(k);
            incidents.add(new BacktestReport.Incident(i.service(), i.sloId(), i.label(), i.start(), i.end(),
                    perIncident.get(k)));
        }
        return new Scores(policies, incidents);
    }

    /**
     * {@code guarded} with each policy's {@link BacktestReport.GuardCost} against
     * {@code unguarded}, the scores of the same policies and incidents without the history
     * guard: per incident the difference of the times to detect (first alert of any severity).
     */
    static Scores withGuardCost(final Scores guarded, final Scores unguarded) {
        final List<BacktestReport.Policy> out = new ArrayList<>();
        for (int p = 0; p < guarded.policies().size(); p++) {
            long delayed = 0;
            long missed = 0;
            long both = 0;
            double sum = 0;
            double max = 0;
            for (int k = 0; k < guarded.incidents().size(); k++) {
                final BacktestReport.Detection g = guarded.incidents().get(k).detections().get(p);
                final BacktestReport.Detection u = unguarded.incidents().get(k).detections().get(p);
                if (!u.detected()) {
                    continue;
                }
                if (!g.detected()) {
                    delayed++;
                    missed++;
                    continue;
                }
                final double delay = Math.max(0, g.timeToDetect() - u.timeToDetect());
                both++;
                sum += delay;
                max = Math.max(max, delay);
                if (delay > 0) {
                    delayed++;
                }
            }
            final BacktestReport.Policy without = unguarded.policies().get(p);
            out.add(guarded.policies().get(p).withGuardCost(new BacktestReport.GuardCost(delayed, missed,
                    both == 0 ? null : sum / both, both == 0 ? null : max, without.pages(), without.falsePages())));
        }
        return new Scores(out, guarded.incidents());
    }

    private static BacktestReport.Detection detection(final Context c, final Map<String, Integer> sloIndex,
                                                      final String policy, final List<AlertSpan> spans,
                                                      final Incident i, final long grace) {
        final long start = i.start().toEpochMilli();
        final long until = i.end().toEpochMilli() + grace;
        AlertSpan first = null;
        AlertSpan firstPage = null;
        for (final AlertSpan s : spans) { // in start order
            if (s.start() >= start && s.start() < until && i.concerns(s.member().original())) {
                if (first == null) {
                    first = s;
                }
                if (firstPage == null && s.severity() == Severity.PAGE) {
                    firstPage = s;
                }
            }
        }
        final double consumed;
        if (first != null) {
            final int slo = sloIndex.get(first.member().original().id());
            consumed = consumed(c.slos().get(slo), c.counts().get(slo), start, first.start());
        } else {
            double most = 0;
            for (int s = 0; s < c.slos().size(); s++) {
                if (i.concerns(c.slos().get(s))) {
                    most = Math.max(most, consumed(c.slos().get(s), c.counts().get(s), start, i.end().toEpochMilli()));
                }
            }
            consumed = most;
        }
        return new BacktestReport.Detection(policy, first != null, firstPage != null,
                first == null ? null : first.member().expanded().id() + "/" + first.rule(),
                first == null ? null : (first.start() - start) / 1000.0,
                firstPage == null ? null : (firstPage.start() - start) / 1000.0, consumed);
    }

    /** Percent of the SLO window's budget spent in {@code [from, to)}, from the minute burn rates. */
    static double consumed(final SloSpec slo, final MinuteCounts counts, final long from, final long to) {
        double minutes = 0;
        for (long m = Math.floorDiv(from, MinuteCounts.MINUTE_MS); m * MinuteCounts.MINUTE_MS < to; m++) {
            final long lo = Math.max(from, m * MinuteCounts.MINUTE_MS);
            final long hi = Math.min(to, (m + 1) * MinuteCounts.MINUTE_MS);
            if (hi > lo) {
                minutes += counts.burnRate(m, slo.errorBudget()) * (hi - lo) / MinuteCounts.MINUTE_MS;
            }
        }
        return 100.0 * minutes / slo.window().toMinutes();
    }

    private static boolean overlapsAny(final List<Incident> incidents, final AlertSpan s, final long grace) {
        for (final Incident i : incidents) {
            if (i.concerns(s.member().original())
                    && s.overlaps(i.start().toEpochMilli(), i.end().toEpochMilli() + grace)) {
                return true;
            }
        }
        return false;
    }

    private static long flaps(final List<AlertSpan> spans, final long gap) {
        final Map<String, AlertSpan> last = new HashMap<>();
        long flaps = 0;
        for (final AlertSpan s : spans) { // in start order, so per key in order too
            final AlertSpan before = last.put(s.key(), s);
            if (before != null && !before.open() && s.start() - before.end() <= gap) {
                flaps++;
            }
        }
        return flaps;
    }

    /** Mean, p50 and p90 (nearest rank). */
    static BacktestReport.Stats stats(final List<Double> values) {
        if (values.isEmpty()) {
            return new BacktestReport.Stats(0, null, null, null);
        }
        final List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        final double mean = sorted.stream().mapToDouble(Double::doubleValue).sum() / sorted.size();
        return new BacktestReport.Stats(sorted.size(), mean, rank(sorted, 0.5), rank(sorted, 0.9));
    }

    private static double rank(final List<Double> sorted, final double q) {
        final int r = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, r - 1));
    }
}
