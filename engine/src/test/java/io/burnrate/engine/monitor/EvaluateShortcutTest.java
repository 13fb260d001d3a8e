package io.burnrate.engine.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.testing.Specs;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.BudgetPolicyEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SloMonitor#evaluate} skips the rules after good requests at the current time
 * when no rule fires or waits out a hold time. Exactness check: the same seeded traffic
 * (error phases from 0 to 60 %, late events within grace, gaps, quiet minutes) through a
 * monitor that takes the shortcut and one forced to run every rule on every request gives
 * the same transitions, at the same times, with the same burn rates.
 *
 * <p>Since time moving inside one bucket no longer runs the rules either (it moves no
 * window), the same comparison also runs with sweeps moving time without events, with an
 * exclusion window (whose start is a time move that matters), and across the history
 * guard passing while only good requests come.
 */
class EvaluateShortcutTest {

    private static final String POLICY = "policy: [{severity: page, budgetPercent: 2, longWindow: 1h, shortWindow: 5m},"
            + " {severity: page, budgetPercent: 5, longWindow: 6h, shortWindow: 30m, alertAfter: 2m},"
            + " {severity: ticket, budgetPercent: 10, longWindow: 3d, shortWindow: 6h}]";

    private static final long T0 = 1_767_225_600_000L;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void shouldGiveTheSameTransitionsAsEvaluatingEveryRuleOnEveryRequest(final long seed) {
        compare(seed, "", false);
    }

