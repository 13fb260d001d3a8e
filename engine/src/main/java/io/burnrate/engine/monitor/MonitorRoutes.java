package io.burnrate.engine.monitor;

import java.util.Arrays;

/**
 * A task's per-event shortcut from an event's service (and operation) bytes to the monitors
 * the event counts in. Without it an event walked the index's service slot and key, its
 * operation table, the SLO list, each spec and the identity table of monitors: at 10,000
 * SLOs, where none of that is in any cache, a memory load each. Here it is one slot (the
 * hashes in a dense array, key and value side by side) and the monitors themselves.
 *
 * <p>Two kinds of key. A service whose SLOs all have empty selectors is routed by its
 * service alone. A service whose SLOs select on the operation (and nothing else) is routed
 * by service alone to {@link #BY_OPERATION}, then by service and operation together, for
 * operations some SLO names and for events without one; an operation no SLO names is not
 * routed (so a stream of made-up operations cannot grow the table). Services with attribute
 * selectors are not routed.
 *
 * <p>Only a cache: the owner clears it whenever a monitor may have been created, replaced or
 * dropped for another reason than a routed event (the registry published a new index, an
 * SLO changed, the task's state was cleared). Open addressing with linear probing; it
 * doubles when half full. One thread (the task's).
 */
final class MonitorRoutes {

    /** The value of a service routed by service and operation together. */
    static final Object BY_OPERATION = new Object();

    /**
     * Separates service and operation in a key. 0xFF and 0xFE never occur in UTF-8, and the
     * byte scanner hands in ASCII only (other events are read by Jackson and matched by the
     * index), so no service name can run into a service-and-operation key.
     */
    private static final byte WITH_OPERATION = (byte) 0xFF;
    private static final byte WITHOUT_OPERATION = (byte) 0xFE;
    private static final int INITIAL = 64;

    /** Mixed hash of each slot's key, 0 for an empty slot (hashes are never 0). */
    private int[] hashes = new int[INITIAL];
    /** Slot i: key at 2i, value at 2i + 1 (a SloMonitor, a SloMonitor[] of none or two or more, or BY_OPERATION). */
    private Object[] entries = new Object[2 * INITIAL];
    private int size;
    /** What the routes were built from (the registry's index): another clears them. */
    private Object source;

    /**
     * The route of the service at {@code b[start, start + length)}: a {@link SloMonitor},
     * a {@code SloMonitor[]}, {@link #BY_OPERATION}, or null when not routed (or routed
     * under another {@code source}, which clears every route).
     */
    Object get(final Object from, final byte[] b, final int start, final int length) {
        if (from != source) {
            clear();
            source = from;
            return null;
        }
        return find(b, start, length, hash(b, start, length));
    }

    /**
     * The route of the service at {@code b[start, start + length)} with the operation at
     * {@code b[opStart, opStart + opLength)} ({@code opStart < 0}: none), for a service
     * routed {@link #BY_OPERATION} under the same source; null when not routed.
     */
    Object get(final byte[] b, final int start, final int length, final int opStart, final int opLength) {
        final int h = hash(b, start, length, opStart, opLength);
        final int mask = hashes.length - 1;
        final int keyLength = length + 1 + (opStart < 0 ? 0 : opLength);
        int slot = h & mask;
        int sh;
        while ((sh = hashes[slot]) != 0) {
            if (sh == h) {
                final byte[] k = (byte[]) entries[2 * slot];
                if (k.length == keyLength && Arrays.equals(k, 0, length, b, start, start + length)
                        && (opStart < 0 ? k[length] == WITHOUT_OPERATION : k[length] == WITH_OPERATION
                        && Arrays.equals(k, length + 1, keyLength, b, opStart, opStart + opLength))) {
                    return entries[2 * slot + 1];
                }
            }
            slot = (slot + 1) & mask;
        }
        return null;
    }

    /** Routes the service at {@code b[start, start + length)} to {@code monitors} or {@link #BY_OPERATION}. */
    void put(final byte[] b, final int start, final int length, final Object route) {
        insertNew(Arrays.copyOfRange(b, start, start + length), hash(b, start, length), route);
    }

    /** Routes the service and operation ({@code opStart < 0}: none) to {@code monitors}. */
    void put(final byte[] b, final int start, final int length, final int opStart, final int opLength,
             final SloMonitor[] monitors) {
        final int ol = opStart < 0 ? 0 : opLength;
        final byte[] key = new byte[length + 1 + ol];
        System.arraycopy(b, start, key, 0, length);
        key[length] = opStart < 0 ? WITHOUT_OPERATION : WITH_OPERATION;
        if (ol > 0) {
            System.arraycopy(b, opStart, key, length + 1, ol);
        }
        insertNew(key, hash(b, start, length, opStart, opLength), monitors);
    }

    /** Forgets every route. */
    void clear() {
        if (size > 0) {
            hashes = new int[INITIAL];
            entries = new Object[2 * INITIAL];
            size = 0;
        }
    }

    int size() {
        return size;
    }

    private Object find(final byte[] b, final int start, final int length, final int h) {
        final int mask = hashes.length - 1;
        int slot = h & mask;
        int sh;
        while ((sh = hashes[slot]) != 0) {
            if (sh == h) {
                final byte[] k = (byte[]) entries[2 * slot];
                if (k.length == length && Arrays.equals(k, 0, length, b, start, start + length)) {
                    return entries[2 * slot + 1];
                }
            }
            slot = (slot + 1) & mask;
        }
        return null;
    }

    private void insertNew(final byte[] key, final int h, final Object route) {
        if (2 * (size + 1) > hashes.length) {
            grow();
        }
        final Object value = route instanceof SloMonitor[] ms ? (ms.length == 1 ? ms[0] : ms.clone()) : route;
        insert(key, h, value);
        size++;
    }

    private void insert(final byte[] key, final int h, final Object value) {
        final int mask = hashes.length - 1;
        int slot = h & mask;
        while (hashes[slot] != 0) {
            slot = (slot + 1) & mask;
        }
        hashes[slot] = h;
        entries[2 * slot] = key;
        entries[2 * slot + 1] = value;
    }

    private void grow() {
        final int[] oldHashes = hashes;
        final Object[] oldEntries = entries;
        hashes = new int[oldHashes.length * 2];
        entries = new Object[oldEntries.length * 2];
        for (int i = 0; i < oldHashes.length; i++) {
            if (oldHashes[i] != 0) {
                insert((byte[]) oldEntries[2 * i], oldHashes[i], oldEntries[2 * i + 1]);
            }
        }
    }

    /** Polynomial hash, mixed (Fibonacci hashing) so sequential names spread; never 0. */
    static int hash(final byte[] b, final int start, final int length) {
        return mix(polynomial(1, b, start, length));
    }

    /** The hash of a service-and-operation key (as if hashing the key's bytes). */
    static int hash(final byte[] b, final int start, final int length, final int opStart, final int opLength) {
        int h = polynomial(1, b, start, length);
        h = 31 * h + (opStart < 0 ? WITHOUT_OPERATION : WITH_OPERATION);
        return mix(opStart < 0 ? h : polynomial(h, b, opStart, opLength));
    }

    private static int polynomial(final int seed, final byte[] b, final int start, final int length) {
        int h = seed;
        for (int k = start; k < start + length; k++) {
            h = 31 * h + b[k];
        }
        return h;
    }

    private static int mix(final int polynomial) {
        int h = polynomial * 0x9E3779B9;
        h ^= h >>> 16;
        return h == 0 ? 1 : h;
    }
}
