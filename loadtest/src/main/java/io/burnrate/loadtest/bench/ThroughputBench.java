package io.burnrate.loadtest.bench;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Throughput against the ceiling: one pre-filled topic; a plain consumer that parses
 * every event (the ceiling) and the engine with exactly-once v2 read the same events,
 * each in a fresh JVM, alternately, {@code repeat} times; the medians and their ratio.
 */
public final class ThroughputBench {

    /** Knobs of this benchmark. */
    public static final class Options {
        public long events = 5_000_000;
        public int services = 50;
        public int slosPerService = 1;
        /** Events per second of event time: the pre-filled events span events / rate seconds. */
        public double eventTimeRate = 100_000;
        public int repeat = 3;
        /** One more engine run and one more ceiling run under JFR, summarized. */
        public boolean profile;
        public Duration timeout = Duration.ofMinutes(20);
        /**
         * Engine settings of a variant measured alongside in every round (e.g. a proposed
         * configuration change: before/after in the same run); empty: none.
         */
        public Map<String, String> variant = new LinkedHashMap<>();
        /** Also the Kafka Streams floor ({@link StreamsFloor}) in every round. */
        public boolean floor = true;
    }

    public record Result(Generator.Stats prefill, List<Ceiling.Result> ceilings, List<EngineRun.Result> engines,
                         List<EngineRun.Result> variants, List<EngineRun.Result> floors, double ceilingRate,
                         double engineRate, double ratio, double variantRate, double floorRate, String markdown,
                         JfrSummary.Summary engineProfile, JfrSummary.Summary ceilingProfile) {
    }

    private ThroughputBench() {
    }

