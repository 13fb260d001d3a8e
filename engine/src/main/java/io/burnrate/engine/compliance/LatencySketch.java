package io.burnrate.engine.compliance;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.CollapsingLowestDenseStore;
import com.datadoghq.sketch.ddsketch.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * A mergeable latency distribution with bounded state: a DDSketch (Datadog's
 * {@code sketches-java}) with 1 % relative accuracy.
 *
 * <p><b>Accuracy.</b> {@link #quantile(double) quantile(q)} returns a value within 1 % of
 * the exact order statistic at 0-based rank {@code floor(q x (count - 1))} of the values
 * added, as long as the values span at most {@link #MAX_BINS} logarithmic bins: a factor
 * of 1.0202 each, so 1,024 bins cover 8.9 decades (e.g. 0.01 ms to 7,900 s). Beyond that the
 * lowest bins are collapsed: the smallest latencies lose accuracy, the high percentiles
 * (p95, p99) keep it. Merging is exact (bin counts add), so the sketch of a month is the
 * merge of its days' sketches, with the same guarantee.
 *
 * <p><b>State size.</b> The bins cover one contiguous index range of at most
 * {@link #MAX_BINS}, whatever the traffic: in memory a dense array of doubles over that
 * range (at most 8 KiB; ~4 KiB for latencies between 1 ms and 10 s). Serialized
 * ({@link #toBytes()}) about 2 bytes per occupied bin: 911 bytes for every value 1 ..
 * 100,000 ms (430 occupied bins), 929 bytes for a month of synthetic traffic between
 * 1 ms and 5 s (256 bins), a few bytes when empty.
 *
 * <p>Why DDSketch rather than HdrHistogram: the same relative-error guarantee with less
 * state (an HdrHistogram with 2 significant digits over 1 µs .. 1 h holds ~3,300 counters, 26 KiB as longs,
 * and needs its value range fixed up front), and merge never loses accuracy. Why not
 * t-digest: its error is relative to rank, not value, and merges are not exact.
 *
 * <p>Latencies are in milliseconds and never negative; 0 ms is counted exactly (outside
 * the bins). Not thread-safe.
 */
public final class LatencySketch {

    /** Relative accuracy of every quantile. */
    public static final double RELATIVE_ACCURACY = 0.01;

    /** Upper bound on the number of bins, hence on the state. */
    public static final int MAX_BINS = 1024;

    /** First byte of {@link #toBytes()}: the format (mapping and store) the rest was written with. */
    static final byte FORMAT_V1 = 1;

    private static final IndexMapping MAPPING = new LogarithmicMapping(RELATIVE_ACCURACY);
    private static final Supplier<Store> STORE = () -> new CollapsingLowestDenseStore(MAX_BINS);
    /** Latencies are never negative: the negative-value store never receives a value. */
    private static final Supplier<Store> NEGATIVE_STORE = () -> new CollapsingLowestDenseStore(1);

    private final DDSketch sketch;

    public LatencySketch() {
        this(new DDSketch(MAPPING, NEGATIVE_STORE, STORE));
    }

    private LatencySketch(final DDSketch sketch) {
        this.sketch = sketch;
    }

    /** Adds one request's latency. */
    public void add(final double latencyMs) {
        add(latencyMs, 1);
    }

    /** Adds {@code count} requests of the same latency. */
    public void add(final double latencyMs, final long count) {
        if (!(latencyMs >= 0) || Double.isInfinite(latencyMs)) {
            throw new IllegalArgumentException("latency must be a finite number >= 0, not " + latencyMs);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, not " + count);
        }
        if (count > 0) {
            sketch.accept(latencyMs, count);
        }
    }

    /** Adds every value of {@code other} to this sketch; {@code other} is unchanged. */
    public void merge(final LatencySketch other) {
        sketch.mergeWith(other.sketch);
    }


    /** Number of values added. */
    public long count() {
        return Math.round(sketch.getCount());
    }

    public boolean isEmpty() {
        return sketch.isEmpty();
    }

    /**
     * The value at quantile {@code q} (0 .. 1), within 1 % of the exact order statistic at
     * rank {@code floor(q x (count - 1))}; NaN when empty.
     */
    public double quantile(final double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("quantile must be between 0 and 1, not " + q);
        }
        return sketch.isEmpty() ? Double.NaN : sketch.getValueAtQuantile(q);
    }

    /** {@link #quantile(double)}, or null when empty (the summaries' latency fields). */
    public Double quantileOrNull(final double q) {
        return sketch.isEmpty() ? null : quantile(q);
    }

    /** Number of non-empty bins; never more than {@link #MAX_BINS}. */
    public int binCount() {
        final int[] n = new int[1];
        sketch.getPositiveValueStore().forEach((index, count) -> n[0]++);
        return n[0];
    }

    /**
     * A compact byte form for a state store: one format byte, then DDSketch's own
     * encoding (varint bin counts, without the fixed index mapping).
     */
    public byte[] toBytes() {
        final GrowingByteArrayOutput out = GrowingByteArrayOutput.withInitialCapacity(64);
        try {
            out.writeByte(FORMAT_V1);
            sketch.encode(out, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode latency sketch", e);
        }
        return out.trimmedCopy();
    }

    /**
     * Reads what {@link #toBytes()} wrote.
     *
     * @throws IllegalArgumentException when the bytes are not a latency sketch
     */
    public static LatencySketch fromBytes(final byte[] bytes) {
        if (bytes == null || bytes.length == 0 || bytes[0] != FORMAT_V1) {
            throw new IllegalArgumentException("not a latency sketch (format "
                    + (bytes == null || bytes.length == 0 ? "missing" : Byte.toString(bytes[0])) + ")");
        }
        try {
            final DDSketch decoded = new DDSketch(MAPPING, NEGATIVE_STORE, STORE);
            decoded.decodeAndMergeWith(ByteArrayInput.wrap(bytes, 1, bytes.length - 1));
            return new LatencySketch(decoded);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("corrupt latency sketch: " + e.getMessage(), e);
        }
    }
}
