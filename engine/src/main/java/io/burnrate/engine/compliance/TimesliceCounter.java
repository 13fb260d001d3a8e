package io.burnrate.engine.compliance;

import io.burnrate.engine.slo.BudgetingMethod;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;

/**
 * Counts time slices (epoch-aligned, default 1 minute) by whether they met a target:
 * a slice with traffic is good when good / total >= target; attainment = good slices /
 * slices with traffic (OpenSLO's {@code Timeslices} budgeting method). Slices without
 * traffic count neither way.
 *
 * <p>The comparison is exact: the target is taken as the decimal it was written as
 * ({@code 0.95}, or {@code 99.9 %} as 0.999), so 19 good of 20 meets 0.95 and a minute
 * with exactly the allowed bad fraction is not "over budget".
 *
 * <p>The same counter gives the summaries' {@code badMinutes}: a minute whose own burn
 * rate (bad/total) / (1 - objective) exceeds 1 is exactly a 1-minute slice that misses
 * the target {@code objective}, so badMinutes = {@link #badSlices()} of
 * {@link #badMinutes(double, Duration)}.
 *
 * <p><b>State.</b> Per-slice counts are kept only while a slice may still receive
 * events: a slice is settled (folded into two counters) once the newest timestamp seen
 * is at least {@code grace} past its end. So the state is a handful of open slices
 * (grace / slice + 1) plus two longs, whatever the period length. An event for a slice
 * already settled (older than grace; the engine dead-letters those) is not counted and
 * is reported by {@link #add}'s return value.
 */
public final class TimesliceCounter {

    /** The default slice length, as in OpenSLO. */
    public static final Duration DEFAULT_SLICE = BudgetingMethod.DEFAULT_SLICE;

    private static final long[] NO_SLICES = new long[0];

    private final long sliceMs;
    private final long graceMs;
    /**
     * The target as unscaled / 10^scale in longs ({@code 0.999} = 999 / 1000), which fits any
     * target with up to 18 decimals; wider ones keep BigIntegers (null otherwise). Two
     * BigIntegers per counter were a quarter KiB of heap per SLO at 10,000 SLOs.
     */
    private final long targetUnscaled;
    private final long targetScale;
    private final BigInteger wideUnscaled;
    private final BigInteger wideScale;
    private final BigDecimal target;
    /**
     * The open slices, ascending by index, three longs each: index, total, good (the first
     * {@link #openCount} of them). One array instead of a tree map of boxed keys and
     * two-long arrays: a few hundred bytes less per counter, two counters per SLO.
     */
    private long[] open = NO_SLICES;
    private int openCount;
    private long settledGood;
    private long settledWithTraffic;
    /** Sum of the settled slices' good/total ratios (RatioTimeslices). */
    private double settledRatioSum;
    /** Slices with index below this are settled. */
    private long settledBelow = Long.MIN_VALUE;
    private long newest = Long.MIN_VALUE;
    /** The position in {@link #open} of the slice last added to, or -1. */
    private int last = -1;
    /** Start of slice {@link #last} in ms (valid while {@link #last} is not -1). */
    private long lastStart;
    /**
     * The earliest event time at which {@link #advanceTo} can settle a slice: before it, an
     * event only moves {@link #newest} (no division per event).
     */
    private long settleAt = Long.MIN_VALUE;

    /**
     * @param slice  slice length, a whole number of milliseconds dividing a day (1m, 5m, 1h ...)
     * @param target good fraction a slice must reach, in (0, 1]
     * @param grace  how long after a slice's end events for it may still arrive
     */
    public TimesliceCounter(final Duration slice, final BigDecimal target, final Duration grace) {
        this.sliceMs = slice.toMillis();
        if (sliceMs <= 0 || 86_400_000L % sliceMs != 0) {
            throw new IllegalArgumentException("time slice must divide a day, not " + slice);
        }
        if (target.signum() <= 0 || target.compareTo(BigDecimal.ONE) > 0) {
            throw new IllegalArgumentException("timeSliceTarget must be in (0, 1], not " + target);
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative, not " + grace);
        }
        this.graceMs = grace.toMillis();
        this.target = target.stripTrailingZeros();
        final BigInteger unscaled = this.target.unscaledValue();
        final int scale = Math.max(0, this.target.scale());
        if (scale <= 18 && unscaled.bitLength() < Long.SIZE) {
            this.targetUnscaled = unscaled.longValueExact();
            this.targetScale = BigInteger.TEN.pow(scale).longValueExact();
            this.wideUnscaled = null;
            this.wideScale = null;
        } else {
            this.targetUnscaled = 0;
            this.targetScale = 0;
            this.wideUnscaled = unscaled;
            this.wideScale = BigInteger.TEN.pow(scale);
        }
    }

