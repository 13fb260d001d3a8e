package io.burnrate.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.loadtest.bench.OtlpThroughputBench;
import io.burnrate.loadtest.bench.Report;
import io.burnrate.loadtest.bench.ScalingBench;
import io.burnrate.loadtest.bench.ThroughputBench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The catch-up benchmarks (throughput, OTLP, scaling) with tiny numbers ({@link BenchSmoke}).
 * Asserts that each produces a sane table, not any performance level.
 */
class BenchSmokeIT extends BenchSmoke {

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
}
