package io.burnrate.engine.topology;

import io.burnrate.engine.compliance.ComplianceTracker;
import io.burnrate.engine.monitor.MonitorStore;
import io.burnrate.engine.monitor.SloMonitor;
import io.burnrate.engine.monitor.SloStateCodec;
import io.burnrate.engine.monitor.TaskClock;
import io.burnrate.engine.sli.WindowedCounts;
import io.burnrate.engine.slo.Grace;
import io.burnrate.engine.slo.SloSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * varint-encoded), {@code sloId NUL 'P' role kind start} (one compliance period's
 * accumulator, see {@link ComplianceTracker}) and {@code sloId NUL 'X'} (the contributor
 * counts, {@code monitor.Contributors}, written at a commit after a bad event). Entries per SLO are bounded by its layout
 * and window, whatever the traffic.
 */
public final class SloStateStore implements StateStore, CachedStateStore<byte[], byte[]>, MonitorStore {

    private static final Logger LOG = LoggerFactory.getLogger(SloStateStore.class);
    private static final byte HEADER = SloStateCodec.HEADER;
    private static final byte CHUNK = SloStateCodec.CHUNK;
    private static final byte PERIOD = SloStateCodec.PERIOD;
    private static final byte CONTRIBUTORS = SloStateCodec.CONTRIBUTORS;

    private final KeyValueStore<Bytes, byte[]> inner;
    private final Map<String, SloMonitor> live = new HashMap<>();
    /**
     * The per-event lookup: {@link #live} by the spec instance the index matched. An identity
     * table finds the monitor without the id string's hash and the map node (two cache misses
     * per event at 10,000 SLOs, where neither stays in cache). Emptied whenever a monitor is
     * replaced or removed, and refilled by the next events. An SLO applied again unchanged
     * comes back as a new spec instance (its monitor stays): the old instance's entry is dead
     * then, so the table is also emptied once it holds twice as many entries as there are
     * monitors (a GitOps loop re-applying 10,000 SLOs every minute must not grow it forever).
     */
    private final Map<SloSpec, SloMonitor> bySpec = new IdentityHashMap<>();
    /** {@link #epoch()}: counts the times {@link #live} was emptied. */
    private int epoch;
    /** Monitors to write at the next persist, each once ({@link SloMonitor#queuePersist}). */
    private final List<SloMonitor> dirty = new ArrayList<>();
    private final SloStateCodec.Writer writer = new SloStateCodec.Writer();
    /** What this store wrote (puts, deletes; bytes of keys and values) and how often it persisted. */
    private long persists;
    private long puts;
    private long deletes;
    private long bytesWritten;
    /** Key types (header, chunks, periods) to delete per SLO at the next persist. */
    private final Map<String, Set<Byte>> drops = new LinkedHashMap<>();
    private static final Bytes CLOCK_KEY = Bytes.wrap(SloStateCodec.CLOCK_KEY);
    private TaskClock clock;
    private boolean clockDirty;
    private Duration grace = Grace.DEFAULT;

    /**
     * Offline replay ({@link #inMemoryBuilder}): nothing outlives the run and nothing is
     * restored, so nothing is written: {@code TopologyTestDriver} commits after every record,
     * and encoding every changed SLO's buckets and compliance periods per record was most of
     * a replay's time. Monitors live on the heap only (their compliance parts too).
     */
    private final boolean heapOnly;
    /** The evaluator of this task, shared by its parsers ({@link BurnRateProcessor#of}). */
    private BurnRateProcessor evaluator;

    SloStateStore(final KeyValueStore<Bytes, byte[]> inner) {
        this(inner, false);
    }

    SloStateStore(final KeyValueStore<Bytes, byte[]> inner, final boolean heapOnly) {
        this.inner = inner;
        this.heapOnly = heapOnly;
    }

