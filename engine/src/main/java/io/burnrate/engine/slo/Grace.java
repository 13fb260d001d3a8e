package io.burnrate.engine.slo;

import java.time.Duration;

/**
 * How late an event may be: one counts while it is at most the grace period behind its
 * task's event time, and a compliance period closes (its summary is final) once event
 * time is a grace period past its end. The engine's {@code grace} setting; this is its
 * default, the one definition the monitor, the compliance counters and the settings
 * share.
 */
public final class Grace {

    /** The default as flags and settings write it (a constant, so annotations can use it too). */
    public static final String DEFAULT_TEXT = "5m";
    /** 5 minutes. */
    public static final Duration DEFAULT = Durations.parse(DEFAULT_TEXT);

    private Grace() {
    }
}
