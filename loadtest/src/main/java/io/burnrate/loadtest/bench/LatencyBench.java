package io.burnrate.loadtest.bench;

import io.burnrate.engine.runtime.Settings;
import io.burnrate.loadtest.gen.EventFactory;
import io.burnrate.loadtest.gen.Generator;
import io.burnrate.loadtest.gen.Scenario;
import io.burnrate.loadtest.gen.SloSet;
import io.burnrate.schemas.AlertTransition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Detection latency: live traffic at a fraction (default half) of the engine's measured
 * maximum rate, with incidents one after another, each on its own service (so no
 * incident has to resolve before the next).
 *
 * <p>Live traffic carries the wall clock as its event time, taken when each event is
 * built, just before it is handed to the producer. An alert transition's {@code at} is
 * the event time of the transition, i.e. the timestamp of the event whose counting made
 * the rule's condition true. The latency of a transition is therefore the wall clock at
 * which a read_committed consumer got it minus its {@code at}: from producing the first
 * event that makes a rule's condition true to the alert being readable on the alerts
 * topic. Per incident the first rule to fire counts; every firing transition is
 * reported too.
 */
public final class LatencyBench {

    /** Knobs of this benchmark. */
    public static final class Options {
        public int incidents = 24;
        public int services = 50;
        /** The engine's maximum rate; null = measure it first (catch-up of calibrationEvents). */
        public Double maxRate;
        public long calibrationEvents = 1_000_000;
        public double rateFraction = 0.5;
        /** Good traffic before the first incident, so every SLO has history. */
        public Duration warmup = Duration.ofSeconds(20);
        public Duration spacing = Duration.ofSeconds(2);
        public Duration incidentDuration = Duration.ofSeconds(1);
        public double incidentErrorRate = 0.5;
        public Duration timeout = Duration.ofMinutes(20);
    }

    public record Result(double maxRate, double targetRate, double achievedRate, int incidents, int detected,
                         List<Double> firstRuleLatenciesMs, List<Double> allLatenciesMs, long lagAtEnd,
                         int falseAlerts, String markdown) {

        public double p50() {
            return Table.percentile(firstRuleLatenciesMs, 50);
        }

        public double p99() {
            return Table.percentile(firstRuleLatenciesMs, 99);
        }
    }

    private LatencyBench() {
    }

