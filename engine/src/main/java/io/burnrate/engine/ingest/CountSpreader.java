package io.burnrate.engine.ingest;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Spreads the counts of one interval over time buckets of a given width, exactly and
 * deterministically, for a count record whose interval is wider than a bucket (or not
 * aligned to the buckets).
 *
 * <p>The rule: the interval's {@code total} requests are taken to be evenly spaced, request
 * {@code k} (of {@code n}) at offset {@code (k + ½)·D/n} into the interval of width
 * {@code D}; a bucket receives the requests whose offset falls in it. Each subset count
 * (bad, each latency-over count) is spread the same way over the requests, not over time:
 * subset member {@code j} (of {@code m}) is request {@code ⌊(j + ½)·n/m⌋}. So
 * <ul>
 *   <li>the bucket counts add up exactly to the record's counts (integers, no rounding loss);</li>
 *   <li>a subset never exceeds the total in any bucket (bad ≤ total per bucket);</li>
 *   <li>the result depends only on the interval, the counts and the width (the same record
 *       always lands the same way; retries and replays agree);</li>
 *   <li>an interval inside one bucket lands whole in it, unchanged; an interval of
 *       {@code q} whole buckets with {@code n = q·c} gives {@code c} to each; otherwise
 *       the remainder goes to the buckets nearest the midpoints of the spacing (never more
 *       than one extra per bucket).</li>
 * </ul>
 *
 * <p>Precision: a window whose edge falls inside an interval counts the share of that
 * interval on its side of the edge, as if the interval's traffic had been uniform. The
 * true split is unknown, so a window sum may be off by up to that interval's counts at
 * each edge (zero when window edges fall on interval boundaries, as they do for windows of
 * whole intervals at bucket widths that divide the interval).
 */
public final class CountSpreader {

    /** What one bucket receives: {@code subsets[i]} is the share of the i-th subset count. */
    public record Share(long bucketStartMs, long total, long[] subsets) {
    }

    private CountSpreader() {
    }

    /**
     * The non-empty shares of {@code [startMs, endMs)} in buckets of {@code bucketMs}
     * aligned to the epoch (bucket {@code b} is {@code [b·bucketMs, (b+1)·bucketMs)}), in
     * time order.
     *
     * @param subsets counts of subsets of the total (bad, latency over a threshold), each in {@code [0, total]}
     */
    public static List<Share> spread(final long startMs, final long endMs, final long bucketMs, final long total,
                                     final long... subsets) {
        if (endMs <= startMs || bucketMs <= 0 || total < 0) {
            throw new IllegalArgumentException("need start < end, a positive bucket width and total >= 0");
        }
        for (final long s : subsets) {
            if (s < 0 || s > total) {
                throw new IllegalArgumentException("a subset count must lie in [0, total], got " + s);
            }
        }
        final long width = endMs - startMs;
        final List<Share> out = new ArrayList<>();
        final long first = Math.floorDiv(startMs, bucketMs);
        final long last = Math.floorDiv(endMs - 1, bucketMs);
        long before = 0;
        final long[] subBefore = new long[subsets.length];
        for (long b = first; b <= last; b++) {
            final long to = Math.min((b + 1) * bucketMs, endMs) - startMs;
            final long upTo = placedBefore(total, width, to);
            final long n = upTo - before;
            final long[] shares = new long[subsets.length];
            boolean any = n > 0;
            for (int i = 0; i < subsets.length; i++) {
                final long subUpTo = total == 0 ? 0 : placedBefore(subsets[i], total, upTo);
                shares[i] = subUpTo - subBefore[i];
                subBefore[i] = subUpTo;
                any |= shares[i] > 0;
            }
            if (any) {
                out.add(new Share(b * bucketMs, n, shares));
            }
            before = upTo;
        }
        return out;
    }

    /**
     * How many of {@code n} points evenly spaced over {@code [0, d)}, point k at
     * {@code (2k+1)·d/(2n)}, lie before {@code t}: the k with {@code (2k+1)·d < 2·n·t},
     * i.e. {@code clamp(⌈(2nt − d)/(2d)⌉, 0, n)}.
     */
    static long placedBefore(final long n, final long d, final long t) {
        if (t <= 0 || n == 0) {
            return 0;
        }
        if (t >= d) {
            return n;
        }
        try {
            final long num = Math.subtractExact(Math.multiplyExact(Math.multiplyExact(2L, n), t), d);
            final long den = Math.multiplyExact(2L, d);
            return Math.max(0, Math.min(n, -Math.floorDiv(-num, den)));
        } catch (ArithmeticException overflow) {
            final BigInteger num = BigInteger.valueOf(n).multiply(BigInteger.valueOf(t)).shiftLeft(1)
                    .subtract(BigInteger.valueOf(d));
            final BigInteger den = BigInteger.valueOf(d).shiftLeft(1);
            final BigInteger[] qr = num.divideAndRemainder(den);
            BigInteger ceil = qr[0];
            if (qr[1].signum() > 0) {
                ceil = ceil.add(BigInteger.ONE);
            }
            return Math.max(0, Math.min(n, ceil.longValueExact()));
        }
    }
}
