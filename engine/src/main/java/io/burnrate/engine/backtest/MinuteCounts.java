package io.burnrate.engine.backtest;

import java.util.Arrays;

/**
 * Good and bad events per minute of event time for one SLO: what the incident deriver,
 * the budget spent before detection and the report's burn-rate charts are computed
 * from. Arrays grow in both directions as events arrive, so the input need not be in
 * order; memory is two longs per minute between the first and the last event (a month:
 * 43,200 minutes, 0.7 MB).
 */
final class MinuteCounts {

    static final long MINUTE_MS = 60_000L;

    private long base = Long.MIN_VALUE;
    private long[] total = new long[0];
    private long[] bad = new long[0];
    private long firstMinute = Long.MAX_VALUE;
    private long lastMinute = Long.MIN_VALUE;
    private long firstMs = Long.MAX_VALUE;
    private long lastMs = Long.MIN_VALUE;

    void add(final long timestampMs, final boolean isBad) {
        final long minute = Math.floorDiv(timestampMs, MINUTE_MS);
        if (base == Long.MIN_VALUE) {
            base = minute - 60;
            total = new long[24 * 60];
            bad = new long[24 * 60];
        }
        if (minute < base) {
            final int shift = (int) Math.max(base - minute + 60, total.length);
            total = shiftRight(total, shift);
            bad = shiftRight(bad, shift);
            base -= shift;
        }
        int i = (int) (minute - base);
        if (i >= total.length) {
            final int size = Math.max(total.length * 2, i + 60);
            total = Arrays.copyOf(total, size);
            bad = Arrays.copyOf(bad, size);
        }
        total[i]++;
        if (isBad) {
            bad[i]++;
        }
        firstMs = Math.min(firstMs, timestampMs);
        lastMs = Math.max(lastMs, timestampMs);
        firstMinute = Math.min(firstMinute, minute);
        lastMinute = Math.max(lastMinute, minute);
    }

    boolean isEmpty() {
        return firstMinute == Long.MAX_VALUE;
    }

    /** First minute with an event (minutes since the epoch); meaningless when empty. */
    long firstMinute() {
        return firstMinute;
    }

    long lastMinute() {
        return lastMinute;
    }

    /** Event time of the earliest event (epoch ms); meaningless when empty. */
    long firstMs() {
        return firstMs;
    }

    long lastMs() {
        return lastMs;
    }

    long total(final long minute) {
        final long i = minute - base;
        return isEmpty() || i < 0 || i >= total.length ? 0 : total[(int) i];
    }

    long bad(final long minute) {
        final long i = minute - base;
        return isEmpty() || i < 0 || i >= bad.length ? 0 : bad[(int) i];
    }

    /** The minute's burn rate: (bad / total) / errorBudget; 0 without traffic. */
    double burnRate(final long minute, final double errorBudget) {
        final long t = total(minute);
        return t == 0 ? 0 : (double) bad(minute) / t / errorBudget;
    }

    private static long[] shiftRight(final long[] a, final int by) {
        final long[] out = new long[a.length + by];
        System.arraycopy(a, 0, out, by, a.length);
        return out;
    }
}
