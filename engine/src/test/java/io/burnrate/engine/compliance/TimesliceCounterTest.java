package io.burnrate.engine.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.burnrate.engine.slo.Grace;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimesliceCounterTest {

    private static final long T0 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    private static final long MIN = 60_000;

    /**
     * Ten 1-minute slices, target 0.95 (good / total per slice):
     * <pre>
     * slice  total  good  ratio   good slice?
     *   0     100   100   1.00    yes
     *   1     100    95   0.95    yes (exactly the target)
     *   2     100    94   0.94    no
     *   3      20    19   0.95    yes (exactly the target)
     *   4       0     0   -       no traffic: not counted
     *   5       1     0   0.00    no
     *   6      50    48   0.96    yes
     *   7       0     0   -       no traffic: not counted
     *   8     200   189   0.945   no
     *   9       7     7   1.00    yes
     * </pre>
     * slices with traffic 8, good 5: attainment 5 / 8 = 0.625.
     */
    static final long[][] TEN_SLICES = {
        {100, 100}, {100, 95}, {100, 94}, {20, 19}, {0, 0}, {1, 0}, {50, 48}, {0, 0}, {200, 189}, {7, 7},
    };

    @Test
    void shouldComputeTheHandWorkedTenSliceExample() {
        final TimesliceCounter c = oneMinuteSlices("0.95");
        for (int s = 0; s < TEN_SLICES.length; s++) {
            final long total = TEN_SLICES[s][0];
            final long good = TEN_SLICES[s][1];
            // one event at a time, spread over the minute, good ones first
            for (long i = 0; i < total; i++) {
                assertThat(c.add(T0 + s * MIN + i * 100, 1, i < good ? 1 : 0)).isTrue();
            }
        }

        assertThat(c.slicesWithTraffic()).isEqualTo(8);
        assertThat(c.goodSlices()).isEqualTo(5);
        assertThat(c.badSlices()).isEqualTo(3);
        assertThat(c.attainment()).isEqualTo(0.625);
        // slices ending more than 5 minutes before the newest event are settled; at most 6 stay open
        assertThat(c.openSlices()).isLessThanOrEqualTo(6);
    }

    @Test
    void shouldGiveTheSameAnswerOnceEverySliceIsSettled() {
        final TimesliceCounter c = oneMinuteSlices("0.95");
        for (int s = 0; s < TEN_SLICES.length; s++) {
            c.add(T0 + s * MIN, TEN_SLICES[s][0], TEN_SLICES[s][1]);
        }
        c.advanceTo(T0 + 20 * MIN);

        assertThat(c.openSlices()).isZero();
        assertThat(c.attainment()).isEqualTo(0.625);
        // an event for a settled slice (older than grace) is refused, not miscounted
        assertThat(c.add(T0, 1, 0)).isFalse();
        assertThat(c.slicesWithTraffic()).isEqualTo(8);
    }

    @Test
    void shouldCountLateEventsWithinGraceInTheirOwnSlice() {
        final TimesliceCounter c = new TimesliceCounter(Duration.ofMinutes(1), new BigDecimal("0.95"), Duration.ofMinutes(5));
        c.add(T0, 19, 19);
        c.add(T0 + 4 * MIN, 10, 10);
        // 4 minutes later a bad event for slice 0 arrives: 19 of 20 is still exactly 0.95
        assertThat(c.add(T0 + 30_000, 1, 0)).isTrue();
        assertThat(c.goodSlices()).isEqualTo(2);
        assertThat(c.add(T0 + 59_000, 1, 0)).isTrue();
        // 19 of 21 < 0.95
        assertThat(c.goodSlices()).isEqualTo(1);
        assertThat(c.attainment()).isEqualTo(0.5);
    }

    @ParameterizedTest(name = "objective {0}%: {2} bad of {1} in a minute is a bad minute: {3}")
    @CsvSource({
        "99,   100, 1,  false",  // burn rate (1/100)/0.01 = 1 exactly: not above 1
        "99,   100, 2,  true",   // burn 2
        "99,   149, 1,  false",
        "99.9, 1000, 1, false",  // burn exactly 1
        "99.9, 1001, 2, true",   // burn 1.998
        "99.9, 999, 1,  true",   // burn 1.001
        "99.9, 1, 0,    false",
    })
    void shouldCallAMinuteBadExactlyWhenItsOwnBurnRateExceedsOne(final double objective, final long total,
                                                                 final long bad, final boolean badMinute) {
        final TimesliceCounter minutes = TimesliceCounter.badMinutes(objective, Grace.DEFAULT);
        minutes.add(T0, total, total - bad);
        assertThat(minutes.badSlices()).isEqualTo(badMinute ? 1 : 0);
    }

    @Test
    void shouldUseLongerSlicesAndRejectBadSettings() {
        final TimesliceCounter c = new TimesliceCounter(Duration.ofMinutes(5), new BigDecimal("0.9"), Duration.ZERO);
        c.add(T0, 9, 9);
        c.add(T0 + 4 * MIN, 1, 0);   // same 5-minute slice: 9 of 10 = 0.9
        c.add(T0 + 5 * MIN, 1, 0);   // next slice: 0 of 1
        assertThat(c.slicesWithTraffic()).isEqualTo(2);
        assertThat(c.goodSlices()).isEqualTo(1);
        assertThat(c.openSlices()).isEqualTo(1);

        assertThatThrownBy(() -> new TimesliceCounter(Duration.ofMinutes(7), BigDecimal.ONE, Duration.ZERO))
                .hasMessageContaining("must divide a day");
        assertThatThrownBy(() -> oneMinuteSlices("0")).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> c.add(T0, 1, 2)).hasMessageContaining("0 <= good <= total");
    }

    /** 1-minute slices with the default grace; {@code target} as written, e.g. 0.95. */
    private static TimesliceCounter oneMinuteSlices(final String target) {
        return new TimesliceCounter(TimesliceCounter.DEFAULT_SLICE, new BigDecimal(target), Grace.DEFAULT);
    }

    /**
     * The newest slice is found without a division while events stay in it; an event so far
     * after it that the difference overflows a long must land in its own slice, not in that one.
     */
    @Test
    void anEventFarAfterTheNewestSliceGetsItsOwnSlice() {
        final TimesliceCounter c = new TimesliceCounter(Duration.ofMinutes(1), new BigDecimal("0.9"), Duration.ZERO);
        c.add(-5_000_000_000_000_000_000L, 1, 0);
        c.add(5_000_000_000_000_000_000L, 1, 1);
        // the first slice settled bad (0 of 1 good); the second is open and good
        assertThat(c.slicesWithTraffic()).isEqualTo(2);
        assertThat(c.badSlices()).isEqualTo(1);
    }

    /**
     * The target comparison good x 10^scale >= unscaled x total runs in longs (128-bit
     * products) for targets with up to 18 decimals, and in BigIntegers beyond: both must give
     * exactly what BigDecimal arithmetic gives, at the boundary (19 of 20 against 0.95) and
     * where the products overflow a long.
     */
    @Test
    void theTargetComparisonIsExactWhereItsProductsOverflowALong() {
        final SplittableRandom r = new SplittableRandom(16);
        for (final String target : new String[] {"0.95", "0.999", "0.99999", "1", "0.123456789012345678",
                "0.99999999999999999999", "0.5"}) {
            final TimesliceCounter c = oneMinuteSlices(target);
            final BigDecimal t = new BigDecimal(target);
            final long[][] cases = {{20, 19}, {20, 18}, {1, 1}, {1, 0}, {Long.MAX_VALUE, Long.MAX_VALUE},
                {Long.MAX_VALUE, Long.MAX_VALUE - 1}, {Long.MAX_VALUE, Long.MAX_VALUE / 2},
                {1_000_000_000_000_000_000L, 999_000_000_000_000_000L}, {1_000_000_000_000_000_000L, 998_999_999_999_999_999L}};
            for (final long[] k : cases) {
                assertThat(c.meets(k[0], k[1])).as("%s: %d of %d", target, k[1], k[0])
                        .isEqualTo(BigDecimal.valueOf(k[1]).compareTo(t.multiply(BigDecimal.valueOf(k[0]))) >= 0);
            }
            for (int i = 0; i < 20_000; i++) {
                final long total = i % 2 == 0 ? 1 + r.nextLong(1_000) : 1 + r.nextLong(Long.MAX_VALUE - 1);
                final long good = r.nextLong(total + 1);
                assertThat(c.meets(total, good)).as("%s: %d of %d", target, good, total)
                        .isEqualTo(BigDecimal.valueOf(good).compareTo(t.multiply(BigDecimal.valueOf(total))) >= 0);
            }
        }
    }

    /**
     * A counter written while its newest slice is open reads back with that slice as it is,
     * and both go on counting into it: 20 requests in one minute, the first bad (19 of 20
     * meets 0.95); one more bad request in the same minute (19 of 21) makes it miss in both.
     */
    @Test
    void aCounterWrittenWithEventsOfItsNewestSliceReadsBackTheSame() throws Exception {
        final long t = 1_767_225_600_000L;
        final TimesliceCounter a = oneMinuteSlices("0.95");
        for (int i = 0; i < 20; i++) {
            a.add(t + i * 1_000L, 1, i == 0 ? 0 : 1);
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        a.write(new DataOutputStream(bytes));
        final TimesliceCounter b = oneMinuteSlices("0.95");
        b.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertThat(b.slicesWithTraffic()).isEqualTo(1);
        assertThat(b.goodSlices()).as("19 of 20 good").isEqualTo(1);
        assertThat(b.ratioSum()).isEqualTo(19.0 / 20);
        a.add(t + 30_000, 1, 0);
        b.add(t + 30_000, 1, 0);
        assertThat(a.goodSlices()).as("19 of 21").isZero();
        assertThat(b.goodSlices()).as("19 of 21").isZero();
        assertThat(b.ratioSum()).isEqualTo(a.ratioSum()).isEqualTo(19.0 / 21);
    }

    /**
     * Random events, late ones within and beyond grace among them, against a model that
     * keeps every slice's counts in a map and settles by the documented rule (a slice
     * settles once the newest time is at least grace past its end; an event for a settled
     * slice is refused): the same slices, good slices, ratio sum, open slices and refusals
     * after every event, and the same again after a write and read at random points.
     */
    @Test
    void shouldMatchAModelOfEverySliceUnderLateAndOutOfOrderEvents() throws Exception {
        final SplittableRandom random = new SplittableRandom(42);
        final long slice = 60_000;
        final long grace = 150_000;
        for (int run = 0; run < 200; run++) {
            TimesliceCounter c = new TimesliceCounter(Duration.ofMillis(slice), new BigDecimal("0.9"),
                    Duration.ofMillis(grace));
            final TreeMap<Long, long[]> model = new TreeMap<>();
            long settledGood = 0;
            long settledSlices = 0;
            double settledRatio = 0;
            long newest = Long.MIN_VALUE;
            long settledBelow = Long.MIN_VALUE;
            long t = 1_767_225_600_000L + random.nextLong(slice);
            for (int i = 0; i < 300; i++) {
                t += random.nextInt(4) == 0 ? random.nextLong(90_000) : random.nextLong(2_000);
                final long at = random.nextInt(5) == 0 ? t - random.nextLong(240_000) : t;
                final long total = random.nextInt(10) == 0 ? 0 : 1 + random.nextLong(5);
                final long good = total == 0 ? 0 : random.nextLong(total + 1);
                final long idx = Math.floorDiv(at, slice);
                final boolean counted = idx >= settledBelow;
                if (counted && total > 0) {
                    final long[] m = model.computeIfAbsent(idx, k -> new long[2]);
                    m[0] += total;
                    m[1] += good;
                }
                if (counted && at > newest) {
                    newest = at;
                    final long limit = Math.floorDiv(newest - grace, slice);
                    if (limit > settledBelow) {
                        for (final long[] m : model.headMap(limit, false).values()) {
                            settledSlices++;
                            settledRatio += (double) m[1] / m[0];
                            if (m[1] * 10 >= m[0] * 9) {
                                settledGood++;
                            }
                        }
                        model.headMap(limit, false).clear();
                        settledBelow = limit;
                    }
                }
                assertThat(c.add(at, total, good)).as("run %d event %d counted", run, i).isEqualTo(counted);
                long good90 = settledGood;
                double ratio = settledRatio;
                for (final long[] m : model.values()) {
                    good90 += m[1] * 10 >= m[0] * 9 ? 1 : 0;
                    ratio += (double) m[1] / m[0];
                }
                assertThat(c.slicesWithTraffic()).as("run %d event %d", run, i).isEqualTo(settledSlices + model.size());
                assertThat(c.goodSlices()).as("run %d event %d", run, i).isEqualTo(good90);
                assertThat(c.openSlices()).isEqualTo(model.size());
                assertThat(c.ratioSum()).isCloseTo(ratio, offset(1e-9));
                if (random.nextInt(50) == 0) {
                    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    c.write(new DataOutputStream(bytes));
                    c.writeRatioSum(new DataOutputStream(bytes));
                    final TimesliceCounter back = new TimesliceCounter(Duration.ofMillis(slice), new BigDecimal("0.9"),
                            Duration.ofMillis(grace));
                    final DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
                    back.read(in);
                    back.readRatioSum(in);
                    assertThat(back.openSlices()).isEqualTo(c.openSlices());
                    assertThat(back.goodSlices()).isEqualTo(c.goodSlices());
                    c = back;
                }
            }
        }
    }
}
