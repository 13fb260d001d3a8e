package io.burnrate.engine.monitor;

import io.burnrate.engine.alert.AlertStateMachine;
import io.burnrate.engine.alert.AlertText;
import io.burnrate.engine.compliance.BudgetPolicy;
import io.burnrate.engine.compliance.ComplianceAccumulator;
import io.burnrate.engine.compliance.ComplianceTracker;
import io.burnrate.engine.sli.BucketLayout;
import io.burnrate.engine.sli.BurnRate;
import io.burnrate.engine.sli.WindowedCounts;
import io.burnrate.engine.slo.AdjustmentCalendar;
import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.BudgetAdjustment;
import io.burnrate.engine.slo.CompliancePeriod;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.Grace;
import io.burnrate.engine.slo.NoDataAlert;
import io.burnrate.engine.slo.Severity;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.BudgetPolicyEvent;
import io.burnrate.schemas.ComplianceSummary;
import io.burnrate.schemas.StatusSnapshot;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Everything burnrate knows about one SLO at one moment: its windowed counts, one
 * {@link AlertStateMachine} per alert rule, and its compliance periods
 * ({@link ComplianceTracker}). Feed it events ({@link #record}) and time
 * ({@link #advanceTo}); {@link #evaluate} reports each rule's transitions,
 * {@link #settleCompliance} the summaries of periods that closed.
 *
 * <p>A calendar SLO (month or week) derives its alert thresholds from the length of the
 * current period and its remaining budget from the period so far.
 */
public final class SloMonitor {

    private final SloSpec spec;
    private final double errorBudget;
    private final WindowedCounts counts;
    private final Rule[] rules;
    private final AlertStateMachine[] machines;
    private final int sloWindow;
    private final int ttxWindow;
    private final BudgetPolicy policy;
    /** The SLO's maintenance windows and planned events (budget adjustments). */
    private final AdjustmentCalendar adjustments;
    private final Duration grace;
    /** Which operations and attribute values the bad events came from (the "why" of an alert). */
    private final Contributors contributors;
    private ComplianceTracker compliance;
    /** Calendar SLOs: the current period, and the rule thresholds derived from its length. */
    private CompliancePeriod currentPeriod;
    private double[] calendarThresholds;
    /** Event time before which advancing this monitor only moves its clock ({@link #dueAt}). */
    private long dueAt = Long.MIN_VALUE;
    /** Queued for the next persist (the store's dirty list holds it once). */
    private boolean persistQueued;
    private boolean changed;
    /**
     * The start of this SLO's history: its earliest counted event, or, after a restore or
     * a redefinition that kept the counts, the start of the oldest counted bucket of the
     * SLO window (derived on first use). NO_TIME until then.
     */
    private long historyStart = WindowedCounts.NO_TIME;
    /**
     * True from an {@link #evaluate} until anything but a good request is counted within
     * the verdicts' stable time ({@link #verdictsStableUntil}), time reaches that, or a
     * machine is restored: see {@link #evaluate}.
     */
    private boolean onlyGoodSinceEvaluate;
    /** At the last {@link #evaluate}: every rule's long window held minEventsPerWindow. */
    private boolean minEventsMet;
    /** At the last {@link #evaluate}: some rule fired or waited out its hold time. */
    private boolean anyActive;
    /**
     * From the last {@link #evaluate}: the earliest event time at which a move of time alone
     * can change a verdict (a bucket boundary, where windows move; a rule's history guard
     * passing; any time while the SLO has budget adjustments). Before it, time moving
     * changes nothing a rule looks at.
     */
    private long verdictsStableUntil = Long.MIN_VALUE;
    /**
     * True from an {@link #observeBudget} of a rolling SLO without budget adjustments until
     * anything but a good request is counted, time reaches {@link #budgetStableUntil}, or
     * more than {@link #budgetQuietGood} good requests came. Meanwhile the remaining budget
     * can only have risen (more requests, as many bad ones, the same buckets in the window),
     * so no threshold was crossed downwards, and not far enough to clear a crossed one: the
     * next observation is skipped. At 10,000 SLOs it read the policy, its thresholds and the
     * window sums, three cold objects, on every event.
     */
    private boolean budgetQuiet;
    /** How many more good requests keep {@link #budgetQuiet} (Long.MAX_VALUE while no threshold is crossed). */
    private long budgetQuietGood;
    /** From the last {@link #observeBudget}: the next bucket boundary, where a window can move. */
    private long budgetStableUntil = Long.MIN_VALUE;
    /**
     * Whether sweeps follow the verdicts ({@link #verdictDue}) rather than every move of a
     * window holding requests: true unless the SLO has budget adjustments (an exclusion
     * starting or ending changes verdicts at any time) or a calendar window.
     */
    private final boolean verdictDriven;
    /**
     * From the last full {@link #evaluate}: the earliest event time at which time moving
     * alone (no request counted) can change a rule's verdict or the remaining budget. A rule
     * that does not hold waits for every condition that fails it: a burn rate can rise only
     * when its window moves (its tier's next bucket boundary) and only while the window
     * holds a bad request; the history guard passes at its time; a long window short of
     * minEventsPerWindow never reaches it by time alone. A rule that fires or waits out its
     * hold time, a no-data rule and the remaining budget may change whenever one of their
     * windows holding requests moves. At 10,000 SLOs with traffic, visiting every SLO at
     * every second (its finest window moved) was about a tenth of the stream thread.
     */
    private long verdictDue = Long.MIN_VALUE;

    /**
     * The history guard of the budget policy: thresholds are observed only once the SLO has
     * counted requests for its shortest rule's short window (at most this long). The
     * remaining budget of a window holding seconds of traffic is as noisy as those seconds
     * and crossed thresholds hundreds of times a second in a load test.
     */
    public static final Duration POLICY_HISTORY_DEFAULT = Duration.ofMinutes(5);
    private final long policyHistoryMs;

    /** The engine's default grace for late events. */
    public static final Duration DEFAULT_GRACE = Grace.DEFAULT;

    /** One alert rule with everything precomputed. */
    /**
     * A burn-rate rule ({@code window} set) or a no-data rule ({@code noData} set: its long
     * and short window are both {@code after}; its threshold is 0).
     */
    private record Rule(AlertWindow window, NoDataAlert noData, String name, double threshold, int longIdx, int shortIdx,
                        String fingerprint) {

        boolean isNoData() {
            return noData != null;
        }

        Severity severity() {
            return noData != null ? noData.severity() : window.severity();
        }

        Duration longWindow() {
            return noData != null ? noData.after() : window.longWindow();
        }

        Duration shortWindow() {
            return noData != null ? noData.after() : window.shortWindow();
        }

        Duration alertAfter() {
            return noData != null ? Duration.ZERO : window.alertAfter();
        }
    }

    public SloMonitor(final SloSpec spec) {
        this(spec, DEFAULT_GRACE);
    }

    /** @param grace how late events may arrive: compliance periods close that long after their end */
    public SloMonitor(final SloSpec spec, final Duration grace) {
        this(spec, new WindowedCounts(BucketLayout.of(spec.windows())), null, grace, null, null);
    }

    private SloMonitor(final SloSpec spec, final WindowedCounts counts, final Map<String, AlertStateMachine> carried,
                       final Duration grace, final ComplianceTracker compliance, final Contributors contributors) {
        this.spec = spec;
        this.contributors = contributors != null ? contributors : new Contributors(spec);
        this.grace = grace;
        this.compliance = compliance != null ? compliance : new ComplianceTracker(spec, grace);
        this.errorBudget = spec.errorBudget();
        this.counts = counts;
        final BucketLayout layout = counts.layout();
        final int burnRules = spec.alerts().size();
        this.rules = new Rule[burnRules + spec.noData().size()];
        this.machines = new AlertStateMachine[rules.length];
        int shortestLong = -1;
        for (int i = 0; i < rules.length; i++) {
            if (i < burnRules) {
                final AlertWindow w = spec.alerts().get(i);
                rules[i] = new Rule(w, null, w.ruleName(), w.threshold(spec.window()), layout.indexOf(w.longWindow()),
                        layout.indexOf(w.shortWindow()), fingerprint(spec.id(), w.ruleName()));
                if (shortestLong < 0 || w.longWindow().compareTo(layout.windows().get(shortestLong)) < 0) {
                    shortestLong = rules[i].longIdx();
                }
            } else {
                // after the burn-rate rules, so the stored rule states of an SLO without them keep their order
                final NoDataAlert n = spec.noData().get(i - burnRules);
                final int idx = layout.indexOf(n.after());
                rules[i] = new Rule(null, n, n.ruleName(), 0, idx, idx, fingerprint(spec.id(), n.ruleName()));
            }
            final AlertStateMachine kept = carried == null ? null : carried.get(rules[i].name());
            final long hold = rules[i].alertAfter().toMillis();
            // a carried machine keeps its state (and a pending wait while the hold is unchanged)
            machines[i] = kept == null ? new AlertStateMachine(hold) : kept.holdMs() == hold ? kept : kept.withHold(hold);
        }
        this.sloWindow = layout.indexOf(spec.window());
        long shortest = POLICY_HISTORY_DEFAULT.toMillis();
        for (final Rule r : rules) {
            if (!r.isNoData()) {
                shortest = Math.min(shortest, r.shortWindow().toMillis());
            }
        }
        this.policyHistoryMs = shortest;
        this.ttxWindow = shortestLong < 0 ? sloWindow : shortestLong;
        this.policy = new BudgetPolicy(spec.id(), spec.service(), spec.labels(),
                spec.budgetThresholds());
        this.adjustments = AdjustmentCalendar.of(spec.budgetAdjustments());
        this.verdictDriven = adjustments.isEmpty() && !spec.isCalendar();
    }

    /**
     * What of the SLO's budget adjustments covers event time {@code timestamp}: EXCLUDE
     * (the event counts for nothing), MARK_GOOD (it counts as good) or null.
     */
    public BudgetAdjustment.Kind adjustment(final long timestamp) {
        return adjustments.at(timestamp);
    }

    /**
     * Reports remaining-budget threshold crossings (either direction) at the current
     * event time; nothing while the budget stays within the same band.
     */
    public void observeBudget(final Consumer<BudgetPolicyEvent> out) {
        if (budgetQuiet || counts.now() == WindowedCounts.NO_TIME
                || spec.historyGuard() && !hasHistory(policyHistoryMs)) {
            return;
        }
        final double remaining = budgetRemaining();
        final var events = policy.observe(remaining, counts.now());
        if (!events.isEmpty()) {
            changed = true;
            events.forEach(out);
        }
        budgetQuiet = !Double.isNaN(remaining) && adjustments.isEmpty() && !spec.isCalendar();
        budgetQuietGood = goodBeforeClearing(policy.clearsAbove());
        budgetStableUntil = counts.nextBoundary();
    }

    /**
     * How many more good requests (no bad one, the window's buckets unchanged) leave the
     * remaining budget {@code 1 - bad / (total x errorBudget)} at or below {@code level}:
     * {@code total + k <= bad / ((1 - level) x errorBudget)}, less a margin for rounding.
     */
    private long goodBeforeClearing(final double level) {
        if (level >= 1) {
            return Long.MAX_VALUE; // the remaining budget never exceeds 1
        }
        final double most = counts.bad(sloWindow) / ((1 - level) * errorBudget) - counts.total(sloWindow);
        return most < 2 ? 0 : (long) Math.min(most * (1 - 1e-9) - 1, (double) Long.MAX_VALUE);
    }

    /** How many budget thresholds are crossed (persisted with the rule states). */
    public int budgetThresholdsCrossed() {
        return policy.crossed();
    }

    public void restoreBudgetThresholdsCrossed(final int crossed) {
        budgetQuiet = false;
        if (crossed >= 0 && crossed <= policy.thresholds().size()) {
            policy.restore(crossed);
        }
    }

    public SloSpec spec() {
        return spec;
    }

    public WindowedCounts counts() {
        return counts;
    }

    /** Where this SLO's bad events came from: feed it each bad event ({@link Contributors#recordBad}). */
    public Contributors contributors() {
        return contributors;
    }

    public int ruleCount() {
        return rules.length;
    }

    public String ruleName(final int rule) {
        return rules[rule].name();
    }

    public AlertStateMachine machine(final int rule) {
        return machines[rule];
    }

    /**
     * Replaces a rule's machine (restoring from the store). The machine takes the rule's hold
     * time ({@code alertAfter}); a pending wait is not persisted, so after a restart it starts again.
     */
    public void restoreMachine(final int rule, final AlertStateMachine machine) {
        final long hold = rules[rule].alertAfter().toMillis();
        machines[rule] = machine.holdMs() == hold ? machine : machine.withHold(hold);
        onlyGoodSinceEvaluate = false;
    }

    /**
     * The earliest event time at which advancing this monitor can change more than its
     * clock: a bucket leaving a window or being cleared ({@link WindowedCounts#nextChange}),
     * or a compliance period opening or closing ({@link ComplianceTracker#nextDue}). Until
     * then its rules would decide as before and nothing needs writing, so a sweep may
     * leave it behind (and catch it up when it is read). Conservative: never later than
     * the first change, possibly earlier.
     */
    public long dueAt() {
        return dueAt;
    }

    /**
     * Recomputes {@link #dueAt} (after this monitor was advanced): also the end of a pending
     * rule's hold time ({@code alertAfter}), when it fires though no window sum changed.
     */
    public void scheduleNext() {
        dueAt = Math.min(Math.min(verdictDriven ? verdictDue : counts.nextChange(), compliance.nextDue()), holdDue());
    }

    /**
     * Whether a sweep at {@code time} must run the rules though no window sum changed: time
     * reached {@link #verdictDue} (they decide as before then, but tell when to look again).
     */
    public boolean verdictDueBy(final long time) {
        return verdictDriven && time >= verdictDue;
    }

    /** The earliest event time at which a pending rule's hold time ends, or Long.MAX_VALUE. */
    public long holdDue() {
        long due = Long.MAX_VALUE;
        for (final AlertStateMachine m : machines) {
            due = Math.min(due, m.pendingUntil());
        }
        return due;
    }

    /** Marks this monitor queued for the next persist; false when it already was (the store queues it once). */
    public boolean queuePersist() {
        if (persistQueued) {
            return false;
        }
        persistQueued = true;
        return true;
    }

    /** Takes this monitor off the persist queue; returns whether it was on it. */
    public boolean unqueuePersist() {
        final boolean was = persistQueued;
        persistQueued = false;
        return was;
    }

    /** Whether anything changed since the last {@link #snapshot}. */
    public boolean changed() {
        return changed;
    }

    public void record(final long timestamp, final long count, final long bad) {
        record(timestamp, count, bad, 0);
    }

    /** Counts {@code count} requests at {@code timestamp}, {@code bad} of them bad, each taking {@code latencyMs}. */
    public void record(final long timestamp, final long count, final long bad, final double latencyMs) {
        if (historyStart == WindowedCounts.NO_TIME && counts.now() != WindowedCounts.NO_TIME) {
            historyStart = oldestCounted();
        }
        if (bad != 0 || count < 0 || counts.now() == WindowedCounts.NO_TIME || timestamp >= verdictsStableUntil
                || historyStart == WindowedCounts.NO_TIME || timestamp < historyStart) {
            // only good requests within the verdicts' stable time and the history keep every verdict (see evaluate)
            onlyGoodSinceEvaluate = false;
        }
        if (bad != 0 || count < 0 || timestamp >= budgetStableUntil || (budgetQuietGood -= count) < 0) {
            budgetQuiet = false;
        }
        if (historyStart == WindowedCounts.NO_TIME || timestamp < historyStart) {
            historyStart = timestamp;
        }
        counts.add(timestamp, count, bad);
        compliance.record(timestamp, count, bad, latencyMs);
        changed = true;
        if (!verdictDriven) {
            // the finest tier now holds counts: it can change from its next boundary on
            dueAt = Math.min(dueAt, counts.nextFinestBoundary(Math.max(timestamp, counts.now())));
        }
        // else the evaluate that follows every counted request sets it (verdictDue)
    }

    /**
     * Counts {@code count} requests of a pre-aggregated count record at {@code timestamp},
     * {@code bad} of them bad, as {@link #record} does for events, but without a latency:
     * they count in the windows and compliance periods, not in the latency percentiles.
     */
    public void recordCounts(final long timestamp, final long count, final long bad) {
        record(timestamp, count, bad, ComplianceAccumulator.NO_LATENCY);
    }

    /**
     * Closes the compliance periods that ended a grace period before the current event
     * time, reporting their summaries (and opens the periods time has reached).
     */
    public void settleCompliance(final Consumer<ComplianceSummary> out) {
        if (counts.now() != WindowedCounts.NO_TIME) {
            compliance.advanceTo(counts.now(), out);
        }
    }

    /** Closes every open compliance period now (no more input will come: the end of a replay). */
    public void closeCompliance(final Consumer<ComplianceSummary> out) {
        if (counts.now() != WindowedCounts.NO_TIME) {
            compliance.closeAll(counts.now(), out);
        }
    }

    public ComplianceTracker compliance() {
        return compliance;
    }

    /** After restoring the rule machines: tells the compliance periods which rules fire. */
    public void restoreComplianceFiring() {
        int pages = 0;
        int tickets = 0;
        for (int i = 0; i < rules.length; i++) {
            if (machines[i].firing()) {
                if (rules[i].severity() == Severity.PAGE) {
                    pages++;
                } else {
                    tickets++;
                }
            }
        }
        compliance.restoreFiring(pages, tickets);
    }

    /**
     * Moves time forward; returns the {@link WindowedCounts#advanceTo} bits
     * ({@code SUMS_CHANGED}: evaluate again; {@code SLOTS_CLEARED}: persist).
     */
    public int advanceTo(final long timestamp) {
        if (counts.now() == WindowedCounts.NO_TIME || timestamp > counts.now()) {
            changed = true;
            if (timestamp >= verdictsStableUntil) {
                onlyGoodSinceEvaluate = false;
            }
            if (timestamp >= budgetStableUntil) {
                budgetQuiet = false;
            }
            return counts.advanceTo(timestamp);
        }
        return 0;
    }

    /**
     * The history guard: a rule starts firing only once the SLO has counted requests for at
     * least the rule's short window (a 3-day window holding 20 s of traffic is as noisy as
     * those 20 s, and 20 s of traffic at half the budget rate fired 3-day tickets). Off with
     * {@code spec.alerting.historyGuard: false}.
     */
    private boolean hasHistory(final long needMs) {
        if (historyStart == WindowedCounts.NO_TIME) {
            historyStart = oldestCounted();
        }
        return historyStart != WindowedCounts.NO_TIME && counts.now() - historyStart >= needMs;
    }

    /** The start of the oldest bucket of the SLO window that holds a request, or NO_TIME. */
    private long oldestCounted() {
        final long[] oldest = {WindowedCounts.NO_TIME};
        counts.forEachBucket(sloWindow, (start, total, bad) -> {
            if (total > 0 && oldest[0] == WindowedCounts.NO_TIME) {
                oldest[0] = start;
            }
        });
        return oldest[0];
    }

    /** Runs every rule's state machine at the current time; reports transitions in rule order. */
    public void evaluate(final Consumer<AlertTransition> out) {
        if (counts.now() == WindowedCounts.NO_TIME) {
            verdictDue = Long.MAX_VALUE; // nothing counted: the first request evaluates
            return;
        }
        if (onlyGoodSinceEvaluate && minEventsMet && !anyActive && counts.now() < verdictDue) {
            // Since the last evaluation only good requests were counted, and time stayed before
            // verdictsStableUntil: no burn rate rose (bad / total can only fall), no window
            // reached minEventsPerWindow (all held it already), no window moved (time stayed in
            // the same bucket of every tier), no history guard passed, no exclusion began (the
            // SLO has none). A rule that was not firing or waiting out its hold time therefore
            // still does not hold: nothing to do. At 10,000 SLOs nearly every event moves its
            // SLO's time, and running every rule touched a dozen cold objects per event.
            return;
        }
        boolean met = true;
        boolean active = false;
        long due = Long.MAX_VALUE;
        final long now = counts.now();
        long stable = adjustments.isEmpty() ? counts.nextBoundary() : now + 1;
        final long minEvents = spec.minEventsPerWindow();
        // inside an exclusion (a maintenance window) no rule starts firing; a firing one may resolve
        final boolean silenced = !adjustments.isEmpty() && adjustments.silences(counts.now());
        for (int i = 0; i < rules.length; i++) {
            final Rule r = rules[i];
            final double burnLong = burn(r.longIdx());
            final double burnShort = burn(r.shortIdx());
            final boolean holds;
            if (r.isNoData()) {
                // no request in the last `after` (this monitor has counted some: it exists); silences hold it back
                holds = counts.total(r.longIdx()) == 0 && (machines[i].firing() || !silenced);
            } else {
                holds = AlertStateMachine.conditionHolds(burnLong, burnShort, threshold(i),
                        counts.total(r.longIdx()), spec.minEventsPerWindow())
                        && (machines[i].firing() || !silenced
                        && (!spec.historyGuard() || hasHistory(r.shortWindow().toMillis())));
            }
            final AlertStateMachine.Transition t = machines[i].step(holds, counts.now());
            if (t != AlertStateMachine.Transition.NONE) {
                changed = true;
                out.accept(transition(i, t == AlertStateMachine.Transition.FIRED, burnLong, burnShort));
            }
            // a hold time that started: this monitor is due when it ends
            dueAt = Math.min(dueAt, machines[i].pendingUntil());
            active |= machines[i].firing() || machines[i].pending();
            if (!r.isNoData() && spec.historyGuard() && !machines[i].firing()) {
                // the guard passes once now - historyStart reaches the short window
                final long need = r.shortWindow().toMillis();
                stable = Math.min(stable, historyStart == WindowedCounts.NO_TIME || now - historyStart >= need
                        ? stable : historyStart + need);
            }
            // a no-data rule holds only once time has moved (which evaluates again), never on a good request
            met &= r.isNoData() || counts.total(r.longIdx()) >= minEvents;
            due = Math.min(due, verdictChange(i, burnLong, burnShort, now));
        }
        minEventsMet = met;
        anyActive = active;
        verdictsStableUntil = historyStart == WindowedCounts.NO_TIME ? now + 1 : Math.max(stable, now + 1);
        // the remaining budget moves with the SLO window; its history guard passes at its time
        due = Math.min(due, moves(sloWindow));
        if (spec.historyGuard() && historyStart != WindowedCounts.NO_TIME && now - historyStart < policyHistoryMs) {
            due = Math.min(due, historyStart + policyHistoryMs);
        }
        verdictDue = historyStart == WindowedCounts.NO_TIME ? now + 1 : Math.max(due, now + 1);
        if (verdictDriven) {
            dueAt = Math.min(dueAt, verdictDue);
        }
        onlyGoodSinceEvaluate = true;
    }

    /**
     * The earliest event time at which time moving alone can change rule {@code i}'s verdict
     * (see {@link #verdictDue}), from the burn rates its evaluation just saw.
     */
    private long verdictChange(final int i, final double burnLong, final double burnShort, final long now) {
        final Rule r = rules[i];
        if (r.isNoData() || machines[i].firing() || machines[i].pending()) {
            return Math.min(moves(r.longIdx()), moves(r.shortIdx()));
        }
        if (counts.total(r.longIdx()) < spec.minEventsPerWindow()) {
            return Long.MAX_VALUE; // time moving only takes requests out of the long window
        }
        // every failing condition must pass: the rule holds no earlier than the last of them can
        long at = now + 1;
        final double threshold = threshold(i);
        if (!(burnLong > threshold)) {
            at = Math.max(at, rises(r.longIdx()));
        }
        if (!(burnShort > threshold)) {
            at = Math.max(at, rises(r.shortIdx()));
        }
        if (spec.historyGuard() && historyStart != WindowedCounts.NO_TIME
                && now - historyStart < r.shortWindow().toMillis()) {
            at = Math.max(at, historyStart + r.shortWindow().toMillis());
        }
        return at;
    }

    /** When window {@code w}'s sums can next change: its tier's next boundary, never while it holds no request. */
    private long moves(final int w) {
        return counts.total(w) == 0 ? Long.MAX_VALUE : counts.windowBoundary(w);
    }

    /** When window {@code w}'s burn rate can next rise with time alone: never while it holds no bad request. */
    private long rises(final int w) {
        return counts.bad(w) == 0 ? Long.MAX_VALUE : counts.windowBoundary(w);
    }

    /** The next {@link #evaluate} runs every rule (tests compare against it). */
    void forgetVerdicts() {
        onlyGoodSinceEvaluate = false;
        budgetQuiet = false;
    }

    /**
     * A monitor for a changed definition of this SLO: counts are kept when the windows
     * are the same; rules that keep their name keep their state; rules that disappear
     * resolve (reported to {@code out}).
     */
    public SloMonitor redefine(final SloSpec newSpec, final Consumer<AlertTransition> out) {
        final Map<String, AlertStateMachine> byName = new HashMap<>();
        for (int i = 0; i < rules.length; i++) {
            byName.put(rules[i].name(), machines[i]);
        }
        final BucketLayout newLayout = BucketLayout.of(newSpec.windows());
        final boolean sameWindows = newLayout.equals(counts.layout());
        final List<String> kept = new ArrayList<>();
        for (final AlertWindow w : newSpec.alerts()) {
            if (sameWindows) {
                kept.add(w.ruleName());
            }
        }
        for (final NoDataAlert n : newSpec.noData()) {
            if (sameWindows) {
                kept.add(n.ruleName());
            }
        }
        for (int i = 0; i < rules.length; i++) {
            if (!kept.contains(rules[i].name()) && machines[i].firing()) {
                final double bl = burn(rules[i].longIdx());
                final double bs = burn(rules[i].shortIdx());
                machines[i].forceResolve();
                out.accept(transition(i, false, bl, bs));
            }
        }
        byName.keySet().retainAll(kept);
        final SloMonitor next = new SloMonitor(newSpec,
                sameWindows ? counts : new WindowedCounts(newLayout), byName, grace,
                compliance.compatibleWith(newSpec) ? compliance : null,
                contributors.fits(newSpec) ? contributors : null);
        if (next.contributors != contributors && counts.now() != WindowedCounts.NO_TIME) {
            next.contributors.startAt(counts.now()); // other windows or dimensions: counting starts now
        }
        if (next.compliance == compliance) {
            compliance.redefine(newSpec);
        } else {
            next.restoreComplianceFiring(); // a fresh tracker: tell it which kept rules fire
        }
        if (sameWindows && newSpec.budgetThresholds().equals(spec.budgetThresholds())) {
            next.restoreBudgetThresholdsCrossed(policy.crossed());
        }
        if (sameWindows && counts.now() != WindowedCounts.NO_TIME) {
            next.changed = true;
        }
        return next;
    }

    /**
     * Takes the one-off budget adjustments this SLO's definition has and {@code previous}
     * did not out of the past (an incident declared planned after the fact: {@code burnrate
     * slo adjust}): the part of each range before the current event time leaves the bucket
     * counts of every window (burn rates, remaining budget) and the compliance periods this
     * SLO still holds ({@link ComplianceTracker#correct}), whose summaries are re-published
     * to {@code out} with the next revision. Exact, or not at all: the range must lie within
     * the buckets the SLO window keeps and on their boundaries ({@link WindowedCounts#exactTier}:
     * 1 h for a 30d window, finer for recent ranges), the SLO must count occurrences. Later
     * events in the range are adjusted as they arrive, like those of any adjustment.
     *
     * @return why each adjustment that was not applied to the past was not (empty: all were)
     */
    public List<String> correctPast(final SloSpec previous, final Consumer<ComplianceSummary> out) {
        budgetQuiet = false; // buckets of the past may lose their counts
        final List<String> refused = new ArrayList<>();
        if (counts.now() == WindowedCounts.NO_TIME) {
            return refused;
        }
        for (final BudgetAdjustment a : spec.budgetAdjustments()) {
            if (a.rrule() != null || previous.budgetAdjustments().contains(a)
                    || a.firstStart().toEpochMilli() > counts.now()) {
                continue;
            }
            final String why = correctPast(a, out);
            if (why != null) {
                refused.add("adjustment " + (a.name() == null ? "" : "'" + a.name() + "' ") + "[" + a.firstStart()
                        + ", " + a.firstStart().plus(a.duration()) + ") is not taken out of the past: " + why
                        + "; it applies to events counted from now on");
            }
        }
        return refused;
    }

    private String correctPast(final BudgetAdjustment a, final Consumer<ComplianceSummary> out) {
        final long from = a.firstStart().toEpochMilli();
        final long to = from + a.duration().toMillis();
        final int tier = counts.exactTier(from, to);
        if (tier < 0) {
            return "the counts keep " + Durations.format(spec.window()) + " of buckets "
                    + Durations.format(Duration.ofMillis(counts.layout().resolutions()[counts.layout().windowTier()[sloWindow]]))
                    + " wide (finer ones for recent time), and the range must start within them, on a bucket boundary";
        }
        final boolean excluded = a.kind() == BudgetAdjustment.Kind.EXCLUDE;
        final List<long[]> buckets = new ArrayList<>();
        counts.rangeBuckets(tier, from, to, (start, end, total, bad) ->
                buckets.add(new long[] {start, end, excluded ? total : 0, bad}));
        final String why = compliance.correct(buckets.toArray(new long[0][]), out);
        if (why != null) {
            return why;
        }
        counts.takeOut(tier, from, to, excluded);
        changed = true;
        return null;
    }

    /** Resolves every firing rule (the SLO was deleted). */
    public void resolveAll(final Consumer<AlertTransition> out) {
        for (int i = 0; i < rules.length; i++) {
            if (machines[i].firing()) {
                final double bl = burn(rules[i].longIdx());
                final double bs = burn(rules[i].shortIdx());
                machines[i].forceResolve();
                out.accept(transition(i, false, bl, bs));
            }
        }
    }

    /** The numbers of every window at the current time. */
    public StatusSnapshot snapshot() {
        changed = false;
        final List<Duration> windows = counts.layout().windows();
        final List<StatusSnapshot.WindowStatus> out = new ArrayList<>(windows.size());
        for (int w = 0; w < windows.size(); w++) {
            out.add(new StatusSnapshot.WindowStatus(windows.get(w), counts.total(w), counts.bad(w),
                    BurnRate.sli(counts.bad(w), counts.total(w)), burn(w)));
        }
        final List<String> firing = new ArrayList<>();
        for (int i = 0; i < rules.length; i++) {
            if (machines[i].firing()) {
                firing.add(rules[i].name());
            }
        }
        final double remaining = budgetRemaining();
        return new StatusSnapshot(spec.id(), spec.service(), instant(counts.now()), spec.objective(), budgetWindow(),
                out, remaining, BurnRate.timeToExhaustion(remaining, burn(ttxWindow), budgetWindow()), firing,
                spec.labels());
    }

    /**
     * The error budget left after each bucket of the SLO window, oldest first: 1 minus the
     * bad events so far over the budget of every event in the window (for a calendar SLO:
     * the buckets of the current period), with each bucket's start. The burn-down chart of
     * the status page.
     */
    public BurnDown burnDown() {
        // a calendar SLO's chart starts at the current period's start
        final long from = spec.isCalendar() && counts.now() != WindowedCounts.NO_TIME
                ? calendarPeriod().start().toEpochMilli()
                : Long.MIN_VALUE;
        // the chart starts at the first bucket with traffic: before it there is no budget to draw
        // (and a new SLO holds one point, not the window's 720 hours of nothing)
        final long chartFrom = counts.firstBucketWithEvents(sloWindow, from);
        if (chartFrom == WindowedCounts.NO_TIME) {
            return new BurnDown(new long[0], new float[0]);
        }
        final long[] periodTotal = {0};
        final int[] n = {0};
        counts.forEachBucketFrom(sloWindow, chartFrom, (start, total, bad) -> {
            periodTotal[0] += total;
            n[0]++;
        });
        final float[] out = new float[n[0]];
        final long[] at = new long[n[0]];
        final double allowed = (from == Long.MIN_VALUE ? counts.total(sloWindow) : periodTotal[0]) * errorBudget;
        final long[] cumBad = {0};
        final int[] i = {0};
        counts.forEachBucketFrom(sloWindow, chartFrom, (start, total, bad) -> {
            cumBad[0] += bad;
            at[i[0]] = start;
            out[i[0]++] = (float) (allowed <= 0 ? 1.0 : 1.0 - cumBad[0] / allowed);
        });
        return new BurnDown(at, out);
    }

    public double burn(final int window) {
        return BurnRate.of(counts.bad(window), counts.total(window), errorBudget);
    }

    /**
     * Fraction of the error budget left: over the rolling window, or for a calendar SLO
     * over the current period so far (in slices for a Timeslices SLO).
     */
    public double budgetRemaining() {
        if (spec.isCalendar()) {
            final double remaining = counts.now() == WindowedCounts.NO_TIME ? Double.NaN
                    : compliance.calendarBudgetRemaining(counts.now());
            return Double.isNaN(remaining) ? 1.0 : remaining;
        }
        return BurnRate.budgetRemaining(counts.bad(sloWindow), counts.total(sloWindow), errorBudget);
    }

    /** The window the budget is over: the SLO window, or the length of the current calendar period. */
    public Duration budgetWindow() {
        if (spec.isCalendar() && counts.now() != WindowedCounts.NO_TIME) {
            return calendarPeriod().length();
        }
        return spec.window();
    }

    /**
     * The burn-rate threshold of rule {@code i}: budgetPercent x SLO window / long window,
     * where a calendar SLO's window is the current period's length (31 days in March,
     * 743 hours in New York's March, 7 days for a week).
     */
    public double threshold(final int i) {
        if (!spec.isCalendar() || counts.now() == WindowedCounts.NO_TIME) {
            return rules[i].threshold();
        }
        calendarPeriod();
        return calendarThresholds[i];
    }

    /** A calendar SLO's period at the current event time (cached with its thresholds until time leaves it). */
    private CompliancePeriod calendarPeriod() {
        if (currentPeriod == null || !currentPeriod.contains(counts.now())) {
            currentPeriod = spec.calendar().periodContaining(Instant.ofEpochMilli(counts.now()));
            calendarThresholds = new double[rules.length];
            for (int k = 0; k < rules.length; k++) {
                calendarThresholds[k] = rules[k].isNoData() ? 0 : rules[k].window().threshold(currentPeriod.length());
            }
        }
        return currentPeriod;
    }

    private AlertTransition transition(final int i, final boolean fired, final double burnLong, final double burnShort) {
        final Rule r = rules[i];
        compliance.onAlert(r.severity(), fired, instant(counts.now()));
        final double threshold = threshold(i);
        final Instant at = instant(counts.now());
        final double remaining = budgetRemaining();
        final Duration ttx = BurnRate.timeToExhaustion(remaining, burnLong, budgetWindow());
        final double consumed = budgetConsumedPercent(r, machines[i].firingSince());
        final AlertTransition.Contributors why = fired && !r.isNoData()
                ? contributors.explain(r.shortWindow(), r.longWindow(), counts.now()) : null;
        final String summary;
        final String description;
        if (r.isNoData()) {
            summary = AlertText.noDataSummary(spec, r.noData(), fired, at);
            description = AlertText.noDataDescription(spec, r.noData(), fired, instant(machines[i].firingSince()),
                    remaining, at);
        } else {
            summary = AlertText.summary(spec, r.name(), r.window(), fired, burnLong, threshold, consumed, at, ttx);
            description = AlertText.description(spec, r.window(), burnLong, burnShort, threshold, remaining, consumed,
                    at, ttx, why);
        }
        return new AlertTransition(spec.id(), spec.service(), r.name(), r.severity().wire(),
                fired ? AlertTransition.FIRING : AlertTransition.RESOLVED, at, instant(machines[i].firingSince()),
                fired ? null : at, r.longWindow(), r.shortWindow(), burnLong, burnShort, threshold,
                spec.objective(), remaining, ttx, consumed, why,
                spec.labels(), new AlertTransition.Annotations(summary, description, spec.runbook()), r.fingerprint());
    }

    /**
     * The share of the error budget, in percent, the bad events from the start of the long
     * window before the alert started up to now consumed: bad events in the buckets of the
     * shortest window that covers [start - longWindow, now], over the budget of the SLO
     * window's events (0 when it has none). At the firing transition that is the long window.
     */
    private double budgetConsumedPercent(final Rule r, final long firingSince) {
        final long now = counts.now();
        final long from = (firingSince == WindowedCounts.NO_TIME ? now : Math.min(firingSince, now))
                - r.longWindow().toMillis();
        final double allowed = counts.total(sloWindow) * errorBudget;
        if (allowed <= 0) {
            return 0;
        }
        final long bad;
        if (from >= now - r.longWindow().toMillis()) {
            bad = counts.bad(r.longIdx());
        } else {
            final List<Duration> windows = counts.layout().windows();
            int cover = sloWindow;
            for (int k = 0; k < windows.size(); k++) {
                if (windows.get(k).toMillis() >= now - from && windows.get(k).compareTo(windows.get(cover)) < 0) {
                    cover = k;
                }
            }
            final long width = counts.layout().resolutions()[counts.layout().windowTier()[cover]];
            final long[] sum = {0};
            counts.forEachBucket(cover, (start, total, b) -> {
                if (start + width > from) { // the bucket holding `from` included
                    sum[0] += b;
                }
            });
            bad = sum[0];
        }
        return bad * 100.0 / allowed;
    }

    private static Instant instant(final long ms) {
        return ms == WindowedCounts.NO_TIME ? null : Instant.ofEpochMilli(ms);
    }

    /** 16 hex characters of SHA-256(sloId NUL rule): stable across restarts and instances. */
    public static String fingerprint(final String sloId, final String rule) {
        try {
            final byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((sloId + '\0' + rule).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
