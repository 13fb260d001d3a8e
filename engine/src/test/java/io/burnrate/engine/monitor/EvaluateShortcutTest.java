package io.burnrate.engine.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.testing.Specs;
import io.burnrate.schemas.AlertTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SloMonitor#evaluate} skips the rules after good requests at the current time
 * when no rule fires or waits out a hold time. Exactness check: the same seeded traffic
 * (error phases from 0 to 60 %, late events within grace, gaps, quiet minutes) through a
 * monitor that takes the shortcut and one forced to run every rule on every request gives
 * the same transitions, at the same times, with the same burn rates.
 */
class EvaluateShortcutTest {

    private static final String POLICY = "policy: [{severity: page, budgetPercent: 2, longWindow: 1h, shortWindow: 5m},"
            + " {severity: page, budgetPercent: 5, longWindow: 6h, shortWindow: 30m, alertAfter: 2m},"
            + " {severity: ticket, budgetPercent: 10, longWindow: 3d, shortWindow: 6h}]";

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void shouldGiveTheSameTransitionsAsEvaluatingEveryRuleOnEveryRequest(final long seed) {
        // even seeds: a long window must hold 200 requests, so good requests can make a rule hold
        final String yaml = Specs.availabilityYaml("checkout-availability", "checkout", seed % 2 == 0 ? 200 : 0)
                .replace("policy: google-30d", POLICY);
        final var spec = Specs.parse(yaml).get(0).spec();
        assertThat(spec.minEventsPerWindow()).isEqualTo(seed % 2 == 0 ? 200 : 0);
        final SloMonitor fast = new SloMonitor(spec);
        final SloMonitor every = new SloMonitor(spec);
        final List<AlertTransition> fastOut = new ArrayList<>();
        final List<AlertTransition> everyOut = new ArrayList<>();
        final SplittableRandom r = new SplittableRandom(seed);
        long t = 1_767_225_600_000L;
        double errorRate = 0;
        for (int i = 0; i < 40_000; i++) {
            if (i % 2_000 == 0) {
                final double[] phases = {0, 0, 0.001, 0.005, 0.02, 0.1, 0.6};
                errorRate = phases[r.nextInt(phases.length)];
            }
            final int step = r.nextInt(100);
            if (step < 2) {
                t += 60_000L * (1 + r.nextInt(20)); // a quiet stretch
            } else if (step < 60) {
                t += r.nextInt(400);
            }
            // 5 %: late by up to 30 s (within the default grace), else at the current time
            final long ts = r.nextInt(100) < 5 ? t - r.nextInt(30_000) : t;
            final long bad = r.nextDouble() < errorRate ? 1 : 0;
            fast.record(ts, 1, bad, 10);
            fast.evaluate(fastOut::add);
            every.record(ts, 1, bad, 10);
            every.forgetVerdicts();
            every.evaluate(everyOut::add);
        }
        assertThat(everyOut).as("the traffic fires and resolves rules").hasSizeGreaterThan(6);
        assertThat(fastOut).isEqualTo(everyOut);
    }
}
