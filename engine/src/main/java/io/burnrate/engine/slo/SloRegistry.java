package io.burnrate.engine.slo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live SLO definitions of one engine instance, indexed by service. Written by the
 * global-store processor reading {@code burnrate.slos}; read by every stream thread.
 * Changes are published as a new immutable snapshot (copy-on-write) at the next
 * {@link #snapshot()}, so readers never lock while nothing changed.
 */
public final class SloRegistry {

    /**
     * The latest document on the SLO topic for {@code id} was refused.
     *
     * @param reason       stable code: {@code invalid-slo}, {@code key-mismatch}, {@code limit}
     * @param detail       every problem, for people
     * @param offset       where on the topic (-1 when unknown)
     * @param keptPrevious whether an earlier valid version of the SLO stays in force
     */
    public record Invalid(String id, String reason, String detail, long offset, boolean keptPrevious) {
    }

    /** Hears about every refused document as it is read (the engine dead-letters it). */
    public interface RejectionListener {
        void rejected(String key, byte[] value, Invalid why);
    }

    /** Rejection codes. */
    public static final String INVALID_SLO = "invalid-slo";
    public static final String KEY_MISMATCH = "key-mismatch";
    public static final String LIMIT = "limit";
    public static final String MISSING_KEY = "missing-key";

    /**
     * One immutable version of the registry.
     *
     * @param invalid SLO ids whose latest topic document was refused: with
     *                {@link Invalid#keptPrevious()} the previous version is still in {@code byId}
     * @param index   which SLOs an event selects, by service and operation bytes (the hot path)
     */
    public record Snapshot(long version, Map<String, SloSpec> byId, Map<String, List<SloSpec>> byService,
                           Map<String, Invalid> invalid, SloIndex index) {

        public List<SloSpec> forService(final String service) {
            final List<SloSpec> specs = byService.get(service);
            return specs == null ? List.of() : specs;
        }
    }

    private volatile Snapshot current = new Snapshot(0, Map.of(), Map.of(), Map.of(), new SloIndex(List.of()));
    private volatile boolean loaded;
    /** Changes not yet published (guarded by this); null: none. */
    private Map<String, SloSpec> pendingById;
    private Map<String, Invalid> pendingInvalid;
    private volatile boolean dirty;
    private volatile SloLimits limits = SloLimits.DEFAULTS;
    private volatile RejectionListener listener = (k, v, why) -> { };
    private final Map<String, LongAdder> rejected =
            new ConcurrentHashMap<>();

    /** The limits documents on the topic are held to ({@link SloLimits#DEFAULTS} unless set before start). */
    public void useLimits(final SloLimits l) {
        this.limits = l;
    }

    public SloLimits limits() {
        return limits;
    }

    public void onRejection(final RejectionListener l) {
        this.listener = l;
    }

    public RejectionListener listener() {
        return listener;
    }

    /** Documents refused since start, by reason (also counts re-reads after a restore). */
    public long rejectedCount(final String reason) {
        final var a = rejected.get(reason);
        return a == null ? 0 : a.sum();
    }

    public void countRejected(final String reason) {
        rejected.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** Records that the latest document of {@code why.id()} was refused; the SLO's valid version, if any, stays. */
    public synchronized void reject(final Invalid why) {
        pendingInvalid().put(why.id(), why);
        dirty = true;
    }

    /**
     * The current version. Changes since the last call are published here, once: a restore or
     * an {@code slo apply} of 10,000 SLOs is 10,000 {@link #put}s, and rebuilding the copy and
     * its index on each of them was quadratic (20.9 s to restore 10,000 SLOs).
     */
    public Snapshot snapshot() {
        if (dirty) {
            synchronized (this) {
                if (dirty) {
                    publish(pendingById != null ? pendingById : current.byId(),
                            pendingInvalid != null ? pendingInvalid : current.invalid());
                    pendingById = null;
                    pendingInvalid = null;
                    dirty = false;
                }
            }
        }
        return current;
    }

    /** Whether {@code id} is defined, counting changes not yet published. */
    public synchronized boolean defines(final String id) {
        return (pendingById != null ? pendingById : current.byId()).containsKey(id);
    }

    /** How many SLOs are defined, counting changes not yet published. */
    public synchronized int size() {
        return (pendingById != null ? pendingById : current.byId()).size();
    }

    public synchronized void put(final SloSpec spec) {
        pendingById().put(spec.id(), spec);
        if ((pendingInvalid != null ? pendingInvalid : current.invalid()).containsKey(spec.id())) {
            pendingInvalid().remove(spec.id());
        }
        dirty = true;
    }

    public synchronized void remove(final String id) {
        final boolean defined = (pendingById != null ? pendingById : current.byId()).containsKey(id);
        final boolean refused = (pendingInvalid != null ? pendingInvalid : current.invalid()).containsKey(id);
        if (defined) {
            pendingById().remove(id);
        }
        if (refused) {
            pendingInvalid().remove(id);
        }
        if (defined || refused) {
            dirty = true;
        }
    }

    /** The definitions being changed (a copy of the published ones, made once per batch of changes). */
    private Map<String, SloSpec> pendingById() {
        if (pendingById == null) {
            pendingById = new TreeMap<>(current.byId());
        }
        return pendingById;
    }

    private Map<String, Invalid> pendingInvalid() {
        if (pendingInvalid == null) {
            pendingInvalid = new TreeMap<>(current.invalid());
        }
        return pendingInvalid;
    }

    /** Loads the initial definitions once (from the restored global store). */
    public synchronized void loadOnce(final Collection<SloSpec> specs) {
        loadOnce(specs, List.of());
    }

    /** Loads the initial definitions and the recorded refusals once (from the restored global store). */
    public synchronized void loadOnce(final Collection<SloSpec> specs, final Collection<Invalid> refused) {
        if (loaded) {
            return;
        }
        loaded = true;
        final Map<String, SloSpec> byId = pendingById();
        for (final SloSpec s : specs) {
            byId.putIfAbsent(s.id(), s);
        }
        final Map<String, Invalid> invalid = pendingInvalid();
        for (final Invalid i : refused) {
            invalid.putIfAbsent(i.id(), i);
        }
        dirty = true;
    }

    public boolean loaded() {
        return loaded;
    }

    private void publish(final Map<String, SloSpec> byId, final Map<String, Invalid> invalid) {
        // the maps are this version's own (the pending copies, or the published unmodifiable ones)
        final Map<String, List<SloSpec>> byService = new HashMap<>();
        for (final SloSpec s : byId.values()) {
            byService.computeIfAbsent(s.service(), k -> new ArrayList<>()).add(s);
        }
        byService.replaceAll((k, v) -> List.copyOf(v));
        final Map<String, SloSpec> specs = Collections.unmodifiableMap(byId);
        current = new Snapshot(current.version() + 1, specs, Collections.unmodifiableMap(byService),
                Collections.unmodifiableMap(invalid), new SloIndex(specs.values()));
    }
}
