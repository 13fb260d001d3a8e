package io.burnrate.loadtest.bench;

import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.sli.BurnRate;
import io.burnrate.engine.slo.AlertPolicies;
import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.Severity;
import io.burnrate.engine.topology.TopicRole;
import io.burnrate.loadtest.gen.EventFactory;
import io.burnrate.loadtest.gen.Generator;
import io.burnrate.loadtest.gen.Scenario;
import io.burnrate.loadtest.gen.SloSet;
import io.burnrate.schemas.AlertTransition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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
 * topic.
 *
 * <p>What counts: per incident, the earliest firing transition on its service whose event
 * time is at or after the incident's start, on a rule (SLO and rule) that was not firing
 * at that start. Every firing transition attributed to an incident is reported too.
 * Outside the incidents nothing can fire: the warm-up and the baseline are error-free
 * (a baseline with errors burns budget at a steady rate that the slow-burn rules rightly
 * alert on; that is what made earlier runs report detections before incidents began).
 * A firing transition on a service without an incident, or on an incident's service
 * before it starts, fails the run ({@link OutsideIncident}): the benchmark would measure
 * something other than detection.
 */
public final class LatencyBench {

    /** The benchmark's SLOs (loadtest {@code SloSet}): 99.9 % over 30d with the default policy, google-30d. */
    static final double SLO_OBJECTIVE = 99.9;
    static final Duration SLO_WINDOW = Duration.ofDays(30);

    /** Error-free history every SLO gets before the warm-up (more than the 5m short window of page-1h-5m). */
    static final Duration HISTORY = Duration.ofMinutes(10);


    /** Knobs of this benchmark. */
    public static final class Options {
        public int incidents = 24;
        /** Services of the live traffic, one 99.9 % availability SLO each (at least {@link #incidents}). */
        public int services = 50;
        /**
         * Error rate of the baseline (warm-up and services without an incident). 0 so that
         * no rule can fire outside an incident; a positive value is for testing that such a
         * firing fails the run.
         */
        public double baselineErrorRate;
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
        /** null: {@link #autoIncidentDuration} (long enough that the page can fire on every incident). */
        public Duration incidentDuration;
        public double incidentErrorRate = 0.5;
        public Duration timeout = Duration.ofMinutes(20);
    }

    public record Result(double maxRate, double targetRate, double achievedRate, int incidents, int detected,
                         List<Double> firstRuleLatenciesMs, List<Double> allLatenciesMs, long lagAtEnd,
                         int falseAlerts, long warmupBadEvents, String markdown) {

        public double p50() {
            return Table.percentile(firstRuleLatenciesMs, 50);
        }

        public double p99() {
            return Table.percentile(firstRuleLatenciesMs, 99);
        }
    }

    /**
     * The fastest page of the benchmark's SLOs (99.9 %, google-30d: page-1h-5m at 14.4) fires
     * when the incident's bad events exceed 14.4 x 0.1 % = 1.44 % of the service's hour, and
     * the hour fills with the live traffic: the last incident starts after the warm-up plus
     * (incidents - 1) x spacing of it. A fixed 1-s incident stopped firing once a fast engine
     * made that traffic dense enough (121,552 ev/s: 7 of 24 incidents detected). So: the
     * shortest whole number of seconds d with d x errorRate >= 2 x 1.44 % x (warm-up + last
     * start + d), twice what the condition needs, whatever the rate (both sides scale with it).
     */
    static Duration autoIncidentDuration(final Options o) {
        // the largest threshold x error budget of the policy's page rules: what the fastest page needs
        double need = 0;
        for (final AlertWindow w : AlertPolicies.named(AlertPolicies.DEFAULT).orElseThrow()) {
            if (w.severity() == Severity.PAGE) {
                need = Math.max(need, w.threshold(SLO_WINDOW) * BurnRate.errorBudget(SLO_OBJECTIVE));
            }
        }
        final double share = 2 * need;
        final double before = o.warmup.toMillis() / 1000.0 + 0.5 + o.spacing.toMillis() / 1000.0 * (o.incidents - 1);
        if (o.incidentErrorRate <= share) {
            throw new IllegalArgumentException("an incident error rate of " + o.incidentErrorRate + " cannot fire the "
                    + "page within the hour (it needs more than " + share + "); give --incident-duration");
        }
        return Duration.ofSeconds(Math.max(1, (long) Math.ceil(share * before / (o.incidentErrorRate - share))));
    }

    /** A rule fired outside every incident: the run measured nothing; the report says which. */
    public static final class OutsideIncident extends Exception {
        private final String markdown;

        OutsideIncident(final String message, final String markdown) {
            super(message, null, false, false);
            this.markdown = markdown;
        }

        /** The report of the failed run (with the offending transitions). */
        public String markdown() {
            return markdown;
        }
    }

    /**
     * The transitions sorted out: per incident, the detection (null: none) and every firing
     * transition attributed to it; and the firing transitions outside every incident.
     */
    public record Classified(List<AlertWatcher.Seen> detections, List<List<AlertWatcher.Seen>> attributed,
                             List<AlertWatcher.Seen> outside) {
    }

