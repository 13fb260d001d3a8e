package io.burnrate.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.loadtest.bench.BenchEnv;
import io.burnrate.loadtest.bench.BenchOptions;
import io.burnrate.loadtest.bench.LatencyBench;
import io.burnrate.loadtest.bench.Report;
import io.burnrate.loadtest.bench.ScalingBench;
import io.burnrate.loadtest.bench.ThroughputBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every benchmark with tiny numbers against one embedded broker, through the same code
 * paths as the full runs (child JVMs included), so the harness cannot rot. Asserts that
 * each produces a sane table, not any performance level.
 */
class BenchSmokeIT {

    private static BenchEnv env;
    private static BenchOptions common;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        common = new BenchOptions();
        common.workDir = dir.resolve("work");
        common.profileDir = dir.resolve("profiles");
        common.heap = "256m";
        common.partitions = 2;
        common.args = List.of("bench", "smoke");
        env = BenchEnv.open(null, common.workDir, false, System.out);
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void throughputMeasuresCeilingAndEngineOnTheSameEventsAndProfiles() throws Exception {
        final ThroughputBench.Options o = new ThroughputBench.Options();
        o.events = 20_000;
        o.services = 5;
        o.repeat = 1;
        o.profile = true;
        o.timeout = Duration.ofMinutes(2);
        final ThroughputBench.Result r = ThroughputBench.run(env, common, o);
        assertThat(r.prefill().events()).isEqualTo(20_000);
        assertThat(r.ceilingRate()).isPositive();
        assertThat(r.engineRate()).isPositive();
        assertThat(r.ratio()).isPositive();
        assertThat(r.engines().get(0).stats().path("accepted").asLong()).isEqualTo(20_000);
        assertThat(r.markdown()).contains("ceiling events/s", "engine events/s", "ratio b/a", "**median**",
                "Target ≥ 0.70");
        assertThat(r.engineProfile().samples()).as("JFR samples of the stream thread").isPositive();
        assertThat(r.markdown()).contains("Profile of the engine", "category (innermost known frame)");

        final Path results = dir.resolve("RESULTS.md");
        Report.publish(System.out, results, "Throughput vs ceiling", "smoke", common.args, r.markdown());
        assertThat(Files.readString(results)).contains("### Throughput vs ceiling", "- machine: ", "nproc",
                "- command: `", "| **median**");
    }

    @Test
    void scalingReportsThroughputStateAndHeapPerSloCount() throws Exception {
        final ScalingBench.Options o = new ScalingBench.Options();
        o.sloCounts = List.of(2, 10);
        o.events = 20_000;
        o.timeout = Duration.ofMinutes(2);
        final ScalingBench.Result r = ScalingBench.run(env, common, o);
        assertThat(r.rows()).hasSize(2);
        for (final ScalingBench.Row row : r.rows()) {
            assertThat(row.failure()).isNull();
            assertThat(row.rate()).isPositive();
            assertThat(row.rocksBytes()).as("RocksDB bytes of the SLO state").isPositive();
            assertThat(row.stateDirBytes()).isPositive();
            assertThat(row.heapAfterGc()).isPositive();
        }
        assertThat(r.markdown()).contains("| SLOs", "per SLO", "heap after GC", "Targets:");
    }

    @Test
    void latencyMeasuresEveryIncident() throws Exception {
        final LatencyBench.Options o = new LatencyBench.Options();
        o.incidents = 3;
        o.services = 5;
        o.maxRate = 10_000.0;
        o.spacing = Duration.ofSeconds(1);
        o.incidentDuration = Duration.ofMillis(500);
        o.warmup = Duration.ofSeconds(1);
        o.steadyWindow = Duration.ofSeconds(1);
        o.timeout = Duration.ofMinutes(2);
        final LatencyBench.Result r = LatencyBench.run(env, common, o);
        assertThat(r.detected()).isEqualTo(3);
        assertThat(r.falseAlerts()).isZero();
        assertThat(r.firstRuleLatenciesMs()).hasSize(3).allSatisfy(ms -> assertThat(ms).isBetween(0.0, 30_000.0));
        assertThat(r.achievedRate()).isPositive();
        assertThat(r.markdown()).contains("first rule to fire, per incident", "p50", "p99", "Detected 3 of 3");
    }
}
