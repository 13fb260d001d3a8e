package io.burnrate.engine.compliance;

import io.burnrate.engine.sli.BurnRate;
import io.burnrate.engine.slo.BudgetingMethod;
import io.burnrate.engine.slo.CompliancePeriod;
import io.burnrate.engine.slo.Grace;
import io.burnrate.engine.slo.Severity;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.schemas.ComplianceSummary;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one SLO's compliance summary for one period needs, accumulated as events
 * and alert transitions arrive: request counts, a {@link LatencySketch}, the bad
 * minutes (a {@link TimesliceCounter} of 1-minute slices against the objective), the
 * slices of a {@link BudgetingMethod.Timeslices} SLO, the alerts fired by severity and
 * the time any page or ticket was firing, clipped to the period.
 *
 * <p>Events outside the period are refused ({@link #add} returns false): the caller
 * keeps one accumulator per open period (the hour, the day, the calendar period) and
 * feeds each event to those that contain it. State is bounded: counters, one sketch
 * (at most {@link LatencySketch#MAX_BINS} bins) and the few minutes still within grace.
 *
 * <p>Numbers (objective in percent, e.g. 99.9; error budget {@code e = 1 - objective/100}):
 * <ul>
 *   <li>Occurrences: sli = good / total; allowedBad = total x e; consumedBad = bad;
 *       remainingFraction = 1 - bad / allowedBad (1 when total = 0).</li>
 *   <li>Timeslices: the same over slices: sli = good slices / slices with traffic;
 *       allowedBad = slices with traffic x e; consumedBad = bad slices.</li>
 *   <li>RatioTimeslices: sli = the mean, over slices with traffic, of each slice's good /
 *       total; allowedBad = slices with traffic x e; a slice consumes its bad ratio, so
 *       remainingFraction = 1 - (slices - sum of good ratios) / allowedBad, and the
 *       published (whole-number) consumedBad is that sum of bad ratios rounded to the
 *       nearest slice.</li>
 *   <li>met: sli >= objective / 100, compared exactly (RatioTimeslices: the double sum of
 *       ratios against the decimal objective); true without traffic.</li>
 *   <li>badMinutes: UTC minutes whose (bad / total) / e exceeds 1.</li>
 * </ul>
 *
 * <p>Not thread-safe.
 */
public final class ComplianceAccumulator {

    private final CompliancePeriod period;
    private final long startMs;
    private final long endMs;
    private final double objective;
    private final double errorBudget;
    private final BudgetingMethod method;
    private final Duration grace;
    private final LatencySketch latency;
    private final TimesliceCounter minutes;
    private final TimesliceCounter slices;
    /** RatioTimeslices: attainment and budget from the slices' ratios. */
    private final boolean ratio;
    private long total;
    private long bad;
    private long pagesFired;
    private long ticketsFired;
    /** Rules firing and time in alert, clipped to the period. */
    private AlertTime alertTime = AlertTime.NONE;
    /** How often this period's summary was corrected after the fact ({@link #correct}); 0 at first. */
    private int revision;
    /**
     * A rolling SLO's closed part ending where a rolling summary ended: how often that
     * rolling summary was re-published corrected ({@code RollingParts}); 0 at first.
     */
    private int rollingRevision;

    /**
     * @param period     the period to summarize
     * @param objective  the SLO's objective in percent, e.g. 99.9
     * @param method     {@link BudgetingMethod#OCCURRENCES} or a {@link BudgetingMethod.Timeslices}
     * @param grace      how late events may arrive (the engine's grace, default 5m): minutes and
     *                   slices are settled once the newest event is that far past their end
     */
    public ComplianceAccumulator(final CompliancePeriod period, final double objective, final BudgetingMethod method,
                                 final Duration grace) {
        this(period, objective, method, grace, new LatencySketch());
    }

    /** Occurrences, default grace. */
    public ComplianceAccumulator(final CompliancePeriod period, final double objective) {
        this(period, objective, BudgetingMethod.OCCURRENCES, Grace.DEFAULT);
    }

    /** With {@code latency} as its sketch: for {@link AccumulatorCodec}. */
    ComplianceAccumulator(final CompliancePeriod period, final double objective, final BudgetingMethod method,
                          final Duration grace, final LatencySketch latency) {
        this.period = Objects.requireNonNull(period, "period");
        if (!(objective > 0 && objective < 100)) {
            throw new IllegalArgumentException("objective must be a percentage above 0 and below 100, not " + objective);
        }
        this.startMs = period.start().toEpochMilli();
        this.endMs = period.end().toEpochMilli();
        this.objective = objective;
        this.errorBudget = BurnRate.errorBudget(objective);
        this.method = Objects.requireNonNull(method, "method");
        this.grace = Objects.requireNonNull(grace, "grace");
        this.latency = latency;
        this.minutes = TimesliceCounter.badMinutes(objective, grace);
        if (method instanceof BudgetingMethod.Timeslices t) {
            this.slices = new TimesliceCounter(t.timeSliceWindow(), t.timeSliceTarget(), grace);
        } else if (method instanceof BudgetingMethod.RatioTimeslices r) {
            // the target is unused: only the slices' ratios count
            this.slices = new TimesliceCounter(r.timeSliceWindow(), BigDecimal.ONE, grace);
        } else {
            this.slices = null;
        }
        this.ratio = method instanceof BudgetingMethod.RatioTimeslices;
    }

    public CompliancePeriod period() {
        return period;
    }

    public double objective() {
        return objective;
    }

    public BudgetingMethod method() {
        return method;
    }

    /** The latency of requests counted without one (pre-aggregated counts): they are not in the sketch. */
    public static final double NO_LATENCY = Double.NaN;

    /**
     * Counts {@code count} requests at {@code timestampMs} with latency {@code latencyMs}
     * ({@link #NO_LATENCY}: unknown, the sketch is left alone), {@code bad} of them bad.
     *
     * @return false (nothing counted) when the timestamp is outside the period
     */
    public boolean add(final long timestampMs, final long count, final long badCount, final double latencyMs) {
        if (count < 0 || badCount < 0 || badCount > count) {
            throw new IllegalArgumentException("need 0 <= bad <= count, not " + badCount + " of " + count);
        }
        if (timestampMs < startMs || timestampMs >= endMs) {
            return false;
        }
        if (!Double.isNaN(latencyMs)) {
            latency.add(latencyMs, count);
        }
        total += count;
        bad += badCount;
        minutes.add(timestampMs, count, count - badCount);
        if (slices != null) {
            slices.add(timestampMs, count, count - badCount);
        }
        return true;
    }

    /** One request. */
    public boolean add(final Instant at, final boolean isBad, final double latencyMs) {
        return add(at.toEpochMilli(), 1, isBad ? 1 : 0, latencyMs);
    }

    /** Moves event time forward without an event (settles minutes and slices older than grace). */
    public void advanceTo(final long timestampMs) {
        minutes.advanceTo(timestampMs);
        if (slices != null) {
            slices.advanceTo(timestampMs);
        }
    }

    /**
     * An alert rule of {@code severity} ({@code page} or {@code ticket}) started
     * ({@code firing}) or stopped firing at {@code at}. A start inside the period counts
     * as an alert fired; time in alert is the union of the intervals during which any
     * rule fires, clipped to the period. Feed transitions in event-time order.
     */
    public void onAlert(final Severity severity, final boolean firing, final Instant at) {
        final boolean page = severity == Severity.PAGE;
        final long t = clip(at.toEpochMilli());
        if (firing) {
            if (period.contains(at)) {
                if (page) {
                    pagesFired++;
                } else {
                    ticketsFired++;
                }
            }
            alertTime = alertTime.fire(page, t);
        } else {
            alertTime = alertTime.resolve(page, t); // unchanged for a rule this accumulator never saw firing
        }
    }

    /**
     * A rule of {@code severity} was already firing when this period opened, since
     * {@code sinceMs} (clipped to the period start): its time counts, but it is not an
     * alert fired in this period.
     */
    public void alreadyFiring(final Severity severity, final long sinceMs) {
        alertTime = alertTime.fire(severity == Severity.PAGE, clip(sinceMs));
    }

    /**
     * The accumulation over {@code period} of {@code parts}: accumulators of disjoint
     * periods inside it that are over (e.g. the 30 daily ones behind a rolling 30d
     * summary). Counts, minutes, slices, alerts and time in alert add; sketches merge.
     * The result is for summarizing; parts are unchanged.
     */
    public static ComplianceAccumulator merge(final CompliancePeriod period, final List<ComplianceAccumulator> parts) {
        return merge(period, parts, period.end());
    }

    /**
     * As {@link #merge(CompliancePeriod, List)}, with time in alert counted up to
     * {@code asOf} at most (the end of a replay's input: a part closed early must not count
     * alert time past it).
     */
    public static ComplianceAccumulator merge(final CompliancePeriod period, final List<ComplianceAccumulator> parts,
                                              final Instant asOf) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge");
        }
        final ComplianceAccumulator first = parts.get(0);
        final ComplianceAccumulator m = new ComplianceAccumulator(period, first.objective, first.method, first.grace);
        for (final ComplianceAccumulator p : parts) {
            m.absorb(p);
            m.pagesFired += p.pagesFired;
            m.ticketsFired += p.ticketsFired;
            m.alertTime = m.alertTime.plusAlerted(p.timeInAlert(asOf.isBefore(p.period.end()) ? asOf : p.period.end())
                    .toMillis());
        }
        return m;
    }

    /**
     * Adds the requests of {@code hour}, a closed period inside this one (counts, latency
     * sketch, settled minutes and slices; not its alerts, which this period receives
     * itself): a day or month is the sum of its hours.
     */
    public void absorb(final ComplianceAccumulator hour) {
        if (hour.objective != objective || !hour.method.equals(method)) {
            throw new IllegalArgumentException("cannot add up accumulators of different objectives or methods");
        }
        if (hour.period.start().isBefore(period.start()) || hour.period.end().isAfter(period.end())) {
            throw new IllegalArgumentException(hour.period + " is not inside " + period);
        }
        total += hour.total;
        bad += hour.bad;
        latency.merge(hour.latency);
        minutes.mergeDisjoint(hour.minutes);
        if (slices != null) {
            slices.mergeDisjoint(hour.slices);
        }
    }

    /**
     * Takes a budget adjustment added after the fact out of this period's counts:
     * {@code removedTotal} requests leave it (excluded), and {@code clearedBad} bad ones leave
     * it or turn good. Occurrences only (slices keep no per-slice history); the latency
     * sketch, bad minutes and alerts are not changed (they keep no per-event history).
     *
     * @throws IllegalArgumentException for a sliced SLO or more than the period holds
     */
    public void correct(final long removedTotal, final long clearedBad) {
        if (slices != null) {
            throw new IllegalArgumentException("a " + method + " period cannot be corrected after the fact");
        }
        if (removedTotal < 0 || clearedBad < 0 || clearedBad > bad || removedTotal > total
                || bad - clearedBad > total - removedTotal) {
            throw new IllegalArgumentException("cannot take " + removedTotal + " requests (" + clearedBad
                    + " bad) out of " + total + " (" + bad + " bad)");
        }
        total -= removedTotal;
        bad -= clearedBad;
    }

    /** The corrected summary is published again: one revision up. */
    void bumpRevision() {
        revision++;
    }

    /** How often this period's summary was corrected after the fact; 0 for a first publication. */
    public int revision() {
        return revision;
    }

    /** See {@link #rollingRevision}. */
    int rollingRevision() {
        return rollingRevision;
    }

    void bumpRollingRevision() {
        rollingRevision++;
    }

    /** For {@link AccumulatorCodec}. */
    void restoreRevisions(final int own, final int rolling) {
        this.revision = own;
        this.rollingRevision = rolling;
    }

    /** What the error budget counts: requests, or slices with traffic (Timeslices). */
    public long budgetUnits() {
        return slices != null ? slices.slicesWithTraffic() : total;
    }

    /** The bad ones among {@link #budgetUnits()} (RatioTimeslices: the sum of bad ratios, rounded). */
    public long badUnits() {
        return ratio ? Math.round(badUnitsExact()) : slices != null ? slices.badSlices() : bad;
    }

    /** The bad ones among {@link #budgetUnits()}; for RatioTimeslices the sum of the slices' bad ratios. */
    public double badUnitsExact() {
        return ratio ? Math.max(0.0, slices.slicesWithTraffic() - slices.ratioSum()) : badUnits();
    }

    public long total() {
        return total;
    }

    public long bad() {
        return bad;
    }

    public long good() {
        return total - bad;
    }

    /** The period's latency distribution (live: do not modify). */
    public LatencySketch latency() {
        return latency;
    }

    /** Minutes whose own burn rate exceeded 1. */
    public long badMinutes() {
        return minutes.badSlices();
    }

    /** The Timeslices (or RatioTimeslices) counter; null for Occurrences. */
    public TimesliceCounter slices() {
        return slices;
    }

    public long pagesFired() {
        return pagesFired;
    }

    public long ticketsFired() {
        return ticketsFired;
    }

    /** Whether any page or ticket rule is firing now. */
    public boolean alerting() {
        return alertTime.alerting();
    }

    /** How long any rule was firing inside the period, up to {@code asOf} (clipped to the period). */
    public Duration timeInAlert(final Instant asOf) {
        return Duration.ofMillis(alertTime.alertedUpTo(clip(asOf.toEpochMilli())));
    }

    /** Attainment: good / total, or good slices / slices with traffic; null without traffic. */
    public Double sli() {
        if (ratio) {
            final long n = slices.slicesWithTraffic();
            return n == 0 ? null : slices.ratioSum() / n;
        }
        if (slices != null) {
            return slices.attainment();
        }
        return BurnRate.sli(bad, total);
    }

    /** Fraction of the period's error budget left: 1 untouched or without traffic, negative once overspent. */
    public double remainingFraction() {
        final long units = budgetUnits();
        return units <= 0 ? 1.0 : 1.0 - badUnitsExact() / ((double) units * errorBudget);
    }

    /** Whether the attainment meets the objective (exact comparison); true without traffic. */
    public boolean met() {
        final long n = budgetUnits();
        if (n == 0) {
            return true;
        }
        if (ratio) {
            return BigDecimal.valueOf(slices.ratioSum()).multiply(BigDecimal.valueOf(100))
                    .compareTo(BigDecimal.valueOf(objective).multiply(BigDecimal.valueOf(n))) >= 0;
        }
        return BigDecimal.valueOf(n - badUnits()).multiply(BigDecimal.valueOf(100))
                .compareTo(BigDecimal.valueOf(objective).multiply(BigDecimal.valueOf(n))) >= 0;
    }

    /** The summary for the SLO {@code spec}, as of {@code asOf} (the period end once it closed). */
    public ComplianceSummary summary(final SloSpec spec, final Instant asOf) {
        return summary(spec.id(), spec.service(), spec.labels(), asOf);
    }

    /** The summary, as of {@code asOf} (the period end once it closed; it clips the time in alert). */
    public ComplianceSummary summary(final String sloId, final String service, final Map<String, String> labels,
                                     final Instant asOf) {
        final long consumed = badUnits();
        final double allowed = BigDecimal.valueOf(budgetUnits())
                .multiply(BigDecimal.valueOf(100).subtract(BigDecimal.valueOf(objective)))
                .divide(BigDecimal.valueOf(100), MathContext.DECIMAL64).doubleValue();
        return new ComplianceSummary(sloId, service, labels, period.toPayload(), total, good(), bad, sli(), objective,
                met(), new ComplianceSummary.ErrorBudget(allowed, consumed, remainingFraction()),
                new ComplianceSummary.Latency(latency.quantileOrNull(0.50), latency.quantileOrNull(0.95),
                        latency.quantileOrNull(0.99)),
                badMinutes(), new ComplianceSummary.Alerts(pagesFired, ticketsFired), timeInAlert(asOf), revision);
    }

    // ---- for AccumulatorCodec ----

    Duration grace() {
        return grace;
    }

    TimesliceCounter minutes() {
        return minutes;
    }

    AlertTime alertTime() {
        return alertTime;
    }

    /** Sets the counters of a decoded accumulator (its sketch, minutes and slices are read in place). */
    void restoreCounts(final long totalCount, final long badCount, final long pages, final long tickets,
                       final AlertTime time) {
        this.total = totalCount;
        this.bad = badCount;
        this.pagesFired = pages;
        this.ticketsFired = tickets;
        this.alertTime = time;
    }

    private long clip(final long ms) {
        return Math.max(startMs, Math.min(endMs, ms));
    }

}
