package io.burnrate.engine.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.ingest.EventParser;
import io.burnrate.engine.ingest.InputLimits;
import io.burnrate.engine.ingest.ScannedEvent;
import io.burnrate.engine.slo.SloRegistry;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.testing.Specs;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.BudgetPolicyEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sweeps visit an SLO only at its due time ({@link SloMonitor#dueAt}: when time moving
 * alone can change a verdict, the remaining budget or a compliance period), not at every
 * second its finest window moves. Exactness check: the same seeded traffic through a task
 * that keeps to the due times and one that visits every SLO at every sweep and runs its
 * rules and budget policy there gives the same alerts, budget-policy events, compliance
 * summaries and status snapshots, in the same order, with the same numbers.
 *
 * <p>The traffic makes time alone matter: services fall silent for minutes while a clock
 * service moves the task's time (windows drain: firing rules resolve, no-data rules fire,
 * a burst of errors left in a window fires once the good requests before it have left),
 * error bursts come and go, some events are late within grace, and SLOs pass their
 * history guards while silent.
 */
class SweepDueTest {

    private static final long T = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    private static final long S = 1000;
    private static final long MIN = 60 * S;
    private static final TaskEvaluator.Rules RULES = new TaskEvaluator.Rules(Duration.ofMinutes(5),
            Duration.ofSeconds(1), Duration.ofSeconds(5), null, null, null);

    private static final String POLICY = "policy: [{severity: page, budgetPercent: 2, longWindow: 1h, shortWindow: 5m},"
            + " {severity: page, budgetPercent: 5, longWindow: 6h, shortWindow: 30m, alertAfter: 2m},"
            + " {severity: ticket, budgetPercent: 10, longWindow: 3d, shortWindow: 6h}]";

    private static final String[] SERVICES = {"a", "b", "c", "d", "e", "f"};

    private final EventParser.Reader reader = new EventParser.Reader();

    /**
     * a: google-30d at 99.9 %; b: three rules, one with a 2-minute hold; c: a 1-hour SLO
     * whose budget thresholds (25 %, 0 %) are crossed both ways as errors leave its window;
     * d: google-30d and a 10-minute no-data rule; e: minEventsPerWindow 50; f: three rules
     * without the history guard; z: the clock, one good request every 2 s.
     */
    private static List<SloSpec> specs() {
        final List<SloSpec> out = new ArrayList<>();
        out.add(Specs.availability("a-avail", "a", 0));
        out.add(parse(Specs.availabilityYaml("b-avail", "b", 0).replace("policy: google-30d", POLICY)));
        out.add(parse(Specs.GATE_SLO.replace("checkout-availability", "c-gate").replace("service: checkout",
                "service: c")));
        out.add(parse(Specs.availabilityYaml("d-avail", "d", 0).replace("    policy: google-30d\n",
                "    policy: google-30d\n    noData: [{severity: ticket, after: 10m}]\n")));
        out.add(Specs.availability("e-avail", "e", 50));
        out.add(parse(Specs.availabilityYaml("f-avail", "f", 0).replace("policy: google-30d",
                POLICY + "\n    historyGuard: false")));
        out.add(Specs.availability("z-clock", "z", 0));
        return out;
    }

    private static SloSpec parse(final String yaml) {
        return Specs.parse(yaml).get(0).spec();
    }

