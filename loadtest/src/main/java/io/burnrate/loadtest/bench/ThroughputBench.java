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
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
    }

    public record Result(Generator.Stats prefill, List<Ceiling.Result> ceilings, List<EngineRun.Result> engines,
                         double ceilingRate, double engineRate, double ratio, String markdown,
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
        }
        final double ceiling = Table.median(ceilings.stream().map(Ceiling.Result::rate).toList());
        final double engine = Table.median(engines.stream().map(EngineRun.Result::rate).toList());

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
            ceilingProfile = JfrSummary.summarize(cj, "main", Instant.ofEpochMilli(c.fromMs()),
                    Instant.ofEpochMilli(c.toMs()));
            Files.copy(cj, common.profileDir.resolve("throughput-ceiling.jfr"), StandardCopyOption.REPLACE_EXISTING);
            final Path ej = env.workDir().resolve("engine.jfr");
            final List<String> jvm = new ArrayList<>(common.engineJvmArgs);
            jvm.addAll(JfrSummary.flags(jfc, ej));
            final EngineRun.Result e = EngineRun.catchUp(env, common.engine(env, prefix, topic,
                    env.nextEngineId(prefix)), common.heap, jvm, o.timeout);
            profiledEngineRate = e.rate();
            engineProfile = JfrSummary.summarize(ej, "StreamThread", Instant.ofEpochMilli(e.fromMs()),
                    Instant.ofEpochMilli(e.toMs()));
            Files.copy(ej, common.profileDir.resolve("throughput-engine.jfr"), StandardCopyOption.REPLACE_EXISTING);
            env.log().printf(Locale.ROOT, "bench throughput: profiled runs: ceiling %,.0f ev/s, engine %,.0f ev/s; "
                    + "recordings in %s%n", c.rate(), e.rate(), common.profileDir.toAbsolutePath());
        }

        final Table t = new Table("run", "ceiling events/s", "engine events/s", "ratio b/a", "engine measured over");
        for (int i = 0; i < o.repeat; i++) {
            final EngineRun.Result e = engines.get(i);
            t.row(i + 1, Table.count(ceilings.get(i).rate()), Table.count(e.rate()),
                    Table.ratio(e.rate() / ceilings.get(i).rate()),
                    String.format(Locale.ROOT, "%,d events, %.2f s", e.measuredEvents(), e.seconds()));
        }
        t.row("**median**", "**" + Table.count(ceiling) + "**", "**" + Table.count(engine) + "**",
                "**" + Table.ratio(engine / ceiling) + "**", "");
        final StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%,d events (%,d bytes avg. JSON), %d partitions, %d services, %d SLOs "
                        + "(google-30d, %d per service), event time spanning %.0f s; pre-filled at %,.0f ev/s "
                        + "(lz4, linger 20 ms, batch 256 KiB).%n"
                        + "Ceiling: plain KafkaConsumer (read_committed, client defaults) + Jackson databind of "
                        + "every event into a record. Engine: exactly_once_v2, %d stream thread(s), commit interval "
                        + "%s, -Xmx%s; each run a fresh JVM and a fresh application id. Engine rate: %s.%n%n",
                o.events, averageEventBytes(services), common.partitions, o.services, slos, o.slosPerService,
                o.events / o.eventTimeRate, prefill.rate(), common.threads,
                common.engineSettings.getOrDefault("commit.interval.ms", "100 ms (EOS default)"), common.heap,
                engines.get(0).method()));
        md.append(t);
        md.append(String.format(Locale.ROOT, "%nTarget ≥ 0.70: %s (median ratio %.2f).%n",
                engine / ceiling >= 0.7 ? "**met**" : "**missed** by " + Table.ratio(0.7 - engine / ceiling), engine / ceiling));
        if (engineProfile != null) {
            md.append(String.format(Locale.ROOT, "%n#### Profile of the engine (JFR, a separate run at %,.0f ev/s)%n%n",
                    profiledEngineRate));
            md.append(engineProfile.markdown(20));
            md.append(String.format(Locale.ROOT, "%n#### Profile of the ceiling (JFR, a separate run at %,.0f ev/s)%n%n",
                    profiledCeilingRate));
            md.append(ceilingProfile.markdown(12));
        }
        return new Result(prefill, ceilings, engines, ceiling, engine, engine / ceiling, md.toString(), engineProfile,
                ceilingProfile);
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
        final java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        long sum = 0;
        for (int i = 0; i < 1000; i++) {
            sum += f.next(i % services.size(), 1_767_225_600_000L + i, i, r).length;
        }
        return sum / 1000;
    }
}