    public static Result run(final BenchEnv env, final BenchOptions common, final Options o) throws Exception {
        final String prefix = env.name("lat");
        final String topic = prefix + ".requests";
        final List<String> services = EventFactory.services(Math.max(o.services, o.incidents), Scenario.STEADY);
        final Map<String, String> base = common.engine(env, prefix, topic, "unused");
        env.createTopics(base, common.partitions);
        final int slos = SloSet.publish(BenchEnv.toSettings(base), SloSet.yaml(services, services.size()));

        double maxRate;
        String maxRateSource;
        if (o.maxRate != null) {
            maxRate = o.maxRate;
            maxRateSource = "given";
        } else {
            final String cal = prefix + ".calibration";
            env.createRequestsTopic(cal, common.partitions);
            env.log().printf("bench latency: calibrating: engine catch-up over %,d events%n", o.calibrationEvents);
            BenchOptions.prefill(env, cal, services, o.calibrationEvents, 100_000, 3);
            final EngineRun.Result r = EngineRun.catchUp(env, common.engine(env, prefix, cal,
                    env.nextEngineId(prefix + "-cal")), common.heap, common.engineJvmArgs, o.timeout);
            maxRate = r.rate();
            maxRateSource = String.format(Locale.ROOT, "measured: engine catch-up of %,d events", o.calibrationEvents);
        }
        final double rate = maxRate * o.rateFraction;
        env.log().printf(Locale.ROOT, "bench latency: maximum %,.0f ev/s (%s); live traffic at %,.0f ev/s%n", maxRate,
                maxRateSource, rate);

        final List<Scenario.Incident> incidents = new ArrayList<>();
        for (int i = 0; i < o.incidents; i++) {
            incidents.add(new Scenario.Incident(services.get(i), o.warmup.plus(o.spacing.multipliedBy(i)),
                    o.incidentDuration, o.incidentErrorRate, 0, "incident " + (i + 1)));
        }
        final Scenario scenario = new Scenario(new Scenario.Baseline(0, 40, 0.002), incidents);
        final Set<String> incidentServices = new HashSet<>();
        incidents.forEach(i -> incidentServices.add(i.service()));

        final Map<String, String> s = common.engine(env, prefix, topic, env.nextEngineId(prefix));
        final Duration run = o.warmup.plus(o.spacing.multipliedBy(o.incidents)).plusSeconds(1);
        final Generator.Stats stats;
        final long lagAtEnd;
        final List<AlertWatcher.Seen> seen;
        try (ChildJvm engine = EngineRun.start(env, s, common.heap, common.engineJvmArgs);
             AlertWatcher watcher = new AlertWatcher(env.bootstrap(), s.get(Settings.TOPIC_PREFIX + "alerts"))) {
            final Generator g = new Generator(new Generator.Config(services, 8, rate, 0, run, null, 0, true, scenario,
                    5, Duration.ofSeconds(5)));
            try (Generator.Sink sink = new Generator.KafkaSink(Generator.liveProducer(env.bootstrap()), topic)) {
                stats = g.run(List.of(sink), env.log(), () -> !engine.alive());
            }
            final long end = BenchEnv.sum(env.endOffsets(topic));
            lagAtEnd = end - env.committed(s.get(Settings.APPLICATION_ID), topic);
            watcher.await(list -> firing(list).stream().map(a -> a.alert().service()).distinct()
                    .filter(incidentServices::contains).count() >= incidents.size(), Duration.ofSeconds(30));
            seen = watcher.seen();
            engine.send("stop");
            engine.await("stopped", Duration.ofMinutes(2));
        }

        final List<Double> first = new ArrayList<>();
        final List<Double> all = new ArrayList<>();
        int detected = 0;
        for (final Scenario.Incident inc : incidents) {
            AlertWatcher.Seen earliest = null;
            for (final AlertWatcher.Seen a : firing(seen)) {
                if (a.alert().service().equals(inc.service())) {
                    all.add((double) (a.readWallMs() - a.alert().at().toEpochMilli()));
                    if (earliest == null || a.alert().at().isBefore(earliest.alert().at())) {
                        earliest = a;
                    }
                }
            }
            if (earliest != null) {
                detected++;
                first.add((double) (earliest.readWallMs() - earliest.alert().at().toEpochMilli()));
            }
        }
        final int falseAlerts = (int) firing(seen).stream()
                .filter(a -> !incidentServices.contains(a.alert().service())).count();

        final Table t = new Table("samples", "count", "min", "p50", "p90", "p99", "max");
        addRow(t, "first rule to fire, per incident", first);
        addRow(t, "every firing transition", all);
        final StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Live traffic at %,.0f ev/s (target %.0f %% of the engine's maximum "
                        + "%,.0f ev/s, %s; achieved %,.0f ev/s) over %d services with one 99.9 %% availability SLO "
                        + "each (%d SLOs, google-30d), %d partitions, event time = wall clock at production; producer "
                        + "linger 5 ms, lz4. After %d s of clean traffic, %d incidents %d s apart, each on its own "
                        + "service: %.0f %% errors for %d s. Engine: exactly_once_v2, commit interval %s, %d stream "
                        + "thread(s), -Xmx%s. Alerts read with a read_committed consumer (fetch.max.wait.ms 5). "
                        + "Latency = wall clock when the transition was read − its `at` (the event time, i.e. "
                        + "production time, of the event that made the rule's condition true).%n%n",
                rate, o.rateFraction * 100, maxRate, maxRateSource, stats.rate(), services.size(), slos,
                common.partitions, o.warmup.toSeconds(), o.incidents, o.spacing.toSeconds(), o.incidentErrorRate * 100,
                o.incidentDuration.toSeconds(),
                common.engineSettings.getOrDefault("commit.interval.ms", "100 ms (EOS default)"), common.threads,
                common.heap));
        md.append(t);
        md.append(String.format(Locale.ROOT, "%nDetected %d of %d incidents; %d firing transitions on services "
                        + "without an incident; engine lag when traffic stopped: %,d events.%n"
                        + "Target p99 ≤ 1 s: %s (p99 %s).%n",
                detected, incidents.size(), falseAlerts, lagAtEnd,
                detected == incidents.size() && Table.percentile(first, 99) <= 1000 ? "**met**" : "**missed**",
                Table.millis(Table.percentile(first, 99))));
        return new Result(maxRate, rate, stats.rate(), incidents.size(), detected, first, all, lagAtEnd, falseAlerts,
                md.toString());
    }

    private static List<AlertWatcher.Seen> firing(final List<AlertWatcher.Seen> seen) {
        return seen.stream().filter(a -> AlertTransition.FIRING.equals(a.alert().state())).toList();
    }

    private static void addRow(final Table t, final String what, final List<Double> ms) {
        if (ms.isEmpty()) {
            t.row(what, 0, "–", "–", "–", "–", "–");
            return;
        }
        t.row(what, ms.size(), Table.millis(Table.percentile(ms, 0)), Table.millis(Table.percentile(ms, 50)),
                Table.millis(Table.percentile(ms, 90)), Table.millis(Table.percentile(ms, 99)),
                Table.millis(Table.percentile(ms, 100)));
    }
}