    public static Result run(final BenchEnv env, final BenchOptions common, final Options o) throws Exception {
        final String prefix = env.name("tp");
        final String topic = prefix + ".requests";
        final List<String> services = EventFactory.services(o.services, Scenario.STEADY);
        final Map<String, String> base = common.engine(env, prefix, topic, "unused");
        env.createTopics(base, common.partitions);
        final int slos = SloSet.publish(BenchEnv.toSettings(base), SloSet.yaml(services, o.services * o.slosPerService));
        env.log().printf("bench throughput: pre-filling %s with %,d events (%d services, %d partitions)%n", topic,
                o.events, o.services, common.partitions);
        final Generator.Stats prefill = BenchOptions.prefill(env, topic, services, o.events, o.eventTimeRate, 7);

        final List<Ceiling.Result> ceilings = new ArrayList<>();
        final List<EngineRun.Result> engines = new ArrayList<>();
        final List<EngineRun.Result> variants = new ArrayList<>();
        final List<EngineRun.Result> floors = new ArrayList<>();
        for (int r = 1; r <= o.repeat; r++) {
            final Ceiling.Result c = Ceiling.run(env, topic, common.heap, List.of(), prefix + "-ceiling-" + r);
            env.log().printf(Locale.ROOT, "bench throughput: run %d ceiling %,.0f ev/s (%,d events in %.2f s)%n", r,
                    c.rate(), c.measuredEvents(), c.seconds());
            ceilings.add(c);
            final Map<String, String> s = common.engine(env, prefix, topic, env.nextEngineId(prefix));
            final EngineRun.Result e = EngineRun.catchUp(env, s, common.heap, common.engineJvmArgs, o.timeout);
            env.log().printf(Locale.ROOT, "bench throughput: run %d engine %,.0f ev/s (%,d events in %.2f s; %s)%n", r,
                    e.rate(), e.measuredEvents(), e.seconds(), e.method());
            check(e, o.events);
            engines.add(e);
            if (!o.variant.isEmpty()) {
                final Map<String, String> vs = common.engine(env, prefix, topic, env.nextEngineId(prefix));
                vs.putAll(o.variant);
                final EngineRun.Result v = EngineRun.catchUp(env, vs, common.heap, common.engineJvmArgs, o.timeout);
                env.log().printf(Locale.ROOT, "bench throughput: run %d engine with %s %,.0f ev/s (%,d events in "
                        + "%.2f s)%n", r, o.variant, v.rate(), v.measuredEvents(), v.seconds());
                check(v, o.events);
                variants.add(v);
            }
            if (o.floor) {
                final Map<String, String> fs = common.engine(env, prefix, topic, env.nextEngineId(prefix));
                fs.put(StreamsFloor.SETTING, "true");
                final EngineRun.Result f = EngineRun.catchUp(env, fs, common.heap, common.engineJvmArgs, o.timeout);
                env.log().printf(Locale.ROOT, "bench throughput: run %d Kafka Streams floor %,.0f ev/s (%,d events in "
                        + "%.2f s)%n", r, f.rate(), f.measuredEvents(), f.seconds());
                if (f.stats().path("accepted").asLong(-1) < o.events) {
                    throw new IllegalStateException("the Kafka Streams floor saw " + f.stats().path("accepted").asLong(-1)
                            + " of " + o.events + " records (log: " + f.log() + ")");
                }
                floors.add(f);
            }
        }
        final double ceiling = Table.median(ceilings.stream().map(Ceiling.Result::rate).toList());
        final double engine = Table.median(engines.stream().map(EngineRun.Result::rate).toList());
        final double variant = Table.median(variants.stream().map(EngineRun.Result::rate).toList());
        final String variantName = variantName(o.variant);
        final double floor = Table.median(floors.stream().map(EngineRun.Result::rate).toList());

        JfrSummary.Summary engineProfile = null;
        JfrSummary.Summary ceilingProfile = null;
        double profiledEngineRate = Double.NaN;
        double profiledCeilingRate = Double.NaN;
        if (o.profile) {
            Files.createDirectories(common.profileDir);
            final Path jfc = JfrSummary.writeJfc(env.workDir());
            final Path cj = env.workDir().resolve("ceiling.jfr");
            final Ceiling.Result c = Ceiling.run(env, topic, common.heap, JfrSummary.flags(jfc, cj),
                    prefix + "-ceiling-profiled");
            profiledCeilingRate = c.rate();
            ceilingProfile = JfrSummary.summarize(cj, "^main$", Instant.ofEpochMilli(c.fromMs()),
                    Instant.ofEpochMilli(c.toMs()));
            Files.copy(cj, common.profileDir.resolve("throughput-ceiling.jfr"), StandardCopyOption.REPLACE_EXISTING);
            final Path ej = env.workDir().resolve("engine.jfr");
            final List<String> jvm = new ArrayList<>(common.engineJvmArgs);
            jvm.addAll(JfrSummary.flags(jfc, ej));
            final EngineRun.Result e = EngineRun.catchUp(env, common.engine(env, prefix, topic,
                    env.nextEngineId(prefix)), common.heap, jvm, o.timeout);
            profiledEngineRate = e.rate();
            engineProfile = JfrSummary.summarize(ej, JfrSummary.STREAM_THREADS, Instant.ofEpochMilli(e.fromMs()),
                    Instant.ofEpochMilli(e.toMs()));
            Files.copy(ej, common.profileDir.resolve("throughput-engine.jfr"), StandardCopyOption.REPLACE_EXISTING);
            env.log().printf(Locale.ROOT, "bench throughput: profiled runs: ceiling %,.0f ev/s, engine %,.0f ev/s; "
                    + "recordings in %s%n", c.rate(), e.rate(), common.profileDir.toAbsolutePath());
        }

        final List<String> header = new ArrayList<>(List.of("run", "(a) ceiling events/s", "(b) engine events/s",
                "ratio b/a", "CPU µs/event: ceiling", "engine", "CPU ratio"));
        if (!variants.isEmpty()) {
            header.add("engine with " + variantName + " events/s");
            header.add("ratio");
            header.add("CPU µs/event");
            header.add("CPU ratio");
        }
        if (!floors.isEmpty()) {
            header.add("(c) Streams floor events/s");
            header.add("ratio c/a");
            header.add("CPU µs/event");
            header.add("engine / floor");
        }
        final Table t = new Table(header.toArray(new String[0]));
        for (int i = 0; i < o.repeat; i++) {
            final EngineRun.Result e = engines.get(i);
            final Ceiling.Result c = ceilings.get(i);
            final List<Object> row = new ArrayList<>(List.of(i + 1, Table.count(c.rate()), Table.count(e.rate()),
                    Table.ratio(e.rate() / c.rate()), micros(c.cpuNsPerEvent()), micros(e.cpuNsPerEvent()),
                    Table.ratio(c.cpuNsPerEvent() / e.cpuNsPerEvent())));
            if (!variants.isEmpty()) {
                final EngineRun.Result v = variants.get(i);
                row.add(Table.count(v.rate()));
                row.add(Table.ratio(v.rate() / c.rate()));
                row.add(micros(v.cpuNsPerEvent()));
                row.add(Table.ratio(c.cpuNsPerEvent() / v.cpuNsPerEvent()));
            }
            if (!floors.isEmpty()) {
                final EngineRun.Result f = floors.get(i);
                row.add(Table.count(f.rate()));
                row.add(Table.ratio(f.rate() / c.rate()));
                row.add(micros(f.cpuNsPerEvent()));
                row.add(Table.ratio(e.rate() / f.rate()));
            }
            t.row(row.toArray());
        }
        final double ceilingCpu = Table.median(ceilings.stream().map(Ceiling.Result::cpuNsPerEvent).toList());
        final double engineCpu = Table.median(engines.stream().map(EngineRun.Result::cpuNsPerEvent).toList());
        final List<Object> med = new ArrayList<>(List.of("**median**", "**" + Table.count(ceiling) + "**",
                "**" + Table.count(engine) + "**", "**" + Table.ratio(engine / ceiling) + "**",
                "**" + micros(ceilingCpu) + "**", "**" + micros(engineCpu) + "**",
                "**" + Table.ratio(ceilingCpu / engineCpu) + "**"));
        if (!variants.isEmpty()) {
            final double variantCpu = Table.median(variants.stream().map(EngineRun.Result::cpuNsPerEvent).toList());
            med.add("**" + Table.count(variant) + "**");
            med.add("**" + Table.ratio(variant / ceiling) + "**");
            med.add("**" + micros(variantCpu) + "**");
            med.add("**" + Table.ratio(ceilingCpu / variantCpu) + "**");
        }
        if (!floors.isEmpty()) {
            final double floorCpu = Table.median(floors.stream().map(EngineRun.Result::cpuNsPerEvent).toList());
            med.add("**" + Table.count(floor) + "**");
            med.add("**" + Table.ratio(floor / ceiling) + "**");
            med.add("**" + micros(floorCpu) + "**");
            med.add("**" + Table.ratio(engine / floor) + "**");
        }
        t.row(med.toArray());
        final StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%,d events (%,d bytes avg. JSON), %d partitions, %d services, %d SLOs "
                        + "(google-30d, %d per service), event time spanning %.0f s; pre-filled at %,.0f ev/s "
                        + "(lz4, linger 20 ms, batch 256 KiB).%n"
                        + "Ceiling: plain KafkaConsumer (read_committed, client defaults) + Jackson databind of "
                        + "every event into a record. Engine: exactly_once_v2, %d stream thread(s), commit interval "
                        + "%s, -Xmx%s; each run a fresh JVM and a fresh application id. Engine rate: %s. CPU µs/event: "
                        + "CPU time of the whole JVM (all threads, GC and RocksDB included) over the measured "
                        + "interval / events; CPU ratio = ceiling CPU per event / engine CPU per event, which "
                        + "depends far less than events/s on what else runs on the (shared) machine.%n%n",
                o.events, averageEventBytes(services), common.partitions, o.services, slos, o.slosPerService,
                o.events / o.eventTimeRate, prefill.rate(), common.threads,
                common.engineSettings.getOrDefault("commit.interval.ms", "100 ms (EOS default)"), common.heap,
                engines.get(0).method()));
        md.append(t);
        md.append(String.format(Locale.ROOT, "%nTarget ≥ 0.70: %s (median ratio %.2f).%n",
                engine / ceiling >= 0.7 ? "**met**" : "**missed** by " + Table.ratio(0.7 - engine / ceiling), engine / ceiling));
        if (!variants.isEmpty()) {
            md.append(String.format(Locale.ROOT, "With %s (a proposed engine setting, passed as an engine setting, "
                    + "same events, same rounds): median %,.0f ev/s, ratio %.2f (%s vs the engine as it is).%n",
                    variantName, variant, variant / ceiling, Table.percent(variant / engine - 1)));
        }
        if (!floors.isEmpty()) {
            md.append(String.format(Locale.ROOT, "Kafka Streams floor (the engine's Streams settings, a processor that "
                    + "only counts records: no parsing, no state, no output; same events, same rounds): median %,.0f "
                    + "ev/s = %.2f of the ceiling; the engine reaches %.2f of the floor.%n", floor, floor / ceiling,
                    engine / floor));
        }
        if (engineProfile != null) {
            md.append(String.format(Locale.ROOT, "%n#### Profile of the engine (JFR, a separate run at %,.0f ev/s)%n%n",
                    profiledEngineRate));
            md.append(engineProfile.markdown(20));
            md.append(String.format(Locale.ROOT, "%n#### Profile of the ceiling (JFR, a separate run at %,.0f ev/s)%n%n",
                    profiledCeilingRate));
            md.append(ceilingProfile.markdown(12));
        }
        return new Result(prefill, ceilings, engines, variants, floors, ceiling, engine, engine / ceiling, variant,
                floor, md.toString(), engineProfile, ceilingProfile);
    }

    static String micros(final double ns) {
        return Double.isNaN(ns) || ns < 0 ? "–" : String.format(Locale.ROOT, "%.2f", ns / 1000);
    }

    static String variantName(final Map<String, String> variant) {
        final StringBuilder b = new StringBuilder();
        variant.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append('`').append(k).append('=').append(v)
                .append('`'));
        return b.toString();
    }

    static void check(final EngineRun.Result e, final long events) {
        final long accepted = e.stats().path("accepted").asLong(-1);
        if (accepted != events) {
            throw new IllegalStateException("the engine accepted " + accepted + " of " + events + " events (log: "
                    + e.log() + ")");
        }
    }

    static long averageEventBytes(final List<String> services) {
        final EventFactory f = new EventFactory(services, 8, Scenario.STEADY);
        final SplittableRandom r = new SplittableRandom(1);
        long sum = 0;
        for (int i = 0; i < 1000; i++) {
            sum += f.next(i % services.size(), 1_767_225_600_000L + i, i, r).length;
        }
        return sum / 1000;
    }
}
