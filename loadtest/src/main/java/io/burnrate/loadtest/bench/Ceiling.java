package io.burnrate.loadtest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs {@link CeilingConsumer} in a fresh JVM and returns its measurement. */
public final class Ceiling {

    /** The ceiling's reading of the topic. */
    public record Result(long events, long measuredEvents, double seconds, double rate, long fromMs, long toMs,
                         double cpuNsPerEvent) {
    }

    private Ceiling() {
    }

    public static Result run(final BenchEnv env, final String topic, final String heap, final List<String> extraJvmArgs,
                             final String name) throws Exception {
        return run(env, topic, heap, extraJvmArgs, name, false);
    }

    /** @param otlp the records are OTLP {@code TracesData}: parse each with protobuf and walk its spans */
    public static Result run(final BenchEnv env, final String topic, final String heap, final List<String> extraJvmArgs,
                             final String name, final boolean otlp) throws Exception {
        final List<String> jvm = new ArrayList<>();
        jvm.add("-Xmx" + heap);
        jvm.add("-Xms" + heap);
        jvm.addAll(extraJvmArgs);
        try (ChildJvm child = ChildJvm.start(name, jvm, CeilingConsumer.class,
                otlp ? List.of(env.bootstrap(), topic, CeilingConsumer.OTLP) : List.of(env.bootstrap(), topic),
                env.workDir().resolve("logs").resolve(name + ".log"))) {
            final JsonNode r = child.await("result", Duration.ofMinutes(30)).body();
            child.waitFor(Duration.ofSeconds(60));
            return new Result(r.get("events").asLong(), r.get("measuredEvents").asLong(), r.get("seconds").asDouble(),
                    r.get("rate").asDouble(), r.get("firstWallMs").asLong(), r.get("lastWallMs").asLong(),
                    r.get("cpuNsPerEvent").asDouble());
        }
    }
}
