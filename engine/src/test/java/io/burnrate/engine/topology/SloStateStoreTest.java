package io.burnrate.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.monitor.SloMonitor;
import io.burnrate.engine.monitor.SloStateCodec;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.schemas.ComplianceSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the state store gives back after a restart (a new {@link SloStateStore} over the
 * same key-value store): counts, rule states and open compliance periods as of the last
 * flush, nothing after it.
 */
class SloStateStoreTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    private KeyValueStore<Bytes, byte[]> inner;

    @BeforeEach
    void open() {
        inner = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("slo-state"),
                Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        inner.init(context.getStateStoreContext(), inner);
    }

    private SloStateStore restart() {
        return new SloStateStore(inner);
    }

    private static SloSpec spec(final String policy) throws Exception {
        return SloSpecParser.parseYaml(String.join("\n", "apiVersion: burnrate/v1", "kind: SLO",
                "metadata: {name: api-monthly}", "spec:", "  service: api", "  indicator: {availability: {}}",
                "  objective: 99", "  window: {calendar: month, timeZone: Europe/Berlin}",
                "  alerting: {policy: " + policy + "}", ""), "s.yaml").get(0).spec();
    }

    /** A store that counts the first {@code minutes} of traffic for {@code spec} and flushes (a commit). */
    private SloMonitor storeFirstMinutes(final SloSpec spec, final int minutes) {
        final SloStateStore store = restart();
        final SloMonitor m = store.monitor(spec);
        send(m, 0, minutes);
        store.markDirty(spec.id());
        store.flushCache();
        return m;
    }

    private static void send(final SloMonitor m, final int from, final int to) {
        for (int i = from; i < to; i++) {
            m.record(T0.plusSeconds(60L * i).toEpochMilli(), 1, i % 10 == 0 ? 1 : 0, 5);
        }
    }

    /**
     * An SLO applied again unchanged reaches the store as a new, equal spec instance: the
     * same monitor comes back every time, and the per-event lookup table stays bounded
     * (1,000 re-applications of one SLO: at most 2 x 1 + 16 entries, not 1,000).
     */
    @Test
    void shouldKeepOneMonitorAndABoundedLookupAcrossEqualSpecInstances() throws Exception {
        final SloStateStore store = restart();
        final SloMonitor first = store.monitor(spec("google-30d"));
        for (int i = 0; i < 1_000; i++) {
            final SloSpec again = spec("google-30d");
            assertThat(store.monitor(again)).isSameAs(first);
            assertThat(store.monitor(again)).isSameAs(first);
        }
        assertThat(store.lookupEntries()).isLessThanOrEqualTo(18);
    }

    /**
     * 90 minutes at one request per minute (every 10th bad), flushed after 50: a restart
     * sees the 50 (10:00 hour: 50, 5 bad), not the 40 after the flush. Feeding the lost 40
     * again and closing the hours gives the uninterrupted numbers: 10:00 hour 60 / 6 bad,
     * the month so far 90 / 9.
     */
    @Test
    void shouldRestoreOpenCompliancePeriodsAsOfTheLastFlush() throws Exception {
        final SloSpec spec = spec("google-30d");
        final SloMonitor m = storeFirstMinutes(spec, 50);
        send(m, 50, 90); // lost: never flushed

        final SloStateStore second = restart();
        final SloMonitor r = second.monitor(spec);
        // Berlin's March so far, restored: 50 requests, 5 bad at 99 %: 1 - 5 / 0.5
        assertThat(r.budgetRemaining()).isEqualTo(1 - 5 / 0.5);
        send(r, 50, 90);
        final List<ComplianceSummary> out = new ArrayList<>();
        r.advanceTo(T0.plusSeconds(60L * 126).toEpochMilli());
        r.settleCompliance(out::add);
        assertThat(out).extracting(s -> s.period().kind() + " " + s.period().start() + " " + s.total() + "/" + s.bad())
                .containsExactly("hour 2026-03-02T10:00:00Z 60/6", "hour 2026-03-02T11:00:00Z 30/3");
        final List<ComplianceSummary> rest = new ArrayList<>();
        r.closeCompliance(rest::add);
        assertThat(rest).filteredOn(s -> s.period().kind().equals("month")).singleElement()
                .satisfies(s -> assertThat(s.total() + "/" + s.bad()).isEqualTo("90/9"));
    }

    /**
     * The SLO gained a rule while the engine was down: its bucket layout no longer fits
     * the stored counts, which start afresh, but the month so far carries on.
     */
    @Test
    void shouldKeepCompliancePeriodsWhenTheRulesChangedWhileStored() throws Exception {
        storeFirstMinutes(spec("[{severity: page, budgetPercent: 2, longWindow: 1h, shortWindow: 5m}]"), 50);

        final SloSpec after = spec("google-30d");
        final SloStateStore second = restart();
        final SloMonitor r = second.monitor(after);
        assertThat(r.counts().total(0)).as("counts start afresh").isZero();
        assertThat(r.budgetRemaining()).as("the month so far survives").isEqualTo(1 - 5 / 0.5);
        second.flushCache();
        assertThat(restart().monitor(after).budgetRemaining()).isEqualTo(1 - 5 / 0.5);
    }

    /**
     * A busy SLO committed every 100 ms: each commit writes its header (with the buckets
     * changed since their chunk) and its open hour, and rewrites chunks only when more
     * than {@link SloStateCodec#OVERLAY_MAX} buckets are pending, so not at every commit.
     * A restart after any commit sees exactly the live counts.
     */
    @Test
    void shouldRestoreEveryWindowAfterAnyCommitWhileWritingChunksRarely() throws Exception {
        final SloSpec spec = spec("google-30d");
        final SloStateStore store = restart();
        final SloMonitor m = store.monitor(spec);
        final long t0 = T0.toEpochMilli();
        final int commits = 3_000; // 5 minutes at one event per 100 ms, a commit after each
        for (int i = 0; i < commits; i++) {
            m.record(t0 + 100L * i, 1, i % 7 == 0 ? 1 : 0, 5);
            store.markDirty(m);
            store.flushCache();
            if (i % 499 == 0 || i == commits - 1) {
                final SloMonitor r = restart().monitor(spec);
                for (int w = 0; w < m.counts().layout().windows().size(); w++) {
                    assertThat(r.counts().total(w)).as("commit %d window %d", i, w).isEqualTo(m.counts().total(w));
                    assertThat(r.counts().bad(w)).as("commit %d window %d", i, w).isEqualTo(m.counts().bad(w));
                }
                assertThat(r.counts().now()).isEqualTo(m.counts().now());
            }
        }
        // 3,000 events, 1 in 7 bad (i = 0, 7, ..., 2,996: 429); the 5m window holds them all
        final int fiveMinutes = m.counts().layout().indexOf(Duration.ofMinutes(5));
        assertThat(m.counts().total(fiveMinutes)).isEqualTo(3_000);
        assertThat(m.counts().bad(fiveMinutes)).isEqualTo(429);
        final long[] stats = store.writeStats(); // persists, puts, deletes, bytes
        assertThat(stats[0]).isEqualTo(commits);
        // per commit: the header, the open hour, the clock never (not set here); chunks on
        // top only when more than this SLO's limit of buckets are pending: with one-second
        // buckets (and 1.27 changed buckets per second over the 5 tiers) every limit / 1.27
        // seconds, so in 300 s at most 300 x 1.27 / limit rewrites of the 5 tiers' current
        // chunks, 2 each at a boundary
        final int limit = SloStateCodec.overlayLimit(spec.id());
        assertThat(limit).isBetween(SloStateCodec.OVERLAY_MAX / 2, SloStateCodec.OVERLAY_MAX);
        assertThat(stats[1]).isBetween(2L * commits, 2L * commits + (300 * 127 / 100 / limit + 1) * 10);
    }

    /**
     * 200 SLOs that start together and get the same traffic (one event each per 100 ms
     * commit, as after a deploy or in the benchmarks): each rewrites its chunks when its
     * own limit of changed buckets is passed, so no commit rewrites the chunks of more
     * than a fifth of them. With one limit for all, one commit every 40 s rewrote all 200
     * (1,000 chunk writes on top of 200 headers); at 10,000 SLOs such a commit held the
     * engine a second behind.
     */
    @Test
    void shouldSpreadTheChunkRewritesOfSlosThatStartTogether() throws Exception {
        final SloStateStore store = restart();
        final List<SloMonitor> monitors = new ArrayList<>();
        for (int s = 0; s < 200; s++) {
            final SloSpec spec = SloSpecParser.parseYaml(String.join("\n", "apiVersion: burnrate/v1", "kind: SLO",
                    "metadata: {name: svc-" + s + "-availability}", "spec:", "  service: svc-" + s,
                    "  indicator: {availability: {}}", "  objective: 99.9", "  window: 30d",
                    "  alerting: {policy: google-30d}", ""), "s.yaml").get(0).spec();
            monitors.add(store.monitor(spec));
        }
        final long t0 = T0.toEpochMilli();
        int most = 0;
        int rewrites = 0;
        long[] before = store.writeStats();
        for (int i = 0; i < 1_500; i++) { // 150 s
            for (final SloMonitor m : monitors) {
                m.record(t0 + 100L * i, 1, 0, 5);
                store.markDirty(m);
            }
            store.flushCache();
            final long[] after = store.writeStats();
            // per SLO a header and its open hour; more is chunks, at least one per rewriting SLO
            final long chunkPuts = after[1] - before[1] - 2L * monitors.size();
            before = after;
            most = Math.max(most, (int) chunkPuts);
            rewrites += chunkPuts > 0 ? 1 : 0;
        }
        // each of 200 SLOs rewrites 3 or more times in 150 s (at most every 48 / 1.27 = 38 s)
        assertThat(rewrites).as("commits that rewrote chunks").isGreaterThan(20);
        // a rewrite writes the changed chunks of the 5 tiers, at most 10 (2 at a boundary)
        assertThat(most).as("chunk writes in one commit").isLessThanOrEqualTo(200 / 5 * 10);
    }
}
