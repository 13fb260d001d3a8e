package io.burnrate.engine.monitor;

import java.util.Arrays;

/**
 * A task's per-event shortcut from a service's UTF-8 bytes to the monitors every event of
 * that service counts in, for services whose SLOs all have empty selectors (the index's
 * {@code ServiceSlos.selectsAll}). Without it an event walked the index's service slot and
 * key, its SLO list, each spec and the identity table of monitors: at 10,000 SLOs, where
 * none of that is in any cache, a memory load each. Here it is one slot (key and value side
 * by side, the hash in a dense array) and the monitor itself.
 *
 * <p>Only a cache: the owner clears it whenever a monitor may have been created, replaced or
 * dropped for another reason than an event of that service (the registry published a new
 * index, an SLO changed, the task's state was cleared). Open addressing with linear probing;
 * it doubles when half full. One thread (the task's).
 */
final class MonitorRoutes {

    private static final int INITIAL = 64;

    /** Mixed hash of each slot's key, 0 for an empty slot (hashes are never 0). */
    private int[] hashes = new int[INITIAL];
    /** Slot i: key at 2i, value at 2i + 1 (a SloMonitor, or a SloMonitor[] of two or more). */
    private Object[] entries = new Object[2 * INITIAL];
    private int size;
    /** What the routes were built from (the registry's index): another clears them. */
    private Object source;

    /**
     * The monitors of the service at {@code b[start, start + length)}: a {@link SloMonitor},
     * a {@code SloMonitor[]}, or null when not routed (or routed under another {@code source}).
     */
    Object get(final Object from, final byte[] b, final int start, final int length) {
        if (from != source) {
            clear();
            source = from;
            return null;
        }
        final int h = hash(b, start, length);
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

    /** Routes the service at {@code b[start, start + length)} to {@code monitors} (copies the key). */
    void put(final byte[] b, final int start, final int length, final SloMonitor[] monitors) {
        if (2 * (size + 1) > hashes.length) {
            grow();
        }
        insert(Arrays.copyOfRange(b, start, start + length), hash(b, start, length),
                monitors.length == 1 ? monitors[0] : monitors.clone());
        size++;
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
        int h = 1;
        for (int k = start; k < start + length; k++) {
            h = 31 * h + b[k];
        }
        h *= 0x9E3779B9;
        h ^= h >>> 16;
        return h == 0 ? 1 : h;
    }
}
