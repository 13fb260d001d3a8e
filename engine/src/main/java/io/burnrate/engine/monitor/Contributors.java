package io.burnrate.engine.monitor;

import io.burnrate.engine.ingest.AcceptedEvent;
import io.burnrate.engine.ingest.ScannedEvent;
import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.schemas.AlertTransition;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Which operations and attribute values one SLO's bad events came from, per alert window:
 * the "why" of a firing alert. Only bad events are counted (a good event costs nothing).
 *
 * <p>Per dimension (the operation, then each {@code spec.alerting.explainBy} attribute) a
 * table of at most {@link #MAX_VALUES} values; per value and rule window (each distinct
 * short and long window) a ring of {@link #BUCKETS} int counters of width window / 12,
 * aligned to multiples of the width. A window's sums cover its 12 most recent buckets, the
 * current one included: between 11/12 of the window and the whole window, never older.
 * When the table is full, a new value takes the slot of the value with the fewest bad
 * events in the longest window (Space-Saving's choice), whose counts move to the
 * dimension's {@code untracked} counter. So counts are exact while a dimension has at most
 * 32 values in the windows; otherwise a listed value may be low by at most the untracked
 * count and no unlisted value has more than it.
 *
 * <p>State bound: tables are allocated on the first bad event; then (32 + 1) x windows x 12
 * x 4 bytes per dimension (11,088 bytes for the seven windows of google-30d), plus 32 values
 * of at most the input's field length (256 bytes by default) and 12 longs per window.
 *
 * <p>Persisted with the SLO's state ({@link #encode}, {@link #restore}: the values, the
 * ring clocks and the non-zero counters, varint-encoded; written at a commit after a bad
 * event), so contributors after a restart equal those without one. {@link #since} is
 * null while every bad event of the SLO's history was counted, else the event time from
 * which they were (an {@code explainBy} or window change).
 *
 * <p>Per bad event: one bucket check per window, one scan of at most 32 hashes per
 * dimension, one increment per window and dimension; no allocation for a scanned event's
 * operation once its value is in the table (attribute values are read through
 * {@link AcceptedEvent#attributes()}).
 */
public final class Contributors {

    /** Values tracked one by one per dimension. */
    public static final int MAX_VALUES = 32;
    /** Buckets per window. */
    public static final int BUCKETS = 12;
    /** Values listed per dimension in an alert. */
    public static final int TOP = 3;
    /** The value of events without an operation or without the attribute. */
    public static final String NONE = "(none)";
    public static final String OPERATION = "operation";

    private static final long NO_TIME = Long.MIN_VALUE;

    private final List<Duration> windows;
    private final List<String> attributes;
    private final long[] widths;
    /** Per window and ring position: the bucket number it holds (timestamp / width), or NO_TIME. */
    private final long[] epochs;
    /** Per window: the ring position of the current event, or -1 when it is too old for the ring. */
    private final int[] positions;
    /** Per window: the start of the bucket the last event went to (Long.MAX_VALUE: none), and its position. */
    private final long[] lastStart;
    private final int[] lastPosition;
    private final int stride;
    private Table[] tables;
    /** NO_TIME: every bad event of the SLO's history was counted; else counting started then. */
    private long since = NO_TIME;
    /** A bad event (or a restart of the counting) since the last {@link #takeDirty}. */
    private boolean dirty;
    private static final byte FORMAT = 1;

    /**
     * One dimension's values and counts: value slot {@code s} (0 .. size - 1) at
     * {@code counts[s * stride + window * BUCKETS + position]}, grown with the values (an SLO
     * whose bad events name one operation holds one slot, not {@link #MAX_VALUES}); slot
     * {@link #MAX_VALUES}, the untracked counter, in {@code untracked}.
     */
    private static final class Table {
        final String[] values = new String[MAX_VALUES];
        final int[] hashes = new int[MAX_VALUES];
        final int stride;
        int size;
        int[] counts = new int[0];
        final int[] untracked;

        Table(final int stride) {
            this.stride = stride;
            untracked = new int[stride];
        }

        int capacity() {
            return counts.length / stride;
        }

        /** Room for value slot {@code slot}: doubles, at most MAX_VALUES slots. */
        void ensure(final int slot) {
            if (slot >= capacity()) {
                counts = Arrays.copyOf(counts, Math.min(MAX_VALUES, Math.max(slot + 1, capacity() * 2)) * stride);
            }
        }

        int get(final int slot, final int i) {
            if (slot == MAX_VALUES) {
                return untracked[i];
            }
            return slot < capacity() ? counts[slot * stride + i] : 0;
        }

        void set(final int slot, final int i, final int v) {
            if (slot == MAX_VALUES) {
                untracked[i] = v;
            } else {
                ensure(slot);
                counts[slot * stride + i] = v;
            }
        }
    }

    public Contributors(final SloSpec spec) {
        final TreeSet<Duration> all = new TreeSet<>();
        for (final AlertWindow w : spec.alerts()) {
            all.add(w.longWindow());
            all.add(w.shortWindow());
        }
        this.windows = List.copyOf(all);
        this.attributes = spec.explainBy();
        this.widths = new long[windows.size()];
        for (int w = 0; w < widths.length; w++) {
            widths[w] = Math.max(1, (windows.get(w).toMillis() + BUCKETS - 1) / BUCKETS);
        }
        this.stride = windows.size() * BUCKETS;
        this.epochs = new long[stride];
        Arrays.fill(epochs, NO_TIME);
        this.positions = new int[windows.size()];
        this.lastStart = new long[windows.size()];
        this.lastPosition = new int[windows.size()];
        Arrays.fill(lastStart, Long.MAX_VALUE);
    }

    /** Whether this instance can serve {@code spec} as it is (same windows and dimensions). */
    public boolean fits(final SloSpec spec) {
        return new Contributors(spec).windows.equals(windows) && spec.explainBy().equals(attributes);
    }

    /** From this event time on every bad event was counted; null: every bad event of the SLO's history. */
    public Instant since() {
        return since == NO_TIME ? null : Instant.ofEpochMilli(since);
    }

    /** Counting starts at event time {@code now} (bad events before it are not in these counts). */
    public void startAt(final long now) {
        since = now;
        dirty = true;
    }

    /** Whether a bad event was counted (or counting restarted) since the last call; clears it. */
    public boolean takeDirty() {
        final boolean was = dirty;
        dirty = false;
        return was;
    }

    /** Counts one bad event at {@code timestamp}. */
    public void recordBad(final long timestamp, final AcceptedEvent event) {
        if (windows.isEmpty()) {
            return;
        }
        if (tables == null) {
            tables = new Table[1 + attributes.size()];
            for (int d = 0; d < tables.length; d++) {
                tables[d] = new Table(stride);
            }
        }
        dirty = true;
        roll(timestamp);
        final Table op = tables[0];
        if (event instanceof ScannedEvent s) {
            add(op, s.operationStart() < 0 ? slot(op, NONE, timestamp)
                    : slot(op, s.raw(), s.operationStart(), s.operationLength(), timestamp));
        } else {
            final String o = event.operation();
            add(op, slot(op, o == null ? NONE : o, timestamp));
        }
        for (int a = 0; a < attributes.size(); a++) {
            final String v = event.attributes().get(attributes.get(a));
            add(tables[a + 1], slot(tables[a + 1], v == null ? NONE : v, timestamp));
        }
    }

    /**
     * The contributors of a rule's two windows at event time {@code now}; null when neither
     * holds a counted bad event.
     */
    public AlertTransition.Contributors explain(final Duration shortWindow, final Duration longWindow, final long now) {
        final int s = windows.indexOf(shortWindow);
        final int l = windows.indexOf(longWindow);
        if (tables == null || s < 0 || l < 0 || now == NO_TIME) {
            return null;
        }
        final AlertTransition.Window sw = window(s, now);
        final AlertTransition.Window lw = window(l, now);
        if (sw.badEvents() == 0 && lw.badEvents() == 0) {
            return null;
        }
        return new AlertTransition.Contributors(since(), sw, lw);
    }

    /**
     * The stored form: format, windows, attributes, since, then (once a bad event was counted)
     * the ring clocks and per dimension its values and its non-zero counters.
     */
    public byte[] encode() {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(FORMAT);
        varint(out, windows.size());
        for (final Duration w : windows) {
            varint(out, w.toMillis());
        }
        varint(out, attributes.size());
        for (final String a : attributes) {
            string(out, a);
        }
        varint(out, since == NO_TIME ? 0 : since + 1);
        varint(out, tables == null ? 0 : tables.length);
        if (tables != null) {
            for (final long e : epochs) {
                varint(out, e == NO_TIME ? 0 : e + 1);
            }
            for (final Table t : tables) {
                varint(out, t.size);
                for (int k = 0; k < t.size; k++) {
                    string(out, t.values[k]);
                }
                // positions as in a table of MAX_VALUES + 1 slots (the stored format)
                int nonZero = 0;
                for (final int c : t.counts) {
                    nonZero += c != 0 ? 1 : 0;
                }
                for (final int c : t.untracked) {
                    nonZero += c != 0 ? 1 : 0;
                }
                varint(out, nonZero);
                int last = -1;
                for (int i = 0; i < t.counts.length; i++) {
                    if (t.counts[i] != 0) {
                        varint(out, i - last);
                        varint(out, t.counts[i]);
                        last = i;
                    }
                }
                for (int i = 0; i < stride; i++) {
                    if (t.untracked[i] != 0) {
                        final int at = MAX_VALUES * stride + i;
                        varint(out, at - last);
                        varint(out, t.untracked[i]);
                        last = at;
                    }
                }
            }
        }
        return out.toByteArray();
    }

    /**
     * Takes the stored counts back; false (and nothing changed) when they were stored for
     * other windows or attributes, or cannot be read.
     */
    public boolean restore(final byte[] stored) {
        try {
            final ByteBuffer in = ByteBuffer.wrap(stored);
            if (in.get() != FORMAT) {
                return false;
            }
            final int n = (int) SloStateCodec.readVarLong(in);
            if (n != windows.size()) {
                return false;
            }
            for (final Duration w : windows) {
                if (SloStateCodec.readVarLong(in) != w.toMillis()) {
                    return false;
                }
            }
            final int a = (int) SloStateCodec.readVarLong(in);
            if (a != attributes.size()) {
                return false;
            }
            for (final String name : attributes) {
                if (!name.equals(string(in))) {
                    return false;
                }
            }
            final long s = SloStateCodec.readVarLong(in);
            final int d = (int) SloStateCodec.readVarLong(in);
            if (d != 0 && d != 1 + attributes.size()) {
                return false;
            }
            final long[] e = new long[stride];
            Table[] t = null;
            if (d != 0) {
                for (int i = 0; i < stride; i++) {
                    final long v = SloStateCodec.readVarLong(in);
                    e[i] = v == 0 ? NO_TIME : v - 1;
                }
                t = new Table[d];
                for (int k = 0; k < d; k++) {
                    t[k] = new Table(stride);
                    t[k].size = (int) SloStateCodec.readVarLong(in);
                    if (t[k].size > MAX_VALUES) {
                        return false;
                    }
                    for (int v = 0; v < t[k].size; v++) {
                        t[k].values[v] = string(in);
                        t[k].hashes[v] = t[k].values[v].hashCode();
                    }
                    final long nonZero = SloStateCodec.readVarLong(in);
                    int at = -1;
                    for (long z = 0; z < nonZero; z++) {
                        at += (int) SloStateCodec.readVarLong(in);
                        final int slot = at / stride;
                        if (at < 0 || slot > MAX_VALUES || slot < MAX_VALUES && slot >= t[k].size) {
                            return false;
                        }
                        t[k].set(slot, at % stride, (int) SloStateCodec.readVarLong(in));
                    }
                }
            }
            since = s == 0 ? NO_TIME : s - 1;
            if (t != null) {
                System.arraycopy(e, 0, epochs, 0, stride);
            }
            Arrays.fill(lastStart, Long.MAX_VALUE);
            tables = t;
            return true;
        } catch (RuntimeException corrupt) {
            return false;
        }
    }

    private static void varint(final ByteArrayOutputStream out, final long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static void string(final ByteArrayOutputStream out, final String s) {
        final byte[] b = s.getBytes(StandardCharsets.UTF_8);
        varint(out, b.length);
        out.write(b, 0, b.length);
    }

    private static String string(final ByteBuffer in) {
        final int length = (int) SloStateCodec.readVarLong(in);
        final byte[] b = new byte[length];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** One window's bad events by dimension at {@code now}. */
    AlertTransition.Window window(final int w, final long now) {
        final long current = Math.floorDiv(now, widths[w]);
        final List<AlertTransition.Dimension> dims = new ArrayList<>(tables.length);
        long windowTotal = 0;
        for (int d = 0; d < tables.length; d++) {
            final Table t = tables[d];
            final long[] sums = new long[MAX_VALUES + 1];
            long total = 0;
            for (int slot = 0; slot <= MAX_VALUES; slot++) {
                sums[slot] = sum(t, slot, w, current);
                total += sums[slot];
            }
            windowTotal = total;
            final List<AlertTransition.Contributor> top = new ArrayList<>(TOP);
            final boolean[] taken = new boolean[MAX_VALUES];
            for (int k = 0; k < TOP; k++) {
                int best = -1;
                for (int slot = 0; slot < t.size; slot++) {
                    if (!taken[slot] && sums[slot] > 0 && (best < 0 || sums[slot] > sums[best]
                            || sums[slot] == sums[best] && t.values[slot].compareTo(t.values[best]) < 0)) {
                        best = slot;
                    }
                }
                if (best < 0) {
                    break;
                }
                taken[best] = true;
                top.add(new AlertTransition.Contributor(t.values[best], sums[best], (double) sums[best] / total));
            }
            dims.add(new AlertTransition.Dimension(d == 0 ? OPERATION : attributes.get(d - 1), top, sums[MAX_VALUES]));
        }
        return new AlertTransition.Window(windows.get(w), windowTotal, dims);
    }

    /** A slot's bad events in window {@code w}'s buckets that are among the 12 up to bucket {@code current}. */
    private long sum(final Table t, final int slot, final int w, final long current) {
        if (slot != MAX_VALUES && slot >= t.size) {
            return 0;
        }
        long sum = 0;
        for (int p = 0; p < BUCKETS; p++) {
            final long e = epochs[w * BUCKETS + p];
            if (e != NO_TIME && e <= current && e > current - BUCKETS) {
                sum += t.get(slot, w * BUCKETS + p);
            }
        }
        return sum;
    }

    /** Moves each window's ring to the bucket of {@code timestamp} (clearing a reused position). */
    private void roll(final long timestamp) {
        for (int w = 0; w < positions.length; w++) {
            // most bad events fall in the bucket of the one before: no division
            if (timestamp >= lastStart[w] && timestamp - lastStart[w] < widths[w]) {
                positions[w] = lastPosition[w];
                continue;
            }
            final long e = Math.floorDiv(timestamp, widths[w]);
            final int p = (int) Math.floorMod(e, (long) BUCKETS);
            final int idx = w * BUCKETS + p;
            if (epochs[idx] == e) {
                positions[w] = p;
                lastStart[w] = e * widths[w];
                lastPosition[w] = p;
            } else if (epochs[idx] == NO_TIME || epochs[idx] < e) {
                epochs[idx] = e;
                for (final Table t : tables) {
                    for (int slot = 0; slot < t.capacity(); slot++) {
                        t.counts[slot * stride + idx] = 0;
                    }
                    t.untracked[idx] = 0;
                }
                positions[w] = p;
                lastStart[w] = e * widths[w];
                lastPosition[w] = p;
            } else {
                positions[w] = -1; // older than the ring holds: outside every window already
            }
        }
    }

    private void add(final Table t, final int slot) {
        t.ensure(slot);
        final int base = slot * stride;
        for (int w = 0; w < positions.length; w++) {
            if (positions[w] >= 0) {
                final int i = base + w * BUCKETS + positions[w];
                if (t.counts[i] != Integer.MAX_VALUE) {
                    t.counts[i]++;
                }
            }
        }
    }

    /** The slot of a value given as ASCII bytes (a scanned event's operation): no allocation once it is in the table. */
    private int slot(final Table t, final byte[] raw, final int start, final int length, final long timestamp) {
        int h = 0;
        for (int i = start; i < start + length; i++) {
            h = 31 * h + (raw[i] & 0xff);
        }
        for (int k = 0; k < t.size; k++) {
            if (t.hashes[k] == h && sameChars(t.values[k], raw, start, length)) {
                return k;
            }
        }
        return admit(t, new String(raw, start, length, StandardCharsets.ISO_8859_1), h, timestamp);
    }

    private int slot(final Table t, final String value, final long timestamp) {
        final int h = value.hashCode();
        for (int k = 0; k < t.size; k++) {
            if (t.hashes[k] == h && t.values[k].equals(value)) {
                return k;
            }
        }
        return admit(t, value, h, timestamp);
    }

    /** A new value: a free slot, or the slot of the value with the fewest bad events in the longest window. */
    private int admit(final Table t, final String value, final int hash, final long timestamp) {
        int slot;
        if (t.size < MAX_VALUES) {
            slot = t.size++;
        } else {
            final int longest = windows.size() - 1;
            final long current = Math.floorDiv(timestamp, widths[longest]);
            slot = 0;
            long min = Long.MAX_VALUE;
            for (int k = 0; k < MAX_VALUES; k++) {
                final long s = sum(t, k, longest, current);
                if (s < min) {
                    min = s;
                    slot = k;
                }
            }
            final int from = slot * stride;
            for (int i = 0; i < stride; i++) {
                t.untracked[i] = (int) Math.min(Integer.MAX_VALUE, (long) t.untracked[i] + t.counts[from + i]);
                t.counts[from + i] = 0;
            }
        }
        t.values[slot] = value;
        t.hashes[slot] = hash;
        return slot;
    }

    private static boolean sameChars(final String s, final byte[] raw, final int start, final int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (s.charAt(i) != (raw[start + i] & 0xff)) {
                return false;
            }
        }
        return true;
    }
}
