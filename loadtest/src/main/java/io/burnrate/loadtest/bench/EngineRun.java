package io.burnrate.loadtest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.topology.TopicRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The engine in a fresh child JVM ({@link EngineHost}) and the catch-up measurement.
 *
 * <p>Method: the engine's consumer group (its application id) commits its input offsets
 * with every exactly-once transaction (every 100 ms by default). The benchmark polls the
 * committed offsets every 100 ms; the rate is the events committed between the first
 * poll that sees a non-zero commit and the poll that sees the committed offsets equal
 * the end offsets, divided by the time between those two polls. JVM start, broker
 * connection, rebalance and state restoration are therefore excluded. When the input is
 * too small for two distinct polls (smoke runs), the rate falls back to all events over
 * the time from RUNNING to caught up, and the method says so.
 */
public final class EngineRun {

    /**
     * One catch-up measurement. {@code secondHalfRate} and {@code secondHalfCpuNsPerEvent}: the
     * same measures over the second half of the measured events only (from the first poll that
     * sees half of them committed), which leaves out what a run pays once (JIT compilation,
     * creating and first writing every SLO's state); NaN when the run was too short for it.
     */
    public record Result(String applicationId, long events, long measuredEvents, double seconds, double rate,
                         String method, long fromMs, long toMs, double cpuNsPerEvent, JsonNode stats,
                         JsonNode stopped, Path log, double secondHalfRate, double secondHalfCpuNsPerEvent) {
    }

    /** How long the committed offsets may stand still before the run counts as failed. */
    static final Duration STALL = Duration.ofSeconds(90);

    /** An engine run that did not catch up; the message is short enough for a table cell. */
    public static final class Failed extends Exception {
        private final Path log;

        Failed(final String message, final Path log) {
            super(message, null, false, false);
            this.log = log;
        }

        public Path log() {
            return log;
        }
    }

    private EngineRun() {
    }

    /** The most telling line of a failed engine's log. */
    static String reason(final ChildJvm child, final String fallback) {
        final List<String> lines = new ArrayList<>(child.stdoutTail());
        try {
            lines.addAll(Files.readAllLines(child.logFile()));
        } catch (IOException | RuntimeException e) {
            // stdout only
        }
        for (final String line : lines) {
            if (line.contains("OutOfMemoryError")) {
                final int i = line.indexOf("java.lang.OutOfMemoryError");
                return i >= 0 ? line.substring(i + "java.lang.".length()).trim() : "OutOfMemoryError";
            }
        }
        return fallback;
    }

    public static ChildJvm start(final BenchEnv env, final Map<String, String> settings, final String heap,
                                 final List<String> extraJvmArgs) throws Exception {
        return start(env, settings, heap, extraJvmArgs, Duration.ofMinutes(3), "");
    }

    /**
     * Starts an engine JVM and waits up to {@code readyTimeout} for RUNNING; {@code logSuffix}
     * keeps the log of a restarted engine (same application id) apart from the first one's.
     */
    public static ChildJvm start(final BenchEnv env, final Map<String, String> settings, final String heap,
                                 final List<String> extraJvmArgs, final Duration readyTimeout,
                                 final String logSuffix) throws Exception {
        final List<String> jvm = new ArrayList<>();
        jvm.add("-Xmx" + heap);
        jvm.add("-Xms" + heap);
        // a heap that is too small must end the run, not leave a JVM thrashing in GC
        jvm.add("-XX:+ExitOnOutOfMemoryError");
        jvm.add("-D" + EngineHost.READY_TIMEOUT + "=" + readyTimeout);
        jvm.addAll(extraJvmArgs);
        final List<String> args = new ArrayList<>();
        settings.forEach((k, v) -> args.add(k + "=" + v));
        final String id = settings.get(Settings.APPLICATION_ID);
        final ChildJvm child = ChildJvm.start(id, jvm, EngineHost.class, args,
                env.workDir().resolve("logs").resolve(id + logSuffix + ".log"));
        child.await("ready", readyTimeout);
        return child;
    }

    /**
     * Starts an engine, waits until it has committed every event of its requests topic,
     * takes its stats, stops it cleanly.
     */
    public static Result catchUp(final BenchEnv env, final Map<String, String> settings, final String heap,
                                 final List<String> extraJvmArgs, final Duration timeout) throws Exception {
        return catchUp(env, settings, heap, extraJvmArgs, timeout, settings.get(TopicRole.REQUESTS.key()), null, 1);
    }

