package io.burnrate.engine.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.burnrate.engine.ingest.CountRecord;
import io.burnrate.engine.ingest.CountSpreader;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.testing.Specs;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** How one count record is cut into 1-s shares and which share count each SLO takes. */
class CountSharesTest {

    private static final long T0 = 1_772_445_600_000L; // 2026-03-02T10:00:00Z

    private static SloSpec latency(final double thresholdMs) {
        return Specs.parse(String.join("\n", "apiVersion: burnrate/v1", "kind: SLO", "metadata: {name: lat}", "spec:",
                "  service: api", "  indicator: {latency: {thresholdMs: " + thresholdMs + "}}", "  objective: 99",
                "  window: 30d", "")).get(0).spec();
    }

    private static CountRecord record(final long start, final long end, final long total, final long bad,
                                      final Map<Double, Long> over) {
        return new CountRecord("api", null, Map.of(), start, end, total, bad, new TreeMap<>(over), null, new byte[0]);
    }

    /**
     * [10:00:00.250, 10:00:02.250), 4 requests, 1 failed, 2 over 300 ms: requests at 0.25 + (k + 0.5) x 0.5 s
     * = 0.5, 1.0, 1.5, 2.0 s past 10:00 -> seconds 0, 1, 1, 2; the first share counts at the interval start.
     * Availability (subset 0) bad = request floor(0.5 x 4) = 2 (second 1). Latency 300 ms: min(4, 1 + 2) = 3 bad,
     * requests floor((j + 0.5) x 4 / 3) = 0, 2, 3 -> seconds 0, 1, 2. Latency 500 ms: not in the record.
     */
    @Test
    void shouldCutARecordIntoSecondsAndPickEachSlosBadCount() {
        final CountShares s = CountShares.of(record(T0 + 250, T0 + 2_250, 4, 1, Map.of(300.0, 2L)));
        assertThat(s.shares()).extracting(CountSpreader.Share::bucketStartMs, CountSpreader.Share::total)
                .containsExactly(tuple(T0, 1L),
                        tuple(T0 + 1_000, 2L),
                        tuple(T0 + 2_000, 1L));
        assertThat(s.shares()).extracting(s::time).containsExactly(T0 + 250, T0 + 1_000, T0 + 2_000);
        assertThat(s.subsetOf(Specs.availability("a", "api", 0))).isZero();
        final int lat = s.subsetOf(latency(300));
        assertThat(lat).isEqualTo(1);
        assertThat(s.shares()).extracting(x -> x.subsets()[0]).containsExactly(0L, 1L, 0L);
        assertThat(s.shares()).extracting(x -> x.subsets()[lat]).containsExactly(1L, 1L, 1L);
        assertThat(s.subsetOf(latency(500))).isEqualTo(CountShares.NO_SUBSET);
    }

    /** bad + over is capped at total: 10 requests, 6 failed, 7 slow -> 10 bad for the latency SLO. */
    @Test
    void shouldCapALatencySlosBadCountAtTheTotal() {
        final CountShares s = CountShares.of(record(T0, T0 + 1_000, 10, 6, Map.of(300.0, 7L)));
        assertThat(s.shares()).singleElement().satisfies(x -> assertThat(x.subsets()).containsExactly(6L, 10L));
    }

    /** A record of no requests has no shares. */
    @Test
    void shouldHaveNoSharesWithoutRequests() {
        assertThat(CountShares.of(record(T0, T0 + 60_000, 0, 0, Map.of())).shares()).isEmpty();
    }
}
