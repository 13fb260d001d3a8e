package io.burnrate.engine.topology;

import io.burnrate.engine.alert.SloMonitor;
import io.burnrate.engine.sli.WindowedCounts;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.ComplianceSummary;
import io.burnrate.schemas.StatusSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 2 to 4 for one task: match each event to the SLOs of its service, count it in
 * each SLO's buckets, and run the alert state machines on event time.
 *
 * <p>Time: the task's event time is the newest event timestamp it has seen. An event
 * more than the grace period older is dead-lettered as {@code late}. Every SLO of the
 * task is advanced to the task's event time at least every evaluation interval, so a
 * quiet service resolves while others send traffic; when the whole task is idle for
 * {@code idleAdvanceAfter} of wall-clock time, event time follows the wall clock.
 *
 * <p>Outputs (value types): {@link AlertTransition} keyed {@code sloId/rule},
 * {@link StatusSnapshot} keyed {@code sloId}, budget-policy events keyed {@code sloId},
 * {@link ComplianceSummary} keyed {@code sloId/kind/start} as compliance periods close
 * (a grace period after their end, in event time), and {@link EventParser.Rejected} for
 * late events keyed as they came.
 */
final class BurnRateProcessor implements Processor<String, EventParser.Result, String, Object> {

    private static final Logger LOG = LoggerFactory.getLogger(BurnRateProcessor.class);

    private final EngineConfig config;
    private final SloRegistry registry;
    private final EngineCounters counters;
    private final StatusBoard board;
    private ProcessorContext<String, Object> context;
    private SloStateStore state;
    private long registryVersion = -1;
    private long taskTime = WindowedCounts.NO_TIME;
    private long lastSweep = WindowedCounts.NO_TIME;
    private long wallAtLastInput;
    private long wallAtLastStatus;
    private long taskTimeAtLastInput = WindowedCounts.NO_TIME;
    private final Consumer<AlertTransition> emit = this::emitTransition;
    private final Consumer<io.burnrate.schemas.BudgetPolicyEvent> emitPolicy = this::emitPolicyEvent;
    private final Consumer<ComplianceSummary> emitCompliance = this::emitSummary;
    private final InputEnd inputEnd;
    private boolean closedAtInputEnd;