    private LatencyBench() {
    }

    /**
     * Sorts {@code seen} out against {@code incidents}, whose offsets count from
     * {@code incidentsStartMs} (event time = wall clock). A firing transition counts for an
     * incident when it is on the incident's service, at or after its start, and its rule
     * (SLO id and rule name) was not firing at the start; the first such (by event time) is
     * the detection. A firing transition on a service without an incident, or before that
     * service's incident starts, is outside.
     */
    public static Classified classify(final List<Scenario.Incident> incidents, final long incidentsStartMs,
                                      final List<AlertWatcher.Seen> seen) {
        final List<AlertWatcher.Seen> byTime = new ArrayList<>(seen);
        byTime.sort(Comparator.comparing((AlertWatcher.Seen a) -> a.alert().at()));
        final Map<String, Long> startOf = new HashMap<>();
        for (final Scenario.Incident inc : incidents) {
            startOf.merge(inc.service(), incidentsStartMs + inc.at().toMillis(), Math::min);
        }
        final List<AlertWatcher.Seen> outside = new ArrayList<>();
        for (final AlertWatcher.Seen a : byTime) {
            if (!AlertTransition.FIRING.equals(a.alert().state())) {
                continue;
            }
            final Long start = startOf.get(a.alert().service());
            if (start == null || a.alert().at().toEpochMilli() < start) {
                outside.add(a);
            }
        }
        final List<AlertWatcher.Seen> detections = new ArrayList<>();
        final List<List<AlertWatcher.Seen>> attributed = new ArrayList<>();
        for (final Scenario.Incident inc : incidents) {
            final long start = incidentsStartMs + inc.at().toMillis();
            final Set<String> firingAtStart = new HashSet<>();
            AlertWatcher.Seen detection = null;
            final List<AlertWatcher.Seen> mine = new ArrayList<>();
            for (final AlertWatcher.Seen a : byTime) {
                if (!a.alert().service().equals(inc.service())) {
                    continue;
                }
                final String rule = a.alert().sloId() + "/" + a.alert().rule();
                final boolean firing = AlertTransition.FIRING.equals(a.alert().state());
                if (a.alert().at().toEpochMilli() < start) {
                    if (firing) {
                        firingAtStart.add(rule);
                    } else {
                        firingAtStart.remove(rule);
                    }
                } else if (firing && !firingAtStart.contains(rule)) {
                    mine.add(a);
                    if (detection == null) {
                        detection = a;
                    }
                }
            }
            detections.add(detection);
            attributed.add(mine);
        }
        return new Classified(detections, attributed, outside);
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

        if (o.incidentDuration == null) {
            o.incidentDuration = autoIncidentDuration(o);
        }
        final List<Scenario.Incident> incidents = new ArrayList<>();
        for (int i = 0; i < o.incidents; i++) {
            // offsets from the end of the warm-up (the start of the incident phase)
            incidents.add(new Scenario.Incident(services.get(i), Duration.ofMillis(500).plus(o.spacing.multipliedBy(i)),
                    o.incidentDuration, o.incidentErrorRate, 0, "incident " + (i + 1)));
        }
        // error-free baseline: nothing burns budget outside an incident, so no rule can fire there
        final Scenario scenario = new Scenario(new Scenario.Baseline(o.baselineErrorRate, 40, 0.002), incidents);

        final Map<String, String> s = common.engine(env, prefix, topic, env.nextEngineId(prefix));
        // until the last incident has ended, plus a second
        final Duration run = Duration.ofMillis(500).plus(o.spacing.multipliedBy(o.incidents - 1))
                .plus(o.incidentDuration).plusSeconds(1);
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
            final long[] incidentsStartBox = new long[1];
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
                // the engine's history guard lets a rule fire only once its SLO has as much history
                // as the rule's short window (5m for the fastest page): give every SLO HISTORY of
                // error-free traffic in event time first, sent at once, ending now
                final long historyEvents = Math.max(2_000, services.size() * 20L);
                new Generator(new Generator.Config(services, 8, 0, historyEvents, null,
                        System.currentTimeMillis() - HISTORY.toMillis(), historyEvents / (double) HISTORY.toSeconds(), false,
                        new Scenario(new Scenario.Baseline(0, 40, 0), List.of()), 3, Duration.ofSeconds(5)))
                        .run(List.of(sink), env.log(), () -> !engine.alive());
                warmStats = warm.run(List.of(sink), env.log(), () -> !engine.alive() || steady.get());
                incidentsStart = System.currentTimeMillis();
                incidentsStartBox[0] = incidentsStart;
                steadyReached = steady.get();
                // the incidents' offsets count from incidentsStart: the generator's start, exactly
                final Generator g = new Generator(new Generator.Config(services, 8, rate, 0, run, incidentsStart, 0,
                        true, scenario, 5, Duration.ofSeconds(5)));
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
            // until every incident is detected, or a firing outside every incident has failed the run anyway
            watcher.await(list -> {
                final Classified sofar = classify(incidents, incidentsStartBox[0], list);
                return !sofar.outside().isEmpty() || sofar.detections().stream().allMatch(Objects::nonNull);
            }, Duration.ofSeconds(30));
            seen = watcher.seen();
            engine.send("stop");
            engine.await("stopped", Duration.ofMinutes(2));
        }

