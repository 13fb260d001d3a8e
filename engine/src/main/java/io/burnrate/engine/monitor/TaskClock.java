package io.burnrate.engine.monitor;

import io.burnrate.engine.sli.WindowedCounts;

/**
 * A task's event-time clock, persisted with its state.
 *
 * @param taskTime  the newest event time an SLO of the task counted (or the idle advance),
 *                  {@link #NO_TIME} before any
 * @param lastSweep the task time at which every SLO was last advanced and evaluated
 */
public record TaskClock(long taskTime, long lastSweep) {

    public static final long NO_TIME = WindowedCounts.NO_TIME;
    public static final TaskClock NONE = new TaskClock(NO_TIME, NO_TIME);

    public boolean started() {
        return taskTime != NO_TIME;
    }
}
