package io.burnrate.engine.topology;

/**
 * Set once a finite input is exhausted (the end of an offline replay): on its next
 * wall-clock tick every task closes its open compliance periods, so a replay of a month
 * ends with that month's summary. A running engine never sets it; there, periods close
 * as event time passes their end plus the grace period.
 */
public final class InputEnd {

    private volatile boolean reached;

    public void reach() {
        reached = true;
    }

    public boolean reached() {
        return reached;
    }
}
