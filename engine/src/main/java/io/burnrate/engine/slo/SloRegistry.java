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
 * Each change publishes a new immutable snapshot (copy-on-write), so readers never lock.
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
        final Map<String, Invalid> invalid = new TreeMap<>(current.invalid());
        invalid.put(why.id(), why);
        publish(current.byId(), invalid);
    }

    public Snapshot snapshot() {
        return current;
    }

    public synchronized void put(final SloSpec spec) {
        final Map<String, SloSpec> byId = new TreeMap<>(current.byId());
        byId.put(spec.id(), spec);
        publish(byId, without(current.invalid(), spec.id()));
    }

    public synchronized void remove(final String id) {
        if (current.byId().containsKey(id) || current.invalid().containsKey(id)) {
            final Map<String, SloSpec> byId = new TreeMap<>(current.byId());
            byId.remove(id);
            publish(byId, without(current.invalid(), id));
        }
    }

    private static Map<String, Invalid> without(final Map<String, Invalid> invalid, final String id) {
        if (!invalid.containsKey(id)) {
            return invalid;
        }
        final Map<String, Invalid> out = new TreeMap<>(invalid);
        out.remove(id);
        return out;
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
        final Map<String, SloSpec> byId = new TreeMap<>(current.byId());
        for (final SloSpec s : specs) {
            byId.putIfAbsent(s.id(), s);
        }
        final Map<String, Invalid> invalid = new TreeMap<>(current.invalid());
        for (final Invalid i : refused) {
            invalid.putIfAbsent(i.id(), i);
        }
        publish(byId, invalid);
    }

    public boolean loaded() {
        return loaded;
    }

    private void publish(final Map<String, SloSpec> byId, final Map<String, Invalid> invalid) {
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
