package io.burnrate.loadtest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.loadtest.gen.EventFactory;
import io.burnrate.loadtest.gen.Scenario;
import io.burnrate.loadtest.gen.SloSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SLO-count scaling: for each point (K SLOs over S services, N = K / S per service), a
 * topic of the same number of events (same event-time span, same partitions) spread
 * uniformly over the S services, the engine in a fresh JVM, caught up; then throughput and
 * its change against the base point (10 SLOs, one per service, when measured; else the
 * first point) of the same run, RocksDB size of the SLO state store (SST files +
 * memtables, from Kafka Streams' RocksDB metrics) per SLO, the state directory after a
 * clean close per SLO, and heap used after a full GC, in total and per SLO.
 *
 * <p>Points are written {@code K} (K SLOs, {@code slosPerService} per service, one by
 * default), {@code SxN} (S services × N SLOs each: the first an availability SLO, the
 * second a latency SLO, the others availability SLOs selecting one {@code operation}
 * each, see {@link SloSet}) and take an optional engine heap, {@code 100000@2g}.
 */
public final class ScalingBench {

    /** Knobs of this benchmark. */
    public static final class Options {
        /** Points, see {@link Point#parse}. */
        public List<String> points = List.of("10", "1000", "10000", "1000x10", "100000@2g");
        public long events = 5_000_000;
        public int slosPerService = 1;
        public double eventTimeRate = 100_000;
        public Duration timeout = Duration.ofMinutes(20);
        /** When an SLO count fails with the configured heap, measure it again with this one (null: don't). */
        public String fallbackHeap = "2g";
        /** Record each engine run with JFR (in place: the measured run is the profiled run) and summarize. */
        public boolean profile;
    }

    /** One point: {@code slos} SLOs over {@code services} services; {@code heap} null = the common heap. */
    public record Point(String label, int slos, int services, String heap) {

        /** {@code K}, {@code SxN}, each optionally {@code @HEAP}; plain K uses {@code slosPerService}. */
        public static Point parse(final String text, final int slosPerService) {
            final String t = text.trim().toLowerCase(Locale.ROOT);
            final int at = t.indexOf('@');
            final String heap = at < 0 ? null : t.substring(at + 1);
            final String shape = at < 0 ? t : t.substring(0, at);
            try {
                final int x = shape.indexOf('x');
                if (x > 0) {
                    final int services = Integer.parseInt(shape.substring(0, x).replace("_", ""));
                    final int per = Integer.parseInt(shape.substring(x + 1));
                    if (services < 1 || per < 1) {
                        throw new NumberFormatException();
                    }
                    return new Point(String.format(Locale.ROOT, "%,d × %d", services, per), services * per, services,
                            heap);
                }
                final int k = Integer.parseInt(shape.replace("_", ""));
                if (k < 1) {
                    throw new NumberFormatException();
                }
                final int services = Math.max(1, (k + slosPerService - 1) / slosPerService);
                return new Point(slosPerService == 1 ? Table.count(k)
                        : String.format(Locale.ROOT, "%,d × %d", services, slosPerService), k, services, heap);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("scaling point '" + text + "': write K (SLOs), SxN (services × "
                        + "SLOs each), optionally @HEAP, e.g. 10000, 1000x10, 100000@2g");
            }
        }

        int perService() {
            return (slos + services - 1) / services;
        }
    }

    /** One point's measurement; {@code failure} set when the engine did not make it. */
    public record Row(String label, int slos, int services, long events, String heap, double rate, double cpuNsPerEvent,
                      double rocksBytes, double stateDirBytes, double heapAfterGc, String failure,
                      JfrSummary.Summary profile, double secondHalfRate, double secondHalfCpuNsPerEvent) {
    }

    /** {@code throughputChange}: the last measured point against the base. */
    public record Result(List<Row> rows, Row base, double throughputChange, String markdown) {

        /** Throughput change of the point labelled {@code label} against the base; NaN when not measured. */
        public double change(final String label) {
            return rows.stream().filter(r -> r.failure() == null && r.label().equals(label)).findFirst()
                    .map(r -> r.rate() / base.rate() - 1).orElse(Double.NaN);
        }
    }

    private ScalingBench() {
    }

    public static Result run(final BenchEnv env, final BenchOptions common, final Options o) throws Exception {
        final List<Point> points = o.points.stream().map(p -> Point.parse(p, o.slosPerService)).toList();
        final List<Row> rows = new ArrayList<>();
        // points with the same services read the same events: pre-fill each topic once
        final Map<Integer, String> topicOf = new HashMap<>();
        final Map<Integer, Long> eventsOf = new HashMap<>();
        for (final Point p : points) {
            final String prefix = env.name("scale-" + p.services() + "x" + p.perService());
            final List<String> services = EventFactory.services(p.services(), Scenario.STEADY);
            final boolean fresh = !topicOf.containsKey(p.services());
            final String topic = topicOf.computeIfAbsent(p.services(), n -> env.name("scale-s" + n) + ".requests");
            final Map<String, String> base = common.engine(env, prefix, topic, "unused");
            env.createTopics(base, common.partitions);
            final long t0 = System.nanoTime();
            final int published = SloSet.publish(BenchEnv.toSettings(base), SloSet.yaml(services, p.slos()));
            env.log().printf(Locale.ROOT, "bench scaling: %s: published %,d SLOs in %.1f s%s%n", p.label(), published,
                    (System.nanoTime() - t0) / 1e9, fresh ? String.format(Locale.ROOT, "; pre-filling %,d events over "
                            + "%,d services", o.events, p.services()) : "; same events as the earlier point");
            if (fresh) {
                eventsOf.put(p.services(),
                        BenchOptions.prefill(env, topic, services, o.events, o.eventTimeRate, 11).events());
            }
            final long events = eventsOf.get(p.services());
            final String heap = p.heap() != null ? p.heap() : common.heap;
            final Row row = measure(env, common, o, prefix, topic, p, events, heap);
            rows.add(row);
            // the table so far: a run stopped later still leaves its measured points in the log
            env.log().println(render(common, o, rows).markdown().split("\n\n")[1]);
            if (row.failure() != null && p.heap() == null && o.fallbackHeap != null
                    && !o.fallbackHeap.equals(common.heap)) {
                env.log().printf("bench scaling: %s: measuring again with -Xmx%s%n", p.label(), o.fallbackHeap);
                rows.add(measure(env, common, o, prefix, topic, p, events, o.fallbackHeap));
            }
        }
        return render(common, o, rows);
    }

    private static Row measure(final BenchEnv env, final BenchOptions common, final Options o, final String prefix,
                               final String topic, final Point p, final long events,
                               final String heap) throws Exception {
        final int k = p.slos();
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
                Files.copy(jfr, common.profileDir.resolve("scaling-" + p.services() + "x" + p.perService() + "-" + heap
                                + ".jfr"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
            ThroughputBench.check(e, events);
            final JsonNode store = e.stats().path("rocksdb").path("slo-state");
            final double rocks = store.path("total-sst-files-size").asDouble(0)
                    + store.path("size-all-mem-tables").asDouble(0);
            final Row row = new Row(p.label(), k, p.services(), events, heap, e.rate(), e.cpuNsPerEvent(), rocks,
                    e.stopped().path("stateDirBytes").asDouble(), e.stats().path("heapUsedAfterGc").asDouble(), null,
                    profile, e.secondHalfRate(), e.secondHalfCpuNsPerEvent());
            env.log().printf(Locale.ROOT, "bench scaling: %s (-Xmx%s): %,.0f ev/s, %s CPU µs/event, RocksDB %s (%s "
                    + "per SLO), heap after GC %s (%s per SLO)%n", p.label(), heap, row.rate(),
                    ThroughputBench.micros(row.cpuNsPerEvent()), Table.bytes(rocks), Table.bytes(rocks / k),
                    Table.bytes(row.heapAfterGc()), Table.bytes(row.heapAfterGc() / k));
            return row;
        } catch (EngineRun.Failed | IOException ex) {
            // one point that fails (out of memory, no RUNNING in time) is a row, not the end of the run
            env.log().println("bench scaling: " + p.label() + " (-Xmx" + heap + ") failed: " + ex.getMessage()
                    + (ex instanceof EngineRun.Failed f ? " (log: " + f.log() + ")" : ""));
            return new Row(p.label(), k, p.services(), events, heap, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    ex.getMessage(), null, Double.NaN, Double.NaN);
        }
    }

    /** {@code value} against {@code base} as a signed percentage; "–" when either is missing. */
    private static String change(final double value, final double base) {
        return Double.isNaN(value) || Double.isNaN(base) ? "–" : Table.percent(value / base - 1);
    }

    private static Result render(final BenchOptions common, final Options o, final List<Row> rows) {
        final List<Row> ok = rows.stream().filter(r -> r.failure() == null).toList();
        final Row first = ok.stream().filter(r -> r.slos() == 10 && r.services() == 10).findFirst()
                .orElse(ok.isEmpty() ? null : ok.get(0));
        final Row last = ok.isEmpty() ? null : ok.get(ok.size() - 1);
        final double change = first == null || last == first ? Double.NaN : last.rate() / first.rate() - 1;
        final Table t = new Table("SLOs", "services × SLOs each", "heap", "events", "events/s", "vs base",
                "engine CPU µs/event", "vs base", "2nd half: events/s", "vs base", "2nd half: CPU µs/event", "vs base",
                "RocksDB (SST + memtables)", "per SLO", "per SLO, marginal",
                "state dir after close, per SLO", "heap after GC", "heap after GC per SLO", "heap per SLO, marginal");
        for (final Row r : rows) {
            final String shape = Table.count(r.services()) + " × " + (r.slos() + r.services() - 1) / r.services();
            if (r.failure() != null) {
                t.row(Table.count(r.slos()), shape, r.heap(), Table.count(r.events()), "**failed**: " + r.failure(),
                        "", "", "", "", "", "", "", "", "", "", "", "", "", "");
                continue;
            }
            final boolean base = r == first;
            t.row(Table.count(r.slos()), shape, r.heap(), Table.count(r.events()),
                    Table.count(r.rate()), base ? "base" : Table.percent(r.rate() / first.rate() - 1),
                    ThroughputBench.micros(r.cpuNsPerEvent()),
                    base ? "base" : Table.percent(r.cpuNsPerEvent() / first.cpuNsPerEvent() - 1),
                    Double.isNaN(r.secondHalfRate()) ? "–" : Table.count(r.secondHalfRate()),
                    base ? "base" : change(r.secondHalfRate(), first.secondHalfRate()),
                    Double.isNaN(r.secondHalfCpuNsPerEvent()) ? "–" : ThroughputBench.micros(r.secondHalfCpuNsPerEvent()),
                    base ? "base" : change(r.secondHalfCpuNsPerEvent(), first.secondHalfCpuNsPerEvent()),
                    Table.bytes(r.rocksBytes()), Table.bytes(r.rocksBytes() / r.slos()),
                    base || r.slos() == first.slos() ? "–"
                            : Table.bytes((r.rocksBytes() - first.rocksBytes()) / (r.slos() - first.slos())),
                    Table.bytes(r.stateDirBytes() / r.slos()), Table.bytes(r.heapAfterGc()),
                    Table.bytes(r.heapAfterGc() / r.slos()),
                    base || r.slos() == first.slos() ? "–"
                            : Table.bytes((r.heapAfterGc() - first.heapAfterGc()) / (r.slos() - first.slos())));
        }
        final StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Every point: %,d events over %d partitions, event time spanning %.0f s "
                        + "(%,.0f events per second of event time), spread uniformly over the point's services "
                        + "(points with the same services read the same topic); `S × 1`: one 99.9 %% availability "
                        + "SLO per service, so each event counts in 1 SLO; `S × N`, N ≥ 2: per service an "
                        + "availability SLO, a latency SLO and N − 2 availability SLOs each selecting one of the 8 "
                        + "`operation` values, so each event counts in 3 SLOs and is matched against N. All SLOs: "
                        + "30d window, google-30d policy (8 windows, 2,532 buckets each). Engine: exactly_once_v2, %d "
                        + "stream thread(s), a fresh JVM per row with the heap shown (-Xmx = -Xms; a point without "
                        + "its own heap that fails is measured again with -Xmx%s). \"vs base\": against the %s "
                        + "point of this run. RocksDB: Kafka Streams' metrics total-sst-files-size + "
                        + "size-all-mem-tables of the slo-state store, summed over tasks, once caught up; "
                        + "\"marginal\" = (this row − base row) / (SLO difference), which removes the fixed per-store "
                        + "overhead (memtable arenas). State dir: bytes on disk after a clean close (memtables "
                        + "flushed). Heap: used after System.gc(), once caught up. Engine CPU µs/event: CPU time of "
                        + "the whole engine JVM over the measured interval / events (less sensitive than events/s to "
                        + "other load on the shared machine). \"2nd half\": the same over the second half of the "
                        + "measured events alone (from the first poll that sees half of them committed), which leaves "
                        + "out what a run pays once: JIT compilation (at 10,000 SLOs the engine JVM's compilers spend "
                        + "several times the CPU they spend at 10), and creating and first writing every SLO's state. "
                        + "The targets are judged on the whole run.%n%n",
                o.events, common.partitions, o.events / o.eventTimeRate, o.eventTimeRate, common.threads,
                o.fallbackHeap, first == null ? "first" : first.label() + "-SLO"));
        md.append(t);
        md.append(String.format(Locale.ROOT, "%nTargets (drop vs %s SLOs, throughput / by CPU per event): ",
                first == null ? "–" : first.label()));
        final List<String> targets = new ArrayList<>();
        for (final Row r : ok) {
            if (r == first) {
                continue;
            }
            final double d = r.rate() / first.rate() - 1;
            final double cpu = first.cpuNsPerEvent() / r.cpuNsPerEvent() - 1;
            final double limit = r.slos() >= 100_000 ? 0.40 : r.slos() >= 10_000 ? 0.20 : r.slos() >= 1_000 ? 0.10
                    : Double.NaN;
            final double d2 = r.secondHalfRate() / first.secondHalfRate() - 1;
            targets.add(String.format(Locale.ROOT, "%s (-Xmx%s) %s / %s%s%s", r.label(), r.heap(), Table.percent(d),
                    Table.percent(cpu), Double.isNaN(limit) ? "" : String.format(Locale.ROOT, " (≤ %.0f %%: %s)",
                            limit * 100, -d <= limit ? "**met**" : "**missed**"),
                    Double.isNaN(d2) ? "" : ", second half alone " + Table.percent(d2)));
        }
        md.append(targets.isEmpty() ? "nothing to compare" : String.join("; ", targets)).append(".\n");
        ok.stream().filter(r -> r.slos() == 10_000 && r.services() == 10_000).findFirst().ifPresent(r ->
                md.append(String.format(Locale.ROOT, "Heap after GC at 10,000 SLOs ≤ 16 KiB per SLO: %s (%s per SLO, "
                        + "-Xmx%s).%n", r.heapAfterGc() / r.slos() <= 16 * 1024 ? "**met**" : "**missed**",
                        Table.bytes(r.heapAfterGc() / r.slos()), r.heap())));
        for (final Row r : ok) {
            if (r.profile() != null) {
                md.append(String.format(Locale.ROOT, "%n#### Profile at %s SLOs (-Xmx%s; JFR during the measured "
                        + "run)%n%n", r.label(), r.heap()));
                md.append(r.profile().markdown(r == last ? 15 : 8));
            }
        }
        return new Result(rows, first, change, md.toString());
    }
}
