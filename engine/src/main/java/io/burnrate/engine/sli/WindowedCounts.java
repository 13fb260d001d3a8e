package io.burnrate.engine.sli;

/**
 * Good/bad counts of one SLO in tiers of ring-buffered buckets, with the sum of every
 * window maintained incrementally: adding an event touches one bucket per tier and one
 * running sum per window; advancing time evicts only the buckets that leave a window.
 * Neither cost depends on the event rate or the window length.
 *
 * <p>Time only moves forward ({@link #advanceTo}); an event older than the current time
 * still counts in every window whose range includes its bucket (late data within grace).
 * Counts are exact; see {@link BucketLayout} for the window boundaries.
 */
public final class WindowedCounts {

    /** Slots per persisted chunk; dirty tracking is per chunk. */
    public static final int CHUNK = 64;
    public static final long NO_TIME = Long.MIN_VALUE;

    private final BucketLayout layout;
    private final long[][] total;
    private final long[][] bad;
    private final long[] current;
    private final long[][] dirty;
    private final long[] winTotal;
    private final long[] winBad;
    private final int[] winBuckets;
    private long now = NO_TIME;

    public WindowedCounts(final BucketLayout layout) {
        this.layout = layout;
        final int tiers = layout.resolutions().length;
        total = new long[tiers][];
        bad = new long[tiers][];
        dirty = new long[tiers][];
        current = new long[tiers];
        for (int t = 0; t < tiers; t++) {
            total[t] = new long[layout.tierBuckets()[t]];
            bad[t] = new long[layout.tierBuckets()[t]];
            dirty[t] = new long[(chunks(t) + 63) / 64];
        }
        final int windows = layout.windows().size();
        winTotal = new long[windows];
        winBad = new long[windows];
        winBuckets = new int[windows];
        for (int w = 0; w < windows; w++) {
            winBuckets[w] = layout.bucketsOf(w);
        }
    }

    public BucketLayout layout() {
        return layout;
    }

    /** Event time up to which the counts are current; {@link #NO_TIME} before any. */
    public long now() {
        return now;
    }

    /**
     * Counts {@code count} events at {@code timestamp}, {@code badCount} of them bad,
     * advancing time first when the timestamp is newer.
     */
    public void add(final long timestamp, final long count, final long badCount) {
        advanceTo(timestamp);
        for (int t = 0; t < total.length; t++) {
            final long idx = Math.floorDiv(timestamp, layout.resolutions()[t]);
            final int len = total[t].length;
            if (idx <= current[t] - len) {
                continue;
            }
            final int slot = (int) Math.floorMod(idx, (long) len);
            total[t][slot] += count;
            bad[t][slot] += badCount;
            markDirty(t, slot);
        }
        final int[] tierOf = layout.windowTier();
        for (int w = 0; w < winTotal.length; w++) {
            final int t = tierOf[w];
            final long idx = Math.floorDiv(timestamp, layout.resolutions()[t]);
            if (idx > current[t] - winBuckets[w]) {
                winTotal[w] += count;
                winBad[w] += badCount;
            }
        }
    }

    /** {@link #advanceTo} result bit: some window's sums changed (rules must be re-evaluated). */
    public static final int SUMS_CHANGED = 1;
    /** {@link #advanceTo} result bit: non-empty buckets were cleared (state must be persisted). */
    public static final int SLOTS_CLEARED = 2;

