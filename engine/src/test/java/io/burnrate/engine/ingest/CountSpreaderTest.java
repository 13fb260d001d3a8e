package io.burnrate.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CountSpreaderTest {

    /** 2025-03-01T12:00:00Z, a multiple of every bucket width. */
    private static final long T0 = 1_740_830_400_000L;

    @Test
    void shouldKeepAnIntervalInsideOneBucketWhole() {
        // [12:00:10, 12:00:40) in 1-minute buckets: all in the 12:00 bucket
        assertThat(rows(CountSpreader.spread(T0 + 10_000, T0 + 40_000, 60_000, 1200, 3, 12)))
                .containsExactly("0 1200 [3, 12]");
    }

    @Test
    void shouldSplitEvenlyDivisibleCountsEvenly() {
        // one minute in 5 s buckets: 12 buckets; 1200 / 12 = 100, 36 bad / 12 = 3
        final List<String> rows = rows(CountSpreader.spread(T0, T0 + 60_000, 5_000, 1200, 36));
        assertThat(rows).hasSize(12).allMatch(r -> r.endsWith(" 100 [3]"));
    }

    @Test
    void shouldPlaceTheRemainderDeterministicallyAtTheMidpoints() {
        // 10 requests over 4 buckets of 15 s: points at (k + 1/2) * 6 s = 3, 9, 15, 21, 27, 33, 39, 45, 51, 57 s
        // -> [0,15): 3, 9 | [15,30): 15, 21, 27 | [30,45): 33, 39 | [45,60): 45, 51, 57  = 2, 3, 2, 3
        // 3 bad among the 10 requests: member j is request floor((j + 1/2) * 10/3) = 1, 5, 8
        // -> request 1 in bucket 0, request 5 (33 s) in bucket 2, request 8 (51 s) in bucket 3
        assertThat(rows(CountSpreader.spread(T0, T0 + 60_000, 15_000, 10, 3))).containsExactly(
                "0 2 [1]", "15000 3 [0]", "30000 2 [1]", "45000 3 [1]");
        // the same input gives the same output
        assertThat(rows(CountSpreader.spread(T0, T0 + 60_000, 15_000, 10, 3)))
                .isEqualTo(rows(CountSpreader.spread(T0, T0 + 60_000, 15_000, 10, 3)));
    }

    @Test
    void shouldSplitAnUnalignedIntervalByOverlap() {
        // [12:00:30, 12:01:30) in 1-minute buckets, 7 requests at 30 + (k + 1/2) * 60/7 s:
        // 34.3, 42.9, 51.4, 60.0, 68.6, 77.1, 85.7 -> 3 before 60 s (60.0 is in the next bucket), 4 after
        assertThat(rows(CountSpreader.spread(T0 + 30_000, T0 + 90_000, 60_000, 7, 7, 0)))
                .containsExactly("0 3 [3, 0]", "60000 4 [4, 0]");
    }

    @Test
    void shouldNeverPutMoreOfASubsetThanOfTheTotalInABucketAndAddUpExactly() {
        for (long total = 0; total <= 40; total++) {
            for (long bad = 0; bad <= total; bad++) {
                final List<CountSpreader.Share> shares = CountSpreader.spread(T0 + 700, T0 + 61_300, 7_000, total, bad);
                long t = 0;
                long b = 0;
                for (final CountSpreader.Share s : shares) {
                    assertThat(s.subsets()[0]).isLessThanOrEqualTo(s.total());
                    t += s.total();
                    b += s.subsets()[0];
                }
                assertThat(t).isEqualTo(total);
                assertThat(b).isEqualTo(bad);
            }
        }
    }

    @Test
    void shouldStayExactForHugeCounts() {
        // 2^62 requests over one hour in 1 s buckets: 2^62 / 3600 each, the remainder 2^62 mod 3600 spread one by one
        final long n = 1L << 62;
        final List<CountSpreader.Share> shares = CountSpreader.spread(T0, T0 + 3_600_000, 1_000, n, n / 2);
        assertThat(shares).hasSize(3600);
        long sum = 0;
        for (final CountSpreader.Share s : shares) {
            assertThat(s.total()).isBetween(n / 3600, n / 3600 + 1);
            sum += s.total();
        }
        assertThat(sum).isEqualTo(n);
    }

    @Test
    void shouldRefuseInconsistentInput() {
        assertThatIllegalArgumentException().isThrownBy(() -> CountSpreader.spread(T0, T0, 1_000, 1));
        assertThatIllegalArgumentException().isThrownBy(() -> CountSpreader.spread(T0, T0 + 1, 1_000, 1, 2));
    }

    private static List<String> rows(final List<CountSpreader.Share> shares) {
        return shares.stream().map(s -> (s.bucketStartMs() - T0) + " " + s.total() + " "
                + Arrays.toString(s.subsets())).toList();
    }
}