    /** A builder for the topology: RocksDB underneath, changelog on, record cache off. */
    public static StoreBuilder<SloStateStore> builder(final String name) {
        return new Builder(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(),
                Serdes.ByteArray()).withCachingDisabled(), false);
    }

    /** Heap only, no changelog: for offline replay, where nothing outlives the run. */
    public static StoreBuilder<SloStateStore> inMemoryBuilder(final String name) {
        return new Builder(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.Bytes(),
                Serdes.ByteArray()).withCachingDisabled().withLoggingDisabled(), true);
    }

    // ---- the task's evaluator ----

    /** The evaluator the task's parsers share (they all reach this store), or null before the first one starts. */
    BurnRateProcessor evaluator() {
        return evaluator;
    }

    void evaluator(final BurnRateProcessor e) {
        evaluator = e;
    }

    // ---- monitors ----

    /** The engine's grace for late events (compliance periods close that long after their end). */
    public void useGrace(final Duration g) {
        this.grace = g;
    }

    /** The monitor of this SLO, from memory, from the store, or new. */
    @Override
    public SloMonitor monitor(final SloSpec spec) {
        SloMonitor m = bySpec.get(spec);
        if (m != null) {
            return m;
        }
        m = live.get(spec.id());
        if (m == null) {
            m = load(spec);
            live.put(spec.id(), m);
        }
        if (bySpec.size() >= 2 * live.size() + 16) {
            bySpec.clear();
        }
        bySpec.put(spec, m);
        return m;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    /** Entries of the per-event lookup table (tests: its bound). */
    int lookupEntries() {
        return bySpec.size();
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
                final String id = SloStateCodec.idOfHeader(it.next().key.get());
                if (id != null) {
                    ids.add(id);
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
        bySpec.clear();
        if (next.counts() != previous.counts()) {
            drop(id, CHUNK);
        }
        if (next.compliance() != previous.compliance()) {
            drop(id, PERIOD);
            if (!heapOnly) {
                next.compliance().useStore(() -> storedPeriods(id, (char) ComplianceTracker.PART));
            }
        }
        if (next.contributors() != previous.contributors()) {
            drop(id, CONTRIBUTORS);
        }
        markDirty(id);
    }

    /** Deletes every stored key of {@code id} of this type at the next persist, before the writes. */
    private void drop(final String id, final byte type) {
        drops.computeIfAbsent(id, k -> new TreeSet<>()).add(type);
    }

    @Override
    public void markDirty(final String id) {
        final SloMonitor m = live.get(id);
        if (m != null) {
            markDirty(m);
        }
    }

    @Override
    public void markDirty(final SloMonitor m) {
        if (m.queuePersist()) {
            dirty.add(m);
        }
    }

    @Override
    public void remove(final String id) {
        final SloMonitor m = live.remove(id);
        bySpec.clear();
        if (m != null) {
            m.unqueuePersist();
        }
        drop(id, HEADER);
        drop(id, CHUNK);
        drop(id, PERIOD);
        drop(id, CONTRIBUTORS);
    }

    /**
     * The task's clock, kept with the counts so that a restarted task makes the same
     * decisions (lateness, sweeps) as one that never stopped.
     */
    @Override
    public TaskClock clock() {
        if (clock == null) {
            clock = SloStateCodec.decodeClock(inner.get(CLOCK_KEY));
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
        for (final SloMonitor m : dirty) {
            m.unqueuePersist();
        }
        live.clear();
        bySpec.clear();
        epoch++;
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
        persists++;
        if (heapOnly) {
            // replay: nothing is restored from this store; the monitors on the heap are the state
            for (final SloMonitor m : dirty) {
                m.unqueuePersist();
            }
            dirty.clear();
            drops.clear();
            return;
        }
        if (clockDirty) {
            put(CLOCK_KEY, SloStateCodec.encodeClock(clock));
            clockDirty = false;
        }
        drops.forEach((id, types) -> types.forEach(type -> deleteRange(id, type)));
        drops.clear();
        for (final SloMonitor m : dirty) {
            // a monitor replaced or removed since it was queued is no longer written
            if (m.unqueuePersist() && live.get(m.spec().id()) == m) {
                write(m);
            }
        }
        dirty.clear();
    }

    /**
     * One SLO's changes: its header, carrying the buckets changed since their chunk was
     * written, and only when those would be more than {@link SloStateCodec#overlayLimit},
     * the chunks holding them first (a chunk left all empty is deleted).
     */
    private void write(final SloMonitor m) {
        final String id = m.spec().id();
        final WindowedCounts c = m.counts();
        if (c.dirtySlots() > SloStateCodec.overlayLimit(id)) {
            for (int t = 0; t < c.tiers(); t++) {
                for (int k = 0; k < c.chunks(t); k++) {
                    if (c.isDirty(t, k)) {
                        final Bytes key = Bytes.wrap(SloStateCodec.chunkKey(id, t, k));
                        if (c.chunkEmpty(t, k)) {
                            delete(key);
                        } else {
                            put(key, writer.chunk(c, t, k));
                        }
                        c.clearDirty(t, k);
                    }
                }
            }
        }
        put(Bytes.wrap(SloStateCodec.headerKey(id)), writer.header(m));
        if (m.contributors().takeDirty()) {
            put(Bytes.wrap(SloStateCodec.contributorsKey(id)), m.contributors().encode());
        }
        for (final Map.Entry<String, byte[]> w : m.compliance().pendingWrites().entrySet()) {
            final Bytes k = periodKey(id, w.getKey());
            if (w.getValue() == null) {
                delete(k);
            } else {
                put(k, w.getValue());
            }
        }
    }

    private void put(final Bytes key, final byte[] value) {
        puts++;
        bytesWritten += key.get().length + value.length;
        inner.put(key, value);
    }

    private void delete(final Bytes key) {
        deletes++;
        bytesWritten += key.get().length;
        inner.delete(key);
    }

    /**
     * What this store wrote since it opened: persists (commits), puts, deletes, and bytes of
     * keys and values (the changelog's payload).
     */
    public long[] writeStats() {
        return new long[] {persists, puts, deletes, bytesWritten};
    }

    private void loadPeriods(final SloMonitor m) {
        final String id = m.spec().id();
        storedPeriods(id, (char) 0).forEach((suffix, bytes) -> {
            if (!m.compliance().restore(suffix, bytes)) {
                delete(periodKey(id, suffix));
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
        final int skip = SloStateCodec.prefix(id, PERIOD).length;
        final Bytes from = periodKey(id, role == 0 ? "" : String.valueOf(role));
        final Bytes to = role == 0 ? Bytes.wrap(SloStateCodec.prefix(id, (byte) (PERIOD + 1)))
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
        try (KeyValueIterator<Bytes, byte[]> it = inner.range(Bytes.wrap(SloStateCodec.prefix(id, type)),
                Bytes.wrap(SloStateCodec.prefix(id, (byte) (type + 1))))) {
            while (it.hasNext()) {
                keys.add(it.next().key);
            }
        }
        keys.forEach(inner::delete);
    }

    private static Bytes periodKey(final String id, final String suffix) {
        return Bytes.wrap(SloStateCodec.periodKey(id, suffix));
    }

    private SloMonitor load(final SloSpec spec) {
        final SloMonitor m = new SloMonitor(spec, grace);
        if (!heapOnly) {
            m.compliance().useStore(() -> storedPeriods(spec.id(), (char) ComplianceTracker.PART));
        }
        final byte[] header = inner.get(Bytes.wrap(SloStateCodec.headerKey(spec.id())));
        if (header == null || drops.getOrDefault(spec.id(), Set.of()).contains(HEADER)) {
            // nothing stored, or deleted and defined again before the next commit: start afresh
            return m;
        }
        final SloStateCodec.Header h = SloStateCodec.decodeHeader(header);
        final WindowedCounts c = m.counts();
        if (h == null) {
            return m;
        }
        final long now = h.now();
        if (!h.fits(m)) {
            // definition changed while the state was stored: the counts start afresh; the
            // compliance periods carry on where they still fit (same objective, method, periods)
            drop(spec.id(), CHUNK);
            drop(spec.id(), CONTRIBUTORS);
            markDirty(m);
            c.restoreTime(now); // empty buckets, but the SLO's clock (and its periods) carry on
            c.rebuildSums();
            loadPeriods(m);
            return m;
        }
        SloStateCodec.restore(m, h);
        c.restoreTime(now);
        for (int t = 0; t < c.tiers(); t++) {
            for (int k = 0; k < c.chunks(t); k++) {
                final byte[] chunk = inner.get(Bytes.wrap(SloStateCodec.chunkKey(spec.id(), t, k)));
                if (chunk != null) {
                    SloStateCodec.decodeChunk(c, t, k, chunk);
                }
            }
        }
        SloStateCodec.applyOverlay(c, h);
        c.rebuildSums();
        loadPeriods(m);
        final byte[] contributors = inner.get(Bytes.wrap(SloStateCodec.contributorsKey(spec.id())));
        if (contributors != null && !m.contributors().restore(contributors)) {
            // stored for other windows or explainBy attributes: this counting starts at the stored time
            m.contributors().startAt(now);
        }
        return m;
    }

    /** Entries persisted for one SLO (tests: the state bound). */
    public int storedEntries(final String id) {
        int n = 0;
        try (KeyValueIterator<Bytes, byte[]> it = inner.range(Bytes.wrap(SloStateCodec.startOf(id)),
                Bytes.wrap(SloStateCodec.endOf(id)))) {
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
        if (persists > 0) {
            LOG.info("state store {}: {} commits wrote {} puts, {} deletes, {} bytes ({} bytes per commit)", name(),
                    persists, puts, deletes, bytesWritten, bytesWritten / persists);
        }
        live.clear();
        bySpec.clear();
        epoch++;
        evaluator = null;
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

        private final boolean heapOnly;

        Builder(final StoreBuilder<KeyValueStore<Bytes, byte[]>> inner, final boolean heapOnly) {
            this.inner = inner;
            this.heapOnly = heapOnly;
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
            return new SloStateStore(inner.build(), heapOnly);
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
