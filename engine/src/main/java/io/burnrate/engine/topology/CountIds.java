package io.burnrate.engine.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The count records already counted, by interval start and id (the
 * {@value Names#COUNT_IDS_STORE} store): a retried record (same id, same start) counts
 * once. Each entry is kept for {@code retention} past the newest interval end this task
 * remembered; older ones are deleted in one range scan at most once a minute of that time.
 *
 * <p>Why a key-value store and not a window store (which expires by whole segments with no
 * scan): a segmented window store that holds no records has no segment to record its
 * changelog offset in, so under exactly-once every restart, rebalance or standby takeover
 * of a task that never saw an id found no committed offset for it and wiped and restored
 * the whole task from its changelogs (Kafka Streams: "did not find checkpoint offsets while
 * stores are not empty", with an ERROR and a stack trace). A key-value store keeps its
 * offset while empty.
 *
 * <p>Key: the interval start as 8 big-endian bytes, then the id in UTF-8, so keys sort by
 * start (every accepted start lies in [2000, 2100)) and expiry is a range from the start
 * of the key space. Value: the interval end. A key that does not begin with a start in
 * that range (left by an older layout of this store) is deleted by the first expiry.
 */
final class CountIds {

    /** Expiry runs at most this often (in the newest interval end's time). */
    static final long EXPIRE_EVERY_MS = Duration.ofMinutes(1).toMillis();
    /** 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z: the event times the parsers accept lie in between. */
    private static final long EARLIEST = 946_684_800_000L;
    private static final long LATEST = 4_102_444_800_000L;

    private final KeyValueStore<Bytes, Long> store;
    private final long retentionMs;
    private long newestEnd = Long.MIN_VALUE;
    private long expiredAt = Long.MIN_VALUE;

    CountIds(final KeyValueStore<Bytes, Long> store, final Duration retention) {
        this.store = store;
        this.retentionMs = retention.toMillis();
    }

    static Bytes key(final String id, final long startMs) {
        final byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + idBytes.length).putLong(startMs).put(idBytes).array());
    }

    /** Whether a record with {@code id} and interval start {@code startMs} was counted. */
    boolean counted(final String id, final long startMs) {
        return store.get(key(id, startMs)) != null;
    }

    /** Remembers a counted record; expires what fell out of the retention. */
    void remember(final String id, final long startMs, final long endMs) {
        store.put(key(id, startMs), endMs);
        if (endMs > newestEnd) {
            newestEnd = endMs;
        }
        if (expiredAt == Long.MIN_VALUE || newestEnd - expiredAt >= EXPIRE_EVERY_MS) {
            expiredAt = newestEnd;
            expire(newestEnd - retentionMs);
        }
    }

    /** Deletes every entry whose interval start is before {@code cutoffMs}; returns how many. */
    int expire(final long cutoffMs) {
        final long cutoff = Math.max(cutoffMs, EARLIEST);
        final List<Bytes> old = new ArrayList<>();
        // (start of the key space, cutoff] holds every start before the cutoff and every key of another layout below it
        try (KeyValueIterator<Bytes, Long> it = store.range(null, Bytes.wrap(ByteBuffer.allocate(Long.BYTES)
                .putLong(cutoff).array()))) {
            while (it.hasNext()) {
                final KeyValue<Bytes, Long> e = it.next();
                if (compareStart(e.key.get(), cutoff) < 0) {
                    old.add(e.key);
                }
            }
        }
        // keys of another layout above the cutoff: not a start in the accepted range
        try (KeyValueIterator<Bytes, Long> it = store.range(Bytes.wrap(ByteBuffer.allocate(Long.BYTES)
                .putLong(LATEST).array()), null)) {
            while (it.hasNext()) {
                old.add(it.next().key);
            }
        }
        for (final Bytes k : old) {
            store.delete(k);
        }
        return old.size();
    }

    /** Compares the start a key begins with to {@code ms}; a key shorter than a start counts as before. */
    private static int compareStart(final byte[] key, final long ms) {
        if (key.length < Long.BYTES) {
            return -1;
        }
        return Long.compare(ByteBuffer.wrap(key, 0, Long.BYTES).getLong(), ms);
    }
}
