package io.burnrate.loadtest.bench;

import io.burnrate.engine.runtime.Settings;
import io.burnrate.loadtest.gen.Generator;
import io.burnrate.loadtest.gen.Scenario;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What every benchmark shares: where it runs, how the engine JVM is sized, where results go. */
public final class BenchOptions {

    /** Kafka to use; null = the embedded broker. */
    public String bootstrapServers;
    /** Broker data, engine state, logs; deleted afterwards unless {@link #keep}. */
    public Path workDir = Path.of("target", "bench-work");
    public boolean keep;
    /** RESULTS.md to append to; null = print only. */
    public Path results;
    /** -Xmx (and -Xms) of the engine and ceiling JVMs. */
    public String heap = "512m";
    public int threads = 1;
    public int partitions = 6;
    /** Extra engine settings (key=value), e.g. commit.interval.ms. */
    public Map<String, String> engineSettings = new LinkedHashMap<>();
    /** Extra JVM flags for the engine JVM. */
    public List<String> engineJvmArgs = new ArrayList<>();
    /** Where JFR recordings are kept (profiled runs). */
    public Path profileDir = Path.of("target", "profiles");
    /** The command line, echoed into RESULTS.md. */
    public List<String> args = List.of();
    public PrintStream out = System.out;

    public String brokerDescription(final BenchEnv env) {
        return env.embedded() ? "embedded single-node Apache Kafka broker (KRaft) in the benchmark JVM, loopback"
                : "external cluster at " + env.bootstrap();
    }

    /** Engine settings for one engine run. */
    Map<String, String> engine(final BenchEnv env, final String prefix, final String requestsTopic,
                               final String applicationId) {
        final Map<String, String> s = env.engineSettings(prefix, requestsTopic, applicationId, partitions);
        s.put(Settings.THREADS, Integer.toString(threads));
        s.putAll(engineSettings);
        return s;
    }

    /**
     * Pre-fills {@code topic} with {@code events} events over {@code services}, event
     * times paced at {@code eventTimeRate} per second and ending about now.
     */
    static Generator.Stats prefill(final BenchEnv env, final String topic, final List<String> services,
                                   final long events, final double eventTimeRate, final long seed) throws IOException {
        final long spanMs = (long) (events * 1000.0 / eventTimeRate);
        final Generator g = new Generator(new Generator.Config(services, 8, 0, events, null,
                System.currentTimeMillis() - spanMs, eventTimeRate, false, Scenario.STEADY, seed,
                Duration.ofSeconds(5)));
        try (Generator.Sink sink = new Generator.KafkaSink(Generator.bulkProducer(env.bootstrap()), topic)) {
            return g.run(List.of(sink), env.log(), () -> false);
        }
    }
}
