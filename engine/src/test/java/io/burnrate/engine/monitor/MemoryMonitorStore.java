package io.burnrate.engine.monitor;

import io.burnrate.engine.slo.SloSpec;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A {@link MonitorStore} on the heap for tests of the evaluator without Kafka Streams. */
final class MemoryMonitorStore implements MonitorStore {
    private final Map<String, SloMonitor> live = new LinkedHashMap<>();
    private final Duration grace;
    private TaskClock clock = TaskClock.NONE;
    private int epoch;

    MemoryMonitorStore(final Duration grace) {
        this.grace = grace;
    }

    @Override
    public SloMonitor monitor(final SloSpec spec) {
        return live.computeIfAbsent(spec.id(), id -> new SloMonitor(spec, grace));
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
    }

    @Override
    public void remove(final String id) {
        live.remove(id);
    }

    @Override
    public void markDirty(final String id) {
    }

    /** Forgets every monitor, as a task whose state was cleared (a new {@link #epoch}). */
    void clear() {
        live.clear();
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
