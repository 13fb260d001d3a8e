package io.burnrate.engine.monitor;

import io.burnrate.engine.slo.SloSpec;
import java.util.Collection;
import java.util.List;

/** Where a task's SLO monitors and clock live (the Kafka state store, or memory in tests). */
public interface MonitorStore {

    /** The live monitor of {@code spec}, loaded from storage or created on first use. */
    SloMonitor monitor(SloSpec spec);

    /** The live monitor of SLO {@code id}, or null. */
    SloMonitor live(String id);

    /** The live monitors. */
    Collection<SloMonitor> monitors();

    /** Ids of SLOs with stored state (live or not). */
    List<String> storedIds();

    /** {@code next} takes {@code previous}'s place (a redefined SLO). */
    void replace(SloMonitor previous, SloMonitor next);

    /** Drops SLO {@code id} and its stored state. */
    void remove(String id);

    /** SLO {@code id} changed and is written at the next commit. */
    void markDirty(String id);

    /** {@code m}, a live monitor, changed (the per-event form of {@link #markDirty(String)}: no lookup). */
    default void markDirty(final SloMonitor m) {
        markDirty(m.spec().id());
    }

    /**
     * Changes whenever live monitors may have been dropped or replaced by the store itself
     * (its state cleared): a caller holding on to monitors looks them up again.
     */
    default int epoch() {
        return 0;
    }

    TaskClock clock();

    void setClock(TaskClock clock);
}