    /** The counter behind {@code badMinutes}: 1-minute slices against {@code objectivePercent} (e.g. 99.9). */
    public static TimesliceCounter badMinutes(final double objectivePercent, final Duration grace) {
        return new TimesliceCounter(DEFAULT_SLICE, BigDecimal.valueOf(objectivePercent).movePointLeft(2), grace);
    }

    public Duration slice() {
        return Duration.ofMillis(sliceMs);
    }

    public BigDecimal target() {
        return target;
    }

    /**
     * Counts {@code total} events at {@code timestampMs}, {@code good} of them good.
     *
     * @return false when the slice was already settled and the events were not counted
     */
    public boolean add(final long timestampMs, final long total, final long good) {
        if (total < 0 || good < 0 || good > total) {
            throw new IllegalArgumentException("need 0 <= good <= total, not good " + good + " of " + total);
        }
        final long sinceLast = timestampMs - lastStart; // negative also where it overflows: no shortcut
        int k = last >= 0 && timestampMs >= lastStart && sinceLast >= 0 && sinceLast < sliceMs
                ? last : -1; // most events land in the newest slice: no division, no search
        if (k < 0) {
            final long idx = Math.floorDiv(timestampMs, sliceMs);
            if (idx < settledBelow) {
                return false;
            }
            if (total > 0) {
                k = slot(idx);
                last = k;
                lastStart = idx * sliceMs;
            }
        }
        if (total > 0) {
            open[3 * k + 1] += total;
            open[3 * k + 2] += good;
        }
        advanceTo(timestampMs);
        return true;
    }

    /** The position of slice {@code idx} in {@link #open}, inserted (counts 0) where it is missing. */
    private int slot(final long idx) {
        int k = openCount;
        while (k > 0 && open[3 * (k - 1)] >= idx) {
            k--;
        }
        if (k < openCount && open[3 * k] == idx) {
            return k;
        }
        if (3 * (openCount + 1) > open.length) {
            open = Arrays.copyOf(open, 3 * Math.max(4, 2 * openCount));
        }
        System.arraycopy(open, 3 * k, open, 3 * (k + 1), 3 * (openCount - k));
        open[3 * k] = idx;
        open[3 * k + 1] = 0;
        open[3 * k + 2] = 0;
        openCount++;
        if (last >= k) {
            last++;
        }
        return k;
    }

    /** Moves time forward (the newest event time), settling slices that ended at least grace before it. */
    public void advanceTo(final long timestampMs) {
        if (timestampMs <= newest) {
            return;
        }
        newest = timestampMs;
        if (timestampMs < settleAt) {
            return;
        }
        // a slice [i*s, (i+1)*s) settles once newest >= (i+1)*s + grace
        final long limit = Math.floorDiv(timestampMs - graceMs, sliceMs); // first index not yet settled
        if (limit <= settledBelow) {
            return;
        }
        int m = 0;
        while (m < openCount && open[3 * m] < limit) {
            final long total = open[3 * m + 1];
            final long good = open[3 * m + 2];
            settledWithTraffic++;
            settledRatioSum += (double) good / (double) total;
            if (meets(total, good)) {
                settledGood++;
            }
            m++;
        }
        if (m > 0) {
            System.arraycopy(open, 3 * m, open, 0, 3 * (openCount - m));
            openCount -= m;
            last = last >= m ? last - m : -1;
        }
        settledBelow = limit;
        settleAt = settleAt(limit);
    }