    /**
     * As above for input on {@code topic} whose records each hold {@code perRecord} events
     * (OTLP: spans per record): caught up once the group has committed the end of
     * {@code topic} and, when not null, of {@code downstream} (the internal topic the
     * events travel through before they are counted, e.g. the by-service repartition
     * topic), so that the engine has counted every event, not only read its record.
     * Rates and event counts are in events ({@code records x perRecord}).
     */
    public static Result catchUp(final BenchEnv env, final Map<String, String> settings, final String heap,
                                 final List<String> extraJvmArgs, final Duration timeout, final String topic,
                                 final String downstream, final long perRecord) throws Exception {
        final String group = settings.get(Settings.APPLICATION_ID);
        final long end = BenchEnv.sum(env.endOffsets(topic));
        // on a loaded machine an engine with many SLOs can take minutes to reach RUNNING
        try (ChildJvm child = start(env, settings, heap, extraJvmArgs, timeout, "")) {
            final long readyMs = System.currentTimeMillis();
            final long readyCpu = child.cpuNanos();
            long firstCpu = -1;
            long doneCpu = -1;
            long firstMs = -1;
            long firstCommitted = 0;
            long halfMs = -1;
            long halfCommitted = 0;
            long halfCpu = -1;
            long doneMs;
            final long deadline = System.nanoTime() + timeout.toNanos();
            long lastCommitted = -1;
            long lastProgressNs = System.nanoTime();
            while (true) {
                final long c = env.committed(group, topic);
                final long now = System.currentTimeMillis();
                final long d = downstream == null || c < end ? 0 : env.committed(group, downstream);
                if (c + d != lastCommitted) {
                    lastCommitted = c + d;
                    lastProgressNs = System.nanoTime();
                }
                if (c > 0 && firstMs < 0) {
                    firstMs = now;
                    firstCommitted = c;
                    firstCpu = child.cpuNanos();
                }
                if (firstMs > 0 && halfMs < 0 && c > firstCommitted && c - firstCommitted >= (end - firstCommitted) / 2) {
                    halfMs = now;
                    halfCommitted = c;
                    halfCpu = child.cpuNanos();
                }
                if (c >= end && (downstream == null || d >= BenchEnv.sum(env.endOffsets(downstream)))) {
                    doneMs = now;
                    doneCpu = child.cpuNanos();
                    break;
                }
                if (!child.alive()) {
                    child.waitFor(Duration.ofSeconds(10));
                    throw new Failed(reason(child, "the engine exited")
                            + String.format(Locale.ROOT, " after %,d of %,d events", c, end), child.logFile());
                }
                if (System.nanoTime() - lastProgressNs > STALL.toNanos()) {
                    throw new Failed(reason(child, "no progress for " + STALL.toSeconds() + " s")
                            + String.format(Locale.ROOT, " at %,d of %,d events", c, end), child.logFile());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the engine committed " + c + " of " + end + " events within "
                            + timeout.toSeconds() + " s (log: " + child.logFile() + ")");
                }
                Thread.sleep(100);
            }
            final double seconds;
            final long measured;
            final String method;
            final long fromMs;
            final long fromCpu;
            if (firstMs > 0 && firstCommitted < end && doneMs - firstMs >= 500) {
                seconds = (doneMs - firstMs) / 1000.0;
                measured = end - firstCommitted;
                method = "first commit → caught up";
                fromMs = firstMs;
                fromCpu = firstCpu;
            } else {
                seconds = Math.max(1, doneMs - readyMs) / 1000.0;
                measured = end;
                method = "RUNNING → caught up (input too small for commit sampling)";
                fromMs = readyMs;
                fromCpu = readyCpu;
            }
            child.send("stats");
            final JsonNode stats = child.await("stats", Duration.ofMinutes(2)).body();
            child.send("stop");
            final JsonNode stopped = child.await("stopped", Duration.ofMinutes(2)).body();
            child.waitFor(Duration.ofSeconds(60));
            final double cpuPerEvent = fromCpu < 0 || doneCpu < 0 ? Double.NaN : (double) (doneCpu - fromCpu) / measured;
            final boolean halves = halfMs > 0 && halfCommitted < end && doneMs - halfMs >= 500;
            final double secondHalfRate = halves ? (end - halfCommitted) * perRecord / ((doneMs - halfMs) / 1000.0)
                    : Double.NaN;
            final double secondHalfCpu = halves && halfCpu >= 0 && doneCpu >= 0
                    ? (double) (doneCpu - halfCpu) / (end - halfCommitted) / perRecord : Double.NaN;
            return new Result(group, end * perRecord, measured * perRecord, seconds, measured * perRecord / seconds, method,
                    fromMs, doneMs, cpuPerEvent / perRecord, stats, stopped, child.logFile(), secondHalfRate,
                    secondHalfCpu);
        }
    }
}
