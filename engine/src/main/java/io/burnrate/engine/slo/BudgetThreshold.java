package io.burnrate.engine.slo;

import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;

/** A threshold in percent of the error budget, with an optional action word. */
public record BudgetThreshold(double percent, String action) {

    /** What an action word may look like. */
    public static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    /** Thresholds of an SLO that names none: 50, 25, 10 and 0 %. */
    public static final List<BudgetThreshold> DEFAULTS = List.of(of(50), of(25), of(10), of(0));

    public BudgetThreshold {
        if (!(percent >= 0 && percent < 100)) {
            throw new IllegalArgumentException("threshold must be a percentage from 0 to below 100, not " + percent);
        }
        if (action != null && !ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException("action must be a word such as freeze-releases "
                    + "(lowercase letters, digits, dashes), not '" + action + "'");
        }
    }

    public static BudgetThreshold of(final double percent) {
        return new BudgetThreshold(percent, null);
    }

    public static BudgetThreshold of(final double percent, final String action) {
        return new BudgetThreshold(percent, action);
    }

    /** percent / 100, in decimal (25 gives exactly 0.25). */
    public double fraction() {
        return BigDecimal.valueOf(percent).movePointLeft(2).doubleValue();
    }
}
