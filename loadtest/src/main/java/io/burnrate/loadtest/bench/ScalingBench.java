package io.burnrate.loadtest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.loadtest.gen.EventFactory;
import io.burnrate.loadtest.gen.Generator;
import io.burnrate.loadtest.gen.Scenario;
import io.burnrate.loadtest.gen.SloSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
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
        /** When an SLO count fails with the configured heap, measure it again with this one (null: don't). */
        public String fallbackHeap = "2g";
        /** Record each engine run with JFR (in place: the measured run is the profiled run) and summarize. */
        public boolean profile;
    }

    /** One SLO count's measurement; {@code failure} set when the engine did not make it. */
    public record Row(int slos, int services, long events, String heap, double rate, double cpuNsPerEvent,
                      double rocksBytes, double stateDirBytes, double heapAfterGc, String failure,
                      JfrSummary.Summary profile) {
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
            final Row row = measure(env, common, o, prefix, topic, k, nServices, prefill.events(), common.heap);
            rows.add(row);
            if (row.failure() != null && o.fallbackHeap != null && !o.fallbackHeap.equals(common.heap)) {
                env.log().printf("bench scaling: K=%,d: measuring again with -Xmx%s%n", k, o.fallbackHeap);
                rows.add(measure(env, common, o, prefix, topic, k, nServices, prefill.events(), o.fallbackHeap));
            }
        }
        return render(common, o, rows);
    }

    private static Row measure(final BenchEnv env, final BenchOptions common, final Options o, final String prefix,
                               final String topic, final int k, final int nServices, final long events,
                               final String heap) throws Exception {
        final Map<String, String> s = common.engine(env, prefix, topic, env.nextEngineId(prefix));
        final List<String> jvm = new ArrayList<>(common.engineJvmArgs);
        final Path jfr = env.workDir().resolve(s.get("application.id") + ".jfr");
        if (o.profile) {
            jvm.addAll(JfrSummary.flags(JfrSummary.writeJfc(env.workDir()), jfr));
        }
        try {
            final EngineRun.Result e = EngineRun.catchUp(env, s, heap, jvm, o.timeout);
            JfrSummary.Summary profile = null;
            if (o.profile) {
                profile = JfrSummary.summarize(jfr, JfrSummary.STREAM_THREADS, Instant.ofEpochMilli(e.fromMs()),
                        Instant.ofEpochMilli(e.toMs()));
                Files.createDirectories(common.profileDir);
                Files.copy(jfr, common.profileDir.resolve("scaling-k" + k + "-" + heap + ".jfr"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            ThroughputBench.check(e, events);
            final JsonNode store = e.stats().path("rocksdb").path("slo-state");
            final double rocks = store.path("total-sst-files-size").asDouble(0)
                    + store.path("size-all-mem-tables").asDouble(0);
            final Row row = new Row(k, nServices, events, heap, e.rate(), e.cpuNsPerEvent(), rocks,
                    e.stopped().path("stateDirBytes").asDouble(), e.stats().path("heapUsedAfterGc").asDouble(), null,
                    profile);
            env.log().printf(Locale.ROOT, "bench scaling: K=%,d (-Xmx%s): %,.0f ev/s, RocksDB %s (%s per SLO), heap "
                    + "after GC %s%n", k, heap, row.rate(), Table.bytes(rocks), Table.bytes(rocks / k),
                    Table.bytes(row.heapAfterGc()));
            return row;
        } catch (EngineRun.Failed ex) {
            env.log().println("bench scaling: K=" + k + " (-Xmx" + heap + ") failed: " + ex.getMessage() + " (log: "
                    + ex.log() + ")");
            return new Row(k, nServices, events, heap, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    ex.getMessage(), null);
        }
    }

    private static Result render(final BenchOptions common, final Options o, final List<Row> rows) {
        final List<Row> ok = rows.stream().filter(r -> r.failure() == null).toList();
        final Row first = ok.isEmpty() ? null : ok.get(0);
        final Row last = ok.isEmpty() ? null : ok.get(ok.size() - 1);
        final double change = first == null || last == first ? Double.NaN : last.rate() / first.rate() - 1;
        final Table t = new Table("SLOs", "heap", "services", "events", "events/s", "vs first",
                "engine CPU µs/event", "vs first", "RocksDB (SST + memtables)", "per SLO", "per SLO, marginal",
                        "state dir after close, per SLO", "heap after GC",
                "heap per SLO, marginal");
        for (final Row r : rows) {
            if (r.failure() != null) {
                t.row(Table.count(r.slos()), r.heap(), Table.count(r.services()), Table.count(r.events()),
                        "**failed**: " + r.failure(), "", "", "", "", "", "", "", "", "");
                continue;
            }
            final boolean base = r == first;
            t.row(Table.count(r.slos()), r.heap(), Table.count(r.services()), Table.count(r.events()),
                    Table.count(r.rate()), base ? "–" : Table.percent(r.rate() / first.rate() - 1),
                    ThroughputBench.micros(r.cpuNsPerEvent()),
                    base ? "–" : Table.percent(r.cpuNsPerEvent() / first.cpuNsPerEvent() - 1),
                    Table.bytes(r.rocksBytes()), Table.bytes(r.rocksBytes() / r.slos()),
                    base ? "–" : Table.bytes((r.rocksBytes() - first.rocksBytes()) / (r.slos() - first.slos())),
                    Table.bytes(r.stateDirBytes() / r.slos()), Table.bytes(r.heapAfterGc()),
                    base ? "–" : Table.bytes((r.heapAfterGc() - first.heapAfterGc()) / (r.slos() - first.slos())));
        }
        final StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Each SLO count: its own topic of %,d events over %d partitions, spread "
                        + "uniformly over SLOs / %d services (each event counts in %d SLO(s) whatever the count), "
                        + "event time spanning %.0f s; SLOs: 30d window, google-30d policy (8 windows, 2,532 buckets "
                        + "each). Engine: exactly_once_v2, %d stream thread(s), a fresh JVM per row with the heap "
                        + "shown (-Xmx = -Xms; a count that fails is measured again with -Xmx%s). RocksDB: Kafka "
                        + "Streams' metrics total-sst-files-size + size-all-mem-tables of the slo-state store, summed "
                        + "over tasks, once caught up; \"marginal\" = (this row − first row) / (SLO difference), which "
                        + "removes the fixed per-store overhead (memtable arenas). State dir: bytes on disk after a "
                        + "clean close (memtables flushed). Heap: used after System.gc(), once caught up. Engine CPU "
                        + "µs/event: CPU time of the whole engine JVM over the measured interval / events (less "
                        + "sensitive than events/s to other load on the shared machine).%n%n",
                o.events, common.partitions, o.slosPerService, o.slosPerService, o.events / o.eventTimeRate,
                common.threads, o.fallbackHeap));
        md.append(t);
        final Row atMax = ok.stream().filter(r -> r.slos() == o.sloCounts.get(o.sloCounts.size() - 1)).findFirst()
                .orElse(null);
        final Row small = rows.stream().filter(r -> r.slos() >= 10_000 && r.heap().equals("512m")).findFirst()
                .orElse(null);
        final double cpuChange = first == null || last == first ? Double.NaN
                : first.cpuNsPerEvent() / last.cpuNsPerEvent() - 1;
        md.append(String.format(Locale.ROOT, "%nTargets: throughput drop from %s to %s SLOs ≤ 20 %%: %s (by CPU per "
                        + "event: %s); state ≤ 64 KiB per SLO: %s; runs at 10,000 SLOs with -Xmx512m: %s.%n",
                first == null ? "–" : Table.count(first.slos()),
                last == null ? "–" : Table.count(last.slos()) + (last.heap().equals(first.heap()) ? ""
                        : " (-Xmx" + last.heap() + ")"),
                Double.isNaN(change) ? "not measured" : (-change <= 0.20 ? "**met**" : "**missed**") + " ("
                        + Table.percent(change) + ")",
                Double.isNaN(cpuChange) ? "–" : Table.percent(cpuChange) + " events per CPU-second",
                atMax == null ? "not measured" : (atMax.rocksBytes() / atMax.slos() <= 64 * 1024 ? "**met**"
                        : "**missed**") + " (" + Table.bytes(atMax.rocksBytes() / atMax.slos()) + " per SLO at "
                        + Table.count(atMax.slos()) + " SLOs)",
                small == null ? "not run" : small.failure() == null ? "**met** (heap after GC "
                        + Table.bytes(small.heapAfterGc()) + ")" : "**missed** (" + small.failure() + ")"));
        for (final Row r : ok) {
            if (r.profile() != null) {
                md.append(String.format(Locale.ROOT, "%n#### Profile at %s SLOs (-Xmx%s; JFR during the measured "
                        + "run)%n%n", Table.count(r.slos()), r.heap()));
                md.append(r.profile().markdown(r == last ? 15 : 8));
            }
        }
        return new Result(rows, change, md.toString());
    }
}
