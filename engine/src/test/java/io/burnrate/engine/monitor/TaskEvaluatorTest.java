package io.burnrate.engine.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.ingest.Rejection;
import io.burnrate.engine.ingest.RequestRecord;
import io.burnrate.engine.slo.SloRegistry;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.testing.Specs;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.BudgetPolicyEvent;
import io.burnrate.schemas.ComplianceSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The task's time rules in plain Java: no Kafka, no driver (grace 5 m, skew 1 h, age 7 d, sweep every 1 s). */
class TaskEvaluatorTest {

    private static final long T = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    private static final long S = 1000;
    private static final long MIN = 60 * S;
    private static final long DAY = 24 * 60 * MIN;
    private static final TaskEvaluator.Rules RULES = new TaskEvaluator.Rules(Duration.ofMinutes(5),
            Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofHours(1),
            Duration.ofDays(7));

    /** A task with one 99.9 % SLO on checkout, its clock at {@link #T} after one good event. */
    private final Rig rig = new Rig();

    static Stream<Arguments> timeRules() {
        return Stream.of(
                // event time relative to the task's T, wall clock relative to T, expected reason (null: counts)
                Arguments.of("within grace", -5 * MIN, 0L, null),
                Arguments.of("a millisecond past grace", -5 * MIN - 1, 0L, Rejection.LATE),
                Arguments.of("ahead of the task, not of the wall", 30 * MIN, 0L, null),
                Arguments.of("an hour ahead of the wall clock", 60 * MIN, 0L, null),
                Arguments.of("past the future skew", 60 * MIN + 1, 0L, Rejection.INVALID_TIMESTAMP),
                Arguments.of("a week behind the wall clock", -5 * MIN, 7 * DAY - 5 * MIN, null),
                Arguments.of("past the event age", -5 * MIN, 7 * DAY - 5 * MIN + 1, Rejection.INVALID_TIMESTAMP));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timeRules")
    void shouldApplyTheTimeRules(final String name, final long eventOffset, final long wallOffset,
                                 final String reason) {
        final Rejection r = rig.evaluator.onEvent(event("checkout", T + eventOffset, 200), T + wallOffset);
        assertThat(r == null ? null : r.reason()).isEqualTo(reason);
        assertThat(rig.counters.accepted.sum()).isEqualTo(reason == null ? 2 : 1);
    }

    @Test
    void shouldMoveTheClockOnlyForEventsSomeSloCounts() {
        assertThat(rig.evaluator.onEvent(event("search", T + 50 * MIN, 200), T)).isNull();
        assertThat(rig.evaluator.clock().taskTime()).isEqualTo(T);
        assertThat(rig.counters.unmatched.sum()).isEqualTo(1);
        // so checkout's events 40 minutes "behind" the search event still count
        assertThat(rig.evaluator.onEvent(event("checkout", T + 10 * MIN, 500), T)).isNull();
        assertThat(rig.evaluator.clock().taskTime()).isEqualTo(T + 10 * MIN);
    }

    @Test
    void shouldSweepEveryEvaluationIntervalAndPersistTheClock() {
        rig.evaluator.onEvent(event("checkout", T + 500, 200), T);
        assertThat(rig.store.clock()).isEqualTo(new TaskClock(T + 500, T));
        rig.evaluator.onEvent(event("checkout", T + S, 200), T);
        assertThat(rig.store.clock()).isEqualTo(new TaskClock(T + S, T + S));
    }

    @Test
    void shouldFollowTheWallClockWhenTheTaskIsIdle() {
        // 29 s idle: nothing; 31 s: event time moves by the wall time since the last input
        rig.evaluator.onWallClock(T + 29 * S, false);
        assertThat(rig.evaluator.clock().taskTime()).isEqualTo(T);
        rig.evaluator.onWallClock(T + 31 * S, false);
        assertThat(rig.evaluator.clock()).isEqualTo(new TaskClock(T + 31 * S, T + 31 * S));
        assertThat(rig.store.clock()).isEqualTo(rig.evaluator.clock());
    }

    @Test
    void shouldPageOnAnOutageAndCloseEveryPeriodWhenTheInputEnds() {
        // 6 minutes: the page needs 5 minutes of history (the history guard)
        for (long t = T + S; t < T + 6 * MIN; t += S) {
            assertThat(rig.evaluator.onEvent(event("checkout", t, 500), T)).isNull();
        }
        assertThat(rig.out.alerts).extracting(AlertTransition::rule).contains("page-1h-5m");
        assertThat(rig.out.statuses).isPositive();
        rig.evaluator.onWallClock(T + S, true);
        // the open hour and day close at the end of the input (and the rolling window with the day)
        assertThat(rig.out.summaries).extracting(s -> s.period().kind()).containsExactly("hour", "day", "rolling");
        assertThat(rig.out.summaries.get(0).total()).isEqualTo(360);
    }

    @Test
    void shouldResolveAndDropADeletedSloButKeepOneWhoseDocumentWasRefused() {
        for (long t = T + S; t < T + 6 * MIN; t += S) {
            rig.evaluator.onEvent(event("checkout", t, 500), T);
        }
        rig.registry.reject(new SloRegistry.Invalid("checkout-availability", SloRegistry.INVALID_SLO, "bad", 7, true));
        rig.registry.remove("checkout-availability");
        rig.registry.reject(new SloRegistry.Invalid("checkout-availability", SloRegistry.INVALID_SLO, "bad", 7, false));
        rig.evaluator.onWallClock(T + S, false);
        assertThat(rig.store.live("checkout-availability")).isNotNull();
        assertThat(rig.out.removed).isEmpty();
        rig.registry.remove("checkout-availability");
        rig.evaluator.onWallClock(T + 2 * S, false);
        assertThat(rig.store.live("checkout-availability")).isNull();
        assertThat(rig.out.removed).containsExactly("checkout-availability");
        assertThat(rig.out.alerts).extracting(AlertTransition::state).contains("resolved");
    }

    /**
     * Sweeps visit an SLO only when advancing it can change something: checkout's one
     * event at T sits in a five-second bucket of its 1 h window once the 5 m window has
     * let it go, so while search is busy checkout is visited at five-second boundaries at
     * most, not every second, and between them it is left behind the task's clock. Shown
     * (the status interval), it is caught up to the last sweep first, with exactly the
     * numbers an every-second sweep gives: 5 m window empty, 1 h window 1 request.
     */
    @Test
    void shouldVisitOnlyDueSlosAndCatchUpTheOthersBeforeShowingThem() {
        rig.registry.put(Specs.availability("search-availability", "search", 0));
        final SloMonitor checkout = rig.store.live("checkout-availability");
        boolean leftBehind = false;
        // search: one event per second from T + 0.5 s, for 10 minutes
        for (long t = T + 500; t < T + 10 * MIN; t += S) {
            assertThat(rig.evaluator.onEvent(event("search", t, 200), T)).isNull();
            leftBehind |= checkout.counts().now() < rig.evaluator.clock().lastSweep();
        }
        assertThat(leftBehind).as("checkout was left behind some sweeps").isTrue();
        final int statusesBefore = rig.out.statuses;
        rig.evaluator.onWallClock(T + 5 * S, false);
        assertThat(checkout.counts().now()).isEqualTo(rig.evaluator.clock().lastSweep());
        assertThat(rig.out.statuses - statusesBefore).as("both SLOs moved: both shown").isEqualTo(2);
        final int fiveMin = checkout.counts().layout().indexOf(Duration.ofMinutes(5));
        final int hour = checkout.counts().layout().indexOf(Duration.ofHours(1));
        assertThat(checkout.counts().total(fiveMin)).isZero();
        assertThat(checkout.counts().total(hour)).isEqualTo(1);
    }

    /**
     * 99 % over 30 d, one rule {@code page 25 % 6h/5m} with {@code alertAfter: 2m}: threshold
     * 25 / 100 x 30 d / 6 h = 30, so the rule's condition is a bad ratio above 0.3 (30 x the
     * 0.01 budget) in both windows.
     */
    private static SloSpec heldSpec() {
        return Specs.parse("apiVersion: burnrate/v1\n"
                + "kind: SLO\n"
                + "metadata: {name: checkout-availability}\n"
                + "spec:\n"
                + "  service: checkout\n"
                + "  indicator: {availability: {badStatusMin: 500}}\n"
                + "  objective: 99\n"
                + "  window: 30d\n"
                + "  alerting:\n"
                + "    policy:\n"
                + "      - {severity: page, budgetPercent: 25, longWindow: 6h, shortWindow: 5m, alertAfter: 2m}\n")
                .get(0).spec();
    }

    /**
     * alertAfter 2m, rules evaluated at every counted event: good events at T - 10 min (history
     * for the guard) and T, then one bad event a second from T + 1 s. At T + 1 s the ratio is
     * 1/2 = 0.5 > 0.3 in the 5m window and 1/3 > 0.3 in the 6h one, so the condition starts
     * holding at T + 1 s and holds at every event after
     * (n/(n+1) only grows); the rule fires at the first evaluation 2 minutes later:
     * T + 1 s + 120 s = T + 121 s, not at T + 120 s.
     */
    @Test
    void shouldFireARuleWithAlertAfterOnlyOnceItsConditionHeldThatLong() {
        final Rig held = new Rig(heldSpec(), true);
        for (long t = T + S; t <= T + 120 * S; t += S) {
            held.evaluator.onEvent(event("checkout", t, 500), T);
        }
        assertThat(held.out.alerts).as("held 119 s of 120 s").isEmpty();
        assertThat(held.store.live("checkout-availability").machine(0).pending()).isTrue();
        held.evaluator.onEvent(event("checkout", T + 121 * S, 500), T);
        assertThat(held.out.alerts).extracting(AlertTransition::state, AlertTransition::at)
                .containsExactly(Tuple.tuple("firing", Instant.ofEpochMilli(T + 121 * S)));
    }

    /**
     * The sweep path: checkout gets 10 bad events (T + 1 s .. T + 10 s) and then nothing; the
     * task's clock moves with search's events (one a second), and checkout is visited by the
     * sweeps (every 1 s of event time) only when due. Its condition (10 bad of 11 in both
     * windows) holds from T + 1 s on, so the sweep at T + 121 s fires it, though no window
     * sum of checkout changes then.
     */
    @Test
    void shouldFireAHeldRuleAtTheSweepWhenItsHoldEndsWithoutNewEvents() {
        final Rig held = new Rig(heldSpec(), true);
        held.registry.put(Specs.availability("search-availability", "search", 0));
        for (long t = T + S; t <= T + 10 * S; t += S) {
            held.evaluator.onEvent(event("checkout", t, 500), T);
        }
        for (long t = T + 11 * S; t <= T + 130 * S; t += S) {
            held.evaluator.onEvent(event("search", t, 200), T);
            if (t == T + 120 * S) {
                assertThat(held.out.alerts).isEmpty();
            }
        }
        assertThat(held.out.alerts).extracting(AlertTransition::rule, AlertTransition::at)
                .containsExactly(Tuple.tuple("page-6h-5m", Instant.ofEpochMilli(T + 121 * S)));
    }

    /**
     * A blip shorter than the hold: 60 bad events (T + 1 s .. T + 60 s), then 20 good events a
     * second. The condition holds from T + 1 s until the bad ratio 60 / (61 + g) drops to 0.3,
     * i.e. g = 139 good events, reached within T + 67 s (20 x 7 = 140): it held about 66 s, less
     * than 2 minutes, and the restarted wait never completes, so the rule never fires.
     */
    @Test
    void shouldNotFireARuleWithAlertAfterForABlipShorterThanTheHold() {
        final Rig held = new Rig(heldSpec(), true);
        for (long t = T + S; t <= T + 60 * S; t += S) {
            held.evaluator.onEvent(event("checkout", t, 500), T);
        }
        assertThat(held.store.live("checkout-availability").machine(0).pending()).isTrue();
        for (long t = T + 61 * S; t <= T + 300 * S; t += S) {
            for (int i = 0; i < 20; i++) {
                held.evaluator.onEvent(event("checkout", t, 200), T);
            }
        }
        assertThat(held.store.live("checkout-availability").machine(0).pending()).isFalse();
        assertThat(held.out.alerts).isEmpty();
    }

    private static RequestRecord event(final String service, final long ts, final int status) {
        return new RequestRecord(service, ts, 5, status, false, null, Map.of(), new byte[0]);
    }

    /** An evaluator over an in-memory store, recording what it puts out. */
    private static final class Rig {
        final SloRegistry registry = new SloRegistry();
        final HeapMonitorStore store = new HeapMonitorStore(RULES.grace());
        final Recorder out = new Recorder();
        final EngineCounters counters = new EngineCounters();
        final TaskEvaluator evaluator;

        Rig() {
            this(Specs.availability("checkout-availability", "checkout", 0));
        }

        Rig(final SloSpec spec) {
            this(spec, false);
        }

        /**
         * @param history a good event 10 minutes before T first, so the SLO has history
         *                beyond a 5-minute short window (the history guard lets rules fire)
         */
        Rig(final SloSpec spec, final boolean history) {
            registry.loadOnce(List.of(spec));
            evaluator = new TaskEvaluator(RULES, registry::snapshot, store, out, counters);
            evaluator.start(T);
            if (history) {
                assertThat(evaluator.onEvent(event("checkout", T - 10 * MIN, 200), T)).isNull();
            }
            assertThat(evaluator.onEvent(event("checkout", T, 200), T)).isNull();
        }
    }

    private static final class Recorder implements Emitter {
        final List<AlertTransition> alerts = new ArrayList<>();
        final List<ComplianceSummary> summaries = new ArrayList<>();
        final List<String> removed = new ArrayList<>();
        int statuses;
        final List<String> statusIds = new ArrayList<>();

        @Override
        public void alert(final AlertTransition t) {
            alerts.add(t);
        }

        @Override
        public void status(final SloMonitor m) {
            statuses++;
            statusIds.add(m.spec().id());
            m.snapshot(); // as the processor does: taking the snapshot clears the changed flag
        }

        @Override
        public void policy(final BudgetPolicyEvent e) {
        }

        @Override
        public void summary(final ComplianceSummary s) {
            summaries.add(s);
        }

        @Override
        public void removed(final String sloId) {
            removed.add(sloId);
        }
    }

    /** FailoverIT found it: a new owner restored an SLO the killed instance had counted but not yet published. */
    @Test
    void shouldPublishEveryRestoredSloAtTheFirstStatusIntervalAfterATakeover() {
        rig.evaluator.onWallClock(T + 5 * S, false); // the old owner publishes what changed
        final int before = rig.out.statuses;
        assertThat(before).isEqualTo(1);
        rig.evaluator.onEvent(event("checkout", T + S, 200), T + 6 * S); // counted, then the owner dies
        // a new owner: the store restored from the changelog (a monitor read back starts unchanged)
        rig.store.monitors().forEach(SloMonitor::snapshot);
        final TaskEvaluator next = new TaskEvaluator(RULES, rig.registry::snapshot, rig.store, rig.out, rig.counters);
        next.start(T + 7 * S);
        next.onWallClock(T + 12 * S, false);
        assertThat(rig.out.statuses).isEqualTo(before + 1);
        // and afterwards only what changed
        next.onWallClock(T + 17 * S, false);
        assertThat(rig.out.statuses).isEqualTo(before + 1);
    }

    /**
     * Above {@link TaskEvaluator#SPREAD_STATUS_ABOVE} SLOs a task spreads its status
     * snapshots over the 5-s interval: each wall-clock tick (every second) publishes the
     * changed SLOs of one slot (id hash mod 5), so every SLO is published once in 5 ticks and
     * no tick publishes them all. 1,500 SLOs here: 300 a tick on average.
     */
    @Test
    void shouldSpreadTheStatusOfManySlosOverTheInterval() {
        final List<SloSpec> specs = new ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            specs.add(Specs.availability(String.format(Locale.ROOT, "svc-%04d", i), String.format(Locale.ROOT, "svc-%04d", i),
                    0));
        }
        final SloRegistry registry = new SloRegistry();
        registry.loadOnce(specs);
        final HeapMonitorStore store = new HeapMonitorStore(RULES.grace());
        final Recorder out = new Recorder();
        final TaskEvaluator evaluator = new TaskEvaluator(RULES, registry::snapshot, store, out, new EngineCounters());
        evaluator.start(T);
        for (int i = 0; i < 1_500; i++) {
            final String svc = String.format(Locale.ROOT, "svc-%04d", i);
            assertThat(evaluator.onEvent(event(svc, T, 200), T)).isNull();
        }
        final List<Integer> perTick = new ArrayList<>();
        for (int tick = 1; tick <= 5; tick++) {
            final int before = out.statusIds.size();
            evaluator.onWallClock(T + tick * S, false);
            perTick.add(out.statusIds.size() - before);
        }
        assertThat(out.statusIds).hasSize(1_500).doesNotHaveDuplicates();
        assertThat(perTick).allSatisfy(n -> assertThat(n).isBetween(150, 450));
        // nothing changed since: the next round publishes none
        for (int tick = 6; tick <= 10; tick++) {
            evaluator.onWallClock(T + tick * S, false);
        }
        assertThat(out.statusIds).hasSize(1_500);
        // at the end of the input everything changed is published at once
        evaluator.onEvent(event("svc-0001", T + S, 200), T + 11 * S);
        evaluator.onEvent(event("svc-0002", T + S, 200), T + 11 * S);
        evaluator.onWallClock(T + 16 * S, true);
        assertThat(out.statusIds.subList(1_500, out.statusIds.size())).contains("svc-0001", "svc-0002");
    }
}
