package io.burnrate.engine.monitor;

/**
 * The burn-down chart of an SLO ({@link SloMonitor#burnDown()}): per bucket of the SLO
 * window (for a calendar SLO: of the current period), oldest first, from the first bucket
 * with traffic, its start and the error budget left after it. Empty while the window has
 * no traffic.
 *
 * @param starts    bucket starts, epoch ms
 * @param remaining the fraction of the error budget left after each bucket
 */
public record BurnDown(long[] starts, float[] remaining) {

    /** The first bucket's start, or 0 without buckets. */
    public long firstStart() {
        return starts.length == 0 ? 0 : starts[0];
    }

    /** The bucket width, or 0 with fewer than two buckets. */
    public long step() {
        return starts.length < 2 ? 0 : starts[1] - starts[0];
    }
}
