package io.burnrate.engine.topology;

import io.burnrate.engine.alert.AlertStateMachine;
import io.burnrate.engine.alert.SloMonitor;
import io.burnrate.engine.compliance.ComplianceTracker;
import io.burnrate.engine.sli.WindowedCounts;
import io.burnrate.engine.slo.SloSpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The per-SLO state of one task: live {@link SloMonitor}s in memory, persisted to a
 * changelogged RocksDB store only at commit time.
 *
 * <p>Why not plain store puts per event: the record cache would serialize and compare
 * keys on every event. Here an event touches plain arrays; on {@link #flushCache} every
 * dirty SLO writes its header and its dirty bucket chunks. Kafka Streams calls
 * {@code flushCache} on caching stores while preparing a commit, before it commits the
 * changelog writes and the input offsets in one transaction (exactly-once v2), so what
 * a commit covers, the store holds: nothing accepted is lost, nothing counted twice.
 * {@code CachedStateStore} is Kafka Streams' internal interface for exactly this (its
 * own record cache implements it); the Kafka version is pinned, and ExactlyOnceIT
 * fails if the hook ever stops being called before the transaction commits.
 *
 * <p>Keys: {@code sloId NUL 'H'} (header: time, layout, rule states),
 * {@code sloId NUL 'C' tier chunk} (a chunk of {@link WindowedCounts#CHUNK} buckets,
 * varint-encoded) and {@code sloId NUL 'P' role kind start} (one compliance period's
 * accumulator, see {@link ComplianceTracker}). Entries per SLO are bounded by its layout
 * and window, whatever the traffic.
 */
public final class SloStateStore implements StateStore, CachedStateStore<byte[], byte[]> {

    private static final byte SEP = 0;
    private static final byte HEADER = 'H';
    private static final byte CHUNK = 'C';
    private static final byte PERIOD = 'P';
    private static final int FORMAT = 2;

    private final KeyValueStore<Bytes, byte[]> inner;
    private final Map<String, SloMonitor> live = new HashMap<>();
    private final Set<String> dirty = new LinkedHashSet<>();
    private final Set<String> deleted = new LinkedHashSet<>();
    /** SLOs whose stored compliance periods are dropped before their tracker writes again. */
    private final Set<String> periodsDropped = new LinkedHashSet<>();
    /** SLOs whose stored bucket chunks no longer fit their layout (the header is rewritten). */
    private final Set<String> countsDropped = new LinkedHashSet<>();
    private static final Bytes CLOCK_KEY = Bytes.wrap(new byte[] {SEP, 'T'});
    private long[] clock;
    private boolean clockDirty;
    private java.time.Duration grace = SloMonitor.DEFAULT_GRACE;

    SloStateStore(final KeyValueStore<Bytes, byte[]> inner) {
        this.inner = inner;
    }

    /** A builder for the topology: RocksDB underneath, changelog on, record cache off. */
    public static StoreBuilder<SloStateStore> builder(final String name) {
        return new Builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(),
                Serdes.ByteArray()).withCachingDisabled());
    }

    /** Heap only, no changelog: for offline replay, where nothing outlives the run. */
    public static StoreBuilder<SloStateStore> inMemoryBuilder(final String name) {
        return new Builder(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.Bytes(),
                Serdes.ByteArray()).withCachingDisabled().withLoggingDisabled());
    }

    // ---- monitors ----

    /** The engine's grace for late events (compliance periods close that long after their end). */
    public void useGrace(final java.time.Duration g) {
        this.grace = g;
    }

    /** The monitor of this SLO, from memory, from the store, or new. */
    public SloMonitor monitor(final SloSpec spec) {
        SloMonitor m = live.get(spec.id());
        if (m == null) {
            m = load(spec);
            live.put(spec.id(), m);
        }
        return m;
    }

    /** The in-memory monitor of an SLO, or null (no store read). */
    public SloMonitor live(final String id) {
        return live.get(id);
    }

    /** Monitors currently in memory. */
    public Collection<SloMonitor> monitors() {
        return live.values();
    }

    /** Ids of every SLO with persisted state (for reconciliation after a restore). */
    public List<String> storedIds() {
        final List<String> ids = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = inner.all()) {
            while (it.hasNext()) {
                final byte[] key = it.next().key.get();
                final int sep = indexOf(key, SEP);
                if (sep > 0 && sep + 1 < key.length && key[sep + 1] == HEADER) {
                    ids.add(new String(key, 0, sep, StandardCharsets.UTF_8));
                }
            }
        }
        return ids;
    }

    /**
     * Swaps in a redefined monitor. When its bucket layout changed the stored chunks no
     * longer fit and are dropped; otherwise they stay valid.
     */
    public void replace(final SloMonitor monitor, final boolean layoutChanged) {
        live.put(monitor.spec().id(), monitor);
        if (layoutChanged) {
            deleted.add(monitor.spec().id());
        }
        periodsDropped.add(monitor.spec().id());
        final String id = monitor.spec().id();
        monitor.compliance().useStore(() -> storedParts(id));
        monitor.compliance().markAllDirty();
        markDirty(monitor.spec().id());
    }

    public void markDirty(final String id) {
        dirty.add(id);
    }

    public void remove(final String id) {
        live.remove(id);
        dirty.remove(id);
        deleted.add(id);
    }

    /**
     * The task's clock: {newest accepted event time, event time of the last sweep}. Kept
     * with the counts so that a restarted task makes the same decisions (lateness,
     * sweeps) as one that never stopped.
     */
    public long[] clock() {
        if (clock == null) {
            final byte[] stored = inner.get(CLOCK_KEY);
            clock = new long[] {WindowedCounts.NO_TIME, WindowedCounts.NO_TIME};
            if (stored != null && stored.length == 16) {
                final ByteBuffer b = ByteBuffer.wrap(stored);
                clock[0] = b.getLong();
                clock[1] = b.getLong();
            }
        }
        return clock;
    }

    public void setClock(final long taskTime, final long lastSweep) {
        clock();
        if (clock[0] != taskTime || clock[1] != lastSweep) {
            clock[0] = taskTime;
            clock[1] = lastSweep;
            clockDirty = true;
        }
    }

    // ---- persistence ----

    @Override
    public void flushCache() {
        persist();
    }

    /** A task closed dirty: what was not flushed must not survive in memory. */
    @Override
    public void clearCache() {
        live.clear();
        dirty.clear();
        deleted.clear();
        periodsDropped.clear();
        countsDropped.clear();
        clock = null;
        clockDirty = false;
    }

    @Override
    public boolean setFlushListener(final CacheFlushListener<byte[], byte[]> listener, final boolean sendOldValues) {
        return false;
    }

    @Override
    public void commit(final Map<TopicPartition, Long> changelogOffsets) {
        persist();
        inner.commit(changelogOffsets);
    }

    private void persist() {
        if (clockDirty) {
            inner.put(CLOCK_KEY, ByteBuffer.allocate(16).putLong(clock[0]).putLong(clock[1]).array());
            clockDirty = false;
        }
        for (final String id : deleted) {
            deleteKeys(id);
        }
        deleted.clear();
        for (final String id : periodsDropped) {
            deleteRange(id, PERIOD);
        }
        periodsDropped.clear();
        for (final String id : countsDropped) {
            deleteRange(id, CHUNK);
        }
        countsDropped.clear();
        for (final String id : dirty) {
            final SloMonitor m = live.get(id);
            if (m != null) {
                write(m);
            }
        }
        dirty.clear();
    }

    private void write(final SloMonitor m) {
        final String id = m.spec().id();
        final WindowedCounts c = m.counts();
        final ByteBuffer h = ByteBuffer.allocate(4 + 8 + 4 + 4 + m.ruleCount() * 9 + 4);
        h.putInt(FORMAT).putLong(c.now()).putInt(c.layout().hashCode()).putInt(m.ruleCount());
        for (int i = 0; i < m.ruleCount(); i++) {
            final AlertStateMachine sm = m.machine(i);
            h.put((byte) (sm.firing() ? 1 : 0)).putLong(sm.firingSince());
        }
        h.putInt(m.budgetThresholdsCrossed());
        inner.put(key(id, HEADER, -1, -1), java.util.Arrays.copyOf(h.array(), h.position()));
        for (int t = 0; t < c.tiers(); t++) {
            for (int k = 0; k < c.chunks(t); k++) {
                if (c.isDirty(t, k)) {
                    inner.put(key(id, CHUNK, t, k), encodeChunk(c, t, k));
                }
            }
        }
        c.clearDirty();
        for (final Map.Entry<String, byte[]> w : m.compliance().pendingWrites().entrySet()) {
            final Bytes k = periodKey(id, w.getKey());
            if (w.getValue() == null) {
                inner.delete(k);
            } else {
                inner.put(k, w.getValue());
            }
        }
    }

    private void loadPeriods(final SloMonitor m) {
        final String id = m.spec().id();
        final List<Bytes> drop = new ArrayList<>();
        final byte[] from = prefix(id, SEP, PERIOD);
        try (KeyValueIterator<Bytes, byte[]> it = inner.range(Bytes.wrap(from), Bytes.wrap(prefix(id, SEP,
                (byte) (PERIOD + 1))))) {
            while (it.hasNext()) {
                final var kv = it.next();
                final byte[] k = kv.key.get();
                final String suffix = new String(k, from.length, k.length - from.length, StandardCharsets.US_ASCII);
                if (!m.compliance().restore(suffix, kv.value)) {
                    drop.add(kv.key);
                }
            }
        }
        drop.forEach(inner::delete);
        m.restoreComplianceFiring();
    }

    /** The closed rolling-window parts stored for {@code id}: key suffix to bytes. */
    private Map<String, byte[]> storedParts(final String id) {
        final Map<String, byte[]> out = new java.util.TreeMap<>();
        final byte[] from = prefix(id, SEP, PERIOD);
        try (KeyValueIterator<Bytes, byte[]> it = inner.range(periodKey(id, String.valueOf((char) ComplianceTracker.PART)),
                periodKey(id, String.valueOf((char) (ComplianceTracker.PART + 1))))) {
            while (it.hasNext()) {
                final var kv = it.next();
                final byte[] k = kv.key.get();
                out.put(new String(k, from.length, k.length - from.length, StandardCharsets.US_ASCII), kv.value);
            }
        }
        return out;
    }

    private void deleteRange(final String id, final byte type) {
        final List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = inner.range(Bytes.wrap(prefix(id, SEP, type)),
                Bytes.wrap(prefix(id, SEP, (byte) (type + 1))))) {
            while (it.hasNext()) {
                keys.add(it.next().key);
            }
        }
        keys.forEach(inner::delete);
    }

    private static Bytes periodKey(final String id, final String suffix) {
        final byte[] p = prefix(id, SEP, PERIOD);
        final byte[] s = suffix.getBytes(StandardCharsets.US_ASCII);
        final byte[] k = java.util.Arrays.copyOf(p, p.length + s.length);
        System.arraycopy(s, 0, k, p.length, s.length);
        return Bytes.wrap(k);
    }

    private static byte[] prefix(final String id, final byte sep, final byte type) {
        final byte[] p = prefix(id, sep);
        final byte[] k = java.util.Arrays.copyOf(p, p.length + 1);
        k[p.length] = type;
        return k;
    }

    private SloMonitor load(final SloSpec spec) {
        final SloMonitor m = new SloMonitor(spec, grace);
        m.compliance().useStore(() -> storedParts(spec.id()));
        final byte[] header = inner.get(key(spec.id(), HEADER, -1, -1));
        if (header == null) {
            return m;
        }
        final ByteBuffer h = ByteBuffer.wrap(header);
        final WindowedCounts c = m.counts();
        if (h.getInt() != FORMAT) {
            return m;
        }
        final long now = h.getLong();
        final int layoutHash = h.getInt();
        final int rules = h.getInt();
        if (layoutHash != c.layout().hashCode() || rules != m.ruleCount()) {
            // definition changed while the state was stored: the counts start afresh; the
            // compliance periods carry on where they still fit (same objective, method, periods)
            countsDropped.add(spec.id());
            markDirty(spec.id());
            c.restoreTime(now); // empty buckets, but the SLO's clock (and its periods) carry on
            c.rebuildSums();
            loadPeriods(m);
            return m;
        }
        for (int i = 0; i < rules; i++) {
            m.restoreMachine(i, new AlertStateMachine(h.get() == 1, h.getLong()));
        }
        m.restoreBudgetThresholdsCrossed(h.getInt());
        c.restoreTime(now);
        for (int t = 0; t < c.tiers(); t++) {
            for (int k = 0; k < c.chunks(t); k++) {
                final byte[] chunk = inner.get(key(spec.id(), CHUNK, t, k));
                if (chunk != null) {
                    decodeChunk(c, t, k, chunk);
                }
            }
        }
        c.rebuildSums();
        loadPeriods(m);
        return m;
    }

    private void deleteKeys(final String id) {
        final List<Bytes> keys = new ArrayList<>();
        final byte[] from = prefix(id, SEP);
        final byte[] to = prefix(id, (byte) 1);
        try (KeyValueIterator<Bytes, byte[]> it = inner.range(Bytes.wrap(from), Bytes.wrap(to))) {
            while (it.hasNext()) {
                keys.add(it.next().key);
            }
        }
        for (final Bytes k : keys) {
            if (!live.containsKey(id) || !isHeader(k)) {
                inner.delete(k);
            }
        }
    }

    private static boolean isHeader(final Bytes k) {
        final byte[] b = k.get();
        final int sep = indexOf(b, SEP);
        return sep >= 0 && sep + 1 < b.length && b[sep + 1] == HEADER;
    }

    private static byte[] encodeChunk(final WindowedCounts c, final int tier, final int chunk) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(WindowedCounts.CHUNK * 2);
        final int from = chunk * WindowedCounts.CHUNK;
        final int to = Math.min(from + WindowedCounts.CHUNK, c.layout().tierBuckets()[tier]);
        for (int s = from; s < to; s++) {
            writeVarLong(out, c.slotTotal(tier, s));
            writeVarLong(out, c.slotBad(tier, s));
        }
        return out.toByteArray();
    }

    private static void decodeChunk(final WindowedCounts c, final int tier, final int chunk, final byte[] data) {
        final ByteBuffer in = ByteBuffer.wrap(data);
        final int from = chunk * WindowedCounts.CHUNK;
        final int to = Math.min(from + WindowedCounts.CHUNK, c.layout().tierBuckets()[tier]);
        for (int s = from; s < to && in.hasRemaining(); s++) {
            final long total = readVarLong(in);
            final long bad = readVarLong(in);
            c.setSlot(tier, s, total, bad);
        }
    }

    private static void writeVarLong(final ByteArrayOutputStream out, final long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long readVarLong(final ByteBuffer in) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            final byte b = in.get();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalStateException("corrupt varint in SLO state");
    }

    private static Bytes key(final String id, final byte type, final int tier, final int chunk) {
        final byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer b = ByteBuffer.allocate(idBytes.length + 2 + (type == CHUNK ? 3 : 0));
        b.put(idBytes).put(SEP).put(type);
        if (type == CHUNK) {
            b.put((byte) tier).putShort((short) chunk);
        }
        return Bytes.wrap(b.array());
    }

    private static byte[] prefix(final String id, final byte sep) {
        final byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        final byte[] p = java.util.Arrays.copyOf(idBytes, idBytes.length + 1);
        p[idBytes.length] = sep;
        return p;
    }

    private static int indexOf(final byte[] b, final byte v) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /** Entries persisted for one SLO (tests and benchmarks: the state bound). */
    public int storedEntries(final String id) {
        int n = 0;
        try (KeyValueIterator<Bytes, byte[]> it = inner.range(Bytes.wrap(prefix(id, SEP)), Bytes.wrap(prefix(id, (byte) 1)))) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    // ---- StateStore plumbing ----

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(final StateStoreContext context, final StateStore root) {
        inner.init(context, root);
    }

    @Override
    public void close() {
        live.clear();
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public org.apache.kafka.streams.query.Position getPosition() {
        return inner.getPosition();
    }

    /** Wraps the key-value store builder; logging settings pass through to it. */
    private static final class Builder implements StoreBuilder<SloStateStore> {
        private StoreBuilder<KeyValueStore<Bytes, byte[]>> inner;

        Builder(final StoreBuilder<KeyValueStore<Bytes, byte[]>> inner) {
            this.inner = inner;
        }

        @Override
        public StoreBuilder<SloStateStore> withCachingEnabled() {
            return this;
        }

        @Override
        public StoreBuilder<SloStateStore> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<SloStateStore> withLoggingEnabled(final Map<String, String> config) {
            inner = inner.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<SloStateStore> withLoggingDisabled() {
            inner = inner.withLoggingDisabled();
            return this;
        }

        @Override
        public SloStateStore build() {
            return new SloStateStore(inner.build());
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}