    /** {@link #settleAt} once slices below {@code below} are settled: (below + 1) x slice + grace, saturated. */
    private long settleAt(final long below) {
        if (below == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        if (below >= (Long.MAX_VALUE - graceMs) / sliceMs - 1) {
            return Long.MAX_VALUE;
        }
        if (below < Long.MIN_VALUE / sliceMs + 1) {
            return Long.MIN_VALUE;
        }
        return (below + 1) * sliceMs + graceMs;
    }

    /** Whether a slice with {@code good} of {@code total} meets the target: good x 10^scale >= unscaled x total. */
    public boolean meets(final long total, final long good) {
        if (total <= 0) {
            return false;
        }
        if (wideUnscaled != null) {
            return BigInteger.valueOf(good).multiply(wideScale)
                    .compareTo(wideUnscaled.multiply(BigInteger.valueOf(total))) >= 0;
        }
        // both products exactly, in 128 bits (all four factors are >= 0): high words signed, low unsigned
        final long leftHigh = Math.multiplyHigh(good, targetScale);
        final long rightHigh = Math.multiplyHigh(targetUnscaled, total);
        if (leftHigh != rightHigh) {
            return leftHigh > rightHigh;
        }
        return Long.compareUnsigned(good * targetScale, targetUnscaled * total) >= 0;
    }

    /** Slices (settled and open) that had at least one event. */
    public long slicesWithTraffic() {
        return settledWithTraffic + openCount;
    }

    /** Slices with traffic that met the target. */
    public long goodSlices() {
        long good = settledGood;
        for (int k = 0; k < openCount; k++) {
            if (meets(open[3 * k + 1], open[3 * k + 2])) {
                good++;
            }
        }
        return good;
    }

    /** The sum, over slices with traffic (settled and open), of each slice's good/total ratio. */
    public double ratioSum() {
        double sum = settledRatioSum;
        for (int k = 0; k < openCount; k++) {
            sum += (double) open[3 * k + 2] / (double) open[3 * k + 1];
        }
        return sum;
    }

    /** Slices with traffic that missed the target. */
    public long badSlices() {
        return slicesWithTraffic() - goodSlices();
    }

    /** good slices / slices with traffic; null without traffic. */
    public Double attainment() {
        final long n = slicesWithTraffic();
        return n == 0 ? null : (double) goodSlices() / (double) n;
    }

    /** Slices still held individually (the state bound). */
    public int openSlices() {
        return openCount;
    }

    /** Adds the slices of {@code other}, which covers a disjoint stretch of time with the same slice and target. */
    public void mergeDisjoint(final TimesliceCounter other) {
        if (other.sliceMs != sliceMs || other.target.compareTo(target) != 0) {
            throw new IllegalArgumentException("cannot merge slices of " + other.slice() + " / " + other.target
                    + " into " + slice() + " / " + target);
        }
        settledGood += other.goodSlices();
        settledWithTraffic += other.slicesWithTraffic();
        settledRatioSum += other.ratioSum();
    }

    /** The settled ratio sum, stored only for RatioTimeslices (after {@link #write}). */
    void writeRatioSum(final DataOutputStream out) throws IOException {
        out.writeDouble(settledRatioSum);
    }

    void readRatioSum(final DataInputStream in) throws IOException {
        settledRatioSum = in.readDouble();
    }

    void write(final DataOutputStream out) throws IOException {
        out.writeLong(settledGood);
        out.writeLong(settledWithTraffic);
        out.writeLong(settledBelow);
        out.writeLong(newest);
        out.writeInt(openCount);
        for (int k = 0; k < 3 * openCount; k++) {
            out.writeLong(open[k]);
        }
    }

    void read(final DataInputStream in) throws IOException {
        settledGood = in.readLong();
        settledWithTraffic = in.readLong();
        settledBelow = in.readLong();
        settleAt = settleAt(settledBelow);
        newest = in.readLong();
        final int n = in.readInt();
        openCount = 0;
        last = -1;
        open = NO_SLICES;
        for (int i = 0; i < n; i++) {
            final long idx = in.readLong();
            final long total = in.readLong();
            final long good = in.readLong();
            final int k = slot(idx);
            open[3 * k + 1] = total;
            open[3 * k + 2] = good;
        }
    }
}