    @ParameterizedTest
    @ValueSource(longs = {5, 6})
    void shouldGiveTheSameTransitionsWhenSweepsMoveTimeWithoutEvents(final long seed) {
        compare(seed, "", true);
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 8})
    void shouldGiveTheSameTransitionsAcrossExclusionWindows(final long seed) {
        // every hour a 10-minute exclusion: rules are silenced inside, firing ones may resolve
        compare(seed, "\n  budgetAdjustments:\n    - {name: deploys, firstEventStart: \"2026-01-01T00:10\", duration: 10m,"
                + " timeZone: UTC, rrule: \"FREQ=HOURLY\"}", true);
    }

    /**
     * Requests every 100 ms from 00:00:02.5, the first 100 of them bad, then only good ones:
     * the burn rate of the 1h/5m page rule is far above its threshold (14.4) from the start,
     * but the history guard holds it back until the SLO has 5 minutes of history, at
     * 00:05:02.5: inside a bucket of every tier, with only good requests coming. The rule fires at
     * exactly that time, from a time move alone.
     */
    @Test
    void shouldFireWhenTheHistoryGuardPassesAmongGoodRequests() {
        final var spec = Specs.parse(Specs.availabilityYaml("checkout-availability", "checkout", 0)
                .replace("policy: google-30d", POLICY)).get(0).spec();
        final SloMonitor fast = new SloMonitor(spec);
        final SloMonitor every = new SloMonitor(spec);
        final List<AlertTransition> fastOut = new ArrayList<>();
        final List<AlertTransition> everyOut = new ArrayList<>();
        for (long ms = 2_500; ms <= 360_000; ms += 100) {
            final long bad = ms < 12_500 ? 1 : 0;
            fast.record(T0 + ms, 1, bad, 10);
            fast.evaluate(fastOut::add);
            every.record(T0 + ms, 1, bad, 10);
            every.forgetVerdicts();
            every.evaluate(everyOut::add);
        }
        // 00:05:02.5: the 5m window (1 s buckets: [00:00:03, 00:05:03)) holds 95 bad of 2,996
        // requests: burn 95 / 2,996 / 0.1 % = 31.7; the 1h window (5 s buckets) 100 of 3,001: 33.3.
        // 00:05:07: [00:00:08, 00:05:08) holds 45 of 2,991: 15.0, still >= 14.4. 00:05:08:
        // [00:00:09, 00:05:09) holds 35 of 2,991: 11.7 < 14.4, resolved.
        assertThat(everyOut).extracting(AlertTransition::rule, AlertTransition::state, AlertTransition::at)
                .containsExactly(tuple("page-1h-5m", "firing", Instant.ofEpochMilli(T0 + 302_500)),
                        tuple("page-1h-5m", "resolved", Instant.ofEpochMilli(T0 + 308_000)));
        assertThat(fastOut).isEqualTo(everyOut);
    }

    /**
     * A page rule over 6h/1h (finest buckets 5 s) and an exclusion from 01:10:02 to
     * 01:20:02, off the 5 s grid. 100 ms requests from 00:00, all bad from 01:10:02 to
     * 01:20:02 (the engine would not count those; counted here, they keep the condition
     * holding): the rule is silenced until the exclusion ends, then fires at exactly
     * 01:20:02, among good requests, inside a bucket.
     */
    @Test
    void shouldFireWhenAnExclusionEndsInsideABucket() {
        final var spec = Specs.parse(Specs.availabilityYaml("checkout-availability", "checkout", 0)
                .replace("policy: google-30d", "policy: [{severity: page, budgetPercent: 2, longWindow: 6h,"
                        + " shortWindow: 1h}]")
                + "  budgetAdjustments:\n    - {name: deploy, firstEventStart: \"2026-01-01T01:10:02\", duration: 10m,"
                + " timeZone: UTC}\n").get(0).spec();
        assertThat(spec.budgetAdjustments()).hasSize(1);
        final SloMonitor fast = new SloMonitor(spec);
        final SloMonitor every = new SloMonitor(spec);
        final List<AlertTransition> fastOut = new ArrayList<>();
        final List<AlertTransition> everyOut = new ArrayList<>();
        for (long ms = 0; ms <= 5_000_000; ms += 100) {
            final long bad = ms >= 4_202_000 && ms < 4_802_000 ? 1 : 0;
            fast.record(T0 + ms, 1, bad, 10);
            fast.evaluate(fastOut::add);
            every.record(T0 + ms, 1, bad, 10);
            every.forgetVerdicts();
            every.evaluate(everyOut::add);
        }
        // at 01:20:02 the 1h window holds 6,000 bad of ~36,000 requests: burn ~167 >= 14.4
        assertThat(everyOut).extracting(AlertTransition::state, AlertTransition::at)
                .containsExactly(tuple("firing", Instant.ofEpochMilli(T0 + 4_802_000)));
        assertThat(fastOut).isEqualTo(everyOut);
    }

    /**
     * {@link SloMonitor#observeBudget} skips after good requests while no threshold is
     * crossed: the same comparison for budget-policy events, on a 99 % SLO over 1 hour with
     * thresholds at 25 % and 0 % (windows that slide within the test's ~140 hours, so the
     * budget is spent and comes back again and again).
     */
    @ParameterizedTest
    @ValueSource(longs = {9, 10, 11})
    void shouldGiveTheSameBudgetEventsAsObservingOnEveryRequest(final long seed) {
        final List<BudgetPolicyEvent> policy = compare(Specs.parse(Specs.GATE_SLO).get(0).spec(), seed, seed != 9);
        assertThat(policy).extracting(BudgetPolicyEvent::direction).contains(BudgetPolicyEvent.DOWN,
                BudgetPolicyEvent.UP);
    }

    private static void compare(final long seed, final String adjustments, final boolean sweeps) {
        // even seeds: a long window must hold 200 requests, so good requests can make a rule hold
        final String yaml = Specs.availabilityYaml("checkout-availability", "checkout", seed % 2 == 0 ? 200 : 0)
                .replace("policy: google-30d", POLICY) + adjustments;
        final var spec = Specs.parse(yaml).get(0).spec();
        assertThat(spec.budgetAdjustments()).hasSize(adjustments.isEmpty() ? 0 : 1);
        assertThat(spec.minEventsPerWindow()).isEqualTo(seed % 2 == 0 ? 200 : 0);
        assertThat(compare(spec, seed, sweeps)).as("the traffic crosses budget thresholds").isNotEmpty();
    }

    /** The traffic through both monitors; the alert transitions and budget events must match. Returns the latter. */
    private static List<BudgetPolicyEvent> compare(final SloSpec spec, final long seed, final boolean sweeps) {
        final SloMonitor fast = new SloMonitor(spec);
        final SloMonitor every = new SloMonitor(spec);
        final List<AlertTransition> fastOut = new ArrayList<>();
        final List<AlertTransition> everyOut = new ArrayList<>();
        final List<BudgetPolicyEvent> fastPolicy = new ArrayList<>();
        final List<BudgetPolicyEvent> everyPolicy = new ArrayList<>();
        final SplittableRandom r = new SplittableRandom(seed);
        long t = T0;
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
            if (sweeps && r.nextInt(10) == 0) {
                // as the task's sweep does: time moves to a little after the newest event, no event
                final long to = t + r.nextInt(3_000);
                fast.advanceTo(to);
                fast.evaluate(fastOut::add);
                fast.observeBudget(fastPolicy::add);
                every.advanceTo(to);
                every.forgetVerdicts();
                every.evaluate(everyOut::add);
                every.observeBudget(everyPolicy::add);
                t = to;
                continue;
            }
            fast.record(ts, 1, bad, 10);
            fast.evaluate(fastOut::add);
            fast.observeBudget(fastPolicy::add);
            every.record(ts, 1, bad, 10);
            every.forgetVerdicts();
            every.evaluate(everyOut::add);
            every.observeBudget(everyPolicy::add);
        }
        assertThat(everyOut).as("the traffic fires and resolves rules").hasSizeGreaterThan(6);
        assertThat(fastOut).isEqualTo(everyOut);
        assertThat(fastPolicy).isEqualTo(everyPolicy);
        return everyPolicy;
    }
}
