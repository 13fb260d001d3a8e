package io.burnrate.engine.sli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;

/**
 * The error-budget arithmetic of the SRE Workbook, in one place.
 *
 * <ul>
 *   <li>error budget = 1 - objective / 100 (the allowed bad fraction)</li>
 *   <li>burn rate = (bad / total) / error budget; 1 spends exactly the budget over the SLO window</li>
 *   <li>budget remaining = 1 - bad / (total x error budget) over the SLO window (negative when overspent)</li>
 *   <li>time to exhaustion = remaining x SLO window / burn rate</li>
 * </ul>
 */
public final class BurnRate {

    private BurnRate() {
    }

    /** 1 - objective/100, computed in decimal so 99.9 gives exactly the double nearest 0.001. */
    public static double errorBudget(final double objectivePercent) {
        return BigDecimal.valueOf(100).subtract(BigDecimal.valueOf(objectivePercent))
                .divide(BigDecimal.valueOf(100), MathContext.DECIMAL64).doubleValue();
    }

    /** Burn rate of a window; 0 without traffic. */
    public static double of(final long bad, final long total, final double errorBudget) {
        if (total <= 0) {
            return 0.0;
        }
        return (double) bad / (double) total / errorBudget;
    }

    /** Good fraction; null without traffic. */
    public static Double sli(final long bad, final long total) {
        return total <= 0 ? null : (double) (total - bad) / (double) total;
    }

    /** Fraction of the window's budget left; 1 without traffic, negative when overspent. */
    public static double budgetRemaining(final long bad, final long total, final double errorBudget) {
        if (total <= 0) {
            return 1.0;
        }
        return 1.0 - (double) bad / ((double) total * errorBudget);
    }

    /**
     * How long the remaining budget lasts at {@code burnRate}: null when nothing burns,
     * zero when the budget is already spent. Whole seconds.
     */
    public static Duration timeToExhaustion(final double remaining, final double burnRate, final Duration sloWindow) {
        if (!(burnRate > 0)) {
            return null;
        }
        if (remaining <= 0) {
            return Duration.ZERO;
        }
        final double seconds = remaining * sloWindow.toSeconds() / burnRate;
        return Duration.ofSeconds((long) Math.floor(seconds));
    }

    /** budgetPercent/100 x sloWindow/longWindow, in decimal (2% over 30d/1h gives exactly 14.4). */
    public static double threshold(final double budgetPercent, final Duration sloWindow, final Duration longWindow) {
        return BigDecimal.valueOf(budgetPercent)
                .multiply(BigDecimal.valueOf(sloWindow.toMillis()))
                .divide(BigDecimal.valueOf(100L * longWindow.toMillis()), MathContext.DECIMAL64)
                .doubleValue();
    }
}
