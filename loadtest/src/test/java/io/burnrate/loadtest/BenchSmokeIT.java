package io.burnrate.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.loadtest.bench.BenchEnv;
import io.burnrate.loadtest.bench.BenchOptions;
import io.burnrate.loadtest.bench.LatencyBench;
import io.burnrate.loadtest.bench.OtlpThroughputBench;
import io.burnrate.loadtest.bench.Report;
import io.burnrate.loadtest.bench.RestoreBench;
import io.burnrate.loadtest.bench.ScalingBench;
import io.burnrate.loadtest.bench.ThroughputBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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

    /** Every topic a benchmark creates carries its run prefix (issue #16: budget-policy and compliance did not). */
    @AfterEach
    void everyTopicCarriesTheRunPrefix() throws Exception {
        final Set<String> topics = env.admin().listTopics().names().get(30, TimeUnit.SECONDS);
        assertThat(topics).isNotEmpty().allSatisfy(t -> assertThat(t).startsWith("bench-"));
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
        // the Kafka Streams floor (default on) read every record too
        assertThat(r.floors()).hasSize(1);
        assertThat(r.floors().get(0).stats().path("accepted").asLong()).isGreaterThanOrEqualTo(20_000);
        assertThat(r.floorRate()).isPositive();
        assertThat(r.markdown()).contains("ceiling events/s", "engine events/s", "ratio b/a", "**median**",
                "Target ≥ 0.70", "(c) Streams floor events/s", "Kafka Streams floor");
        assertThat(r.engineProfile().samples()).as("JFR samples of the stream thread").isPositive();
        assertThat(r.markdown()).contains("Profile of the engine", "category (innermost known frame)");

        final Path results = dir.resolve("RESULTS.md");
        Report.publish(System.out, results, "Throughput vs ceiling", "smoke", common.args, r.markdown());
        assertThat(Files.readString(results)).contains("### Throughput vs ceiling", "- machine: ", "nproc",
                "- command: `", "| **median**");
    }

    /**
     * OTLP spans: 1,000 records of 10 spans (more than one poll of the ceiling: its first poll is not
     * measured); the engine must count every span, after the re-key round trip.
     */
    @Test
    void otlpMeasuresSpansPerSecondAgainstAProtobufParsingCeiling() throws Exception {
        final OtlpThroughputBench.Options o = new OtlpThroughputBench.Options();
        o.spans = 10_000;
        o.spansPerRecord = 10;
        o.services = 5;
        o.repeat = 1;
        o.timeout = Duration.ofMinutes(2);
        final OtlpThroughputBench.Result r = OtlpThroughputBench.run(env, common, o);
        assertThat(r.records()).isEqualTo(1_000);
        assertThat(r.spans()).isEqualTo(10_000);
        assertThat(r.ceilings().get(0).events()).as("spans the ceiling parsed").isEqualTo(10_000);
        assertThat(r.engines().get(0).stats().path("accepted").asLong()).isEqualTo(10_000);
        assertThat(r.ceilingRate()).isPositive();
        assertThat(r.engineRate()).isPositive();
        assertThat(r.jsonEngines().get(0).stats().path("accepted").asLong()).as("the same events as JSON").isEqualTo(10_000);
        assertThat(r.jsonRate()).isPositive();
        assertThat(r.markdown()).contains("ceiling spans/s", "engine spans/s", "ratio b/a", "**median**",
                "TracesData.parseFrom", "same events as unkeyed JSON", "b/c");
    }

    @Test
    void scalingComparesEveryPointWithTheTenSloBaseAtTheSameEventCount() throws Exception {
        final ScalingBench.Options o = new ScalingBench.Options();
        // the base, one SLO per service, and the services × SLOs-each shape with its own heap
        o.points = List.of("20", "10", "3x4@320m");
        o.events = 20_000;
        o.timeout = Duration.ofMinutes(2);
        final ScalingBench.Result r = ScalingBench.run(env, common, o);
        assertThat(r.rows()).extracting(ScalingBench.Row::label).containsExactly("20", "10", "3 × 4");
        assertThat(r.rows()).extracting(ScalingBench.Row::heap).containsExactly("256m", "256m", "320m");
        assertThat(r.rows()).extracting(ScalingBench.Row::slos).containsExactly(20, 10, 12);
        assertThat(r.rows()).extracting(ScalingBench.Row::events).containsOnly(20_000L);
        assertThat(r.base().label()).as("the 10-SLO point is the base wherever it is").isEqualTo("10");
        for (final ScalingBench.Row row : r.rows()) {
            assertThat(row.failure()).isNull();
            assertThat(row.rate()).isPositive();
            assertThat(row.rocksBytes()).as("RocksDB bytes of the SLO state").isPositive();
            assertThat(row.stateDirBytes()).isPositive();
            assertThat(row.heapAfterGc()).isPositive();
        }
        assertThat(r.change("3 × 4")).isEqualTo(r.rows().get(2).rate() / r.rows().get(1).rate() - 1);
        assertThat(r.markdown()).contains("| SLOs", "services × SLOs each", "| base", "heap after GC per SLO",
                "3 × 4", "Targets (drop vs 10 SLOs");
    }

    @Test
    void latencyMeasuresEveryIncident() throws Exception {
        final LatencyBench.Options o = new LatencyBench.Options();
        o.incidents = 3;
        o.services = 5;
        // measured by a catch-up on the same SLO and alert topics: its alerts must not count
        o.maxRate = null;
        o.calibrationEvents = 20_000;
        o.spacing = Duration.ofSeconds(1);
        o.incidentDuration = Duration.ofMillis(500);
        o.warmup = Duration.ofSeconds(1);
        o.steadyWindow = Duration.ofSeconds(1);
        o.timeout = Duration.ofMinutes(2);
        final LatencyBench.Result r = LatencyBench.run(env, common, o);
        assertThat(r.detected()).isEqualTo(3);
        assertThat(r.falseAlerts()).isZero();
        assertThat(r.warmupBadEvents()).as("the warm-up is error-free, so it cannot fire a rule").isZero();
        assertThat(r.firstRuleLatenciesMs()).hasSize(3).allSatisfy(ms -> assertThat(ms).isBetween(0.0, 30_000.0));
        assertThat(r.achievedRate()).isPositive();
        assertThat(r.markdown()).contains("first rule to fire, per incident", "p50", "p99", "Detected 3 of 3",
                "0 firing transitions outside an incident");
    }

    @Test
    void aRuleFiringOutsideAnIncidentFailsTheLatencyRun() {
        final LatencyBench.Options o = new LatencyBench.Options();
        o.incidents = 2;
        o.services = 4;
        o.maxRate = 10_000.0;
        // 20 % errors everywhere: burn rate 200 against a 99.9 % objective, so rules fire in the warm-up
        o.baselineErrorRate = 0.2;
        o.spacing = Duration.ofSeconds(1);
        o.incidentDuration = Duration.ofMillis(500);
        o.warmup = Duration.ofSeconds(2);
        o.steadyWindow = Duration.ofSeconds(1);
        o.timeout = Duration.ofMinutes(2);
        assertThatThrownBy(() -> LatencyBench.run(env, common, o)).isInstanceOf(LatencyBench.OutsideIncident.class)
                .hasMessageContaining("FAILED").hasMessageContaining("outside every incident")
                .satisfies(e -> assertThat(((LatencyBench.OutsideIncident) e).markdown())
                        .contains("**Run failed**: rules fired outside every incident"));
    }

    @Test
    void restoreMeasuresKillToRunningAndCaughtUp() throws Exception {
        final RestoreBench.Options o = new RestoreBench.Options();
        o.slos = 20;
        o.rate = 2_000.0;
        o.warmup = Duration.ofSeconds(3);
        o.steadyWindow = Duration.ofSeconds(1);
        o.timeout = Duration.ofMinutes(3);
        // static membership, as the run of record measures it: the restarted engine does not wait
        // out the killed member's 45-s session timeout (which was most of this test's time)
        final RestoreBench.Result r;
        common.engineSettings.put("group.instance.id", "smoke-restore");
        try {
            r = RestoreBench.run(env, common, o);
        } finally {
            common.engineSettings.remove("group.instance.id");
        }
        assertThat(r.slos()).isEqualTo(20);
        assertThat(r.killToRunningSeconds()).isPositive();
        assertThat(r.killToCaughtUpSeconds()).isGreaterThanOrEqualTo(r.killToRunningSeconds());
        assertThat(r.stateDirBytesAtKill()).isPositive();
        assertThat(r.markdown()).contains("kill → RUNNING", "kill → caught up", "SIGKILL");
    }
}