    /**
     * Moves time forward to {@code timestamp} (no-op when it is not newer). Returns
     * {@link #SUMS_CHANGED} and/or {@link #SLOTS_CLEARED}: when neither is set, only the
     * clock moved, every rule would decide as before and nothing needs writing.
     */
    public int advanceTo(final long timestamp) {
        if (now != NO_TIME && timestamp <= now) {
            return 0;
        }
        int result = 0;
        final int[] tierOf = layout.windowTier();
        for (int t = 0; t < total.length; t++) {
            final long target = Math.floorDiv(timestamp, layout.resolutions()[t]);
            if (now == NO_TIME) {
                current[t] = target;
                continue;
            }
            final int len = total[t].length;
            if (target - current[t] >= len) {
                for (final long v : total[t]) {
                    if (v != 0) {
                        result |= SLOTS_CLEARED | SUMS_CHANGED;
                        break;
                    }
                }
                java.util.Arrays.fill(total[t], 0);
                java.util.Arrays.fill(bad[t], 0);
                java.util.Arrays.fill(dirty[t], -1L);
                for (int w = 0; w < winTotal.length; w++) {
                    if (tierOf[w] == t) {
                        winTotal[w] = 0;
                        winBad[w] = 0;
                    }
                }
                current[t] = target;
                continue;
            }
            for (long i = current[t] + 1; i <= target; i++) {
                for (int w = 0; w < winTotal.length; w++) {
                    if (tierOf[w] == t) {
                        final int leaving = (int) Math.floorMod(i - winBuckets[w], (long) len);
                        if (total[t][leaving] != 0 || bad[t][leaving] != 0) {
                            winTotal[w] -= total[t][leaving];
                            winBad[w] -= bad[t][leaving];
                            result |= SUMS_CHANGED;
                        }
                    }
                }
                final int slot = (int) Math.floorMod(i, (long) len);
                if (total[t][slot] != 0 || bad[t][slot] != 0) {
                    total[t][slot] = 0;
                    bad[t][slot] = 0;
                    markDirty(t, slot);
                    result |= SLOTS_CLEARED;
                }
            }
            current[t] = target;
        }
        now = timestamp;
        return result;
    }

    public long total(final int window) {
        return winTotal[window];
    }

    public long bad(final int window) {
        return winBad[window];
    }

    /** Receives one bucket of a window: its start time and counts. */
    @FunctionalInterface
    public interface BucketVisitor {
        void visit(long startMs, long total, long bad);
    }

    /** Visits the buckets of a window, oldest first (the current, partial one last). */
    public void forEachBucket(final int window, final BucketVisitor visitor) {
        if (now == NO_TIME) {
            return;
        }
        final int t = layout.windowTier()[window];
        final long res = layout.resolutions()[t];
        final int len = total[t].length;
        for (long i = current[t] - winBuckets[window] + 1; i <= current[t]; i++) {
            final int slot = (int) Math.floorMod(i, (long) len);
            visitor.visit(i * res, total[t][slot], bad[t][slot]);
        }
    }

    // ---- persistence support: chunks of CHUNK slots per tier ----

    public int tiers() {
        return total.length;
    }

    public int chunks(final int tier) {
        return (layout.tierBuckets()[tier] + CHUNK - 1) / CHUNK;
    }

    public boolean isDirty(final int tier, final int chunk) {
        return (dirty[tier][chunk >>> 6] & (1L << (chunk & 63))) != 0;
    }

    public void clearDirty() {
        for (final long[] d : dirty) {
            java.util.Arrays.fill(d, 0);
        }
    }

    /** Total and bad counts of one slot (ring position, not absolute bucket index). */
    public long slotTotal(final int tier, final int slot) {
        return total[tier][slot];
    }

    public long slotBad(final int tier, final int slot) {
        return bad[tier][slot];
    }

    /**
     * Restores persisted state: time, then slot contents; window sums are rebuilt from
     * the slots. Call {@link #setSlot} for every stored slot, then {@link #rebuildSums}.
     */
    public void restoreTime(final long timestamp) {
        now = timestamp;
        for (int t = 0; t < total.length; t++) {
            current[t] = timestamp == NO_TIME ? 0 : Math.floorDiv(timestamp, layout.resolutions()[t]);
        }
    }

    public void setSlot(final int tier, final int slot, final long slotTotal, final long slotBad) {
        total[tier][slot] = slotTotal;
        bad[tier][slot] = slotBad;
    }

    public void rebuildSums() {
        final int[] tierOf = layout.windowTier();
        for (int w = 0; w < winTotal.length; w++) {
            final int t = tierOf[w];
            final int len = total[t].length;
            long sumTotal = 0;
            long sumBad = 0;
            for (long i = current[t] - winBuckets[w] + 1; i <= current[t]; i++) {
                final int slot = (int) Math.floorMod(i, (long) len);
                sumTotal += total[t][slot];
                sumBad += bad[t][slot];
            }
            winTotal[w] = sumTotal;
            winBad[w] = sumBad;
        }
        clearDirty();
    }

    private void markDirty(final int tier, final int slot) {
        final int chunk = slot / CHUNK;
        dirty[tier][chunk >>> 6] |= 1L << (chunk & 63);
    }
}
