package io.burnrate.engine.sli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * How an SLO's windows map onto tiers of fixed-width buckets, so that state per SLO is
 * bounded by its windows and independent of traffic.
 *
 * <p>Each window is served by the finest resolution in {@link #RESOLUTIONS} that covers
 * it in at most {@link #MAX_BUCKETS_PER_WINDOW} buckets. Every resolution there is at
 * most 1/60 of the windows it serves (5m at 1 s, 1h at 5 s, 6h at 1 min, 3d at 10 min,
 * 30d at 1 h). A tier keeps as many buckets as its longest window needs.
 *
 * <p>Window semantics: a window of length W at time t sums the W/r most recent buckets of
 * its tier, the current (partial) one included, i.e. events with timestamps in
 * [(floor(t/r) - W/r + 1) * r, t]. The sums are exact integer counts over that interval.
 *
 * @param resolutions  bucket width of each tier in ms, finest first
 * @param tierBuckets  bucket count of each tier
 * @param windows      every window, shortest first
 * @param windowTier   the tier of each window
 */
public record BucketLayout(long[] resolutions, int[] tierBuckets, List<Duration> windows, int[] windowTier) {

    public static final long[] RESOLUTIONS = {1_000L, 5_000L, 60_000L, 600_000L, 3_600_000L};
    public static final int MAX_BUCKETS_PER_WINDOW = 720;

    /** The layout for these windows (any order, duplicates ignored). */
    public static BucketLayout of(final List<Duration> windows) {
        final TreeMap<Duration, Long> resolutionOf = new TreeMap<>();
        for (final Duration w : windows) {
            resolutionOf.put(w, resolutionFor(w));
        }
        final TreeMap<Long, Integer> bucketsOf = new TreeMap<>();
        for (final var e : resolutionOf.entrySet()) {
            final int n = (int) (e.getKey().toMillis() / e.getValue());
            bucketsOf.merge(e.getValue(), n, Math::max);
        }
        final long[] res = bucketsOf.keySet().stream().mapToLong(Long::longValue).toArray();
        final int[] len = bucketsOf.values().stream().mapToInt(Integer::intValue).toArray();
        final List<Duration> ordered = new ArrayList<>(resolutionOf.keySet());
        final int[] tierOf = new int[ordered.size()];
        for (int i = 0; i < ordered.size(); i++) {
            tierOf[i] = Arrays.binarySearch(res, resolutionOf.get(ordered.get(i)));
        }
        return new BucketLayout(res, len, List.copyOf(ordered), tierOf);
    }

    static long resolutionFor(final Duration window) {
        final long ms = window.toMillis();
        for (final long r : RESOLUTIONS) {
            if (ms % r == 0 && ms / r <= MAX_BUCKETS_PER_WINDOW) {
                return r;
            }
        }
        for (int i = RESOLUTIONS.length - 1; i >= 0; i--) {
            if (ms % RESOLUTIONS[i] == 0) {
                return RESOLUTIONS[i];
            }
        }
        throw new IllegalArgumentException("window " + window + " is not a whole number of seconds");
    }

    /** Buckets in this window: W / r. */
    public int bucketsOf(final int window) {
        return (int) (windows.get(window).toMillis() / resolutions[windowTier[window]]);
    }

    /** Total buckets kept per SLO: the state bound. */
    public int totalBuckets() {
        int sum = 0;
        for (final int n : tierBuckets) {
            sum += n;
        }
        return sum;
    }

    public int indexOf(final Duration window) {
        final int i = windows.indexOf(window);
        if (i < 0) {
            throw new IllegalArgumentException("no window " + window + " in " + windows);
        }
        return i;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof BucketLayout other
                && Arrays.equals(resolutions, other.resolutions)
                && Arrays.equals(tierBuckets, other.tierBuckets)
                && windows.equals(other.windows);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(resolutions) + windows.hashCode();
    }

    @Override
    public String toString() {
        return "BucketLayout" + windows + " tiers " + Arrays.toString(resolutions)
                + " x " + Arrays.toString(tierBuckets);
    }
}
