package io.burnrate.loadtest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.loadtest.gen.EventFactory;
import io.burnrate.loadtest.gen.Generator;
import io.burnrate.loadtest.gen.Scenario;
import io.burnrate.loadtest.gen.SloSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SLO-count scaling: for each SLO count K, a topic of the same number of events spread
 * uniformly over K / slosPerService services (so every event counts in the same number
 * of SLOs whatever K), the engine in a fresh JVM with the same heap, caught up; then
 * throughput, RocksDB size of the SLO state store (SST files + memtables, from Kafka
 * Streams' RocksDB metrics) per SLO, the state directory after a clean close per SLO,
 * and heap used after a full GC.
 */
public final class ScalingBench {

    /** Knobs of this benchmark. */
    public static final class Options {
        public List<Integer> sloCounts = List.of(10, 1_000, 10_000);
        public long events = 5_000_000;
        public int slosPerService = 1;
        public double eventTimeRate = 100_000;
        public Duration timeout = Duration.ofMinutes(20);
    }

    /** One SLO count's measurement; {@code failure} set when the engine did not make it. */
    public record Row(int slos, int services, long events, double rate, double rocksBytes, double stateDirBytes,
                      double heapAfterGc, String failure) {
    }

    public record Result(List<Row> rows, double throughputChange, String markdown) {
    }

    private ScalingBench() {
    }

    public static Result run(final BenchEnv env, final BenchOptions common, final Options o) throws Exception {
        final List<Row> rows = new ArrayList<>();
        for (final int k : o.sloCounts) {
            final String prefix = env.name("scale-k" + k);
            final String topic = prefix + ".requests";
            final int nServices = Math.max(1, (k + o.slosPerService - 1) / o.slosPerService);
            final List<String> services = EventFactory.services(nServices, Scenario.STEADY);
            final Map<String, String> base = common.engine(env, prefix, topic, "unused");
            env.createTopics(base, common.partitions);
            final long t0 = System.nanoTime();
            final int published = SloSet.publish(BenchEnv.toSettings(base), SloSet.yaml(services, k));
            env.log().printf(Locale.ROOT, "bench scaling: K=%,d: published %,d SLOs in %.1f s; pre-filling %,d events "
                    + "over %,d services%n", k, published, (System.nanoTime() - t0) / 1e9, o.events, nServices);
            final Generator.Stats prefill = BenchOptions.prefill(env, topic, services, o.events, o.eventTimeRate, 11);
            final Map<String, String> s = common.engine(env, prefix, topic, env.nextEngineId(prefix));
            try {
                final EngineRun.Result e = EngineRun.catchUp(env, s, common.heap, common.engineJvmArgs, o.timeout);
                ThroughputBench.check(e, prefill.events());
                final JsonNode store = e.stats().path("rocksdb").path("slo-state");
                final double rocks = store.path("total-sst-files-size").asDouble(0)
                        + store.path("size-all-mem-tables").asDouble(0);
                final Row row = new Row(k, nServices, prefill.events(), e.rate(), rocks,
                        e.stopped().path("stateDirBytes").asDouble(), e.stats().path("heapUsedAfterGc").asDouble(),
                        null);
                env.log().printf(Locale.ROOT, "bench scaling: K=%,d: %,.0f ev/s, RocksDB %s (%s per SLO), heap after "
                        + "GC %s%n", k, row.rate(), Table.bytes(rocks), Table.bytes(rocks / k),
                        Table.bytes(row.heapAfterGc()));
                rows.add(row);
            } catch (Exception ex) {
                env.log().println("bench scaling: K=" + k + " failed: " + ex.getMessage());
                rows.add(new Row(k, nServices, prefill.events(), Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        ex.getMessage()));
            }
        }
        final Row first = rows.get(0);
        final Row last = rows.get(rows.size() - 1);
        final double change = last.rate() / first.rate() - 1;
        final Table t = new Table("SLOs", "services", "events", "events/s", "vs first", "RocksDB (SST + memtables)",
                "per SLO", "state dir after close, per SLO", "heap after GC", "heap per SLO (marginal)");
        for (final Row r : rows) {
            if (r.failure() != null) {
                t.row(Table.count(r.slos()), Table.count(r.services()), Table.count(r.events()),
                        "failed: " + r.failure(), "", "", "", "", "", "");
                continue;
            }
            final String marginal = r == first || first.failure() != null ? "–"
                    : Table.bytes((r.heapAfterGc() - first.heapAfterGc()) / (r.slos() - first.slos()));
            t.row(Table.count(r.slos()), Table.count(r.services()), Table.count(r.events()), Table.count(r.rate()),
                    r == first ? "–" : Table.percent(r.rate() / first.rate() - 1), Table.bytes(r.rocksBytes()),
                    Table.bytes(r.rocksBytes() / r.slos()), Table.bytes(r.stateDirBytes() / r.slos()),
                    Table.bytes(r.heapAfterGc()), marginal);
        }
        final StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Each SLO count: its own topic of %,d events over %d partitions, spread "
                        + "uniformly over SLOs / %d services (each event counts in %d SLO(s) whatever the count), "
                        + "event time spanning %.0f s; SLOs: 30d window, google-30d policy (2,532 buckets each). "
                        + "Engine: exactly_once_v2, %d stream thread(s), fresh JVM with -Xmx%s each. RocksDB: Kafka "
                        + "Streams' metrics total-sst-files-size + size-all-mem-tables of the slo-state store, summed "
                        + "over tasks, once caught up. Heap: used after System.gc(), once caught up.%n%n",
                o.events, common.partitions, o.slosPerService, o.slosPerService, o.events / o.eventTimeRate,
                common.threads, common.heap));
        md.append(t);
        final double maxPerSlo = rows.stream().filter(r -> r.failure() == null)
                .mapToDouble(r -> r.rocksBytes() / r.slos()).max().orElse(Double.NaN);
        final Row big = rows.stream().filter(r -> r.slos() >= 10_000).findFirst().orElse(null);
        md.append(String.format(Locale.ROOT, "%nTargets: throughput drop from %,d to %,d SLOs ≤ 20 %%: %s (%s); "
                        + "state ≤ 64 KiB per SLO: %s (largest %s per SLO); runs at 10,000 SLOs with -Xmx512m: %s.%n",
                first.slos(), last.slos(),
                Double.isNaN(change) ? "not measured" : -change <= 0.20 ? "**met**" : "**missed**",
                Double.isNaN(change) ? "–" : Table.percent(change),
                Double.isNaN(maxPerSlo) ? "not measured" : maxPerSlo <= 64 * 1024 ? "**met**" : "**missed**",
                Table.bytes(maxPerSlo),
                big == null ? "not run" : big.failure() == null && common.heap.equals("512m") ? "**met**"
                        : big.failure() == null ? "ran with -Xmx" + common.heap : "**missed** (" + big.failure() + ")"));
        return new Result(rows, change, md.toString());
    }
}
