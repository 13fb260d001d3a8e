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
 */
public final class AlertStateMachine {

    public enum Transition { NONE, FIRED, RESOLVED }

    private boolean firing;
    private long firingSince;

    public AlertStateMachine() {
    }

    /** Restores persisted state. */
    public AlertStateMachine(final boolean firing, final long firingSince) {
        this.firing = firing;
        this.firingSince = firingSince;
    }

    public static boolean conditionHolds(final double burnLong, final double burnShort, final double threshold,
                                         final long longWindowEvents, final long minEvents) {
        return burnLong > threshold && burnShort > threshold && longWindowEvents >= minEvents;
    }

    /** Feeds the condition as evaluated at event time {@code at}. */
    public Transition step(final boolean holds, final long at) {
        if (holds && !firing) {
            firing = true;
            firingSince = at;
            return Transition.FIRED;
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

    public boolean firing() {
        return firing;
    }

    /** Event time the current (or last) firing started. */
    public long firingSince() {
        return firingSince;
    }
}
