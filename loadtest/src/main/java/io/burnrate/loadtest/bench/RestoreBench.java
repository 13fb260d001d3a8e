package io.burnrate.loadtest.bench;

import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.slo.Durations;
import io.burnrate.loadtest.gen.EventFactory;
import io.burnrate.loadtest.gen.Generator;
import io.burnrate.loadtest.gen.Scenario;
import io.burnrate.loadtest.gen.SloSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Restore after SIGKILL: the engine with {@code slos} SLOs (one per service) under live
 * traffic at a fraction of its maximum rate; once its lag has been small for a while, the
 * engine JVM is killed with SIGKILL (no close, no checkpoint: under exactly-once its local
 * state is not trusted and comes back from the changelogs) and a new engine JVM is started
 * at once with the same application id and state directory while the traffic goes on.
 *
 * <p>Measured from the kill: until the new engine reports RUNNING (JVM start, group
 * rebalance, which waits for the dead member's session to time out, state restoration),
 * and until it has caught up (end offsets − committed offsets of the requests topic at most
 * a quarter second of traffic, sampled every 250 ms).
 */
public final class RestoreBench {

    /** Knobs of this benchmark. */
    public static final class Options {
        public int slos = 10_000;
        /** The live rate in events/s; null = {@link #rateFraction} of a measured maximum. */
        public Double rate;
        public double rateFraction = 0.5;
        public long calibrationEvents = 1_000_000;
        /** Traffic before the kill: at least this long and until the lag has been small for 5 s. */
        public Duration warmup = Duration.ofSeconds(30);
        public Duration maxWarmup = Duration.ofMinutes(3);
        public Duration steadyWindow = Duration.ofSeconds(5);
        /** How long the restarted engine may take to reach RUNNING and to catch up. */
        public Duration timeout = Duration.ofMinutes(10);
    }

    public record Result(int slos, double rate, double killToRunningSeconds, double killToCaughtUpSeconds,
                         long lagAtKill, long maxLag, double stateDirBytesAtKill, String markdown) {
    }

    private RestoreBench() {
    }

    public static Result run(final BenchEnv env, final BenchOptions common, final Options o) throws Exception {
        final String prefix = env.name("restore");
        final String topic = prefix + ".requests";
        final List<String> services = EventFactory.services(o.slos, Scenario.STEADY);
        final Map<String, String> base = common.engine(env, prefix, topic, "unused");
        env.createTopics(base, common.partitions);
        final int slos = SloSet.publish(BenchEnv.toSettings(base), SloSet.yaml(services, services.size()));

        final double rate;
        final String rateSource;
        if (o.rate != null) {
            rate = o.rate;
            rateSource = "given";
        } else {
            final String cal = prefix + ".calibration";
            env.createRequestsTopic(cal, common.partitions);
            env.log().printf("bench restore: calibrating: engine catch-up over %,d events%n", o.calibrationEvents);
            BenchOptions.prefill(env, cal, services, o.calibrationEvents, 100_000, 3);
            final EngineRun.Result r = EngineRun.catchUp(env, common.engine(env, prefix, cal,
                    env.nextEngineId(prefix + "-cal")), common.heap, common.engineJvmArgs, o.timeout);
            rate = r.rate() * o.rateFraction;
            rateSource = String.format(Locale.ROOT, "%.0f %% of the %,.0f ev/s an engine catch-up of %,d events "
                    + "measured", o.rateFraction * 100, r.rate(), o.calibrationEvents);
        }
        env.log().printf(Locale.ROOT, "bench restore: %,d SLOs, live traffic at %,.0f ev/s (%s)%n", slos, rate,
                rateSource);

        final Map<String, String> s = common.engine(env, prefix, topic, env.nextEngineId(prefix));
        final String group = s.get(Settings.APPLICATION_ID);
        final Path stateDir = Path.of(s.get(Settings.STATE_DIR));
        final long threshold = Math.max(1_000, (long) (rate * 0.25));
        final List<long[]> lags = new ArrayList<>();
        final AtomicBoolean trafficOn = new AtomicBoolean(true);
        final AtomicReference<Exception> trafficFailure = new AtomicReference<>();
        final AtomicReference<Generator.Stats> trafficStats = new AtomicReference<>();
        final Generator g = new Generator(new Generator.Config(services, 8, rate, 0, o.maxWarmup.plus(o.timeout)
                .multipliedBy(2), null, 0, true, new Scenario(new Scenario.Baseline(0, 40, 0.002), List.of()), 9,
                Duration.ofSeconds(10)));
        final Thread traffic = new Thread(() -> {
            try (Generator.Sink sink = new Generator.KafkaSink(Generator.liveProducer(env.bootstrap()), topic)) {
                trafficStats.set(g.run(List.of(sink), env.log(), () -> !trafficOn.get()));
            } catch (Exception e) {
                trafficFailure.set(e);
            }
        }, "restore-traffic");
        traffic.setDaemon(true);

        final long killMs;
        final long lagAtKill;
        final double stateBytes;
        final long runningMs;
        final long caughtUpMs;
        // a loaded machine can take minutes to start an engine with 10,000 SLOs: allow the whole timeout
        final ChildJvm first = EngineRun.start(env, s, common.heap, common.engineJvmArgs, o.timeout, "");
        try {
            final long trafficStart = System.currentTimeMillis();
            traffic.start();
            // warm-up: long enough, and the lag small for steadyWindow
            long steadySince = -1;
            while (true) {
                final long lag = lag(env, group, topic);
                final long now = System.currentTimeMillis();
                steadySince = lag <= threshold ? (steadySince < 0 ? now : steadySince) : -1;
                if (now - trafficStart >= o.warmup.toMillis() && steadySince >= 0
                        && now - steadySince >= o.steadyWindow.toMillis()) {
                    break;
                }
                if (now - trafficStart > o.maxWarmup.toMillis()) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "bench restore: the engine did not "
                            + "keep up with %,.0f ev/s within %s (lag %,d events); give a lower --rate", rate,
                            Durations.format(o.maxWarmup), lag));
                }
                if (!first.alive() || trafficFailure.get() != null) {
                    throw new IllegalStateException("bench restore: the engine or the traffic stopped during the "
                            + "warm-up (log: " + first.logFile() + ")", trafficFailure.get());
                }
                Thread.sleep(250);
            }
            lagAtKill = lag(env, group, topic);
            stateBytes = BenchEnv.directoryBytes(stateDir);
            killMs = System.currentTimeMillis();
            first.kill();
            env.log().printf(Locale.ROOT, "bench restore: SIGKILL to the engine (pid %d) after %.1f s of traffic, lag "
                    + "%,d events, state dir %s; restarting%n", first.pid(), (killMs - trafficStart) / 1000.0,
                    lagAtKill, Table.bytes(stateBytes));
        } finally {
            first.close();
        }
        try (ChildJvm second = EngineRun.start(env, s, common.heap, common.engineJvmArgs, o.timeout, "-restarted")) {
            runningMs = System.currentTimeMillis();
            env.log().printf(Locale.ROOT, "bench restore: RUNNING %.1f s after the kill%n", (runningMs - killMs) / 1000.0);
            final long deadline = killMs + o.timeout.toMillis();
            while (true) {
                final long lag = lag(env, group, topic);
                final long now = System.currentTimeMillis();
                lags.add(new long[] {now, lag});
                if (lag <= threshold) {
                    caughtUpMs = now;
                    break;
                }
                if (now > deadline || !second.alive()) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "bench restore: the restarted engine "
                            + "did not catch up within %s of the kill (lag %,d events; log: %s)",
                            Durations.format(o.timeout), lag, second.logFile()));
                }
                Thread.sleep(250);
            }
            trafficOn.set(false);
            traffic.join(30_000);
            second.send("stop");
            second.await("stopped", Duration.ofMinutes(2));
        } finally {
            trafficOn.set(false);
        }
        final long maxLag = lags.stream().mapToLong(l -> l[1]).max().orElse(0);
        final double toRunning = (runningMs - killMs) / 1000.0;
        final double toCaughtUp = (caughtUpMs - killMs) / 1000.0;
        env.log().printf(Locale.ROOT, "bench restore: caught up %.1f s after the kill%n", toCaughtUp);
        final Table t = new Table("SLOs", "live rate", "state dir at kill", "lag at kill", "kill → RUNNING",
                "kill → caught up", "largest lag after restart");
        t.row(Table.count(slos), Table.count(rate) + " ev/s", Table.bytes(stateBytes), Table.count(lagAtKill),
                Table.seconds(toRunning), Table.seconds(toCaughtUp), Table.count(maxLag));
        final StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%,d SLOs (one 99.9 %% availability SLO per service, google-30d), live "
                        + "traffic over all of them at %,.0f ev/s (%s), error-free, %d partitions. Engine: "
                        + "exactly_once_v2, commit interval %s, %d stream thread(s), -Xmx%s. After at least %s of "
                        + "traffic and %s with the lag under %,d events (a quarter second of traffic, at least 1,000), "
                        + "the engine JVM is killed with SIGKILL and a new one started at once with the same application id and "
                        + "state directory, traffic going on. kill → RUNNING: until the new engine reports RUNNING "
                        + "(JVM start, rebalance, which waits for the killed member's session timeout, and state "
                        + "restoration from the changelogs). kill → caught up: until end offsets − committed "
                        + "offsets ≤ %,d events (sampled every 250 ms).%n%n",
                slos, rate, rateSource, common.partitions,
                common.engineSettings.getOrDefault("commit.interval.ms", "100 ms (EOS default)"), common.threads,
                common.heap, Durations.format(o.warmup), Durations.format(o.steadyWindow), threshold, threshold));
        md.append(t);
        md.append(String.format(Locale.ROOT, "%nTarget kill → RUNNING and caught up ≤ 30 s: %s (%s).%n",
                toCaughtUp <= 30 ? "**met**" : "**missed**", Table.seconds(toCaughtUp)));
        final Generator.Stats ts = trafficStats.get();
        if (ts != null && ts.skipped() > 0) {
            md.append(String.format(Locale.ROOT, "The generator fell behind and dropped %,d events.%n", ts.skipped()));
        }
        return new Result(slos, rate, toRunning, toCaughtUp, lagAtKill, maxLag, stateBytes, md.toString());
    }

    private static long lag(final BenchEnv env, final String group, final String topic) throws Exception {
        return BenchEnv.sum(env.endOffsets(topic)) - env.committed(group, topic);
    }
}
