package io.burnrate.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.loadtest.bench.BenchEnv;
import io.burnrate.loadtest.bench.BenchOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark smoke tests' rig: one embedded broker per test class and tiny numbers,
 * through the same code paths as the full runs (child JVMs included), so the harness
 * cannot rot. Two classes ({@link BenchSmokeIT}: the catch-up benchmarks,
 * {@link LiveBenchSmokeIT}: those under live traffic) so that failsafe runs them side by side.
 */
abstract class BenchSmoke {

    static BenchEnv env;
    static BenchOptions common;

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
            env = null;
        }
    }
}
