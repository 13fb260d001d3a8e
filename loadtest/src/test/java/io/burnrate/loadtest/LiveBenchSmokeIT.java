package io.burnrate.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.loadtest.bench.LatencyBench;
import io.burnrate.loadtest.bench.RestoreBench;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks under live traffic (detection latency, restore after SIGKILL) with tiny
 * numbers ({@link BenchSmoke}). Asserts that each produces a sane table, not any
 * performance level.
 */
class LiveBenchSmokeIT extends BenchSmoke {

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
