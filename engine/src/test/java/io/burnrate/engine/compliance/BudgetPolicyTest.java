package io.burnrate.engine.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.burnrate.engine.sli.BucketLayout;
import io.burnrate.engine.sli.BurnRate;
import io.burnrate.engine.sli.WindowedCounts;
import io.burnrate.engine.slo.BudgetThreshold;
import io.burnrate.schemas.BudgetPolicyEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BudgetPolicyTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final List<BudgetThreshold> FIFTY_25_0 = List.of(
            BudgetThreshold.of(50), BudgetThreshold.of(25), BudgetThreshold.of(0, "freeze-releases"));

    private static BudgetPolicy policy(final List<BudgetThreshold> thresholds) {
        return new BudgetPolicy("checkout-availability", "checkout", Map.of("team", "payments"), thresholds);
    }

    private static List<Tuple> rows(final List<BudgetPolicyEvent> events) {
        return events.stream().map(e -> tuple(e.threshold(), e.direction())).toList();
    }

    @Test
    void shouldEmitExactlyThreeEventsInOrderWhenCrossingFiftyTwentyFiveAndZero() {
        final BudgetPolicy p = policy(FIFTY_25_0);
        final List<BudgetPolicyEvent> all = new ArrayList<>();

        assertThat(p.observe(1.0, T0)).isEmpty();
        all.addAll(p.observe(0.4, T0.plusSeconds(60)));
        all.addAll(p.observe(0.2, T0.plusSeconds(120)));
        all.addAll(p.observe(-0.1, T0.plusSeconds(180)));
        all.addAll(p.observe(-0.5, T0.plusSeconds(240)));  // already below every threshold: nothing

        assertThat(all).extracting(BudgetPolicyEvent::threshold, BudgetPolicyEvent::direction,
                        BudgetPolicyEvent::remainingFraction, BudgetPolicyEvent::action, BudgetPolicyEvent::at)
                .containsExactly(
                        tuple(50.0, "down", 0.4, null, T0.plusSeconds(60)),
                        tuple(25.0, "down", 0.2, null, T0.plusSeconds(120)),
                        tuple(0.0, "down", -0.1, "freeze-releases", T0.plusSeconds(180)));
        assertThat(all).allSatisfy(e -> {
            assertThat(e.sloId()).isEqualTo("checkout-availability");
            assertThat(e.service()).isEqualTo("checkout");
            assertThat(e.labels()).containsEntry("team", "payments");
        });
        assertThat(p.thresholds().get(p.crossed() - 1)).as("lowest crossed").isEqualTo(BudgetThreshold.of(0, "freeze-releases"));
    }

    @Test
    void shouldEmitUpEventsLowestFirstWhenTheBudgetRecovers() {
        final BudgetPolicy p = policy(FIFTY_25_0);
        p.observe(-0.1, T0);

        // 0.1: back above 0 only; 0.3: above 25 too; 0.6: above 50
        assertThat(rows(p.observe(0.1, T0.plusSeconds(60)))).containsExactly(tuple(0.0, "up"));
        assertThat(rows(p.observe(0.3, T0.plusSeconds(120)))).containsExactly(tuple(25.0, "up"));
        assertThat(p.observe(0.3, T0.plusSeconds(180))).isEmpty();
        assertThat(rows(p.observe(0.6, T0.plusSeconds(240)))).containsExactly(tuple(50.0, "up"));
        assertThat(p.crossed()).isZero();
        // a jump across several thresholds reports each, in the order they are passed
        p.observe(-1, T0.plusSeconds(300));
        assertThat(rows(p.observe(0.9, T0.plusSeconds(360))))
                .containsExactly(tuple(0.0, "up"), tuple(25.0, "up"), tuple(50.0, "up"));
    }

    /**
     * With the default thresholds 50/25/10/0 the same path 1.0 -> 0.4 -> 0.2 -> -0.1 also
     * passes 10 %: the last step reports 10 and 0, so four events in all.
     */
    @Test
    void shouldAlsoCrossTenPercentWithTheDefaultThresholds() {
        final BudgetPolicy p = new BudgetPolicy("search", "search", Map.of(), BudgetThreshold.DEFAULTS);
        assertThat(p.thresholds()).extracting(BudgetThreshold::percent).containsExactly(50.0, 25.0, 10.0, 0.0);

        assertThat(p.observe(1.0, T0)).isEmpty();
        assertThat(rows(p.observe(0.4, T0))).containsExactly(tuple(50.0, "down"));
        assertThat(rows(p.observe(0.2, T0))).containsExactly(tuple(25.0, "down"));
        assertThat(rows(p.observe(-0.1, T0))).containsExactly(tuple(10.0, "down"), tuple(0.0, "down"));
        assertThat(rows(p.observe(0.3, T0))).containsExactly(tuple(0.0, "up"), tuple(10.0, "up"), tuple(25.0, "up"));
    }

    @ParameterizedTest(name = "remaining {0}: {1} thresholds of 50/25/10/0 crossed")
    @CsvSource({"1.0, 0", "0.5000001, 0", "0.5, 1", "0.25, 2", "0.1, 3", "0.0, 4", "-3, 4"})
    void shouldCountAThresholdAsCrossedAtOrBelowIt(final double remaining, final int crossed) {
        final BudgetPolicy p = new BudgetPolicy("search", "search", Map.of(), BudgetThreshold.DEFAULTS);
        assertThat(p.observe(remaining, T0)).hasSize(crossed);
        assertThat(p.crossed()).isEqualTo(crossed);
    }

    /**
     * A rolling 1h window of 100 requests a minute, objective 99 %: the window allows 60
     * bad requests (6,000 x 1 %). After an hour of clean traffic, bad minutes of 10, 21,
     * 15 and 20 requests take the bad count to 10, 31, 46, 66: remaining 1 - bad/60 =
     * 0.833, 0.483 (50 down), 0.233 (25 down), -0.1 (0 down). An hour later those minutes
     * slide out one by one: 56, 35, 20, 0 bad: remaining 0.067 (0 up), 0.417 (25 up),
     * 0.667 (50 up), 1.
     */
    @Test
    void shouldEmitUpEventsAsTheWindowSlides() {
        final WindowedCounts counts = new WindowedCounts(BucketLayout.of(List.of(Duration.ofHours(1))));
        final double budget = BurnRate.errorBudget(99);
        final BudgetPolicy p = policy(FIFTY_25_0);
        final long[] badPerMinute = new long[130];
        badPerMinute[60] = 10;
        badPerMinute[61] = 21;
        badPerMinute[62] = 15;
        badPerMinute[63] = 20;
        final List<BudgetPolicyEvent> events = new ArrayList<>();
        for (int m = 0; m < badPerMinute.length; m++) {
            final long t = T0.toEpochMilli() + m * 60_000L;
            counts.add(t, 100, badPerMinute[m]);
            events.addAll(p.observe(BurnRate.budgetRemaining(counts.bad(0), counts.total(0), budget), Instant.ofEpochMilli(t)));
        }

        assertThat(events).extracting(BudgetPolicyEvent::threshold, BudgetPolicyEvent::direction, BudgetPolicyEvent::at)
                .containsExactly(
                        tuple(50.0, "down", T0.plusSeconds(61 * 60)),
                        tuple(25.0, "down", T0.plusSeconds(62 * 60)),
                        tuple(0.0, "down", T0.plusSeconds(63 * 60)),
                        tuple(0.0, "up", T0.plusSeconds(120 * 60)),
                        tuple(25.0, "up", T0.plusSeconds(121 * 60)),
                        tuple(50.0, "up", T0.plusSeconds(122 * 60)));
        assertThat(events.get(3).remainingFraction()).isEqualTo(1 - 56 / 60.0, Assertions.within(1e-12));
    }

    @Test
    void shouldRestoreItsStateAndValidateThresholds() {
        final BudgetPolicy p = policy(FIFTY_25_0);
        p.restore(2);
        assertThat(p.observe(0.2, T0)).isEmpty();
        assertThat(rows(p.observe(-0.2, T0))).containsExactly(tuple(0.0, "down"));

        assertThatThrownBy(() -> policy(List.of(BudgetThreshold.of(25), BudgetThreshold.of(25))))
                .hasMessage("threshold 25% is listed twice");
        assertThatThrownBy(() -> BudgetThreshold.of(100)).hasMessageContaining("from 0 to below 100");
        assertThatThrownBy(() -> BudgetThreshold.of(0, "Freeze Releases")).hasMessageContaining("action must be a word");
        assertThatThrownBy(() -> p.restore(4)).hasMessageContaining("0..3");
        assertThat(policy(List.of()).observe(-5, T0)).isEmpty();
    }

    /**
     * Traffic burning at exactly the budget rate keeps the remaining budget hovering
     * around 0 (-0.002, 0.000, -0.001, 0.004): one "down", no flapping; it takes more
     * than one percentage point above the threshold (0.011) to report "up".
     */
    @Test
    void shouldNotFlapWhileTheBudgetHoversAroundAThreshold() {
        final BudgetPolicy p = policy(List.of(BudgetThreshold.of(0, "freeze-releases")));
        assertThat(rows(p.observe(-0.002, T0))).containsExactly(tuple(0.0, "down"));
        assertThat(p.observe(0.0, T0.plusSeconds(1))).isEmpty();
        assertThat(p.observe(-0.001, T0.plusSeconds(2))).isEmpty();
        assertThat(p.observe(0.004, T0.plusSeconds(3))).isEmpty();
        assertThat(p.observe(0.01, T0.plusSeconds(4))).isEmpty();
        assertThat(rows(p.observe(0.011, T0.plusSeconds(5)))).containsExactly(tuple(0.0, "up"));
        assertThat(p.observe(0.005, T0.plusSeconds(6))).as("above the threshold itself: not crossed again").isEmpty();
        assertThat(rows(p.observe(0.0, T0.plusSeconds(7)))).containsExactly(tuple(0.0, "down"));
    }
}
