package io.burnrate.engine.sli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WindowedCountsTest {

    private static final Duration FIVE_MIN = Duration.ofMinutes(5);
    private static final Duration ONE_HOUR = Duration.ofHours(1);
    private static final long MIN = 60_000;

    private final WindowedCounts counts = new WindowedCounts(BucketLayout.of(List.of(FIVE_MIN, ONE_HOUR)));
    private final int fiveMin = counts.layout().indexOf(FIVE_MIN);
    private final int oneHour = counts.layout().indexOf(ONE_HOUR);

    @Test
    void shouldServeFiveMinutesFromSecondBucketsAndOneHourFromFiveSecondBuckets() {
        final BucketLayout layout = counts.layout();
        assertThat(layout.resolutions()).containsExactly(1_000L, 5_000L);
        assertThat(layout.tierBuckets()).containsExactly(300, 720);
        assertThat(layout.bucketsOf(fiveMin)).isEqualTo(300);
        assertThat(layout.bucketsOf(oneHour)).isEqualTo(720);
    }

    @Test
    void shouldSumExactlyTheEventsInsideEachWindow() {
        // one event per minute at hh:mm:30 for 90 minutes, every third one bad
        for (int m = 0; m < 90; m++) {
            counts.add(m * MIN + 30_000, 1, m % 3 == 2 ? 1 : 0);
        }
        // now = 89:30. 5m window = the 300 one-second buckets 84:31 .. 89:30 -> minutes 85..89 = 5 events
        assertThat(counts.total(fiveMin)).isEqualTo(5);
        // bad ones among 85..89: 86 (86 % 3 == 2) and 89 -> 2
        assertThat(counts.bad(fiveMin)).isEqualTo(2);
        // 1h window = the 720 five-second buckets 29:35 .. 89:30 -> minutes 30..89 = 60 events
        assertThat(counts.total(oneHour)).isEqualTo(60);
        // bad among 30..89: m % 3 == 2 -> 32, 35, ..., 89 = 20
        assertThat(counts.bad(oneHour)).isEqualTo(20);
    }

    @Test
    void shouldEvictWhenTimeAdvancesWithoutEvents() {
        counts.add(0, 10, 5);
        counts.advanceTo(4 * MIN);
        assertThat(counts.total(fiveMin)).isEqualTo(10);
        counts.advanceTo(5 * MIN);  // window [0:01, 5:00]: the event at 0:00 left
        assertThat(counts.total(fiveMin)).isZero();
        assertThat(counts.total(oneHour)).isEqualTo(10);
        counts.advanceTo(60 * MIN + 4_999);  // 1h window starts at bucket 0:05: gone
        assertThat(counts.total(oneHour)).isZero();
        assertThat(counts.bad(oneHour)).isZero();
    }

    @Test
    void shouldForgetEverythingAfterAJumpLongerThanTheRing() {
        counts.add(0, 7, 7);
        counts.add(3 * 24 * 60 * MIN, 1, 0);
        assertThat(counts.total(fiveMin)).isEqualTo(1);
        assertThat(counts.total(oneHour)).isEqualTo(1);
        assertThat(counts.bad(oneHour)).isZero();
    }

    @Test
    void shouldCountLateEventsInTheWindowsThatStillCoverThem() {
        counts.add(10 * MIN, 1, 0);
        counts.add(10 * MIN - 2 * MIN, 1, 1);   // 2 min late: inside both windows
        counts.add(10 * MIN - 7 * MIN, 1, 1);   // 7 min late: only in the hour
        assertThat(counts.total(fiveMin)).isEqualTo(2);
        assertThat(counts.bad(fiveMin)).isEqualTo(1);
        assertThat(counts.total(oneHour)).isEqualTo(3);
        assertThat(counts.bad(oneHour)).isEqualTo(2);
        assertThat(counts.now()).isEqualTo(10 * MIN);
    }

    @Test
    void shouldRebuildTheSameSumsFromPersistedSlots() {
        for (int s = 0; s < 5_000; s += 7) {
            counts.add(s * 1_000L, 3, s % 2);
        }
        final WindowedCounts copy = new WindowedCounts(counts.layout());
        copy.restoreTime(counts.now());
        for (int t = 0; t < counts.tiers(); t++) {
            for (int slot = 0; slot < counts.layout().tierBuckets()[t]; slot++) {
                copy.setSlot(t, slot, counts.slotTotal(t, slot), counts.slotBad(t, slot));
            }
        }
        copy.rebuildSums();
        for (int w = 0; w < 2; w++) {
            assertThat(copy.total(w)).isEqualTo(counts.total(w));
            assertThat(copy.bad(w)).isEqualTo(counts.bad(w));
        }
        copy.add(5_000_000, 1, 1);
        counts.add(5_000_000, 1, 1);
        assertThat(copy.total(oneHour)).isEqualTo(counts.total(oneHour));
    }

    @Test
    void shouldCountBeyondTwoBillionInOneNarrowBucket() {
        // sub-hour buckets hold unsigned 32-bit counts: 3 billion events in one second still add up
        counts.add(1_000, 3_000_000_000L, 2_500_000_000L);
        counts.add(1_000, 1, 0);
        assertThat(counts.total(fiveMin)).isEqualTo(3_000_000_001L);
        assertThat(counts.bad(fiveMin)).isEqualTo(2_500_000_000L);
        assertThat(counts.slotTotal(0, 1)).isEqualTo(3_000_000_001L);
    }

    /**
     * Buckets live on the heap a chunk of 64 at a time, only where there are counts: ten
     * seconds of traffic touch one chunk per tier; once time has moved past every window
     * the chunks are released and the sums are zero.
     */
    @Test
    void shouldHoldOnlyTheChunksTrafficTouched() {
        assertThat(counts.chunksAllocated()).isZero();
        // 10 s from t = 0: one-second buckets 0..9 (chunk 0 of 5), five-second buckets 0..1 (chunk 0 of 12)
        for (int s = 0; s < 10; s++) {
            counts.add(s * 1_000L, 1, 0);
        }
        assertThat(counts.chunksAllocated()).isEqualTo(2);
        assertThat(counts.total(fiveMin)).isEqualTo(10);
        // 2 h later both windows are past the traffic
        counts.advanceTo(120 * MIN);
        assertThat(counts.chunksAllocated()).isZero();
        assertThat(counts.total(fiveMin)).isZero();
        assertThat(counts.total(oneHour)).isZero();
        // and counting starts again in a fresh chunk
        counts.add(120 * MIN, 3, 1);
        assertThat(counts.chunksAllocated()).isEqualTo(2);
        assertThat(counts.total(oneHour)).isEqualTo(3);
        assertThat(counts.bad(oneHour)).isEqualTo(1);
    }

    /**
     * The 5m tier has 300 one-second slots in chunks of 64 (the last one 44 long), reused
     * round the ring: 400 s lands in slot 100 again. At now = 560 s (slot 260, in the short
     * last chunk) the window is 261 s .. 560 s: the search runs through the rest of that
     * chunk, wraps to slot 0, skips the empty chunk 0 (300 s .. 363 s) whole and finds
     * 399 s in slot 99.
     */
    @Test
    void shouldFindTheFirstBucketWithEventsPastEmptyChunksAndAcrossTheRingWrap() {
        assertThat(counts.firstBucketWithEvents(fiveMin, Long.MIN_VALUE)).isEqualTo(WindowedCounts.NO_TIME);
        counts.add(100_000, 1, 0);
        assertThat(counts.firstBucketWithEvents(fiveMin, Long.MIN_VALUE)).isEqualTo(100_000);
        counts.add(250_000, 2, 1);
        assertThat(counts.firstBucketWithEvents(fiveMin, Long.MIN_VALUE)).isEqualTo(100_000);
        assertThat(counts.firstBucketWithEvents(fiveMin, 100_001)).as("from inside bucket 100 s").isEqualTo(100_000);
        assertThat(counts.firstBucketWithEvents(fiveMin, 101_000)).isEqualTo(250_000);
        counts.add(399_000, 1, 1);
        // window 100 s .. 399 s: the event at 100 s is still in it
        assertThat(counts.firstBucketWithEvents(fiveMin, Long.MIN_VALUE)).isEqualTo(100_000);
        counts.add(400_000, 1, 0);
        // window 101 s .. 400 s
        assertThat(counts.firstBucketWithEvents(fiveMin, Long.MIN_VALUE)).isEqualTo(250_000);
        counts.add(560_000, 1, 0);
        // window 261 s .. 560 s: 399 s (slot 99), 400 s (slot 100) and 560 s (slot 260) hold events
        assertThat(counts.firstBucketWithEvents(fiveMin, Long.MIN_VALUE)).isEqualTo(399_000);
        final long[] visited = {0, 0};
        counts.forEachBucketFrom(fiveMin, 399_500, (start, total, bad) -> {
            visited[0]++;
            visited[1] += total;
        });
        // buckets 399 s .. 560 s: 162 of them, 3 events
        assertThat(visited).containsExactly(162, 3);
    }

    /** A jump so long that the difference of the two times overflows a long still moves time. */
    @Test
    void aJumpWhoseLengthOverflowsStillLeavesTheOldEventsBehind() {
        counts.add(-5_000_000_000_000_000_000L, 1, 1);
        counts.add(5_000_000_000_000_000_000L, 1, 0);
        assertThat(counts.total(fiveMin)).isEqualTo(1);
        assertThat(counts.bad(fiveMin)).isZero();
        assertThat(counts.total(oneHour)).isEqualTo(1);
        assertThat(counts.nextFinestBoundary(5_000_000_000_000_000_000L)).isEqualTo(5_000_000_000_000_001_000L);
    }

    /**
     * Events in the current bucket wait in two fields until something reads the buckets or
     * time moves. Two counters get the same 20,000 random events (mostly at the current
     * time, some late, some seconds to hours ahead); one has every bucket, dirty mark and
     * window sum read after each event, which folds at once. Whenever the other is read
     * (every 97th event), both must agree on everything: a read that forgot to fold, or a
     * fold into the wrong bucket, shows here.
     */
    @Test
    void eventsWaitingForTheCurrentBucketAreInvisibleToEveryRead() {
        final BucketLayout layout = BucketLayout.of(List.of(FIVE_MIN, ONE_HOUR, Duration.ofHours(6),
                Duration.ofDays(3), Duration.ofDays(30)));
        final WindowedCounts lazy = new WindowedCounts(layout);
        final WindowedCounts eager = new WindowedCounts(layout);
        final SplittableRandom r = new SplittableRandom(11);
        long t = 1_767_225_600_000L;
        for (int i = 0; i < 20_000; i++) {
            final int kind = r.nextInt(100);
            if (kind < 80) {
                t += r.nextInt(300); // the current bucket, mostly
            } else if (kind < 95) {
                t += r.nextInt(5_000);
            } else if (kind < 99) {
                t += r.nextLong(2 * 3_600_000L);
            }
            final long ts = kind == 99 ? t - r.nextLong(600_000L) : t; // late
            final long n = 1 + r.nextInt(3);
            final long bad = r.nextInt(4) == 0 ? r.nextLong(n + 1) : 0;
            lazy.add(ts, n, bad);
            eager.add(ts, n, bad);
            // the shortcut for the current bucket gives the arithmetic's boundary, for late events too
            assertThat(lazy.nextFinestBoundary(ts)).isEqualTo((Math.floorDiv(ts, 1_000L) + 1) * 1_000L);
            assertThat(lazy.nextFinestBoundary(lazy.now())).isEqualTo((Math.floorDiv(lazy.now(), 1_000L) + 1) * 1_000L);
            final String eagerView = view(eager); // reads everything: folds at once
            if (i % 97 == 0 || i == 19_999) {
                // each kind of read in turn comes first, so each must fold on its own
                final int first = (i / 97) % READS;
                assertThat(read(lazy, first)).as("read %d after event %d", first, i).isEqualTo(read(eager, first));
                assertThat(view(lazy)).as("after event %d", i).isEqualTo(eagerView);
            }
        }
    }

    private static final int READS = 9;

    /** One kind of read of a counter, as text. */
    private static String read(final WindowedCounts c, final int kind) {
        final StringBuilder b = new StringBuilder();
        final int longest = c.layout().windows().size() - 1;
        switch (kind) {
            case 0 -> b.append(c.dirtySlots());
            case 1 -> b.append(c.chunksAllocated());
            case 2 -> b.append(c.nextChange());
            case 3 -> c.forEachDirtySlot((tier, slot, total, bad) -> b.append(tier).append(':').append(slot)
                    .append('=').append(total).append('/').append(bad).append(' '));
            case 4 -> c.forEachBucket(0, (start, total, bad) -> b.append(start).append('=').append(total)
                    .append('/').append(bad).append(' '));
            case 5 -> b.append(c.firstBucketWithEvents(longest, Long.MIN_VALUE));
            case 6 -> c.rangeBuckets(0, c.now() - 300_000, c.now() + 1, (start, end, total, bad) ->
                    b.append(start).append('=').append(total).append('/').append(bad).append(' '));
            case 7 -> {
                for (int tier = 0; tier < c.tiers(); tier++) {
                    for (int k = 0; k < c.chunks(tier); k++) {
                        b.append(c.isDirty(tier, k) ? 'd' : '-').append(c.chunkEmpty(tier, k) ? 'e' : 'f');
                    }
                }
            }
            default -> {
                for (int tier = 0; tier < c.tiers(); tier++) {
                    for (int slot = 0; slot < c.layout().tierBuckets()[tier]; slot++) {
                        b.append(c.slotTotal(tier, slot)).append(',');
                    }
                }
            }
        }
        return b.toString();
    }

    /** Everything a reader can see of a counter: time, window sums, every slot and its dirty mark. */
    private static String view(final WindowedCounts c) {
        final StringBuilder b = new StringBuilder().append(c.now()).append(' ').append(c.dirtySlots())
                .append(' ').append(c.chunksAllocated()).append(' ').append(c.nextChange()).append('\n');
        for (int w = 0; w < c.layout().windows().size(); w++) {
            b.append(c.total(w)).append('/').append(c.bad(w)).append(' ');
        }
        for (int tier = 0; tier < c.tiers(); tier++) {
            b.append('\n');
            for (int slot = 0; slot < c.layout().tierBuckets()[tier]; slot++) {
                if (c.slotTotal(tier, slot) != 0 || c.isSlotDirty(tier, slot)) {
                    b.append(slot).append('=').append(c.slotTotal(tier, slot)).append('/')
                            .append(c.slotBad(tier, slot)).append(c.isSlotDirty(tier, slot) ? "*" : "").append(' ');
                }
            }
        }
        return b.toString();
    }
}
