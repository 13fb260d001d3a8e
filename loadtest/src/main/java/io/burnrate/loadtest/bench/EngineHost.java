package io.burnrate.loadtest.bench;

import io.burnrate.engine.monitor.EngineCounters;
import io.burnrate.engine.runtime.Engine;
import io.burnrate.engine.runtime.Settings;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Child-JVM main: runs the engine exactly as {@code burnrate run} does
 * ({@link Engine#start(Settings)}) and answers the benchmark on stdin/stdout.
 *
 * <p>Arguments: {@code key=value} settings. Commands: {@code stats} (heap after GC,
 * RocksDB sizes from Kafka Streams' state-store metrics, state directory bytes, engine
 * counters), {@code stop} (closes the engine cleanly, which flushes RocksDB memtables,
 * then reports the state directory size on disk). EOF on stdin also stops.
 */
public final class EngineHost {

    /** System property: how long to wait for RUNNING (ISO-8601 duration, default 3 minutes). */
    static final String READY_TIMEOUT = "burnrate.bench.readyTimeout";

    private EngineHost() {
    }

    public static void main(final String[] args) throws Exception {
        final Map<String, String> values = new LinkedHashMap<>();
        for (final String a : args) {
            final int eq = a.indexOf('=');
            values.put(a.substring(0, eq), a.substring(eq + 1));
        }
        final boolean floor = Boolean.parseBoolean(values.remove(StreamsFloor.SETTING));
        final Settings settings = BenchEnv.toSettings(values);
        final Path stateDir = Path.of(settings.get(Settings.STATE_DIR));
        if (floor) {
            floor(settings, stateDir);
            return;
        }
        final Engine engine;
        try {
            engine = Engine.start(settings);
            if (!engine.awaitRunning(Duration.parse(System.getProperty(READY_TIMEOUT, "PT3M")))) {
                ChildJvm.emit("error", "engine did not reach RUNNING: "
                        + (engine.failure() == null ? engine.streams().state() : engine.failure().toString()));
                engine.close();
                System.exit(1);
                return;
            }
        } catch (RuntimeException e) {
            ChildJvm.emit("error", "engine did not start: " + e);
            System.exit(1);
            return;
        }
        ChildJvm.emit("ready", Map.of("wallMs", System.currentTimeMillis()));
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.trim()) {
                case "stats":
                    ChildJvm.emit("stats", stats(engine, stateDir));
                    break;
                case "stop":
                    stop(engine, stateDir);
                    return;
                default:
                    ChildJvm.emit("error", "unknown command " + line);
            }
        }
        stop(engine, stateDir);
    }

    /** The same conversation as the engine's, over {@link StreamsFloor}; "accepted" = records seen. */
    private static void floor(final Settings settings, final Path stateDir) throws Exception {
        final StreamsFloor floor = new StreamsFloor(settings);
        if (!floor.start(Duration.parse(System.getProperty(READY_TIMEOUT, "PT3M")))) {
            ChildJvm.emit("error", "Kafka Streams floor did not reach RUNNING: " + floor.state());
            floor.close();
            System.exit(1);
            return;
        }
        ChildJvm.emit("ready", Map.of("wallMs", System.currentTimeMillis()));
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.trim().equals("stop")) {
            if (line.trim().equals("stats")) {
                final Map<String, Object> out = new LinkedHashMap<>();
                out.put("accepted", floor.records());
                out.put("bytes", floor.bytes());
                out.put("state", floor.state());
                ChildJvm.emit("stats", out);
            } else {
                ChildJvm.emit("error", "unknown command " + line);
            }
        }
        final long t0 = System.nanoTime();
        floor.close();
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("closeSeconds", (System.nanoTime() - t0) / 1e9);
        out.put("stateDirBytes", BenchEnv.directoryBytes(stateDir));
        ChildJvm.emit("stopped", out);
        System.exit(0);
    }

    private static void stop(final Engine engine, final Path stateDir) throws Exception {
        final long t0 = System.nanoTime();
        engine.close();
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("closeSeconds", (System.nanoTime() - t0) / 1e9);
        out.put("stateDirBytes", BenchEnv.directoryBytes(stateDir));
        out.put("failure", engine.failure() == null ? null : engine.failure().toString());
        ChildJvm.emit("stopped", out);
        System.exit(0);
    }

    static Map<String, Object> stats(final Engine engine, final Path stateDir) throws Exception {
        final Map<String, Object> out = new LinkedHashMap<>();
        System.gc();
        System.gc();
        final MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        out.put("heapUsedAfterGc", heap.getUsed());
        out.put("heapCommitted", heap.getCommitted());
        out.put("heapMax", heap.getMax());
        // RocksDB state-store metrics, summed over tasks, per store
        final Map<String, Map<String, Double>> rocks = new TreeMap<>();
        for (final Map.Entry<MetricName, ? extends Metric> e : engine.streams().metrics().entrySet()) {
            final MetricName n = e.getKey();
            if (!n.group().equals("stream-state-metrics")) {
                continue;
            }
            final String metric = n.name();
            if (!metric.equals("size-all-mem-tables") && !metric.equals("total-sst-files-size")
                    && !metric.equals("live-sst-files-size") && !metric.equals("estimate-num-keys")
                    && !metric.equals("cur-size-all-mem-tables")) {
                continue;
            }
            String store = n.tags().get("rocksdb-state-id");
            if (store == null) {
                store = n.tags().getOrDefault("rocksdb-window-state-id", n.tags().toString());
            }
            final Object v = e.getValue().metricValue();
            if (v instanceof Number num) {
                rocks.computeIfAbsent(store, k -> new TreeMap<>()).merge(metric, num.doubleValue(), Double::sum);
            }
        }
        out.put("rocksdb", rocks);
        out.put("stateDirBytes", BenchEnv.directoryBytes(stateDir));
        final EngineCounters c = engine.built().counters();
        out.put("accepted", c.accepted.sum());
        out.put("unmatched", c.unmatched.sum());
        out.put("rejected", c.rejectedTotal());
        out.put("transitions", c.transitions.sum());
        out.put("state", engine.streams().state().toString());
        return out;
    }
}
