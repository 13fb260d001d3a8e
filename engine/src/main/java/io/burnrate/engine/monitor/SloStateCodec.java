package io.burnrate.engine.monitor;

import io.burnrate.engine.alert.AlertStateMachine;
import io.burnrate.engine.sli.WindowedCounts;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The byte format of a task's SLO state, apart from any store: keys, the per-SLO header
 * (event time, bucket layout, rule states, budget thresholds crossed), varint-encoded
 * bucket chunks and the task clock. Keys are {@code sloId NUL type ...}: {@code H} the
 * header, {@code C tier chunk} a chunk of 64 buckets, {@code P suffix} a compliance
 * accumulator ({@code ComplianceTracker#storageKey}); the clock is {@code NUL T}.
 */
public final class SloStateCodec {

    public static final byte SEP = 0;
    public static final byte HEADER = 'H';
    public static final byte CHUNK = 'C';
    public static final byte PERIOD = 'P';
    /** Version of the header layout; another version reads as nothing stored. */
    static final int FORMAT = 2;
    public static final byte[] CLOCK_KEY = {SEP, 'T'};

    private SloStateCodec() {
    }

    /**
     * A decoded header.
     *
     * @param now                   the SLO's event time
     * @param layoutHash            hash of the bucket layout the chunks were written with
     * @param rules                 the alert state machines, in rule order
     * @param budgetThresholdsCrossed how many budget-policy thresholds were crossed downwards
     */
    public record Header(long now, int layoutHash, List<AlertStateMachine> rules, int budgetThresholdsCrossed) {

        /** Whether the counts of {@code m} can be restored from chunks written with this header. */
        public boolean fits(final SloMonitor m) {
            return layoutHash == m.counts().layout().hashCode() && rules.size() == m.ruleCount();
        }
    }

    public static byte[] encodeHeader(final SloMonitor m) {
        final WindowedCounts c = m.counts();
        final ByteBuffer h = ByteBuffer.allocate(Integer.BYTES + Long.BYTES + Integer.BYTES + Integer.BYTES
                + m.ruleCount() * (1 + Long.BYTES) + Integer.BYTES);
        h.putInt(FORMAT).putLong(c.now()).putInt(c.layout().hashCode()).putInt(m.ruleCount());
        for (int i = 0; i < m.ruleCount(); i++) {
            final AlertStateMachine sm = m.machine(i);
            h.put((byte) (sm.firing() ? 1 : 0)).putLong(sm.firingSince());
        }
        h.putInt(m.budgetThresholdsCrossed());
        return h.array();
    }

    /** The header, or null when it was written in another format. */
    public static Header decodeHeader(final byte[] bytes) {
        final ByteBuffer h = ByteBuffer.wrap(bytes);
        if (h.getInt() != FORMAT) {
            return null;
        }
        final long now = h.getLong();
        final int layoutHash = h.getInt();
        final int n = h.getInt();
        final List<AlertStateMachine> rules = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rules.add(new AlertStateMachine(h.get() == 1, h.getLong()));
        }
        return new Header(now, layoutHash, rules, h.getInt());
    }

    /** Puts the rule states and budget crossings of {@code h} into {@code m} (whose layout fits). */
    public static void restore(final SloMonitor m, final Header h) {
        for (int i = 0; i < h.rules().size(); i++) {
            m.restoreMachine(i, h.rules().get(i));
        }
        m.restoreBudgetThresholdsCrossed(h.budgetThresholdsCrossed());
    }

    public static byte[] encodeChunk(final WindowedCounts c, final int tier, final int chunk) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(WindowedCounts.CHUNK * 2);
        final int from = chunk * WindowedCounts.CHUNK;
        final int to = Math.min(from + WindowedCounts.CHUNK, c.layout().tierBuckets()[tier]);
        for (int s = from; s < to; s++) {
            writeVarLong(out, c.slotTotal(tier, s));
            writeVarLong(out, c.slotBad(tier, s));
        }
        return out.toByteArray();
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

    static void writeVarLong(final ByteArrayOutputStream out, final long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
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
