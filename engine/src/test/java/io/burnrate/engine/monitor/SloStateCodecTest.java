package io.burnrate.engine.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.alert.AlertStateMachine;
import io.burnrate.engine.sli.WindowedCounts;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.schemas.AlertTransition;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The state store's byte format alone: what a task writes at commit reads back into the
 * same monitor (rule states, budget crossings, every window's counts) and the same clock.
 * A codec that dropped a rule's firing state used to be caught only by the 70-second
 * {@code ExactlyOnceIT}.
 */
class SloStateCodecTest {

    private static SloMonitor paging() {
        final SloMonitor m = new SloMonitor(Specs.availability("checkout-availability", "checkout", 0),
                Duration.ofMinutes(5));
        final List<AlertTransition> out = new ArrayList<>();
        final Traffic t = Traffic.of("checkout", 2, Traffic.T0);
        t.next(Duration.ofMinutes(30), Traffic.none()).forEach(e -> m.record(e.timestamp(), 1, 0, e.latencyMs()));
        t.next(Duration.ofMinutes(3), Traffic.all()).forEach(e -> {
            m.record(e.timestamp(), 1, 1, e.latencyMs());
            m.evaluate(out::add);
            m.observeBudget(x -> { });
        });
        assertThat(out).extracting(AlertTransition::rule).contains("page-1h-5m");
        return m;
    }

    /** Restores {@code bytes} the way the store does: header, clock, chunks, sums. */
    private static SloMonitor restored(final SloMonitor like, final byte[] header, final byte[][][] chunks) {
        final SloMonitor m = new SloMonitor(like.spec(), Duration.ofMinutes(5));
        final SloStateCodec.Header h = SloStateCodec.decodeHeader(header);
        assertThat(h).isNotNull();
        assertThat(h.fits(m)).isTrue();
        SloStateCodec.restore(m, h);
        m.counts().restoreTime(h.now());
        for (int t = 0; t < chunks.length; t++) {
            for (int k = 0; k < chunks[t].length; k++) {
                SloStateCodec.decodeChunk(m.counts(), t, k, chunks[t][k]);
            }
        }
        SloStateCodec.applyOverlay(m.counts(), h);
        m.counts().rebuildSums();
        return m;
    }

    private static byte[][][] allChunks(final WindowedCounts c) {
        final byte[][][] chunks = new byte[c.tiers()][][];
        for (int t = 0; t < c.tiers(); t++) {
            chunks[t] = new byte[c.chunks(t)][];
            for (int k = 0; k < c.chunks(t); k++) {
                chunks[t][k] = SloStateCodec.encodeChunk(c, t, k);
            }
        }
        return chunks;
    }

    @Test
    void shouldLayTheHeadersChangedBucketsOverStaleChunks() {
        final SloMonitor before = paging();
        final WindowedCounts c = before.counts();
        final byte[][][] stale = allChunks(c);
        c.clearDirty(); // the chunks were written
        // 10 more seconds at 2/s, all bad: 10 one-second buckets, and 1 or 2 buckets in each coarser tier
        final Traffic t = Traffic.of("checkout", 2, Instant.ofEpochMilli(c.now() + 1_000));
        t.next(Duration.ofSeconds(10), Traffic.all()).forEach(e -> before.record(e.timestamp(), 1, 1, e.latencyMs()));
        assertThat(c.dirtySlots()).isBetween(14, SloStateCodec.OVERLAY_MAX);
        final SloMonitor after = restored(before, SloStateCodec.encodeHeader(before), stale);
        for (int w = 0; w < c.layout().windows().size(); w++) {
            assertThat(after.counts().total(w)).as(c.layout().windows().get(w).toString()).isEqualTo(c.total(w));
            assertThat(after.counts().bad(w)).as(c.layout().windows().get(w).toString()).isEqualTo(c.bad(w));
        }
        // 30 min at 2/s, 3 min all bad, 10 s all bad: the 1 h window holds 3,980 requests, 380 bad
        final int hour = c.layout().windows().indexOf(Duration.ofHours(1));
        assertThat(after.counts().total(hour)).isEqualTo(3_980);
        assertThat(after.counts().bad(hour)).isEqualTo(380);
        // still newer than their chunks: the next header carries them again
        assertThat(after.counts().dirtySlots()).isEqualTo(c.dirtySlots());
    }

    @Test
    void shouldReadTheFormatWithoutChangedBuckets() {
        final SloMonitor before = paging();
        final byte[] v3 = SloStateCodec.encodeHeader(before);
        // format 2 is format 3 without the trailing changed-bucket list
        final int fixed = 4 + 8 + 4 + 4 + before.ruleCount() * 9 + 4;
        final byte[] v2 = Arrays.copyOf(v3, fixed);
        ByteBuffer.wrap(v2).putInt(SloStateCodec.FORMAT_NO_OVERLAY);
        final SloStateCodec.Header h = SloStateCodec.decodeHeader(v2);
        assertThat(h).isNotNull();
        assertThat(h.overlay()).isEmpty();
        assertThat(h.now()).isEqualTo(before.counts().now());
        assertThat(h.budgetThresholdsCrossed()).isEqualTo(before.budgetThresholdsCrossed());
    }

    @Test
    void shouldReadBackEveryRuleStateBudgetCrossingAndCount() {
        final SloMonitor before = paging();
        final WindowedCounts c = before.counts();
        final byte[][][] chunks = allChunks(c);
        final SloMonitor after = restored(before, SloStateCodec.encodeHeader(before), chunks);
        int firing = 0;
        for (int i = 0; i < before.ruleCount(); i++) {
            final AlertStateMachine a = before.machine(i);
            final AlertStateMachine b = after.machine(i);
            assertThat(b.firing()).as(before.ruleName(i)).isEqualTo(a.firing());
            assertThat(b.firingSince()).as(before.ruleName(i)).isEqualTo(a.firingSince());
            firing += a.firing() ? 1 : 0;
        }
        assertThat(firing).as("rules firing in the outage").isPositive();
        assertThat(after.budgetThresholdsCrossed()).isEqualTo(before.budgetThresholdsCrossed()).isPositive();
        assertThat(after.counts().now()).isEqualTo(c.now());
        for (int w = 0; w < c.layout().windows().size(); w++) {
            assertThat(after.counts().total(w)).as(c.layout().windows().get(w).toString()).isEqualTo(c.total(w));
            assertThat(after.counts().bad(w)).as(c.layout().windows().get(w).toString()).isEqualTo(c.bad(w));
        }
        // 30 min at 2/s, then 3 min all bad: the 1 h window holds 3,960 requests, 360 bad
        final int hour = c.layout().windows().indexOf(Duration.ofHours(1));
        assertThat(after.counts().total(hour)).isEqualTo(3_960);
        assertThat(after.counts().bad(hour)).isEqualTo(360);
    }

    @Test
    void shouldReadAnotherFormatAsNothingStoredAndKeepTheClock() {
        final byte[] header = SloStateCodec.encodeHeader(paging());
        ByteBuffer.wrap(header).putInt(SloStateCodec.FORMAT + 1);
        assertThat(SloStateCodec.decodeHeader(header)).isNull();
        final TaskClock clock = new TaskClock(1_772_409_600_000L, 1_772_409_599_000L);
        assertThat(SloStateCodec.decodeClock(SloStateCodec.encodeClock(clock))).isEqualTo(clock);
        assertThat(SloStateCodec.decodeClock(null)).isEqualTo(TaskClock.NONE);
        assertThat(SloStateCodec.decodeClock(new byte[3])).isEqualTo(TaskClock.NONE);
    }

    @Test
    void shouldKeepEachSlosKeysInItsOwnRange() {
        final byte[] header = SloStateCodec.headerKey("checkout-availability");
        assertThat(SloStateCodec.idOfHeader(header)).isEqualTo("checkout-availability");
        assertThat(SloStateCodec.idOfHeader(SloStateCodec.chunkKey("checkout-availability", 1, 2))).isNull();
        assertThat(SloStateCodec.idOfHeader(SloStateCodec.CLOCK_KEY)).isNull();
        final byte[] from = SloStateCodec.startOf("a");
        final byte[] to = SloStateCodec.endOf("a");
        for (final byte[] k : List.of(SloStateCodec.headerKey("a"), SloStateCodec.chunkKey("a", 4, 300),
                SloStateCodec.periodKey("a", "o/hour/2026-03-02T10:00:00Z"))) {
            assertThat(Arrays.compareUnsigned(k, from)).isPositive();
            assertThat(Arrays.compareUnsigned(k, to)).isNegative();
        }
        // "a-b" sorts after every key of "a": a NUL separator, not a prefix match
        assertThat(Arrays.compareUnsigned(SloStateCodec.headerKey("a-b"), to)).isPositive();
    }
}
