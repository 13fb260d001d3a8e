package io.burnrate.engine.compliance;

import io.burnrate.engine.slo.CompliancePeriod;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The accumulators of one tracker to write at the next commit, by storage key
 * ({@link #key}), and the keys to delete. Each key to write keeps the accumulator it
 * stands for, so a commit encodes them without looking anything up.
 */
final class PendingWrites {

    private final Map<String, ComplianceAccumulator> dirty = new LinkedHashMap<>();
    private final Set<String> removed = new LinkedHashSet<>();

    /** {@code role kind-initial startMillis}: orders and identifies one accumulator of an SLO. */
    static String key(final byte role, final CompliancePeriod p) {
        return (char) role + p.kind().label().substring(0, 1) + String.format("%016x", p.start().toEpochMilli());
    }

    /** {@code a}, stored under {@code key}, changed: write it at the next commit. */
    void write(final String key, final ComplianceAccumulator a) {
        dirty.put(key, a);
    }

    /** The accumulator under {@code key} is dropped: delete it at the next commit (and do not write it). */
    void delete(final String key) {
        dirty.remove(key);
        removed.add(key);
    }

    /** Whether {@code key} is to be written. */
    boolean isDirty(final String key) {
        return dirty.containsKey(key);
    }

    /** Whether {@code key} is to be written or deleted: what the store holds under it is stale. */
    boolean isPending(final String key) {
        return removed.contains(key) || dirty.containsKey(key);
    }

    boolean isEmpty() {
        return dirty.isEmpty() && removed.isEmpty();
    }

    /** The writes, key to bytes (null: delete), and forgets them. */
    Map<String, byte[]> drain() {
        final Map<String, byte[]> w = new TreeMap<>();
        for (final String key : removed) {
            w.put(key, null);
        }
        for (final Map.Entry<String, ComplianceAccumulator> e : dirty.entrySet()) {
            w.put(e.getKey(), AccumulatorCodec.encode(e.getValue()));
        }
        removed.clear();
        dirty.clear();
        return w;
    }
}