    /**
     * Eight hours of event time. Every 10 minutes each service picks a phase: silent (a
     * third of the time), good requests only, or errors at 1 to 60 %, at a request every
     * 0.2 to 10 s; one event in 40 is up to 4 minutes late.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void shouldGiveWhatVisitingEverySloAtEverySweepGives(final long seed) {
        final Rig due = new Rig(false);
        final Rig every = new Rig(true);
        final Random random = new Random(seed);
        final double[] errorRate = new double[SERVICES.length];
        final long[] gap = new long[SERVICES.length];
        final long[] next = new long[SERVICES.length];
        long clock = T;
        long wall = T;
        for (long t = T; t < T + 8 * 60 * MIN; t += 100) {
            if ((t - T) % (10 * MIN) == 0) {
                for (int s = 0; s < SERVICES.length; s++) {
                    final int phase = random.nextInt(6);
                    gap[s] = phase < 2 ? -1 : 200 + random.nextInt(9_800);
                    errorRate[s] = phase < 4 ? 0 : 0.01 + 0.59 * random.nextDouble();
                    next[s] = t + random.nextInt(1_000);
                }
            }
            for (int s = 0; s < SERVICES.length; s++) {
                if (gap[s] > 0 && t >= next[s]) {
                    next[s] = t + gap[s];
                    final long ts = random.nextInt(40) == 0 ? t - random.nextInt(4 * 60) * S : t;
                    final String json = json(SERVICES[s], ts, random.nextDouble() < errorRate[s] ? 503 : 200);
                    due.send(json, wall);
                    every.send(json, wall);
                }
            }
            if (t >= clock) {
                clock = t + 2 * S;
                final String json = json("z", t, 200);
                due.send(json, wall);
                every.send(json, wall);
            }
            if ((t - T) % (5 * S) == 0) {
                wall += 5 * S;
                due.evaluator.onWallClock(wall, false);
                every.evaluator.onWallClock(wall, false);
            }
        }
        due.evaluator.onWallClock(wall + S, true);
        every.evaluator.onWallClock(wall + S, true);

        assertThat(every.out.alerts).extracting(AlertTransition::sloId).as("rules of every kind fired")
                .contains("a-avail", "b-avail", "c-gate", "d-avail", "f-avail");
        assertThat(every.out.alerts).extracting(AlertTransition::rule).as("the no-data rule fired")
                .contains("ticket-nodata-10m");
        assertThat(every.out.policies).extracting(BudgetPolicyEvent::sloId).contains("c-gate");
        assertThat(due.out.alerts).isEqualTo(every.out.alerts);
        assertThat(due.out.policies).isEqualTo(every.out.policies);
        assertThat(due.out.summaries).isEqualTo(every.out.summaries).isNotEmpty();
        assertThat(due.out.statuses).isEqualTo(every.out.statuses);
        assertThat(due.numbers()).isEqualTo(every.numbers());
        assertThat(due.visits).as("the due times visit fewer SLOs (errors keep most of them due)")
                .isLessThan(every.visits * 3 / 4);
        assertThat(due.store.live("z-clock").counts().now()).as("the clock SLO, left behind, is caught up")
                .isEqualTo(every.store.live("z-clock").counts().now());
    }

    /**
     * An SLO with only good requests (ten a second for ten minutes from 10:00:00) cannot fire
     * or cross a budget threshold by time alone: sweeps visit it at its first sweep (a new SLO
     * is due at once) and when its budget policy's history guard passes (5 minutes after the
     * first request), not at each of the 600 seconds its 5m window moved. Its next due time
     * is 11:00, where the SLO window's hour bucket and the compliance hour end.
     */
    @Test
    void shouldVisitAnSloWithOnlyGoodRequestsAtItsDueTimesAlone() {
        final Rig rig = new Rig(false);
        for (long t = T; t < T + 10 * MIN; t += 100) {
            rig.send(json("z", t, 200), t);
            if (t == T + 4 * MIN) {
                assertThat(rig.store.live("z-clock").dueAt()).as("the history guard").isEqualTo(T + 5 * MIN);
            }
        }
        assertThat(rig.visits).isEqualTo(2);
        assertThat(rig.store.live("z-clock").dueAt()).isEqualTo(T + 60 * MIN);
        final Rig every = new Rig(true);
        for (long t = T; t < T + 10 * MIN; t += 100) {
            every.send(json("z", t, 200), t);
        }
        assertThat(every.visits).as("one a second").isBetween(599L, 601L);
    }

