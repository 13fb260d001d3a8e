package io.burnrate.engine.topology;

import io.burnrate.engine.slo.SloSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live SLO definitions of one engine instance, indexed by service. Written by the
 * global-store processor reading {@code burnrate.slos}; read by every stream thread.
 * Each change publishes a new immutable snapshot (copy-on-write), so readers never lock.
 */
public final class SloRegistry {

    /** One immutable version of the registry. */
    public record Snapshot(long version, Map<String, SloSpec> byId, Map<String, List<SloSpec>> byService) {

        public List<SloSpec> forService(final String service) {
            final List<SloSpec> specs = byService.get(service);
            return specs == null ? List.of() : specs;
        }
    }

    private volatile Snapshot current = new Snapshot(0, Map.of(), Map.of());
    private volatile boolean loaded;

    public Snapshot snapshot() {
        return current;
    }

    public synchronized void put(final SloSpec spec) {
        final Map<String, SloSpec> byId = new TreeMap<>(current.byId());
        byId.put(spec.id(), spec);
        publish(byId);
    }

    public synchronized void remove(final String id) {
        if (current.byId().containsKey(id)) {
            final Map<String, SloSpec> byId = new TreeMap<>(current.byId());
            byId.remove(id);
            publish(byId);
        }
    }

    /** Loads the initial definitions once (from the restored global store). */
    public synchronized void loadOnce(final Collection<SloSpec> specs) {
        if (loaded) {
            return;
        }
        loaded = true;
        final Map<String, SloSpec> byId = new TreeMap<>(current.byId());
        for (final SloSpec s : specs) {
            byId.putIfAbsent(s.id(), s);
        }
        publish(byId);
    }

    public boolean loaded() {
        return loaded;
    }

    private void publish(final Map<String, SloSpec> byId) {
        final Map<String, List<SloSpec>> byService = new HashMap<>();
        for (final SloSpec s : byId.values()) {
            byService.computeIfAbsent(s.service(), k -> new ArrayList<>()).add(s);
        }
        byService.replaceAll((k, v) -> List.copyOf(v));
        current = new Snapshot(current.version() + 1, Collections.unmodifiableMap(byId),
                Collections.unmodifiableMap(byService));
    }
}
