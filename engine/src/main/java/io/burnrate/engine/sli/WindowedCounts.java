package io.burnrate.engine.sli;

import java.util.Arrays;

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

    /** Slots per persisted chunk (one word of the dirty bitset). */
    public static final int CHUNK = 64;
    public static final long NO_TIME = Long.MIN_VALUE;
    /** Buckets this wide or wider count in longs; narrower ones in unsigned ints (half the heap). */
    static final long WIDE_FROM_MS = 3_600_000L;

    private final BucketLayout layout;
    private final int layoutHash;
    private final Slots[] slots;
    private final long[] current;
    /** Per tier, one bit per slot changed since it was last written in its chunk. */
    private final long[][] dirty;
    private int dirtySlots;
    private final long[] winTotal;
    private final long[] winBad;
    private final int[] winBuckets;
    private long now = NO_TIME;
    /** Per tier, the slot of bucket {@code slotFor[t]} (the current one when equal to current[t]); -1: none yet. */
    private final int[] slotOfCurrent;
    private final long[] slotFor;
    /**
     * Events counted in the current bucket of every tier but not yet written into the
     * tiers' slots and the window sums ({@link #fold}): an event at the current time
     * touches these two fields, not the slot, chunk and dirty arrays of every tier and the
     * two sum arrays (a dozen cache lines, which at 10,000 SLOs are cold on every event).
     * Every read of the slots, and every move of time, folds them first, and the sums'
     * readers add them, so nothing outside this class can tell.
     */
    private long pendTotal;
    private long pendBad;
    /** Start of the finest tier's current bucket: an event at or after it is in the current bucket of every tier. */
    private long currentStart = Long.MAX_VALUE;
    /** Every tier's resolution is a multiple of the finest (so its current bucket holds the finest one's). */
    private final boolean nested;
    /** The finest tier's resolution. */
    private final long finestMs;

    public WindowedCounts(final BucketLayout layout) {
        this.layout = layout;
        this.layoutHash = layout.hashCode();
        final int tiers = layout.resolutions().length;
        slots = new Slots[tiers];
        dirty = new long[tiers][];
        current = new long[tiers];
        slotOfCurrent = new int[tiers];
        Arrays.fill(slotOfCurrent, -1);
        slotFor = new long[tiers];
        for (int t = 0; t < tiers; t++) {
            slots[t] = new Slots(layout.tierBuckets()[t], layout.resolutions()[t] >= WIDE_FROM_MS);
            dirty[t] = new long[chunks(t)];
        }
        final int windows = layout.windows().size();
        winTotal = new long[windows];
        winBad = new long[windows];
        winBuckets = new int[windows];
        for (int w = 0; w < windows; w++) {
            winBuckets[w] = layout.bucketsOf(w);
        }
        boolean multiples = tiers > 0;
        for (int t = 1; t < tiers; t++) {
            multiples &= layout.resolutions()[t] % layout.resolutions()[0] == 0;
        }
        nested = multiples;
        finestMs = tiers > 0 ? layout.resolutions()[0] : 0;
    }

    public BucketLayout layout() {
        return layout;
    }

    /** {@code layout().hashCode()}, computed once (every persisted header carries it). */
    public int layoutHash() {
        return layoutHash;
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
        if (nested && timestamp >= currentStart && count >= 0 && badCount >= 0) {
            // the common case, an event in the current bucket: it lands in the current bucket of
            // every tier, which is inside every window; the buckets and the window sums get it
            // at the next fold (total() and bad() add it meanwhile)
            pendTotal += count;
            pendBad += badCount;
            return;
        }
        fold();
        for (int t = 0; t < slots.length; t++) {
            final long idx = Math.floorDiv(timestamp, layout.resolutions()[t]);
            final int len = slots[t].length();
            if (idx <= current[t] - len) {
                continue;
            }
            final int slot = (int) Math.floorMod(idx, (long) len);
            slots[t].add(slot, count, badCount);
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

    /**
     * Whether {@code timestamp} falls in the finest tier's current bucket (false before any
     * time, for non-nested layouts, and where the difference would overflow).
     */
    private boolean inCurrentBucket(final long timestamp) {
        final long d = timestamp - currentStart;
        return timestamp >= currentStart && d >= 0 && d < finestMs;
    }

    /**
     * Writes the pending events of the current bucket into every tier's current slot and
     * every window's sums (the current bucket is inside every window).
     */
    private void fold() {
        if ((pendTotal | pendBad) == 0) {
            return;
        }
        final long total = pendTotal;
        final long bad = pendBad;
        pendTotal = 0;
        pendBad = 0;
        for (int w = 0; w < winTotal.length; w++) {
            winTotal[w] += total;
            winBad[w] += bad;
        }
        for (int t = 0; t < slots.length; t++) {
            if (slotOfCurrent[t] < 0 || slotFor[t] != current[t]) {
                slotOfCurrent[t] = (int) Math.floorMod(current[t], (long) slots[t].length());
                slotFor[t] = current[t];
            }
            final int slot = slotOfCurrent[t];
            slots[t].increment(slot, total, bad);
            markDirty(t, slot);
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
        if (now != NO_TIME && inCurrentBucket(timestamp)) {
            // still in the finest tier's current bucket, so in every tier's (nested): only the clock moves
            now = timestamp;
            return 0;
        }
        fold();
        int result = 0;
        final int[] tierOf = layout.windowTier();
        for (int t = 0; t < slots.length; t++) {
            final long target = Math.floorDiv(timestamp, layout.resolutions()[t]);
            if (now == NO_TIME) {
                current[t] = target;
                continue;
            }
            final int len = slots[t].length();
            if (target - current[t] >= len) {
                if (slots[t].anyNonZero()) {
                    result |= SLOTS_CLEARED | SUMS_CHANGED;
                    // what was stored for a non-empty slot is stale now; an empty one stays as stored
                    for (int slot = 0; slot < len; slot++) {
                        if (slots[t].total(slot) != 0) {
                            markDirty(t, slot);
                        }
                    }
                    slots[t].clearAll();
                }
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
                        final long leavingTotal = slots[t].total(leaving);
                        if (leavingTotal != 0) {
                            winTotal[w] -= leavingTotal;
                            winBad[w] -= slots[t].bad(leaving);
                            result |= SUMS_CHANGED;
                        }
                    }
                }
                final int slot = (int) Math.floorMod(i, (long) len);
                if (slots[t].total(slot) != 0) {
                    slots[t].set(slot, 0, 0);
                    markDirty(t, slot);
                    result |= SLOTS_CLEARED;
                }
            }
            current[t] = target;
        }
        now = timestamp;
        currentStart = nested ? current[0] * layout.resolutions()[0] : Long.MAX_VALUE;
        return result;
    }

    /**
     * The earliest event time at which {@link #advanceTo} can change anything but the
     * clock: the next bucket boundary of a tier holding counts (a bucket can leave a window
     * or be cleared only there). {@link Long#MAX_VALUE} when no tier holds any.
     */
    public long nextChange() {
        fold();
        if (now == NO_TIME) {
            return Long.MAX_VALUE;
        }
        long next = Long.MAX_VALUE;
        for (int t = 0; t < slots.length; t++) {
            if (slots[t].anyNonZero()) {
                next = Math.min(next, (current[t] + 1) * layout.resolutions()[t]);
            }
        }
        return next;
    }

    /**
     * The earliest event time after {@link #now} at which some tier's current bucket
     * changes, so that a window can move: the end of the finest tier's current bucket
     * ({@link #nextFinestBoundary}; nested tiers end theirs there or later), {@code now + 1}
     * where the tiers are not nested (no cheap bound), {@link Long#MIN_VALUE} before any time.
     */
    public long nextBoundary() {
        if (now == NO_TIME) {
            return Long.MIN_VALUE;
        }
        return nested ? nextFinestBoundary(now) : now == Long.MAX_VALUE ? now : now + 1;
    }

    /** The next bucket boundary of the finest tier after {@code timestamp}: no later than any change once it counted. */
    public long nextFinestBoundary(final long timestamp) {
        if (inCurrentBucket(timestamp)) {
            return currentStart + finestMs; // per event: no division
        }
        final long res = layout.resolutions()[0];
        return (Math.floorDiv(timestamp, res) + 1) * res;
    }

    /** The next bucket boundary of {@code window}'s tier after {@link #now}: where its sums can next change. */
    public long windowBoundary(final int window) {
        if (now == NO_TIME) {
            return Long.MIN_VALUE;
        }
        final int t = layout.windowTier()[window];
        return (current[t] + 1) * layout.resolutions()[t];
    }

    public long total(final int window) {
        return winTotal[window] + pendTotal;
    }

    public long bad(final int window) {
        return winBad[window] + pendBad;
    }

    /** Receives one bucket of a window: its start time and counts. */
    @FunctionalInterface
    public interface BucketVisitor {
        void visit(long startMs, long total, long bad);
    }

    /** Visits the buckets of a window, oldest first (the current, partial one last). */
    public void forEachBucket(final int window, final BucketVisitor visitor) {
        forEachBucketFrom(window, Long.MIN_VALUE, visitor);
    }

    /**
     * Visits the buckets of a window from the one holding {@code fromMs} (or the window's
     * oldest, whichever is later), oldest first, the current one last.
     */
    public void forEachBucketFrom(final int window, final long fromMs, final BucketVisitor visitor) {
        fold();
        if (now == NO_TIME) {
            return;
        }
        final int t = layout.windowTier()[window];
        final long res = layout.resolutions()[t];
        final int len = slots[t].length();
        final long first = Math.max(current[t] - winBuckets[window] + 1,
                fromMs == Long.MIN_VALUE ? Long.MIN_VALUE : Math.floorDiv(fromMs, res));
        for (long i = first; i <= current[t]; i++) {
            final int slot = (int) Math.floorMod(i, (long) len);
            visitor.visit(i * res, slots[t].total(slot), slots[t].bad(slot));
        }
    }

    /**
     * The start of the oldest bucket of a window that holds events, at or after the bucket
     * holding {@code fromMs} ({@code Long.MIN_VALUE}: the whole window); {@link #NO_TIME}
     * when there is none. Empty chunks of {@value #CHUNK} buckets are skipped whole.
     */
    public long firstBucketWithEvents(final int window, final long fromMs) {
        fold();
        if (now == NO_TIME) {
            return NO_TIME;
        }
        final int t = layout.windowTier()[window];
        final long res = layout.resolutions()[t];
        final int len = slots[t].length();
        long i = Math.max(current[t] - winBuckets[window] + 1,
                fromMs == Long.MIN_VALUE ? Long.MIN_VALUE : Math.floorDiv(fromMs, res));
        while (i <= current[t]) {
            final int slot = (int) Math.floorMod(i, (long) len);
            if (slots[t].used[slot >>> 6] == 0) {
                // the rest of this chunk is empty (the last chunk may be shorter than CHUNK)
                i += Math.min(CHUNK - (slot & (CHUNK - 1)), len - slot);
                continue;
            }
            if (slots[t].total(slot) > 0) {
                return i * res;
            }
            i++;
        }
        return NO_TIME;
    }

    // ---- persistence support: chunks of CHUNK slots per tier ----

    public int tiers() {
        return slots.length;
    }

    public int chunks(final int tier) {
        return (layout.tierBuckets()[tier] + CHUNK - 1) / CHUNK;
    }

    /** Slots changed since they were last written in their chunk, over all tiers. */
    public int dirtySlots() {
        fold();
        return dirtySlots;
    }

    /** Whether slot {@code slot} of {@code tier} changed since its chunk was last written. */
    public boolean isSlotDirty(final int tier, final int slot) {
        fold();
        return (dirty[tier][slot >>> 6] & (1L << (slot & 63))) != 0;
    }

    /** Whether any slot of the chunk changed since the chunk was last written. */
    public boolean isDirty(final int tier, final int chunk) {
        fold();
        return dirty[tier][chunk] != 0;
    }

    /** The chunk was written: its slots are clean. */
    public void clearDirty(final int tier, final int chunk) {
        fold();
        dirtySlots -= Long.bitCount(dirty[tier][chunk]);
        dirty[tier][chunk] = 0;
    }

    /** Whether every slot of the chunk is empty. */
    public boolean chunkEmpty(final int tier, final int chunk) {
        fold();
        return slots[tier].used[chunk] == 0;
    }

    /** Chunks of bucket counts on the heap now, over all tiers (the rest are empty). */
    public int chunksAllocated() {
        fold();
        int n = 0;
        for (final Slots s : slots) {
            for (final short u : s.used) {
                n += u != 0 ? 1 : 0;
            }
        }
        return n;
    }

    /** Receives one changed slot: its tier, ring position and counts. */
    @FunctionalInterface
    public interface SlotVisitor {
        void visit(int tier, int slot, long total, long bad);
    }

    /** Visits every slot changed since its chunk was last written, tier by tier, in ring order. */
    public void forEachDirtySlot(final SlotVisitor visitor) {
        fold();
        for (int t = 0; t < dirty.length; t++) {
            final long[] d = dirty[t];
            for (int k = 0; k < d.length; k++) {
                long bits = d[k];
                while (bits != 0) {
                    final int slot = (k << 6) + Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    visitor.visit(t, slot, slots[t].total(slot), slots[t].bad(slot));
                }
            }
        }
    }

    public void clearDirty() {
        fold();
        for (final long[] d : dirty) {
            Arrays.fill(d, 0);
        }
        dirtySlots = 0;
    }

    /**
     * The finest tier that holds the events of {@code [from, to)} exactly: {@code from} on one
     * of its bucket boundaries and its oldest kept bucket starting no later, {@code to} on a
     * boundary too or past the current bucket (no event is counted after the current time
     * yet). -1 when no tier does (the range is older than the kept buckets, or not on their
     * boundaries).
     */
    public int exactTier(final long from, final long to) {
        return now == NO_TIME ? -1 : exactTier(layout, now, from, to);
    }

    /** {@link #exactTier(long, long)} of counts in {@code layout} whose time is {@code now}. */
    public static int exactTier(final BucketLayout layout, final long now, final long from, final long to) {
        if (to <= from) {
            return -1;
        }
        for (int t = 0; t < layout.resolutions().length; t++) {
            final long res = layout.resolutions()[t];
            final long cur = Math.floorDiv(now, res);
            final long oldest = (cur - layout.tierBuckets()[t] + 1) * res;
            final boolean toFits = Math.floorMod(to, res) == 0 || to > (cur + 1) * res;
            if (Math.floorMod(from, res) == 0 && from >= oldest && toFits) {
                return t;
            }
        }
        return -1;
    }

    /** Receives one bucket of a range ({@link #rangeBuckets}): its start, end and counts. */
    @FunctionalInterface
    public interface RangeVisitor {
        void visit(long startMs, long endMs, long total, long bad);
    }

    /** Visits the non-empty buckets of {@code tier} inside {@code [from, to)}, oldest first. */
    public void rangeBuckets(final int tier, final long from, final long to, final RangeVisitor visitor) {
        fold();
        if (now == NO_TIME) {
            return;
        }
        final long res = layout.resolutions()[tier];
        final int len = slots[tier].length();
        final long first = Math.max(Math.floorDiv(from, res), current[tier] - len + 1);
        final long last = Math.min(Math.floorDiv(to - 1, res), current[tier]);
        for (long i = first; i <= last; i++) {
            final int slot = (int) Math.floorMod(i, (long) len);
            final long total = slots[tier].total(slot);
            if (total != 0 && i * res >= from && (i + 1) * res <= Math.max(to, (current[tier] + 1) * res)) {
                visitor.visit(i * res, (i + 1) * res, total, slots[tier].bad(slot));
            }
        }
    }

    /**
     * Takes the events of {@code [from, to)} out of every tier (an exclusion added after
     * the fact; {@code excluded} false: they turn good instead), given {@code tier}, one that
     * holds the range exactly ({@link #exactTier}): a bucket inside the range loses its own
     * counts, a coarser bucket straddling it the counts of the exact tier's buckets inside
     * it. Window sums are rebuilt and the changed buckets marked for writing.
     */
    public void takeOut(final int tier, final long from, final long to, final boolean excluded) {
        fold();
        final long exactRes = layout.resolutions()[tier];
        final long[][] ref = new long[slots[tier].length()][];
        final int[] n = {0};
        rangeBuckets(tier, from, to, (start, end, total, bad) -> ref[n[0]++] = new long[] {start, total, bad});
        for (int t = 0; t < slots.length; t++) {
            final long res = layout.resolutions()[t];
            final int len = slots[t].length();
            final int tt = t;
            if (res <= exactRes) {
                rangeBuckets(t, from, to, (start, end, total, bad) -> {
                    final int slot = (int) Math.floorMod(Math.floorDiv(start, res), (long) len);
                    slots[tt].set(slot, excluded ? 0 : total, 0);
                    markDirty(tt, slot);
                });
                continue;
            }
            for (int k = 0; k < n[0]; k++) {
                final long idx = Math.floorDiv(ref[k][0], res);
                if (idx <= current[t] - len || idx > current[t]) {
                    continue;
                }
                final int slot = (int) Math.floorMod(idx, (long) len);
                final long total = slots[t].total(slot) - (excluded ? ref[k][1] : 0);
                slots[t].set(slot, total, Math.min(total, slots[t].bad(slot) - ref[k][2]));
                markDirty(t, slot);
            }
        }
        rebuildSums();
    }

    /** Total and bad counts of one slot (ring position, not absolute bucket index). */
    public long slotTotal(final int tier, final int slot) {
        fold();
        return slots[tier].total(slot);
    }

    public long slotBad(final int tier, final int slot) {
        fold();
        return slots[tier].bad(slot);
    }

    /**
     * Restores persisted state: time, then slot contents; window sums are rebuilt from
     * the slots. Call {@link #setSlot} for every stored slot, then {@link #rebuildSums}.
     */
    public void restoreTime(final long timestamp) {
        fold();
        now = timestamp;
        for (int t = 0; t < slots.length; t++) {
            current[t] = timestamp == NO_TIME ? 0 : Math.floorDiv(timestamp, layout.resolutions()[t]);
        }
        currentStart = timestamp == NO_TIME || !nested ? Long.MAX_VALUE
                : current[0] * layout.resolutions()[0];
    }

    public void setSlot(final int tier, final int slot, final long slotTotal, final long slotBad) {
        fold();
        slots[tier].set(slot, slotTotal, slotBad);
    }

    /**
     * Restores a slot that was stored newer than its chunk: set, and still marked changed
     * (so that it is written again until its chunk is).
     */
    public void restoreUnwritten(final int tier, final int slot, final long slotTotal, final long slotBad) {
        fold();
        slots[tier].set(slot, slotTotal, slotBad);
        markDirty(tier, slot);
    }

    /** After restoring slots: recomputes every window's sums (dirty marks are kept). */
    public void rebuildSums() {
        fold();
        final int[] tierOf = layout.windowTier();
        for (int w = 0; w < winTotal.length; w++) {
            final int t = tierOf[w];
            final int len = slots[t].length();
            long sumTotal = 0;
            long sumBad = 0;
            for (long i = current[t] - winBuckets[w] + 1; i <= current[t]; i++) {
                final int slot = (int) Math.floorMod(i, (long) len);
                sumTotal += slots[t].total(slot);
                sumBad += slots[t].bad(slot);
            }
            winTotal[w] = sumTotal;
            winBad[w] = sumBad;
        }
    }

    private void markDirty(final int tier, final int slot) {
        final long bit = 1L << (slot & 63);
        final long word = dirty[tier][slot >>> 6];
        if ((word & bit) == 0) {
            dirty[tier][slot >>> 6] = word | bit;
            dirtySlots++;
        }
    }

    /**
     * One tier's bucket counts, allocated a chunk of {@link #CHUNK} buckets at a time when
     * the first of them gets an event and released when the last of them empties: a quiet
     * SLO, or one with a few minutes of history, holds only the chunks its traffic touched
     * (a 30d SLO's 2,532 buckets would be 26 KiB each). Buckets narrower than an hour hold
     * at most ten minutes of one SLO's traffic, so unsigned 32-bit counts suffice (4.29
     * billion, i.e. 7 million events per second sustained) and halve the heap; hour buckets
     * keep 64-bit counts. A total never drops below its bad count, so "total is zero" means
     * an empty bucket. Counts are interleaved (total, bad) within a chunk.
     */
    private static final class Slots {
        private final int length;
        private final int[][] narrow;
        private final long[][] wide;
        /** Non-empty buckets per chunk; a chunk is allocated exactly while this is positive. */
        private final short[] used;

        Slots(final int length, final boolean wideCounts) {
            this.length = length;
            final int chunks = (length + CHUNK - 1) / CHUNK;
            narrow = wideCounts ? null : new int[chunks][];
            wide = wideCounts ? new long[chunks][] : null;
            used = new short[chunks];
        }

        int length() {
            return length;
        }

        long total(final int slot) {
            final int k = slot >>> 6;
            final int i = (slot & (CHUNK - 1)) << 1;
            if (wide != null) {
                final long[] c = wide[k];
                return c == null ? 0 : c[i];
            }
            final int[] c = narrow[k];
            return c == null ? 0 : Integer.toUnsignedLong(c[i]);
        }

        long bad(final int slot) {
            final int k = slot >>> 6;
            final int i = ((slot & (CHUNK - 1)) << 1) + 1;
            if (wide != null) {
                final long[] c = wide[k];
                return c == null ? 0 : c[i];
            }
            final int[] c = narrow[k];
            return c == null ? 0 : Integer.toUnsignedLong(c[i]);
        }

        void add(final int slot, final long count, final long badCount) {
            if (count == 0 && badCount == 0) {
                return;
            }
            set(slot, total(slot) + count, bad(slot) + badCount);
        }

        /** {@link #add} for non-negative counts: in place when the slot already holds counts. */
        void increment(final int slot, final long count, final long badCount) {
            final int k = slot >>> 6;
            final int i = (slot & (CHUNK - 1)) << 1;
            if (wide != null) {
                final long[] c = wide[k];
                if (c != null && c[i] != 0) {
                    c[i] += count;
                    c[i + 1] += badCount;
                    return;
                }
            } else {
                final int[] c = narrow[k];
                if (c != null && c[i] != 0) {
                    final long total = Integer.toUnsignedLong(c[i]) + count;
                    final long bad = Integer.toUnsignedLong(c[i + 1]) + badCount;
                    if (total <= 0xFFFF_FFFFL && bad <= 0xFFFF_FFFFL) {
                        c[i] = (int) total;
                        c[i + 1] = (int) bad;
                        return;
                    }
                }
            }
            add(slot, count, badCount);
        }

        void set(final int slot, final long count, final long badCount) {
            final int k = slot >>> 6;
            final int i = (slot & (CHUNK - 1)) << 1;
            final boolean wasEmpty = total(slot) == 0;
            final boolean empty = count == 0;
            if (wasEmpty && empty && badCount == 0) {
                return;
            }
            if (wide != null) {
                long[] c = wide[k];
                if (c == null) {
                    c = new long[CHUNK * 2];
                    wide[k] = c;
                }
                c[i] = count;
                c[i + 1] = badCount;
            } else {
                int[] c = narrow[k];
                if (c == null) {
                    c = new int[CHUNK * 2];
                    narrow[k] = c;
                }
                c[i] = (int) Math.min(0xFFFF_FFFFL, count);
                c[i + 1] = (int) Math.min(0xFFFF_FFFFL, badCount);
            }
            if (wasEmpty && !empty) {
                used[k]++;
            } else if (!wasEmpty && empty) {
                if (--used[k] == 0) {
                    release(k);
                }
            }
        }

        private void release(final int k) {
            if (wide != null) {
                wide[k] = null;
            } else {
                narrow[k] = null;
            }
        }

        boolean anyNonZero() {
            for (final short u : used) {
                if (u != 0) {
                    return true;
                }
            }
            return false;
        }

        void clearAll() {
            for (int k = 0; k < used.length; k++) {
                used[k] = 0;
                release(k);
            }
        }
    }
}