    BurnRateProcessor(final EngineConfig config, final SloRegistry registry, final EngineCounters counters,
                      final StatusBoard board, final InputEnd inputEnd) {
        this.config = config;
        this.inputEnd = inputEnd;
        this.registry = registry;
        this.counters = counters;
        this.board = board;
    }

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
        this.state = context.getStateStore(Names.STATE_STORE);
        state.useGrace(config.grace());
        final long[] clock = state.clock();
        taskTime = clock[0];
        lastSweep = clock[1];
        taskTimeAtLastInput = taskTime;
        loadRegistry(context);
        wallAtLastInput = context.currentSystemTimeMs();
        wallAtLastStatus = wallAtLastInput;
        reconcile(true);
        // every second: SLO changes take effect within seconds even on a silent partition
        context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
    }

    @Override
    public void process(final Record<String, EventParser.Result> record) {
        final RequestRecord event = ((EventParser.Accepted) record.value()).event();
        reconcile(false);
        final long ts = event.timestamp();
        if (taskTime != WindowedCounts.NO_TIME && ts < taskTime - config.grace().toMillis()) {
            deadLetter(record, event, new Rejection(Rejection.LATE, "event time " + java.time.Instant.ofEpochMilli(ts)
                    + " is more than the grace period " + config.grace() + " behind the partition's event time "
                    + java.time.Instant.ofEpochMilli(taskTime)));
            return;
        }
        final Duration skew = config.maxFutureSkew();
        final long wall = context.currentSystemTimeMs();
        if (skew != null && ts > wall + skew.toMillis()) {
            deadLetter(record, event, new Rejection(Rejection.INVALID_TIMESTAMP, "event time "
                    + java.time.Instant.ofEpochMilli(ts) + " is more than " + skew + " ahead of the wall clock"));
            return;
        }
        final Duration age = config.maxEventAge();
        if (age != null && ts < wall - age.toMillis()) {
            deadLetter(record, event, new Rejection(Rejection.INVALID_TIMESTAMP, "event time "
                    + java.time.Instant.ofEpochMilli(ts) + " is more than " + age + " behind the wall clock"
                    + " (max.event.age)"));
            return;
        }
        counters.accepted.increment();
        wallAtLastInput = wall;
        taskTimeAtLastInput = taskTime;

        boolean matched = false;
        for (final SloSpec spec : registry.snapshot().forService(event.service())) {
            if (!spec.selects(event.operation(), event.attributes())) {
                continue;
            }
            matched = true;
            final boolean bad = spec.indicator().isBad(event.status(), event.errorOutcome(), event.latencyMs());
            final SloMonitor m = state.monitor(spec);
            m.record(ts, 1, bad ? 1 : 0, event.latencyMs());
            state.markDirty(spec.id());
            m.evaluate(emit);
            m.observeBudget(emitPolicy);
        }
        if (!matched) {
            counters.unmatched.increment();
        } else if (taskTime == WindowedCounts.NO_TIME || ts > taskTime) {
            // only events some SLO counts move the clock: one from a broken clock for a
            // service without SLOs must not make every SLO's later traffic late
            taskTime = ts;
            taskTimeAtLastInput = ts;
            counters.eventTime.accumulate(ts);
        }
        if (taskTime != WindowedCounts.NO_TIME && (lastSweep == WindowedCounts.NO_TIME
                || taskTime - lastSweep >= config.evaluationInterval().toMillis())) {
            sweep();
        }
        state.setClock(taskTime, lastSweep);
    }

    private void deadLetter(final Record<String, EventParser.Result> record, final RequestRecord event,
                            final Rejection why) {
        counters.rejected(why.reason());
        context.forward(new Record<String, Object>(record.key(),
                new EventParser.Rejected(why, DeadLetters.value(event.raw(), config.limits())), record.timestamp(),
                DeadLetters.headers(record.headers(), record.key(), event.raw(), why, context, config.limits())));
    }

    /** The task moves elsewhere (or the engine stops): its SLOs are no longer this instance's to show. */
    @Override
    public void close() {
        if (state != null) {
            for (final SloMonitor m : state.monitors()) {
                board.remove(m.spec().id());
            }
        }
    }

    /** Advances every SLO of this task to the task's event time and evaluates it. */
    private void sweep() {
        lastSweep = taskTime;
        for (final SloMonitor m : new ArrayList<>(state.monitors())) {
            final int moved = m.advanceTo(taskTime);
            m.settleCompliance(emitCompliance);
            if (m.compliance().hasPendingWrites()) {
                state.markDirty(m.spec().id());
            }
            // only the clock moved: every rule would decide as before, and a stale stored
            // clock is safe to restore (advancing from it clears nothing that holds data)
            if ((moved & WindowedCounts.SLOTS_CLEARED) != 0) {
                state.markDirty(m.spec().id());
            }
            if ((moved & WindowedCounts.SUMS_CHANGED) != 0) {
                m.evaluate(emit);
                m.observeBudget(emitPolicy);
            }
        }
    }

    private void onWallClock(final long wallNow) {
        reconcile(false);
        if (inputEnd.reached() && !closedAtInputEnd) {
            closedAtInputEnd = true;
            for (final SloMonitor m : state.monitors()) {
                m.closeCompliance(emitCompliance);
                state.markDirty(m.spec().id());
            }
        }
        final Duration idle = config.idleAdvanceAfter();
        if (idle != null && taskTime != WindowedCounts.NO_TIME && wallNow - wallAtLastInput >= idle.toMillis()) {
            final long advanced = taskTimeAtLastInput + (wallNow - wallAtLastInput);
            if (advanced > taskTime) {
                taskTime = advanced;
                sweep();
                state.setClock(taskTime, lastSweep);
            }
        }
        if (wallNow - wallAtLastStatus >= config.statusInterval().toMillis()) {
            wallAtLastStatus = wallNow;
            for (final SloMonitor m : state.monitors()) {
                if (m.changed()) {
                    emitStatus(m);
                }
            }
        }
    }

    private void emitTransition(final AlertTransition t) {
        counters.transitions.increment();
        LOG.info("alert {} {} {} (burn {} / {}, threshold {}, budget left {})", t.state(), t.sloId(), t.rule(),
                round(t.burnRateLong()), round(t.burnRateShort()), round(t.threshold()),
                round(t.errorBudgetRemaining()));
        state.markDirty(t.sloId());
        context.forward(new Record<String, Object>(t.sloId() + "/" + t.rule(), t, t.at().toEpochMilli()));
        final SloMonitor m = state.live(t.sloId());
        if (m != null) {
            emitStatus(m);
        }
    }

    private void emitPolicyEvent(final io.burnrate.schemas.BudgetPolicyEvent e) {
        LOG.info("budget {} through {}% for {} (remaining {}%){}", e.direction(),
                io.burnrate.engine.slo.Numbers.plain(e.threshold()), e.sloId(),
                String.format(java.util.Locale.ROOT, "%.1f", e.remainingFraction() * 100),
                e.action() == null ? "" : ", action " + e.action());
        state.markDirty(e.sloId());
        context.forward(new Record<String, Object>(e.sloId(), e, e.at().toEpochMilli()));
    }

    private void emitSummary(final ComplianceSummary s) {
        counters.summaries.increment();
        board.publishCompliance(s);
        LOG.debug("compliance {} {} [{}, {}): sli {} met {}", s.sloId(), s.period().kind(), s.period().start(),
                s.period().end(), s.sli(), s.met());
        context.forward(new Record<String, Object>(s.key(), s, s.period().end().toEpochMilli()));
    }

    private void emitStatus(final SloMonitor m) {
        final StatusSnapshot s = m.snapshot();
        if (s.at() != null) {
            final long[][] starts = new long[1][];
            final float[] burnDown = m.burnDown(starts);
            final long[] at = starts[0];
            board.publish(s, at.length == 0 ? 0 : at[0], at.length < 2 ? 0 : at[1] - at[0], burnDown);
            context.forward(new Record<String, Object>(s.sloId(), s, s.at().toEpochMilli()));
        }
    }

    /**
     * Applies SLO changes: deleted SLOs resolve their firing rules and drop their state;
     * redefined ones carry over what still fits.
     */
    private void reconcile(final boolean includeStored) {
        final SloRegistry.Snapshot snap = registry.snapshot();
        if (snap.version() == registryVersion && !includeStored) {
            return;
        }
        registryVersion = snap.version();
        if (includeStored) {
            for (final String id : state.storedIds()) {
                final SloSpec spec = snap.byId().get(id);
                if (spec != null) {
                    state.monitor(spec);
                } else if (!snap.invalid().containsKey(id)) {
                    // an SLO whose topic document is refused is not deleted: its state waits for a valid one
                    state.remove(id);
                }
            }
        }
        for (final SloMonitor m : new ArrayList<>(state.monitors())) {
            final SloSpec spec = snap.byId().get(m.spec().id());
            if (spec == null && snap.invalid().containsKey(m.spec().id())) {
                continue; // refused document without a valid version known here: keep what we have
            }
            if (spec == null) {
                LOG.info("SLO {} deleted: resolving its alerts and dropping its state", m.spec().id());
                m.resolveAll(emit);
                state.remove(m.spec().id());
                board.remove(m.spec().id());
            } else if (!spec.equals(m.spec())) {
                LOG.info("SLO {} changed: applying the new definition", spec.id());
                final SloMonitor next = m.redefine(spec, emit);
                state.replace(m, next);
                if (next.counts().now() != WindowedCounts.NO_TIME) {
                    next.evaluate(emit);
                }
            }
        }
    }

    private void loadRegistry(final ProcessorContext<String, Object> ctx) {
        if (!registry.loaded()) {
            SloRegistryProcessor.loadInto(registry, ctx.getStateStore(Names.SLO_STORE), config.slosTopic());
        }
    }

    private static String round(final double d) {
        return String.format(java.util.Locale.ROOT, "%.3f", d);
    }
}