        final Classified c = classify(incidents, incidentsStart, seen);
        final List<Double> first = new ArrayList<>();
        final List<Double> all = new ArrayList<>();
        final Table perIncident = new Table("incident", "service", "starts at", "first rule", "trigger event at",
                "latency", "engine lag then");
        int detected = 0;
        for (int i = 0; i < incidents.size(); i++) {
            final Scenario.Incident inc = incidents.get(i);
            final long startMs = incidentsStart + inc.at().toMillis();
            c.attributed().get(i).forEach(a -> all.add((double) (a.readWallMs() - a.alert().at().toEpochMilli())));
            final AlertWatcher.Seen earliest = c.detections().get(i);
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
                perIncident.row(i + 1, inc.service(), Table.seconds((startMs - trafficStart) / 1000.0),
                        earliest.alert().rule(), Table.seconds((at - trafficStart) / 1000.0),
                        Table.millis(earliest.readWallMs() - at), lag < 0 ? "–" : Table.count(lag) + " events");
            } else {
                perIncident.row(i + 1, inc.service(), Table.seconds((startMs - trafficStart) / 1000.0),
                        "not detected", "", "", "");
            }
        }
        final int falseAlerts = c.outside().size();

        final Table t = new Table("samples", "count", "min", "p50", "p90", "p99", "max");
        addRow(t, "first rule to fire, per incident", first);
        addRow(t, "every firing transition", all);
        final StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Live traffic at %,.0f ev/s (target %.0f %% of the engine's maximum "
                        + "%,.0f ev/s, %s; achieved %,.0f ev/s during the incidents) over %d services with one 99.9 %% "
                        + "availability SLO each (%d SLOs, google-30d), %d partitions, event time = wall clock at "
                        + "production; producer linger 5 ms, lz4. Baseline error rate %s (no rule can fire "
                        + "outside an incident). Warm-up: that traffic for at least %d s and until "
                        + "the engine's lag stayed under %,d events (a quarter second of traffic) for %s: %s after "
                        + "%.1f s. Then %d incidents %s apart, each on its own service: %.0f %% errors for %s. "
                        + "Engine: exactly_once_v2, commit interval %s, %d stream thread(s), -Xmx%s. Alerts read with a "
                        + "read_committed consumer (fetch.max.wait.ms 5). Latency = wall clock when the transition was "
                        + "read − its `at` (the event time, i.e. production time, of the event that made the rule's "
                        + "condition true).%n%n",
                rate, o.rateFraction * 100, maxRate, maxRateSource, stats.rate(), services.size(), slos,
                common.partitions, o.baselineErrorRate == 0 ? "0" : Double.toString(o.baselineErrorRate),
                o.warmup.toSeconds(), steadyThreshold,
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
        md.append(String.format(Locale.ROOT, "%nDetected %d of %d incidents; %d firing transitions outside an "
                        + "incident (must be 0); engine lag when traffic stopped: %,d events%s.%n"
                        + "Target p99 ≤ 1 s: %s (p99 %s).%n",
                detected, incidents.size(), falseAlerts, lagAtEnd, stats.skipped() + warmStats.skipped() == 0 ? ""
                        : String.format(Locale.ROOT, "; the generator fell behind and dropped %,d events (%,d of them "
                                + "during the warm-up)", stats.skipped() + warmStats.skipped(), warmStats.skipped()),
                detected == incidents.size() && Table.percentile(first, 99) <= 1000 ? "**met**" : "**missed**",
                Table.millis(Table.percentile(first, 99))));
        if (falseAlerts > 0) {
            final Table out = new Table("service", "SLO", "rule", "at (event time, since traffic start)");
            for (final AlertWatcher.Seen a : c.outside()) {
                out.row(a.alert().service(), a.alert().sloId(), a.alert().rule(),
                        Table.seconds((a.alert().at().toEpochMilli() - trafficStart) / 1000.0));
            }
            md.append("\n**Run failed**: rules fired outside every incident:\n\n").append(out);
            throw new OutsideIncident(String.format(Locale.ROOT, "bench latency: FAILED: %d firing transition(s) "
                    + "outside every incident (first: %s on %s at %s after traffic start); the latencies of this run "
                    + "mean nothing", falseAlerts, c.outside().get(0).alert().rule(), c.outside().get(0).alert().service(),
                    Table.seconds((c.outside().get(0).alert().at().toEpochMilli() - trafficStart) / 1000.0)),
                    md.toString());
        }
        return new Result(maxRate, rate, stats.rate(), incidents.size(), detected, first, all, lagAtEnd, falseAlerts,
                warmStats.bad(), md.toString());
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
