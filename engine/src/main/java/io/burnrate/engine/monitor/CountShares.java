package io.burnrate.engine.monitor;

import io.burnrate.engine.ingest.CountRecord;
import io.burnrate.engine.ingest.CountSpreader;
import io.burnrate.engine.sli.BucketLayout;
import io.burnrate.engine.slo.Indicator;
import io.burnrate.engine.slo.SloSpec;
import java.util.List;
import java.util.Map;

/**
 * One count record spread over the finest bucket width any SLO has (1 s,
 * {@link BucketLayout#RESOLUTIONS}) by {@link CountSpreader}, once for every SLO it counts
 * for: coarser buckets are unions of 1-s buckets, and the spreading rule places requests
 * by position, so each SLO's buckets get what spreading at their own width would give.
 *
 * <p>Bad counts, spread over the requests with them: subset 0 is {@code bad} (availability
 * SLOs); subset {@code 1 + i} is, for the i-th threshold of {@code latencyOverMs}, what a
 * latency SLO with that threshold counts as bad: the failed requests plus the slower ones,
 * {@code min(total, bad + latencyOverMs[threshold])} (a request is bad when it failed or was
 * slow, as for events; the producer counts in {@code latencyOverMs} the slow requests that
 * did not fail).
 *
 * <p>Each share counts at {@link #time}: the start of its bucket (the interval's start for
 * the first one), so the equivalent raw events are one per bucket at the bucket start.
 */
final class CountShares {

    /** The width the record is spread at: the finest bucket of every layout. */
    static final long WIDTH_MS = BucketLayout.RESOLUTIONS[0];
    /** {@link #subsetOf}: the SLO's latency threshold is not among the record's. */
    static final int NO_SUBSET = -1;

    private final CountRecord record;
    private final double[] thresholds;
    private final List<CountSpreader.Share> shares;

    private CountShares(final CountRecord record, final double[] thresholds, final List<CountSpreader.Share> shares) {
        this.record = record;
        this.thresholds = thresholds;
        this.shares = shares;
    }

    static CountShares of(final CountRecord r) {
        final Map<Double, Long> over = r.latencyOverMs();
        final double[] thresholds = new double[over.size()];
        final long[] subsets = new long[1 + over.size()];
        subsets[0] = r.bad();
        int i = 0;
        for (final Map.Entry<Double, Long> e : over.entrySet()) {
            thresholds[i] = e.getKey();
            // both are at most total (CountParser), so the sum cannot overflow
            subsets[1 + i] = Math.min(r.total(), r.bad() + e.getValue());
            i++;
        }
        final List<CountSpreader.Share> shares = r.total() == 0 ? List.of()
                : CountSpreader.spread(r.startMs(), r.endMs(), WIDTH_MS, r.total(), subsets);
        return new CountShares(r, thresholds, shares);
    }

    /** The shares with requests, in time order. */
    List<CountSpreader.Share> shares() {
        return shares;
    }

    /** The event time a share counts at: its bucket's start, not before the interval's. */
    long time(final CountSpreader.Share s) {
        return Math.max(s.bucketStartMs(), record.startMs());
    }

    /** Which subset holds {@code spec}'s bad requests, or {@link #NO_SUBSET}. */
    int subsetOf(final SloSpec spec) {
        if (spec.indicator() instanceof Indicator.Latency l) {
            for (int i = 0; i < thresholds.length; i++) {
                if (thresholds[i] == l.thresholdMs()) {
                    return 1 + i;
                }
            }
            return NO_SUBSET;
        }
        return 0;
    }
}
