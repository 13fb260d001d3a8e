package io.burnrate.engine.compliance;

import io.burnrate.engine.sli.BurnRate;
import io.burnrate.engine.slo.BudgetingMethod;
import io.burnrate.engine.slo.CompliancePeriod;
import io.burnrate.engine.slo.Grace;
import io.burnrate.engine.slo.PeriodKind;
import io.burnrate.engine.slo.Severity;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.schemas.ComplianceSummary;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 *   <li>met: sli >= objective / 100, compared exactly; true without traffic.</li>
 *   <li>badMinutes: UTC minutes whose (bad / total) / e exceeds 1.</li>
 * </ul>
 *
 * <p>Not thread-safe.
 */
public final class ComplianceAccumulator {

    static final byte FORMAT_V1 = 1;

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
    private long total;
    private long bad;
    private long pagesFired;
    private long ticketsFired;
    private int pagesFiring;
    private int ticketsFiring;
    /** Epoch ms since when at least one rule fires (clipped to the period); valid while any fires. */
    private long alertingSinceMs;
    /** Closed alerting time inside the period, ms. */
    private long alertedMs;

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

    private ComplianceAccumulator(final CompliancePeriod period, final double objective, final BudgetingMethod method,
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
        this.slices = method instanceof BudgetingMethod.Timeslices t ? new TimesliceCounter(t.timeSliceWindow(),
                t.timeSliceTarget(), grace) : null;
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

    /**
     * Counts {@code count} requests at {@code timestampMs} with latency {@code latencyMs},
     * {@code bad} of them bad.
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
        latency.add(latencyMs, count);
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
            startFiring(page, t);
        } else {
            if (page ? pagesFiring == 0 : ticketsFiring == 0) {
                return; // resolve of a rule this accumulator never saw firing
            }
            if (page) {
                pagesFiring--;
            } else {
                ticketsFiring--;
            }
            if (pagesFiring + ticketsFiring == 0) {
                alertedMs += Math.max(0, t - alertingSinceMs);
            }
        }
    }



    /**
     * A rule of {@code severity} was already firing when this period opened, since
     * {@code sinceMs} (clipped to the period start): its time counts, but it is not an
     * alert fired in this period.
     */
    public void alreadyFiring(final Severity severity, final long sinceMs) {
        startFiring(severity == Severity.PAGE, clip(sinceMs));
    }

    private void startFiring(final boolean page, final long t) {
        if (pagesFiring + ticketsFiring == 0) {
            alertingSinceMs = t;
        }
        if (page) {
            pagesFiring++;
        } else {
            ticketsFiring++;
        }
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
            m.alertedMs += p.timeInAlert(asOf.isBefore(p.period.end()) ? asOf : p.period.end()).toMillis();
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

    /** What the error budget counts: requests, or slices with traffic (Timeslices). */
    public long budgetUnits() {
        return slices != null ? slices.slicesWithTraffic() : total;
    }

    /** The bad ones among {@link #budgetUnits()}. */
    public long badUnits() {
        return slices != null ? slices.badSlices() : bad;
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

    /** The Timeslices counter; null for Occurrences. */
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
        return pagesFiring + ticketsFiring > 0;
    }

    /** How long any rule was firing inside the period, up to {@code asOf} (clipped to the period). */
    public Duration timeInAlert(final Instant asOf) {
        long ms = alertedMs;
        if (alerting()) {
            ms += Math.max(0, clip(asOf.toEpochMilli()) - alertingSinceMs);
        }
        return Duration.ofMillis(ms);
    }

    /** Attainment: good / total, or good slices / slices with traffic; null without traffic. */
    public Double sli() {
        if (slices != null) {
            return slices.attainment();
        }
        return BurnRate.sli(bad, total);
    }

    /** Fraction of the period's error budget left: 1 untouched or without traffic, negative once overspent. */
    public double remainingFraction() {
        return BurnRate.budgetRemaining(badUnits(), budgetUnits(), errorBudget);
    }

    /** Whether the attainment meets the objective (exact comparison); true without traffic. */
    public boolean met() {
        final long n = budgetUnits();
        if (n == 0) {
            return true;
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
                badMinutes(), new ComplianceSummary.Alerts(pagesFired, ticketsFired), timeInAlert(asOf));
    }

    /** The state as bytes, for a state store. */
    public byte[] toBytes() {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_V1);
            out.writeUTF(period.kind().label());
            out.writeLong(startMs);
            out.writeLong(endMs);
            out.writeDouble(objective);
            out.writeLong(grace.toMillis());
            if (method instanceof BudgetingMethod.Timeslices t) {
                out.writeBoolean(true);
                out.writeUTF(t.timeSliceTarget().toString());
                out.writeLong(t.timeSliceWindow().toMillis());
            } else {
                out.writeBoolean(false);
            }
            final byte[] sketch = latency.toBytes();
            out.writeInt(sketch.length);
            out.write(sketch);
            out.writeLong(total);
            out.writeLong(bad);
            out.writeLong(pagesFired);
            out.writeLong(ticketsFired);
            out.writeInt(pagesFiring);
            out.writeInt(ticketsFiring);
            out.writeLong(alertingSinceMs);
            out.writeLong(alertedMs);
            minutes.write(out);
            if (slices != null) {
                slices.write(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads what {@link #toBytes()} wrote.
     *
     * @throws IllegalArgumentException when the bytes are not an accumulator
     */
    public static ComplianceAccumulator fromBytes(final byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            final byte format = in.readByte();
            if (format != FORMAT_V1) {
                throw new IllegalArgumentException("not a compliance accumulator (format " + format + ")");
            }
            final CompliancePeriod period = new CompliancePeriod(PeriodKind.ofLabel(in.readUTF()),
                    Instant.ofEpochMilli(in.readLong()), Instant.ofEpochMilli(in.readLong()));
            final double objective = in.readDouble();
            final Duration grace = Duration.ofMillis(in.readLong());
            final BudgetingMethod method = in.readBoolean()
                    ? new BudgetingMethod.Timeslices(new BigDecimal(in.readUTF()), Duration.ofMillis(in.readLong()))
                    : BudgetingMethod.OCCURRENCES;
            final byte[] sketch = new byte[in.readInt()];
            in.readFully(sketch);
            final ComplianceAccumulator a = new ComplianceAccumulator(period, objective, method, grace,
                    LatencySketch.fromBytes(sketch));
            a.total = in.readLong();
            a.bad = in.readLong();
            a.pagesFired = in.readLong();
            a.ticketsFired = in.readLong();
            a.pagesFiring = in.readInt();
            a.ticketsFiring = in.readInt();
            a.alertingSinceMs = in.readLong();
            a.alertedMs = in.readLong();
            a.minutes.read(in);
            if (a.slices != null) {
                a.slices.read(in);
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException("corrupt compliance accumulator: trailing bytes");
            }
            return a;
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("corrupt compliance accumulator: " + e.getMessage(), e);
        }
    }

    private long clip(final long ms) {
        return Math.max(startMs, Math.min(endMs, ms));
    }
}
