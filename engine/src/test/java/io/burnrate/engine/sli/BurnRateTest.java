package io.burnrate.engine.sli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.burnrate.engine.slo.Durations;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BurnRateTest {

    @ParameterizedTest(name = "{0}% over 30d, long {1}: {2}")
    @CsvSource({"2, 1h, 14.4", "5, 6h, 6", "10, 1d, 3", "10, 3d, 1", "2, 1h, 14.4"})
    void shouldDeriveTheWorkbookThresholds(final double budgetPercent, final String longWindow, final double expected) {
        assertThat(BurnRate.threshold(budgetPercent, Duration.ofDays(30),
                Durations.parse(longWindow))).isEqualTo(expected);
    }

    @Test
    void shouldComputeBurnRateAsBadFractionOverBudget() {
        final double budget = BurnRate.errorBudget(99.9);
        assertThat(budget).isEqualTo(0.001);
        assertThat(BurnRate.of(36, 36_000, budget)).isCloseTo(1.0, within(1e-12));
        assertThat(BurnRate.of(0, 0, budget)).isZero();
        assertThat(BurnRate.sli(1, 4)).isEqualTo(0.75);
        assertThat(BurnRate.sli(0, 0)).isNull();
    }

    @Test
    void shouldReportRemainingBudgetAndTimeToExhaustion() {
        final double budget = BurnRate.errorBudget(99.9);
        // 1,000,000 requests allow 1,000 bad; 250 bad leaves 75 %
        assertThat(BurnRate.budgetRemaining(250, 1_000_000, budget)).isCloseTo(0.75, within(1e-12));
        assertThat(BurnRate.budgetRemaining(2_000, 1_000_000, budget)).isCloseTo(-1.0, within(1e-12));
        assertThat(BurnRate.budgetRemaining(0, 0, budget)).isEqualTo(1.0);
        // 75 % of a 30-day budget at burn rate 14.4 lasts 0.75 * 30d / 14.4 = 37.5 h
        assertThat(BurnRate.timeToExhaustion(0.75, 14.4, Duration.ofDays(30))).isEqualTo(Duration.ofMinutes(2250));
        assertThat(BurnRate.timeToExhaustion(0.75, 0, Duration.ofDays(30))).isNull();
        assertThat(BurnRate.timeToExhaustion(-0.2, 3, Duration.ofDays(30))).isEqualTo(Duration.ZERO);
    }
}
