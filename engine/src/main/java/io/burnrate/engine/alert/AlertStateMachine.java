package io.burnrate.engine.alert;

/**
 * The two-state machine each alert rule of each SLO runs: {@code inactive -> firing}
 * when the rule's condition starts holding, {@code firing -> inactive} when it stops.
 * Exactly one transition is reported per change, so a firing rule never fires again
 * until it has resolved.
 *
 * <p>Condition (SRE Workbook, multi-window multi-burn-rate): the long and the short
 * window both burn faster than the threshold, and the long window saw at least the
 * minimum number of events.
 *
 * <p>An optional hold time (OpenSLO's {@code alertAfter}, Prometheus' {@code for}): the
 * condition must have held at every step for at least that long before the rule fires; a
 * step where it does not hold starts the wait again. The wait is not persisted, so a
 * restored machine waits again from its next step. Zero (the default) fires at once.
 */
public final class AlertStateMachine {

    public enum Transition { NONE, FIRED, RESOLVED }

    private static final long NOT_PENDING = Long.MIN_VALUE;

    private final long holdMs;
    private boolean firing;
    private long firingSince;
    private long pendingSince = NOT_PENDING;

    public AlertStateMachine() {
        this(0L);
    }

    /** A machine that fires only once the condition has held for {@code holdMs} milliseconds. */
    public AlertStateMachine(final long holdMs) {
        if (holdMs < 0) {
            throw new IllegalArgumentException("hold time must be >= 0 ms, not " + holdMs);
        }
        this.holdMs = holdMs;
    }

    /** Restores persisted state. */
    public AlertStateMachine(final boolean firing, final long firingSince) {
        this(0L);
        this.firing = firing;
        this.firingSince = firingSince;
    }

    /**
     * This machine's firing state with hold time {@code holdMs} (a restored machine takes its
     * rule's hold); a pending wait is not carried over and starts again at the next step.
     */
    public AlertStateMachine withHold(final long holdMs) {
        final AlertStateMachine m = new AlertStateMachine(holdMs);
        m.firing = firing;
        m.firingSince = firingSince;
        return m;
    }

    public static boolean conditionHolds(final double burnLong, final double burnShort, final double threshold,
                                         final long longWindowEvents, final long minEvents) {
        return burnLong > threshold && burnShort > threshold && longWindowEvents >= minEvents;
    }

    /** Feeds the condition as evaluated at event time {@code at}. */
    public Transition step(final boolean holds, final long at) {
        if (holds && !firing) {
            if (pendingSince == NOT_PENDING) {
                pendingSince = at;
            }
            if (at - pendingSince < holdMs) {
                return Transition.NONE;
            }
            pendingSince = NOT_PENDING;
            firing = true;
            firingSince = at;
            return Transition.FIRED;
        }
        if (!holds) {
            pendingSince = NOT_PENDING;
        }
        if (!holds && firing) {
            firing = false;
            return Transition.RESOLVED;
        }
        return Transition.NONE;
    }

    /** Forces a firing rule to resolve (its SLO was deleted or redefined). */
    public boolean forceResolve() {
        if (firing) {
            firing = false;
            return true;
        }
        return false;
    }

    /** Whether the condition holds but the hold time has not yet passed. */
    public boolean pending() {
        return pendingSince != NOT_PENDING;
    }

    /** Event time at which a pending wait ends (the rule fires if the condition still holds), or Long.MAX_VALUE. */
    public long pendingUntil() {
        return pendingSince == NOT_PENDING ? Long.MAX_VALUE : pendingSince + holdMs;
    }

    public long holdMs() {
        return holdMs;
    }

    public boolean firing() {
        return firing;
    }

    /** Event time the current (or last) firing started. */
    public long firingSince() {
        return firingSince;
    }
}
