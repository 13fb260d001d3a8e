package io.burnrate.engine.compliance;

import io.burnrate.engine.slo.BudgetingMethod;
import io.burnrate.engine.slo.CompliancePeriod;
import io.burnrate.engine.slo.PeriodKind;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * The byte format of a {@link ComplianceAccumulator} in the state store, apart from its
 * logic (the {@code P} values of {@code monitor.SloStateCodec}'s keys). Big-endian
 * ({@link DataOutputStream}), in this order:
 * <pre>
 * byte    format (1; 2 for RatioTimeslices, which format 1 could not say)
 * UTF     period kind          long period start ms      long period end ms
 * double  objective            long grace ms
 * boolean timeslices           [UTF slice target, long slice window ms]  (when timeslices)
 * int     sketch length        bytes {@link LatencySketch#toBytes()}
 * long    total                long bad
 * long    pages fired          long tickets fired
 * int     pages firing         int tickets firing        long alerting since ms   long alerted ms
 * ...     the bad-minutes {@link TimesliceCounter}, then the timeslices one (when timeslices)
 * </pre>
 * Format 2 (RatioTimeslices only) is format 1 with {@code boolean timeslices} true and
 * {@code long slice window ms} alone (no target), and after the slices' counter one
 * {@code double} (the sum of the settled slices' good ratios). Every other accumulator is
 * still written as format 1, so state written before RatioTimeslices existed reads as it did.
 * Either format may end in a trailer {@code byte 'v', int revision, int rolling revision},
 * written only for a period corrected after the fact ({@link ComplianceAccumulator#correct}).
 * Lives in {@code compliance} rather than next to {@code SloStateCodec}: the tracker
 * reads stored parts back itself, and {@code compliance} must not depend on {@code monitor}.
 */
public final class AccumulatorCodec {

    static final byte FORMAT_V1 = 1;
    static final byte FORMAT_RATIO = 2;
    /** Marks the optional trailer {@code int revision, int rolling revision} of a corrected period. */
    static final byte REVISIONS = 'v';

    private AccumulatorCodec() {
    }

    /** The accumulator's state as bytes, for a state store. */
    public static byte[] encode(final ComplianceAccumulator a) {
        final Encoder encoder = ENCODER.get();
        final Sink bytes = encoder.sink;
        final DataOutputStream out = encoder.out;
        bytes.reset();
        try {
            final CompliancePeriod period = a.period();
            final boolean ratio = a.method() instanceof BudgetingMethod.RatioTimeslices;
            out.writeByte(ratio ? FORMAT_RATIO : FORMAT_V1);
            out.writeUTF(period.kind().label());
            out.writeLong(period.start().toEpochMilli());
            out.writeLong(period.end().toEpochMilli());
            out.writeDouble(a.objective());
            out.writeLong(a.grace().toMillis());
            if (a.method() instanceof BudgetingMethod.Timeslices t) {
                out.writeBoolean(true);
                out.writeUTF(t.timeSliceTarget().toString());
                out.writeLong(t.timeSliceWindow().toMillis());
            } else if (a.method() instanceof BudgetingMethod.RatioTimeslices r) {
                out.writeBoolean(true);
                out.writeLong(r.timeSliceWindow().toMillis());
            } else {
                out.writeBoolean(false);
            }
            final byte[] sketch = a.latency().toBytes();
            out.writeInt(sketch.length);
            out.write(sketch);
            out.writeLong(a.total());
            out.writeLong(a.bad());
            out.writeLong(a.pagesFired());
            out.writeLong(a.ticketsFired());
            final AlertTime time = a.alertTime();
            out.writeInt(time.pagesFiring());
            out.writeInt(time.ticketsFiring());
            out.writeLong(time.alertingSinceMs());
            out.writeLong(time.alertedMs());
            a.minutes().write(out);
            if (a.slices() != null) {
                a.slices().write(out);
            }
            if (ratio) {
                a.slices().writeRatioSum(out);
            }
            if (a.revision() != 0 || a.rollingRevision() != 0) {
                out.writeByte(REVISIONS);
                out.writeInt(a.revision());
                out.writeInt(a.rollingRevision());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Each commit encodes every busy SLO's open hour (at 10,000 SLOs about one encoding per
     * event): one buffer per thread, reused, without {@code ByteArrayOutputStream}'s lock per
     * write (some thirty writes per accumulator).
     */
    private static final ThreadLocal<Encoder> ENCODER = ThreadLocal.withInitial(Encoder::new);

    private static final class Encoder {
        final Sink sink = new Sink();
        final DataOutputStream out = new DataOutputStream(sink);
    }

    /** A growable byte buffer, not synchronized, reset before each use. */
    private static final class Sink extends OutputStream {
        private byte[] b = new byte[512];
        private int n;

        void reset() {
            n = 0;
        }

        @Override
        public void write(final int c) {
            if (n == b.length) {
                b = Arrays.copyOf(b, b.length * 2);
            }
            b[n++] = (byte) c;
        }

        @Override
        public void write(final byte[] more, final int off, final int len) {
            if (n + len > b.length) {
                b = Arrays.copyOf(b, Math.max(b.length * 2, n + len));
            }
            System.arraycopy(more, off, b, n, len);
            n += len;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(b, n);
        }
    }

    /**
     * Reads what {@link #encode} wrote.
     *
     * @throws IllegalArgumentException when the bytes are not an accumulator
     */
    public static ComplianceAccumulator decode(final byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            final byte format = in.readByte();
            if (format != FORMAT_V1 && format != FORMAT_RATIO) {
                throw new IllegalArgumentException("not a compliance accumulator (format " + format + ")");
            }
            final CompliancePeriod period = new CompliancePeriod(PeriodKind.ofLabel(in.readUTF()),
                    Instant.ofEpochMilli(in.readLong()),
                    Instant.ofEpochMilli(in.readLong()));
            final double objective = in.readDouble();
            final Duration grace = Duration.ofMillis(in.readLong());
            final boolean sliced = in.readBoolean();
            final BudgetingMethod method;
            if (format == FORMAT_RATIO) {
                method = new BudgetingMethod.RatioTimeslices(Duration.ofMillis(in.readLong()));
            } else if (sliced) {
                method = new BudgetingMethod.Timeslices(new BigDecimal(in.readUTF()), Duration.ofMillis(in.readLong()));
            } else {
                method = BudgetingMethod.OCCURRENCES;
            }
            final byte[] sketch = new byte[in.readInt()];
            in.readFully(sketch);
            final ComplianceAccumulator a = new ComplianceAccumulator(period, objective, method, grace,
                    LatencySketch.fromBytes(sketch));
            final long total = in.readLong();
            final long bad = in.readLong();
            final long pagesFired = in.readLong();
            final long ticketsFired = in.readLong();
            final AlertTime time = new AlertTime(in.readInt(), in.readInt(), in.readLong(), in.readLong());
            a.restoreCounts(total, bad, pagesFired, ticketsFired, time);
            a.minutes().read(in);
            if (a.slices() != null) {
                a.slices().read(in);
            }
            if (format == FORMAT_RATIO) {
                a.slices().readRatioSum(in);
            }
            // optional trailer (corrected periods only, so older state reads as before): the revisions
            final int next = in.read();
            if (next == REVISIONS) {
                a.restoreRevisions(in.readInt(), in.readInt());
            } else if (next != -1) {
                throw new IllegalArgumentException("corrupt compliance accumulator: trailing bytes");
            }
            if (next != -1 && in.read() != -1) {
                throw new IllegalArgumentException("corrupt compliance accumulator: trailing bytes");
            }
            return a;
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException("corrupt compliance accumulator: " + e.getMessage(), e);
        }
    }
}
