package io.burnrate.engine.monitor;

import io.burnrate.engine.alert.AlertStateMachine;
import io.burnrate.engine.sli.WindowedCounts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The byte format of a task's SLO state, apart from any store: keys, the per-SLO header
 * (event time, bucket layout, rule states, budget thresholds crossed, and the buckets
 * changed since their chunk was last written), varint-encoded bucket chunks and the task
 * clock. Keys are {@code sloId NUL type ...}: {@code H} the header, {@code C tier chunk} a
 * chunk of 64 buckets, {@code P suffix} a compliance accumulator
 * ({@code ComplianceTracker#storageKey}); the clock is {@code NUL T}.
 *
 * <p>Why the changed buckets ride in the header: a busy SLO changes one bucket per tier
 * per commit, and rewriting the five 64-bucket chunks holding them at every commit made
 * the changelog, not the counting, the cost at thousands of SLOs. A commit writes one
 * header with the few changed buckets; a chunk is rewritten only when the header would
 * carry more than {@link #overlayLimit} of them (at most {@link #OVERLAY_MAX}). Restoring
 * reads the chunks, then lays the header's buckets over them.
 *
 * <p>Header formats: 3 (this one) ends with the changed buckets; 2 (before) has none and
 * reads as 3 with no changed buckets, its chunks being complete. Any other reads as
 * nothing stored.
 */
public final class SloStateCodec {

    public static final byte SEP = 0;
    public static final byte HEADER = 'H';
    public static final byte CHUNK = 'C';
    public static final byte PERIOD = 'P';
    /** One SLO's contributor counts ({@link Contributors#encode}). */
    public static final byte CONTRIBUTORS = 'X';
    /** Version of the header layout; {@link #FORMAT_NO_OVERLAY} also reads, any other as nothing stored. */
    static final int FORMAT = 3;
    /** The previous header layout: the same fields without changed buckets. */
    static final int FORMAT_NO_OVERLAY = 2;
    /** The most changed buckets a header carries; past this, the store rewrites their chunks. */
    public static final int OVERLAY_MAX = 48;
    public static final byte[] CLOCK_KEY = {SEP, 'T'};

    /**
     * The changed buckets past which the store rewrites the chunks of {@code sloId}: from
     * half of {@link #OVERLAY_MAX} to all of it, by the id's hash. Why not one limit: SLOs
     * that start counting together (every SLO after a deploy or a restore) change buckets
     * at the same pace and would all reach it at the same commit, every 40 s or so; at
     * 10,000 SLOs that commit writes some 50,000 chunks instead of 10,000 headers (in one
     * latency run each at 10,000 SLOs, the largest lag was 57,823 events with one limit and
     * 36,056 with these). With 25 limits they spread over 20 s and do not line up again
     * (each limit has its own period).
     */
    public static int overlayLimit(final String sloId) {
        final int half = OVERLAY_MAX / 2;
        return half + Math.floorMod(sloId.hashCode(), half + 1);
    }

    private SloStateCodec() {
    }

    /**
     * A decoded header.
     *
     * @param now                   the SLO's event time
     * @param layoutHash            hash of the bucket layout the chunks were written with
     * @param rules                 the alert state machines, in rule order
     * @param budgetThresholdsCrossed how many budget-policy thresholds were crossed downwards
     * @param overlay               changed buckets newer than their chunk: tier, slot, total, bad, repeated
     */
    public record Header(long now, int layoutHash, List<AlertStateMachine> rules, int budgetThresholdsCrossed,
                         long[] overlay) {

        /** Whether the counts of {@code m} can be restored from chunks written with this header. */
        public boolean fits(final SloMonitor m) {
            return layoutHash == m.counts().layout().hashCode() && rules.size() == m.ruleCount();
        }
    }

    public static byte[] encodeHeader(final SloMonitor m) {
        return new Writer().header(m);
    }

    /**
     * Encodes headers and chunks into one growing scratch buffer, so a commit of many SLOs
     * allocates only the exact-size arrays it hands to the store (which may keep them).
     */
    public static final class Writer {
        private byte[] buf = new byte[512];
        private int pos;

        /** The header of {@code m}: time, layout, rules, budget crossings and its dirty buckets. */
        public byte[] header(final SloMonitor m) {
            final WindowedCounts c = m.counts();
            pos = 0;
            putInt(FORMAT);
            putLong(c.now());
            putInt(c.layoutHash());
            putInt(m.ruleCount());
            for (int i = 0; i < m.ruleCount(); i++) {
                final AlertStateMachine sm = m.machine(i);
                put(sm.firing() ? 1 : 0);
                putLong(sm.firingSince());
            }
            putInt(m.budgetThresholdsCrossed());
            putVarLong(c.dirtySlots());
            c.forEachDirtySlot((tier, slot, total, bad) -> {
                put(tier);
                putVarLong(slot);
                putVarLong(total);
                putVarLong(bad);
            });
            return Arrays.copyOf(buf, pos);
        }

        /** Chunk {@code chunk} of {@code tier}: its slots' counts, varint-encoded. */
        public byte[] chunk(final WindowedCounts c, final int tier, final int chunk) {
            pos = 0;
            final int from = chunk * WindowedCounts.CHUNK;
            final int to = Math.min(from + WindowedCounts.CHUNK, c.layout().tierBuckets()[tier]);
            for (int s = from; s < to; s++) {
                putVarLong(c.slotTotal(tier, s));
                putVarLong(c.slotBad(tier, s));
            }
            return Arrays.copyOf(buf, pos);
        }

        private void ensure(final int n) {
            if (pos + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
            }
        }

        private void put(final int b) {
            ensure(1);
            buf[pos++] = (byte) b;
        }

        private void putInt(final int v) {
            ensure(Integer.BYTES);
            for (int shift = 24; shift >= 0; shift -= 8) {
                buf[pos++] = (byte) (v >>> shift);
            }
        }

        private void putLong(final long v) {
            ensure(Long.BYTES);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buf[pos++] = (byte) (v >>> shift);
            }
        }

        private void putVarLong(final long value) {
            ensure(10);
            long v = value;
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }
    }

    /** The header, or null when it was written in another format. */
    public static Header decodeHeader(final byte[] bytes) {
        final ByteBuffer h = ByteBuffer.wrap(bytes);
        final int format = h.getInt();
        if (format != FORMAT && format != FORMAT_NO_OVERLAY) {
            return null;
        }
        final long now = h.getLong();
        final int layoutHash = h.getInt();
        final int n = h.getInt();
        final List<AlertStateMachine> rules = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rules.add(new AlertStateMachine(h.get() == 1, h.getLong()));
        }
        final int crossed = h.getInt();
        if (format == FORMAT_NO_OVERLAY) {
            return new Header(now, layoutHash, rules, crossed, new long[0]);
        }
        final long count = readVarLong(h);
        if (count < 0 || count * 4 > h.remaining()) {
            throw new IllegalStateException("corrupt SLO state header: " + count + " changed buckets");
        }
        final long[] overlay = new long[(int) count * 4];
        for (int i = 0; i < overlay.length; i += 4) {
            overlay[i] = h.get();
            overlay[i + 1] = readVarLong(h);
            overlay[i + 2] = readVarLong(h);
            overlay[i + 3] = readVarLong(h);
        }
        return new Header(now, layoutHash, rules, crossed, overlay);
    }

    /**
     * Lays the header's changed buckets over the counts restored from the chunks (whose
     * layout fits; call before {@link WindowedCounts#rebuildSums}) and keeps them marked
     * changed: they are still newer than their chunk, so the next header carries them again.
     */
    public static void applyOverlay(final WindowedCounts c, final Header h) {
        final long[] o = h.overlay();
        for (int i = 0; i < o.length; i += 4) {
            final int tier = (int) o[i];
            if (tier < 0 || tier >= c.tiers() || o[i + 1] < 0 || o[i + 1] >= c.layout().tierBuckets()[tier]) {
                throw new IllegalStateException("corrupt SLO state header: bucket " + o[i + 1] + " of tier " + tier);
            }
            c.restoreUnwritten(tier, (int) o[i + 1], o[i + 2], o[i + 3]);
        }
    }

    /** Puts the rule states and budget crossings of {@code h} into {@code m} (whose layout fits). */
    public static void restore(final SloMonitor m, final Header h) {
        for (int i = 0; i < h.rules().size(); i++) {
            m.restoreMachine(i, h.rules().get(i));
        }
        m.restoreBudgetThresholdsCrossed(h.budgetThresholdsCrossed());
    }

    public static byte[] encodeChunk(final WindowedCounts c, final int tier, final int chunk) {
        return new Writer().chunk(c, tier, chunk);
    }

    public static void decodeChunk(final WindowedCounts c, final int tier, final int chunk, final byte[] data) {
        final ByteBuffer in = ByteBuffer.wrap(data);
        final int from = chunk * WindowedCounts.CHUNK;
        final int to = Math.min(from + WindowedCounts.CHUNK, c.layout().tierBuckets()[tier]);
        for (int s = from; s < to && in.hasRemaining(); s++) {
            final long total = readVarLong(in);
            final long bad = readVarLong(in);
            c.setSlot(tier, s, total, bad);
        }
    }

    public static byte[] encodeClock(final TaskClock clock) {
        return ByteBuffer.allocate(2 * Long.BYTES).putLong(clock.taskTime()).putLong(clock.lastSweep()).array();
    }

    /** The stored clock, or {@link TaskClock#NONE} for nothing (or anything unreadable). */
    public static TaskClock decodeClock(final byte[] stored) {
        if (stored == null || stored.length != 2 * Long.BYTES) {
            return TaskClock.NONE;
        }
        final ByteBuffer b = ByteBuffer.wrap(stored);
        return new TaskClock(b.getLong(), b.getLong());
    }

    public static byte[] headerKey(final String id) {
        return prefix(id, HEADER);
    }

    public static byte[] contributorsKey(final String id) {
        return prefix(id, CONTRIBUTORS);
    }

    public static byte[] chunkKey(final String id, final int tier, final int chunk) {
        final byte[] p = prefix(id, CHUNK);
        return ByteBuffer.allocate(p.length + 3).put(p).put((byte) tier).putShort((short) chunk).array();
    }

    public static byte[] periodKey(final String id, final String suffix) {
        final byte[] p = prefix(id, PERIOD);
        final byte[] s = suffix.getBytes(StandardCharsets.US_ASCII);
        final byte[] k = Arrays.copyOf(p, p.length + s.length);
        System.arraycopy(s, 0, k, p.length, s.length);
        return k;
    }

    /** {@code id NUL type}: every key of that type for the SLO starts with it. */
    public static byte[] prefix(final String id, final byte type) {
        final byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        final byte[] k = Arrays.copyOf(idBytes, idBytes.length + 2);
        k[idBytes.length] = SEP;
        k[idBytes.length + 1] = type;
        return k;
    }

    /** The first key of SLO {@code id} ({@code id NUL}); {@link #endOf} is past its last. */
    public static byte[] startOf(final String id) {
        final byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(idBytes, idBytes.length + 1);
    }

    public static byte[] endOf(final String id) {
        final byte[] k = startOf(id);
        k[k.length - 1] = SEP + 1;
        return k;
    }

    /** The SLO id of a header key, or null for any other key. */
    public static String idOfHeader(final byte[] key) {
        for (int i = 0; i < key.length; i++) {
            if (key[i] == SEP) {
                return i > 0 && i + 2 == key.length && key[i + 1] == HEADER
                        ? new String(key, 0, i, StandardCharsets.UTF_8) : null;
            }
        }
        return null;
    }

    static long readVarLong(final ByteBuffer in) {
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
}
