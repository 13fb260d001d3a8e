package io.burnrate.engine.topology;

import io.burnrate.engine.alert.AlertStateMachine;
import io.burnrate.engine.compliance.ComplianceTracker;
import io.burnrate.engine.monitor.MonitorStore;
import io.burnrate.engine.monitor.SloMonitor;
import io.burnrate.engine.monitor.TaskClock;
import io.burnrate.engine.sli.WindowedCounts;
import io.burnrate.engine.slo.SloSpec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
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
public final class SloStateStore implements StateStore, CachedStateStore<byte[], byte[]>, MonitorStore {

    private static final byte SEP = 0;
    private static final byte HEADER = 'H';
    private static final byte CHUNK = 'C';
    private static final byte PERIOD = 'P';
    private static final int FORMAT = 2;

    private final KeyValueStore<Bytes, byte[]> inner;
    private final Map<String, SloMonitor> live = new HashMap<>();
    private final Set<String> dirty = new LinkedHashSet<>();
    /** Key types (header, chunks, periods) to delete per SLO at the next persist. */
    private final Map<String, Set<Byte>> drops = new LinkedHashMap<>();
    private static final Bytes CLOCK_KEY = Bytes.wrap(new byte[] {SEP, 'T'});
    private TaskClock clock;
    private boolean clockDirty;
    private Duration grace = SloMonitor.DEFAULT_GRACE;

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
    public void useGrace(final Duration g) {
        this.grace = g;
    }

    /** The monitor of this SLO, from memory, from the store, or new. */
    @Override
    public SloMonitor monitor(final SloSpec spec) {
        SloMonitor m = live.get(spec.id());
        if (m == null) {
            m = load(spec);
            live.put(spec.id(), m);
        }
        return m;
    }

    /** The in-memory monitor of an SLO, or null (no store read). */
    @Override
    public SloMonitor live(final String id) {
        return live.get(id);
    }

    /** Monitors currently in memory. */
    @Override
    public Collection<SloMonitor> monitors() {
        return live.values();
    }

    /** Ids of every SLO with persisted state (for reconciliation after a restore). */
    @Override
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
     * Swaps in {@code next}, the redefinition of {@code previous}. Stored chunks are
     * dropped when the bucket layout changed (they no longer fit), stored compliance
     * periods when the definition needs a fresh tracker; what was kept stays valid.
     */
    @Override
    public void replace(final SloMonitor previous, final SloMonitor next) {
        final String id = next.spec().id();
        live.put(id, next);
        if (next.counts() != previous.counts()) {
            drop(id, CHUNK);
        }
        if (next.compliance() != previous.compliance()) {
            drop(id, PERIOD);
            next.compliance().useStore(() -> storedPeriods(id, (char) ComplianceTracker.PART));
        }
        markDirty(id);
    }

    /** Deletes every stored key of {@code id} of this type at the next persist, before the writes. */
    private void drop(final String id, final byte type) {
        drops.computeIfAbsent(id, k -> new TreeSet<>()).add(type);
    }

    @Override
    public void markDirty(final String id) {
        dirty.add(id);
    }

    @Override
    public void remove(final String id) {
        live.remove(id);
        dirty.remove(id);
        drop(id, HEADER);
        drop(id, CHUNK);
        drop(id, PERIOD);
    }

    /**
     * The task's clock, kept with the counts so that a restarted task makes the same
     * decisions (lateness, sweeps) as one that never stopped.
     */
    @Override
    public TaskClock clock() {
        if (clock == null) {
            final byte[] stored = inner.get(CLOCK_KEY);
            clock = TaskClock.NONE;
            if (stored != null && stored.length == 16) {
                final ByteBuffer b = ByteBuffer.wrap(stored);
                clock = new TaskClock(b.getLong(), b.getLong());
            }
        }
        return clock;
    }

    @Override
    public void setClock(final TaskClock next) {
        if (!clock().equals(next)) {
            clock = next;
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
        drops.clear();
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
            inner.put(CLOCK_KEY, ByteBuffer.allocate(16).putLong(clock.taskTime()).putLong(clock.lastSweep()).array());
            clockDirty = false;
        }
        drops.forEach((id, types) -> types.forEach(type -> deleteRange(id, type)));
        drops.clear();
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
        inner.put(key(id, HEADER, -1, -1), Arrays.copyOf(h.array(), h.position()));
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
        storedPeriods(id, (char) 0).forEach((suffix, bytes) -> {
            if (!m.compliance().restore(suffix, bytes)) {
                inner.delete(periodKey(id, suffix));
            }
        });
        m.restoreComplianceFiring();
    }

    /**
     * The compliance accumulators stored for {@code id} whose key suffix starts with
     * {@code role} (0: all), key suffix ({@link ComplianceTracker#storageKey}) to bytes.
     */
    private Map<String, byte[]> storedPeriods(final String id, final char role) {
        final Map<String, byte[]> out = new TreeMap<>();
        final int skip = prefix(id, SEP, PERIOD).length;
        final Bytes from = periodKey(id, role == 0 ? "" : String.valueOf(role));
        final Bytes to = role == 0 ? Bytes.wrap(prefix(id, SEP, (byte) (PERIOD + 1)))
                : periodKey(id, String.valueOf((char) (role + 1)));
        try (KeyValueIterator<Bytes, byte[]> it = inner.range(from, to)) {
            while (it.hasNext()) {
                final var kv = it.next();
                final byte[] k = kv.key.get();
                out.put(new String(k, skip, k.length - skip, StandardCharsets.US_ASCII), kv.value);
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
        final byte[] k = Arrays.copyOf(p, p.length + s.length);
        System.arraycopy(s, 0, k, p.length, s.length);
        return Bytes.wrap(k);
    }

    private static byte[] prefix(final String id, final byte sep, final byte type) {
        final byte[] p = prefix(id, sep);
        final byte[] k = Arrays.copyOf(p, p.length + 1);
        k[p.length] = type;
        return k;
    }

    private SloMonitor load(final SloSpec spec) {
        final SloMonitor m = new SloMonitor(spec, grace);
        m.compliance().useStore(() -> storedPeriods(spec.id(), (char) ComplianceTracker.PART));
        final byte[] header = inner.get(key(spec.id(), HEADER, -1, -1));
        if (header == null || drops.getOrDefault(spec.id(), Set.of()).contains(HEADER)) {
            // nothing stored, or deleted and defined again before the next commit: start afresh
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
            drop(spec.id(), CHUNK);
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
        final byte[] p = Arrays.copyOf(idBytes, idBytes.length + 1);
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
    public Position getPosition() {
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
