package io.burnrate.engine.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LatencySketchTest {

    /** 1, 2, ..., 100000 ms. */
    private static LatencySketch uniform(final int from, final int to) {
        final LatencySketch s = new LatencySketch();
        for (int v = from; v <= to; v++) {
            s.add(v);
        }
        return s;
    }

    @ParameterizedTest(name = "p{0} of 1..100000 ms is within 1% of {1}")
    @CsvSource({
        // exact order statistic at 0-based rank floor(q x (n - 1)) of 1..100000: rank + 1
        "0.50, 50000",   // floor(0.50 x 99999) = 49999
        "0.95, 95000",   // floor(0.95 x 99999) = 94999
        "0.99, 99000",   // floor(0.99 x 99999) = 98999
        "0.999, 99900",  // floor(0.999 x 99999) = 99899
        "0.0, 1",
        "1.0, 100000",
    })
    void shouldEstimateQuantilesWithinOnePercentOfTheExactOrderStatistic(final double q, final double exact) {
        final LatencySketch s = uniform(1, 100_000);

        assertThat(s.count()).isEqualTo(100_000);
        assertThat(s.quantile(q)).isCloseTo(exact, within(exact * 0.01));
    }

    @Test
    void shouldMergeTwoHalvesIntoTheWhole() {
        final LatencySketch whole = uniform(1, 100_000);
        final LatencySketch half = uniform(1, 50_000);
        final LatencySketch otherHalf = uniform(50_001, 100_000);

        half.merge(otherHalf);

        assertThat(half.count()).isEqualTo(100_000);
        assertThat(otherHalf.count()).isEqualTo(50_000);
        for (final double q : new double[] {0.5, 0.95, 0.99}) {
            // bin counts add exactly, so the merged sketch answers exactly as the whole
            assertThat(half.quantile(q)).as("p%s", q).isEqualTo(whole.quantile(q));
        }
    }

    @Test
    void shouldMergeInterleavedHalvesWithinTolerance() {
        final LatencySketch whole = uniform(1, 100_000);
        final LatencySketch odd = new LatencySketch();
        final LatencySketch even = new LatencySketch();
        for (int v = 1; v <= 100_000; v++) {
            (v % 2 == 0 ? even : odd).add(v);
        }
        odd.merge(even);
        for (final double q : new double[] {0.5, 0.95, 0.99}) {
            assertThat(odd.quantile(q)).as("p%s", q).isCloseTo(whole.quantile(q), within(whole.quantile(q) * 0.01));
        }
    }

    @Test
    void shouldRoundTripThroughBytesInAFewHundredBytes() {
        final LatencySketch s = uniform(1, 100_000);
        final byte[] bytes = s.toBytes();

        final LatencySketch back = LatencySketch.fromBytes(bytes);

        assertThat(back.count()).isEqualTo(100_000);
        for (final double q : new double[] {0.0, 0.5, 0.95, 0.99, 1.0}) {
            assertThat(back.quantile(q)).isEqualTo(s.quantile(q));
        }
        // 1..100000 ms spans 5 decades, ln(1e5) / ln(1.0202) = 576 bins of which 430 hold a value
        // (1..50 ms: one integer per bin, 50 bins; 50..100000 ms: ln(2000) / ln(1.0202) = 380)
        assertThat(s.binCount()).isBetween(425, 435);
        // ~2 bytes a bin: 911 bytes
        assertThat(bytes.length).isLessThan(1_000);
        assertThat(new LatencySketch().toBytes().length).isLessThan(16);
        assertThat(LatencySketch.fromBytes(new LatencySketch().toBytes()).isEmpty()).isTrue();
    }

    @Test
    void shouldKeepItsStateBoundedAndItsHighQuantilesAccurateOverAnyRange() {
        final LatencySketch s = new LatencySketch();
        // 1e-6 ms .. 1e9 ms: 15 decades, ~1,730 bins unbounded
        for (int e = -6; e <= 9; e++) {
            for (int k = 1; k <= 100; k++) {
                s.add(Math.pow(10, e) * (1 + k / 100.0));
            }
        }
        assertThat(s.binCount()).isLessThanOrEqualTo(LatencySketch.MAX_BINS);
        assertThat(s.toBytes().length).isLessThan(4 * LatencySketch.MAX_BINS);
        // 1600 values; p99 is rank floor(0.99 x 1599) = 1583: the 84th of the 1e9 decade, 1e9 x 1.84
        assertThat(s.quantile(0.99)).isCloseTo(1.84e9, within(1.84e9 * 0.01));
    }

    @Test
    void shouldCountZeroLatenciesAndWeightedAdds() {
        final LatencySketch s = new LatencySketch();
        s.add(0.0, 90);
        s.add(250.0, 10);

        assertThat(s.count()).isEqualTo(100);
        assertThat(s.quantile(0.5)).isEqualTo(0.0);
        assertThat(s.quantile(0.95)).isCloseTo(250.0, within(2.5));
    }

    @Test
    void shouldAnswerNothingWhenEmptyAndRejectBadInput() {
        final LatencySketch s = new LatencySketch();
        assertThat(s.quantile(0.99)).isNaN();
        assertThat(s.quantileOrNull(0.99)).isNull();
        assertThat(s.count()).isZero();
        assertThatThrownBy(() -> s.add(-1)).hasMessageContaining("latency must be a finite number >= 0");
        assertThatThrownBy(() -> s.add(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.quantile(1.5)).hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> LatencySketch.fromBytes(new byte[] {9, 1, 2})).hasMessageContaining("not a latency sketch");
        assertThatThrownBy(() -> LatencySketch.fromBytes(new byte[] {1, 127, 127, 127}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
