package io.burnrate.loadtest.bench;

import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.topology.TopicRole;
import io.burnrate.loadtest.gen.EventFactory;
import io.burnrate.loadtest.gen.Generator;
import io.burnrate.loadtest.gen.Scenario;
import io.burnrate.loadtest.gen.SloSet;
import io.burnrate.schemas.AlertTransition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

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
        /**
         * The warm-up lasts at least {@link #warmup} and until the engine's lag has stayed
         * under a quarter second of traffic for 5 s (steady state), at most this long.
         */
        public Duration maxWarmup = Duration.ofMinutes(3);
        /** How long the lag has to stay small to count as steady. */
        public Duration steadyWindow = Duration.ofSeconds(5);
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
            // offsets from the end of the warm-up (the start of the incident phase)
            incidents.add(new Scenario.Incident(services.get(i), Duration.ofMillis(500).plus(o.spacing.multipliedBy(i)),
                    o.incidentDuration, o.incidentErrorRate, 0, "incident " + (i + 1)));
        }
        final Scenario scenario = new Scenario(new Scenario.Baseline(0, 40, 0.002), incidents);
        final Set<String> incidentServices = new HashSet<>();
        incidents.forEach(i -> incidentServices.add(i.service()));

        final Map<String, String> s = common.engine(env, prefix, topic, env.nextEngineId(prefix));
        final Duration run = o.spacing.multipliedBy(o.incidents).plusSeconds(1);
        final Generator.Stats stats;
        final Generator.Stats warmStats;
        final long steadyThreshold = Math.max(2_000, (long) (rate * 0.25));
        final AtomicBoolean steady = new AtomicBoolean();
        final long incidentsStart;
        final boolean steadyReached;
        final long lagAtEnd;
        final List<AlertWatcher.Seen> seen;
        final List<long[]> lags = Collections.synchronizedList(new ArrayList<>());
        final long trafficStart;
        try (ChildJvm engine = EngineRun.start(env, s, common.heap, common.engineJvmArgs);
             AlertWatcher watcher = new AlertWatcher(env.bootstrap(), s.get(TopicRole.ALERTS.key()))) {
            final Scenario clean = new Scenario(scenario.baseline(), List.of());
            final Generator warm = new Generator(new Generator.Config(services, 8, rate, 0, o.maxWarmup, null, 0, true,
                    clean, 4, Duration.ofSeconds(5)));
            final Generator g = new Generator(new Generator.Config(services, 8, rate, 0, run, null, 0, true, scenario,
                    5, Duration.ofSeconds(5)));
            final AtomicBoolean sampling = new AtomicBoolean(true);
            final Thread sampler = new Thread(() -> {
                // the engine's lag (end offsets - committed offsets) every 250 ms
                while (sampling.get()) {
                    try {
                        final long end = BenchEnv.sum(env.endOffsets(topic));
                        final long committed = env.committed(s.get(Settings.APPLICATION_ID), topic);
                        final long now = System.currentTimeMillis();
                        lags.add(new long[] {now, end - committed});
                        synchronized (lags) {
                            // steady: the warm-up has lasted long enough and the lag stayed small for 5 s
                            final List<long[]> recent = lags.stream()
                                    .filter(l -> l[0] >= now - o.steadyWindow.toMillis()).toList();
                            steady.set(now - lags.get(0)[0] >= Math.max(o.warmup.toMillis(), o.steadyWindow.toMillis())
                                    && recent.size() >= 3
                                    && recent.stream().allMatch(l -> l[1] <= steadyThreshold));
                        }
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // a missed sample
                    }
                }
            }, "lag-sampler");
            sampler.setDaemon(true);
            trafficStart = System.currentTimeMillis();
            sampler.start();
            try (Generator.Sink sink = new Generator.KafkaSink(Generator.liveProducer(env.bootstrap()), topic)) {
                warmStats = warm.run(List.of(sink), env.log(), () -> !engine.alive() || steady.get());
                incidentsStart = System.currentTimeMillis();
                steadyReached = steady.get();
                env.log().printf(Locale.ROOT, "bench latency: warm-up %s after %.1f s; incidents start%n",
                        steadyReached ? "steady" : "NOT steady", (incidentsStart - trafficStart) / 1000.0);
                stats = g.run(List.of(sink), env.log(), () -> !engine.alive());
            } finally {
                sampling.set(false);
                sampler.interrupt();
                sampler.join(5_000);
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
        final Table perIncident = new Table("incident", "service", "starts at", "first rule", "trigger event at",
                "latency", "engine lag then");
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
                final long at = earliest.alert().at().toEpochMilli();
                first.add((double) (earliest.readWallMs() - at));
                long lag = -1;
                synchronized (lags) {
                    for (final long[] l : lags) {
                        if (l[0] <= at) {
                            lag = l[1];
                        }
                    }
                }
                perIncident.row(incidents.indexOf(inc) + 1, inc.service(),
                        Table.seconds((incidentsStart - trafficStart + inc.at().toMillis()) / 1000.0),
                        earliest.alert().rule(), Table.seconds((at - trafficStart) / 1000.0),
                        Table.millis(earliest.readWallMs() - at), lag < 0 ? "–" : Table.count(lag) + " events");
            } else {
                perIncident.row(incidents.indexOf(inc) + 1, inc.service(),
                        Table.seconds((incidentsStart - trafficStart + inc.at().toMillis()) / 1000.0), "not detected", "", "",
                                "");
            }
        }
        final int falseAlerts = (int) firing(seen).stream()
                .filter(a -> !incidentServices.contains(a.alert().service())).count();

        final Table t = new Table("samples", "count", "min", "p50", "p90", "p99", "max");
        addRow(t, "first rule to fire, per incident", first);
        addRow(t, "every firing transition", all);
        final StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Live traffic at %,.0f ev/s (target %.0f %% of the engine's maximum "
                        + "%,.0f ev/s, %s; achieved %,.0f ev/s during the incidents) over %d services with one 99.9 %% "
                        + "availability SLO each (%d SLOs, google-30d), %d partitions, event time = wall clock at "
                        + "production; producer linger 5 ms, lz4. Warm-up: clean traffic for at least %d s and until "
                        + "the engine's lag stayed under %,d events (a quarter second of traffic) for %s: %s after "
                        + "%.1f s. Then %d incidents %s apart, each on its own service: %.0f %% errors for %s. "
                        + "Engine: exactly_once_v2, commit interval %s, %d stream thread(s), -Xmx%s. Alerts read with a "
                        + "read_committed consumer (fetch.max.wait.ms 5). Latency = wall clock when the transition was "
                        + "read − its `at` (the event time, i.e. production time, of the event that made the rule's "
                        + "condition true).%n%n",
                rate, o.rateFraction * 100, maxRate, maxRateSource, stats.rate(), services.size(), slos,
                common.partitions, o.warmup.toSeconds(), steadyThreshold,
                Durations.format(o.steadyWindow),
                steadyReached ? "steady" : "**not steady** (gave up waiting)", (incidentsStart - trafficStart) / 1000.0,
                o.incidents, Durations.format(o.spacing), o.incidentErrorRate * 100,
                o.incidentDuration.toMillis() % 1000 == 0 ? Durations.format(o.incidentDuration)
                        : o.incidentDuration.toMillis() + " ms",
                common.engineSettings.getOrDefault("commit.interval.ms", "100 ms (EOS default)"), common.threads,
                common.heap));
        md.append(t);
        md.append("\n").append(perIncident);
        final long maxLag;
        synchronized (lags) {
            maxLag = lags.stream().filter(l -> l[0] >= incidentsStart).mapToLong(l -> l[1]).max().orElse(-1);
        }
        md.append(String.format(Locale.ROOT, "%nLargest engine lag during the incidents: %,d events (sampled every "
                + "250 ms: end offsets − committed offsets).%n", maxLag));
        md.append(String.format(Locale.ROOT, "%nDetected %d of %d incidents; %d firing transitions on services "
                        + "without an incident; engine lag when traffic stopped: %,d events%s.%n"
                        + "Target p99 ≤ 1 s: %s (p99 %s).%n",
                detected, incidents.size(), falseAlerts, lagAtEnd, stats.skipped() + warmStats.skipped() == 0 ? ""
                        : String.format(Locale.ROOT, "; the generator fell behind and dropped %,d events (%,d of them "
                                + "during the warm-up)", stats.skipped() + warmStats.skipped(), warmStats.skipped()),
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
