package io.burnrate.engine.monitor;

import io.burnrate.engine.slo.SloSpec;
import java.time.Duration;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link MonitorStore} on the heap, nothing persisted: for running the evaluator without
 * Kafka Streams (tests, the JMH benchmarks). Monitors are kept by id and, for the per-event
 * lookup, by the spec's identity, as the state store keeps them.
 */
public final class HeapMonitorStore implements MonitorStore {
    private final Map<String, SloMonitor> live = new LinkedHashMap<>();
    private final Map<SloSpec, SloMonitor> bySpec = new IdentityHashMap<>();
    private final Duration grace;
    private TaskClock clock = TaskClock.NONE;
    private int epoch;

    /** Monitors with this grace for late events. */
    public HeapMonitorStore(final Duration grace) {
        this.grace = grace;
    }

    @Override
    public SloMonitor monitor(final SloSpec spec) {
        SloMonitor m = bySpec.get(spec);
        if (m == null) {
            m = live.computeIfAbsent(spec.id(), id -> new SloMonitor(spec, grace));
            if (bySpec.size() >= 2 * live.size() + 16) {
                bySpec.clear(); // equal specs re-published as new instances must not grow it forever
            }
            bySpec.put(spec, m);
        }
        return m;
    }

    @Override
    public SloMonitor live(final String id) {
        return live.get(id);
    }

    @Override
    public Collection<SloMonitor> monitors() {
        return live.values();
    }

    @Override
    public List<String> storedIds() {
        return List.copyOf(live.keySet());
    }

    @Override
    public void replace(final SloMonitor previous, final SloMonitor next) {
        live.put(next.spec().id(), next);
        bySpec.clear();
    }

    @Override
    public void remove(final String id) {
        live.remove(id);
        bySpec.clear();
    }

    @Override
    public void markDirty(final String id) {
    }

    @Override
    public void markDirty(final SloMonitor m) {
    }

    /** Forgets every monitor, as a task whose state was cleared (a new {@link #epoch}). */
    public void clear() {
        live.clear();
        bySpec.clear();
        epoch++;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    @Override
    public TaskClock clock() {
        return clock;
    }

    @Override
    public void setClock(final TaskClock c) {
        clock = c;
    }
}
