package io.burnrate.engine.monitor;

import io.burnrate.engine.ingest.AcceptedEvent;
import io.burnrate.engine.ingest.CountRecord;
import io.burnrate.engine.ingest.CountSpreader;
import io.burnrate.engine.ingest.Rejection;
import io.burnrate.engine.ingest.RequestRecord;
import io.burnrate.engine.sli.WindowedCounts;
import io.burnrate.engine.slo.BudgetAdjustment;
import io.burnrate.engine.slo.Numbers;
import io.burnrate.engine.slo.SloIndex;
import io.burnrate.engine.slo.SloRegistry;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.BudgetPolicyEvent;
import io.burnrate.schemas.ComplianceSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 2 to 4 for one task, in plain Java: match each event to the SLOs of its service,
 * count it in each SLO's buckets, and run the alert state machines on event time.
 *
 * <p>Time: the task's event time is the newest timestamp of an event some SLO counted
 * (events for no SLO do not move it). An event more than the grace period older is
 * refused as {@code late}; one more than {@code maxFutureSkew} ahead of the wall clock, or
 * more than {@code maxEventAge} behind it, as {@code invalid-timestamp}. Every SLO of the
 * task is advanced to the task's event time at least every evaluation interval, so a quiet
 * service resolves while others send traffic. Sweeps are driven by due times
 * ({@link SloMonitor#dueAt}): an SLO is visited only once advancing it can change a window
 * sum, clear a bucket or open or close a compliance period; one that is not due is left
 * behind and caught up to the last sweep, doing exactly what that sweep would have done,
 * before it counts an event, is shown or is redefined. When the whole task is idle for
 * {@code idleAdvanceAfter} of wall-clock time, event time follows the wall clock. When the
 * input ends (replay), every open compliance period closes.
 */
public final class TaskEvaluator {

    private static final Logger LOG = LoggerFactory.getLogger(TaskEvaluator.class);

    /**
     * The time rules.
     *
     * @param grace              how far behind the task's event time an event may be and still count
     * @param evaluationInterval every SLO is advanced and evaluated at least this often (event time)
     * @param statusInterval     wall-clock interval of status snapshots for changed SLOs
     * @param idleAdvanceAfter   wall-clock idleness after which event time follows the wall clock; null: never
     * @param maxFutureSkew      how far ahead of the wall clock an event may be; null: unchecked
     * @param maxEventAge        how far behind the wall clock an event may be; null: unchecked
     */
    public record Rules(Duration grace, Duration evaluationInterval, Duration statusInterval,
                        Duration idleAdvanceAfter, Duration maxFutureSkew, Duration maxEventAge) {
    }

    private final Rules rules;
    private final Supplier<SloRegistry.Snapshot> registry;
    private final MonitorStore store;
    private final Emitter out;
    private final EngineCounters counters;
    private final Consumer<AlertTransition> onAlert = this::alert;
    private final Consumer<BudgetPolicyEvent> onPolicy = this::policy;
    private final Consumer<ComplianceSummary> onSummary = this::summary;
    /** Services whose SLOs take every event of theirs, straight to their monitors. */
    private final MonitorRoutes routes = new MonitorRoutes();
    /** The store's {@link MonitorStore#epoch} the routes were built in. */
    private int routesEpoch;
    private long registryVersion = -1;
    /** The registry snapshot {@link #reconcile} applied last. */
    private SloRegistry.Snapshot applied;
    private long taskTime = TaskClock.NO_TIME;
    private long lastSweep = TaskClock.NO_TIME;
    /** What {@link #onEvent} last gave the store (the store's clock changes only through this class). */
    private long storedTaskTime = TaskClock.NO_TIME;
    private long storedLastSweep = TaskClock.NO_TIME;
    private long wallAtLastInput;
    private long wallAtLastStatus;
    private long taskTimeAtLastInput = TaskClock.NO_TIME;
    private boolean visitEverySweep;
    /** SLO visits by sweeps and catch-ups (tests). */
    private long visits;
    /** No monitor is due before this task time (a sweep before it visits none). */
    private long minDue = Long.MIN_VALUE;
    private boolean closedAtInputEnd;
    /**
     * The SLOs this task had when it started, published once whether they changed or not
     * ({@link #FIRST_STATUS_PER_INTERVAL} per status interval): a task taken over from a
     * killed instance may have counted its last events there, and that instance died
     * before publishing their status. Null once all are published.
     */
    private List<SloMonitor> firstShow;
    private int firstShown;

    /** Restored SLOs published per status interval after a start (a takeover of 10,000 is spread over ten). */
    static final int FIRST_STATUS_PER_INTERVAL = 1_000;

    /**
     * Up to this many SLOs in a task publish their status together once per status interval;
     * above it each SLO publishes in its own second of the interval (by a hash of its id), so
     * 10,000 SLOs send about 2,000 snapshots a second instead of stalling the stream thread
     * for 10,000 every 5 s (which held back the events behind them: detection latency).
     */
    static final int SPREAD_STATUS_ABOVE = 1_000;
    /** The second of the status interval whose SLOs publish at the next wall-clock tick (spread mode). */
    private long statusTick;

    public TaskEvaluator(final Rules rules, final Supplier<SloRegistry.Snapshot> registry, final MonitorStore store,
                         final Emitter out, final EngineCounters counters) {
        this.rules = rules;
        this.registry = registry;
        this.store = store;
        this.out = out;
        this.counters = counters;
    }

    /** Resumes from the stored clock and applies SLO changes made while the task was away. */
    public void start(final long wallNow) {
        final TaskClock clock = store.clock();
        taskTime = clock.taskTime();
        lastSweep = clock.lastSweep();
        storedTaskTime = taskTime;
        storedLastSweep = lastSweep;
        taskTimeAtLastInput = taskTime;
        wallAtLastInput = wallNow;
        wallAtLastStatus = wallNow;
        reconcile(true);
        firstShow = new ArrayList<>(store.monitors());
        firstShown = 0;
    }

    public TaskClock clock() {
        return new TaskClock(taskTime, lastSweep);
    }

    /** Counts one event; returns why it was refused, or null when it counted (or matched no SLO). */
    public Rejection onEvent(final RequestRecord event, final long wallNow) {
        return onEvent(event, registry().index().match(event.service(), event.operation(), event.attributes()),
                wallNow);
    }

    /**
     * The registry version this task has applied, after applying any newer one (SLOs
     * deleted or redefined): the one to match the next event against with
     * {@link SloRegistry.Snapshot#index()}.
     */
    public SloRegistry.Snapshot registry() {
        reconcile(false);
        return applied;
    }

    /**
     * Counts one event the caller matched against {@link #registry()} (called just before,
     * on this thread): {@code matchedSpecs} are the SLOs whose selectors it satisfies, in SLO-id
     * order. Returns why it was refused, or null when it counted (or matched no SLO).
     */
    public Rejection onEvent(final AcceptedEvent event, final List<SloSpec> matchedSpecs, final long wallNow) {
        final long ts = event.timestamp();
        final Rejection refused = admit(ts, wallNow);
        if (refused != null) {
            return refused;
        }
        for (int k = 0; k < matchedSpecs.size(); k++) {
            count(store.monitor(matchedSpecs.get(k)), event, ts);
        }
        counted(!matchedSpecs.isEmpty(), ts);
        return null;
    }

    /**
     * As {@link #onEvent(AcceptedEvent, List, long)}, for an event of the service whose
     * bytes are {@code b[start, start + length)} with the operation at
     * {@code b[operationStart, operationStart + operationLength)} ({@code operationStart < 0}:
     * none), matched here against {@code index} (the {@link #registry()} index, read just
     * before). Services whose SLOs select on nothing or on the operation alone go straight
     * to their monitors once routed ({@link MonitorRoutes}); the others, and operations no
     * SLO names, through the index as the list form.
     */
    public Rejection onEvent(final AcceptedEvent event, final SloIndex index, final byte[] b, final int start,
                             final int length, final int operationStart, final int operationLength,
                             final long wallNow) {
        if (store.epoch() != routesEpoch) {
            routes.clear();
            routesEpoch = store.epoch();
        }
        Object routed = routes.get(index, b, start, length);
        if (routed == null || routed == MonitorRoutes.BY_OPERATION) {
            final boolean byOperation = routed != null;
            if (byOperation) {
                routed = routes.get(b, start, length, operationStart, operationLength);
            }
            if (routed == null) {
                routed = route(event, index, byOperation, b, start, length, operationStart, operationLength,
                        wallNow);
                if (routed instanceof List<?> specs) {
                    @SuppressWarnings("unchecked")
                    final List<SloSpec> matched = (List<SloSpec>) specs;
                    return onEvent(event, matched, wallNow);
                }
            }
        }
        final long ts = event.timestamp();
        final Rejection refused = admit(ts, wallNow);
        if (refused != null) {
            return refused;
        }
        final boolean matched;
        if (routed instanceof SloMonitor m) {
            count(m, event, ts);
            matched = true;
        } else {
            final SloMonitor[] monitors = (SloMonitor[]) routed;
            for (final SloMonitor m : monitors) {
                count(m, event, ts);
            }
            matched = monitors.length > 0;
        }
        counted(matched, ts);
        return null;
    }

    /**
     * Routes an event's service (and operation) not routed yet: returns the monitors it
     * counts in (now routed), or the SLOs it selects for the list form where it is not to
     * be routed: no SLO, attribute selectors, an operation no SLO names, or an event the
     * time rules refuse (a refused event creates no monitor, as in the list form).
     * {@code marked}: the service is already routed {@link MonitorRoutes#BY_OPERATION}.
     */
    private Object route(final AcceptedEvent event, final SloIndex index, final boolean marked, final byte[] b,
                         final int start, final int length, final int operationStart, final int operationLength,
                         final long wallNow) {
        final SloIndex.ServiceSlos slos = index.service(b, start, length);
        if (slos == null) {
            return List.of();
        }
        if (slos.readsAttributes()) {
            return slos.select(event.operation(), event.attributes());
        }
        final boolean byOperation = !slos.selectsAll();
        final List<SloSpec> selected;
        if (!byOperation) {
            selected = slos.all();
        } else {
            if (!marked) {
                routes.put(b, start, length, MonitorRoutes.BY_OPERATION);
            }
            selected = slos.forKnownOperation(b, operationStart, operationLength);
            if (selected == null) {
                return slos.forOperation(b, -1, 0); // an operation no SLO names: the SLOs without a selector
            }
        }
        if (check(event.timestamp(), wallNow) != null) {
            return selected;
        }
        final SloMonitor[] monitors = new SloMonitor[selected.size()];
        for (int k = 0; k < monitors.length; k++) {
            monitors[k] = store.monitor(selected.get(k));
        }
        if (byOperation) {
            routes.put(b, start, length, operationStart, operationLength, monitors);
        } else {
            routes.put(b, start, length, monitors);
        }
        return monitors.length == 1 ? monitors[0] : monitors;
    }

    /** Routes held: services, and services with an operation (tests). */
    int routedServices() {
        return routes.size();
    }

    /** The time rules for an event at {@code ts}, counted: null when it may count. */
    private Rejection admit(final long ts, final long wallNow) {
        final Rejection refused = check(ts, wallNow);
        if (refused != null) {
            counters.rejected(refused.reason());
            return refused;
        }
        counters.accepted.increment();
        wallAtLastInput = wallNow;
        taskTimeAtLastInput = taskTime;
        return null;
    }

    /** One event in one SLO: counted, evaluated, its budget observed. */
    private void count(final SloMonitor m, final AcceptedEvent event, final long ts) {
        catchUpBefore(m, ts);
        final BudgetAdjustment.Kind adjusted = m.adjustment(ts);
        if (adjusted == BudgetAdjustment.Kind.EXCLUDE) {
            return; // a maintenance window: the event counts for nothing
        }
        final boolean bad = adjusted != BudgetAdjustment.Kind.MARK_GOOD
                && m.spec().indicator().isBad(event.status(), event.errorOutcome(), event.latencyMs());
        m.record(ts, 1, bad ? 1 : 0, event.latencyMs());
        if (bad) {
            m.contributors().recordBad(ts, event);
        }
        store.markDirty(m);
        m.evaluate(onAlert);
        minDue = Math.min(minDue, m.dueAt());
        m.observeBudget(onPolicy);
    }

    /** After an accepted event was counted ({@code matched}: in some SLO): the task's clock and sweeps. */
    private void counted(final boolean matched, final long ts) {
        if (!matched) {
            counters.unmatched.increment();
        } else if (taskTime == TaskClock.NO_TIME || ts > taskTime) {
            // only events some SLO counts move the clock: one from a broken clock for a
            // service without SLOs must not make every SLO's later traffic late
            taskTime = ts;
            taskTimeAtLastInput = ts;
            counters.eventTime.accumulate(ts);
        }
        if (taskTime != TaskClock.NO_TIME && (lastSweep == TaskClock.NO_TIME
                || taskTime - lastSweep >= rules.evaluationInterval().toMillis())) {
            sweep();
        }
        if (taskTime != storedTaskTime || lastSweep != storedLastSweep) {
            // most events move neither: no TaskClock per event
            storedTaskTime = taskTime;
            storedLastSweep = lastSweep;
            store.setClock(clock());
        }
    }

    /**
     * Counts one pre-aggregated count record the caller matched against {@link #registry()}
     * (as {@link #onEvent(AcceptedEvent, List, long)}; the spreading is {@link CountShares}).
     * The record is spread over 1-s buckets, and each share counts as an event of that many
     * requests would at its time, in time order: the same time rules (the interval's start
     * must not be late or too old, its end not too far ahead), the same budget adjustments,
     * evaluations and sweeps. A latency SLO whose threshold the record does not carry is
     * skipped (counted in {@link EngineCounters#countsWithoutThreshold}). Returns why the
     * record was refused, or null when it counted (or matched no SLO).
     */
    public Rejection onCounts(final CountRecord record, final List<SloSpec> matchedSpecs, final long wallNow) {
        Rejection refused = check(record.startMs(), wallNow);
        if (refused == null) {
            refused = check(record.endMs() - 1, wallNow);
        }
        if (refused != null) {
            counters.rejected(refused.reason());
            return refused;
        }
        counters.countRecords.increment();
        wallAtLastInput = wallNow;
        taskTimeAtLastInput = taskTime;
        final CountShares spread = CountShares.of(record);
        final int[] subset = new int[matchedSpecs.size()];
        boolean counts = false;
        for (int k = 0; k < subset.length; k++) {
            subset[k] = spread.subsetOf(matchedSpecs.get(k));
            if (subset[k] == CountShares.NO_SUBSET) {
                counters.countsWithoutThreshold.increment();
            } else {
                counts = true;
            }
        }
        if (!counts) {
            return null;
        }
        for (final CountSpreader.Share share : spread.shares()) {
            final long ts = spread.time(share);
            for (int k = 0; k < subset.length; k++) {
                if (subset[k] != CountShares.NO_SUBSET) {
                    countShare(matchedSpecs.get(k), ts, share.total(), share.subsets()[subset[k]]);
                }
            }
            if (taskTime == TaskClock.NO_TIME || ts > taskTime) {
                taskTime = ts;
                taskTimeAtLastInput = ts;
                counters.eventTime.accumulate(ts);
            }
            if (lastSweep == TaskClock.NO_TIME || taskTime - lastSweep >= rules.evaluationInterval().toMillis()) {
                sweep();
            }
        }
        store.setClock(clock());
        return null;
    }

    /** One share of a count record for one SLO: what an event's loop body does, for {@code total} requests. */
    private void countShare(final SloSpec spec, final long ts, final long total, final long bad) {
        final SloMonitor m = store.monitor(spec);
        catchUpBefore(m, ts);
        final BudgetAdjustment.Kind adjusted = m.adjustment(ts);
        if (adjusted == BudgetAdjustment.Kind.EXCLUDE) {
            return;
        }
        m.recordCounts(ts, total, adjusted == BudgetAdjustment.Kind.MARK_GOOD ? 0 : bad);
        store.markDirty(m);
        m.evaluate(onAlert);
        minDue = Math.min(minDue, m.dueAt());
        m.observeBudget(onPolicy);
    }

    /** The time rules for an event at {@code ts}: null when it may count. */
    Rejection check(final long ts, final long wallNow) {
        if (taskTime != TaskClock.NO_TIME && ts < taskTime - rules.grace().toMillis()) {
            return new Rejection(Rejection.LATE, "event time " + Instant.ofEpochMilli(ts)
                    + " is more than the grace period " + rules.grace() + " behind the partition's event time "
                    + Instant.ofEpochMilli(taskTime));
        }
        final Duration skew = rules.maxFutureSkew();
        if (skew != null && ts > wallNow + skew.toMillis()) {
            return new Rejection(Rejection.INVALID_TIMESTAMP, "event time " + Instant.ofEpochMilli(ts)
                    + " is more than " + skew + " ahead of the wall clock");
        }
        final Duration age = rules.maxEventAge();
        if (age != null && ts < wallNow - age.toMillis()) {
            return new Rejection(Rejection.INVALID_TIMESTAMP, "event time " + Instant.ofEpochMilli(ts)
                    + " is more than " + age + " behind the wall clock (max.event.age)");
        }
        return null;
    }

    /**
     * Wall-clock work, every second: SLO changes, the close at the end of the input,
     * idle advance, and status snapshots of changed SLOs.
     */
    public void onWallClock(final long wallNow, final boolean inputEnded) {
        reconcile(false);
        if (inputEnded && !closedAtInputEnd) {
            closedAtInputEnd = true;
            for (final SloMonitor m : store.monitors()) {
                catchUp(m);
                m.closeCompliance(onSummary);
                store.markDirty(m);
            }
        }
        final Duration idle = rules.idleAdvanceAfter();
        if (idle != null && taskTime != TaskClock.NO_TIME && wallNow - wallAtLastInput >= idle.toMillis()) {
            final long advanced = taskTimeAtLastInput + (wallNow - wallAtLastInput);
            if (advanced > taskTime) {
                taskTime = advanced;
                sweep();
                store.setClock(clock());
            }
        }
        if (wallNow - wallAtLastStatus >= rules.statusInterval().toMillis()) {
            wallAtLastStatus = wallNow;
            if (firstShow != null) {
                final int end = Math.min(firstShow.size(), firstShown + FIRST_STATUS_PER_INTERVAL);
                for (int i = firstShown; i < end; i++) {
                    final SloMonitor m = firstShow.get(i);
                    if (store.live(m.spec().id()) == m) {
                        catchUp(m);
                        out.status(m);
                    }
                }
                firstShown = end;
                if (end == firstShow.size()) {
                    firstShow = null;
                }
            }
            if (inputEnded || store.monitors().size() <= SPREAD_STATUS_ABOVE) {
                publishChanged(-1, 1);
            }
        }
        final long slots = Math.max(1, rules.statusInterval().toSeconds());
        if (!inputEnded && store.monitors().size() > SPREAD_STATUS_ABOVE) {
            // one slot of the interval per wall-clock tick (every second)
            publishChanged(Math.floorMod(statusTick++, slots), slots);
        }
    }

    /** Status snapshots of the changed SLOs; with {@code slot} >= 0, of those whose id hashes to that slot only. */
    private void publishChanged(final long slot, final long slots) {
        for (final SloMonitor m : store.monitors()) {
            if (slot >= 0 && Math.floorMod(m.spec().id().hashCode(), slots) != slot) {
                continue;
            }
            catchUp(m);
            if (m.changed()) {
                out.status(m);
            }
        }
    }

    /**
     * Advances the SLOs of this task that are due to the task's event time and evaluates
     * them; the others are left behind ({@link #catchUp}). The scan keeps the store's
     * order, in which outputs of one sweep have always come, and is skipped altogether
     * while no SLO is due.
     */
    private void sweep() {
        lastSweep = taskTime;
        if (taskTime < minDue && !visitEverySweep) {
            return;
        }
        long next = Long.MAX_VALUE;
        for (final SloMonitor m : store.monitors()) {
            if (m.dueAt() <= taskTime || visitEverySweep) {
                visit(m, taskTime);
            }
            next = Math.min(next, m.dueAt());
        }
        minDue = next;
    }

    /**
     * Tests: every sweep visits every SLO and runs its rules and budget policy, the
     * reference the due times ({@link SloMonitor#dueAt}) must give the same outputs as.
     */
    void visitEverySweep() {
        visitEverySweep = true;
    }

    /** SLO visits by sweeps and catch-ups since this evaluator started (tests). */
    long visits() {
        return visits;
    }

    /**
     * Before a request at {@code ts} counts in {@code m}: {@link #catchUp}, unless the
     * monitor was not due at the last sweep and the request is not older than it. Then the
     * sweeps since its last visit would only have moved its clock (nothing it decides
     * changes before its due time), and counting the request moves the clock further.
     * At 10,000 SLOs nearly every SLO is left behind by every sweep, and catching each up
     * at its next request was a visit per SLO and second, what the due times save.
     */
    private void catchUpBefore(final SloMonitor m, final long ts) {
        if (ts < lastSweep || m.dueAt() <= lastSweep) {
            catchUp(m);
        }
    }

    /** What the sweeps since this monitor was last visited would have done to it. */
    private void catchUp(final SloMonitor m) {
        final long now = m.counts().now();
        if (lastSweep != TaskClock.NO_TIME && now != WindowedCounts.NO_TIME && now < lastSweep) {
            visit(m, lastSweep);
        }
    }

    /** One SLO's part of a sweep at {@code time}. */
    private void visit(final SloMonitor m, final long time) {
        visits++;
        final int moved = m.advanceTo(time);
        m.settleCompliance(onSummary);
        if (m.compliance().hasPendingWrites()) {
            store.markDirty(m);
        }
        // only the clock moved: every rule would decide as before, and a stale stored
        // clock is safe to restore (advancing from it clears nothing that holds data)
        if ((moved & WindowedCounts.SLOTS_CLEARED) != 0) {
            store.markDirty(m);
        }
        // a rule's hold time (alertAfter) that has ended fires it though no sum changed; at
        // its verdictDue the rules run to say when to look again
        if ((moved & WindowedCounts.SUMS_CHANGED) != 0 || m.holdDue() <= time || m.verdictDueBy(time)
                || visitEverySweep) {
            m.evaluate(onAlert);
            m.observeBudget(onPolicy);
        }
        m.scheduleNext();
    }

    private void alert(final AlertTransition t) {
        counters.transitions.increment();
        LOG.info("alert {} {} {} (burn {} / {}, threshold {}, budget left {}%)", t.state(), t.sloId(), t.rule(),
                round(t.burnRateLong()), round(t.burnRateShort()), round(t.threshold()),
                String.format(Locale.ROOT, "%.1f", t.errorBudgetRemaining() * 100));
        store.markDirty(t.sloId());
        out.alert(t);
        final SloMonitor m = store.live(t.sloId());
        if (m != null) {
            out.status(m);
        }
    }

    private void policy(final BudgetPolicyEvent e) {
        LOG.info("budget {} through {}% for {} (remaining {}%){}", e.direction(),
                Numbers.plain(e.threshold()), e.sloId(),
                String.format(Locale.ROOT, "%.1f", e.remainingFraction() * 100),
                e.action() == null ? "" : ", action " + e.action());
        store.markDirty(e.sloId());
        out.policy(e);
    }

    private void summary(final ComplianceSummary s) {
        counters.summaries.increment();
        LOG.debug("compliance {} {} [{}, {}): sli {} met {}", s.sloId(), s.period().kind(), s.period().start(),
                s.period().end(), s.sli(), s.met());
        out.summary(s);
    }

    /**
     * Applies SLO changes: deleted SLOs resolve their firing rules and drop their state;
     * redefined ones carry over what still fits. An SLO whose latest document was refused
     * is neither: its state waits for a valid one.
     */
    private void reconcile(final boolean includeStored) {
        final SloRegistry.Snapshot snap = registry.get();
        if (snap.version() == registryVersion && !includeStored) {
            return;
        }
        registryVersion = snap.version();
        applied = snap;
        routes.clear(); // monitors are about to be replaced, dropped or (new SLOs) created
        minDue = Long.MIN_VALUE; // new and redefined monitors are due at once
        if (includeStored) {
            for (final String id : store.storedIds()) {
                final SloSpec spec = snap.byId().get(id);
                if (spec != null) {
                    store.monitor(spec);
                } else if (!snap.invalid().containsKey(id)) {
                    store.remove(id);
                }
            }
        }
        for (final SloMonitor m : new ArrayList<>(store.monitors())) {
            final String id = m.spec().id();
            final SloSpec spec = snap.byId().get(id);
            if (spec == null && snap.invalid().containsKey(id)) {
                continue;
            }
            if (spec == null || !spec.equals(m.spec())) {
                catchUp(m);
            }
            if (spec == null) {
                LOG.info("SLO {} deleted: resolving its alerts and dropping its state", id);
                m.resolveAll(onAlert);
                store.remove(id);
                removed(id);
            } else if (!spec.equals(m.spec())) {
                LOG.info("SLO {} changed: applying the new definition", spec.id());
                final SloMonitor next = m.redefine(spec, onAlert);
                store.replace(m, next);
                for (final String refused : next.correctPast(m.spec(), onSummary)) {
                    LOG.warn("SLO {}: {}", spec.id(), refused);
                }
                store.markDirty(next);
                if (next.counts().now() != WindowedCounts.NO_TIME) {
                    next.evaluate(onAlert);
                    minDue = Math.min(minDue, next.dueAt());
                }
            }
        }
    }

    /** Hook for the adapter: SLO {@code id} is gone (its status is no longer shown). */
    private void removed(final String id) {
        out.removed(id);
    }

    private static String round(final double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }
}