    /**
     * A rule that fires from time moving alone, while its service is silent. SLO g (99.9 %,
     * one rule: burn above 14.4 over 1h and 5m) gets ten good requests a second over
     * [T + 30m, T + 35m) (3,000) and, at T + 89m, a burst of 40 bad ones over 4 s: the 1h
     * window holds 40 of 3,040 bad (1.32 %, burn 13.2: no alert), the 5m window 40 of 40.
     * As the good requests leave the 1h window (5-second buckets), its burn rises: it exceeds
     * 14.4 once fewer than 2,738 good ones are left (40 / (40 + G) > 1.44 %), that is once the
     * window starts at T + 30m 30s (G = 2,700, 1.46 %): from the bucket starting 719 buckets
     * later, T + 90m 25s, when the burst is still in the 5m window. A clock service's request
     * every second moves the task's time: the rule fires at the sweep at T + 90m 25s.
     */
    @Test
    void shouldFireWhenTheGoodRequestsBeforeABurstLeaveTheLongWindow() {
        final Rig due = new Rig(false);
        final Rig every = new Rig(true);
        final SloSpec g = parse(Specs.availabilityYaml("g-avail", "g", 0).replace("policy: google-30d",
                "policy: [{severity: page, budgetPercent: 2, longWindow: 1h, shortWindow: 5m}]"));
        due.registry.put(g);
        every.registry.put(g);
        for (long t = T; t <= T + 92 * MIN; t += 100) {
            final long since = t - T;
            String json = null;
            if (since >= 30 * MIN && since < 35 * MIN) {
                json = json("g", t, 200);
            } else if (since >= 89 * MIN && since < 89 * MIN + 4 * S) {
                json = json("g", t, 503);
            }
            for (final Rig rig : List.of(due, every)) {
                if (json != null) {
                    rig.send(json, t);
                }
                if (since % S == 0) {
                    rig.send(json("z", t, 200), t);
                }
            }
        }
        assertThat(due.out.alerts).hasSize(1);
        final AlertTransition fired = due.out.alerts.get(0);
        assertThat(fired.sloId()).isEqualTo("g-avail");
        assertThat(fired.at()).isEqualTo(Instant.ofEpochMilli(T + 90 * MIN + 25 * S));
        assertThat(due.out.alerts).isEqualTo(every.out.alerts);
        assertThat(due.out.policies).isEqualTo(every.out.policies);
    }

    private static String json(final String service, final long ts, final int status) {
        return "{\"service\":\"" + service + "\",\"timestamp\":" + ts + ",\"latencyMs\":" + (ts % 97) + ",\"status\":"
                + status + "}";
    }

    private final class Rig {
        final SloRegistry registry = new SloRegistry();
        final HeapMonitorStore store = new HeapMonitorStore(RULES.grace());
        final RecordingEmitter out = new RecordingEmitter(true);
        final TaskEvaluator evaluator;
        long visits;

        Rig(final boolean visitEverySweep) {
            registry.loadOnce(specs());
            evaluator = new TaskEvaluator(RULES, registry::snapshot, store, out, new EngineCounters());
            if (visitEverySweep) {
                evaluator.visitEverySweep();
            }
            evaluator.start(T);
        }

        void send(final String json, final long wall) {
            final byte[] raw = json.getBytes(StandardCharsets.UTF_8);
            assertThat(EventParser.scan(raw, InputLimits.DEFAULTS, reader)).as(json).isTrue();
            final ScannedEvent e = reader.event();
            assertThat(evaluator.onEvent(e, evaluator.registry().index(), e.raw(), e.serviceStart(),
                    e.serviceLength(), e.operationStart(), e.operationLength(), wall)).as(json).isNull();
            visits = evaluator.visits();
        }

        /** Every live SLO's status numbers (windows, budget, rule states), by id. */
        Map<String, String> numbers() {
            return RecordingEmitter.numbers(store.monitors());
        }
    }
}
