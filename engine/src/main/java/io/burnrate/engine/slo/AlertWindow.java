package io.burnrate.engine.slo;

import io.burnrate.engine.sli.BurnRate;
import java.time.Duration;
import java.util.Objects;

/**
 * One multi-window alert rule as data: a severity, the share of the SLO window's error
 * budget it may spend before firing, and its long and short windows. The burn-rate
 * threshold is derived, as in Sloth: budgetPercent / 100 x sloWindow / longWindow, so
 * {@code page 2% 1h/5m} over 30 days burns at 14.4.
 *
 * <p>{@code alertAfter} is an optional hold time (OpenSLO's {@code alertAfter},
 * Prometheus' {@code for}): the rule fires only once its condition has held at every
 * evaluation for that long; zero (the default) fires at once. It is at most the long window.
 */
public record AlertWindow(Severity severity, double budgetPercent, Duration longWindow, Duration shortWindow,
                          Duration alertAfter) {

    public AlertWindow {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(longWindow, "longWindow");
        Objects.requireNonNull(shortWindow, "shortWindow");
        Objects.requireNonNull(alertAfter, "alertAfter");
        if (alertAfter.isNegative() || alertAfter.compareTo(longWindow) > 0) {
            throw new IllegalArgumentException("alertAfter must be between 0 and the long window "
                    + Durations.format(longWindow) + ", not " + Durations.format(alertAfter));
        }
        if (!(budgetPercent > 0 && budgetPercent <= 100)) {
            throw new IllegalArgumentException("budgetPercent must be in (0, 100], not " + budgetPercent);
        }
        if (shortWindow.compareTo(longWindow) >= 0) {
            throw new IllegalArgumentException("shortWindow " + Durations.format(shortWindow)
                    + " must be shorter than longWindow " + Durations.format(longWindow));
        }
        if (shortWindow.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("windows must be at least 1m, not " + Durations.format(shortWindow));
        }
    }

    /** A rule without a hold time. */
    public AlertWindow(final Severity severity, final double budgetPercent, final Duration longWindow,
                       final Duration shortWindow) {
        this(severity, budgetPercent, longWindow, shortWindow, Duration.ZERO);
    }

    /** This rule with hold time {@code hold}. */
    public AlertWindow withAlertAfter(final Duration hold) {
        return new AlertWindow(severity, budgetPercent, longWindow, shortWindow, hold);
    }

    /** The burn rate both windows must exceed, for an SLO measured over {@code sloWindow}. */
    public double threshold(final Duration sloWindow) {
        return BurnRate.threshold(budgetPercent, sloWindow, longWindow);
    }

    /** {@code <severity>-<long>-<short>}, e.g. {@code page-1h-5m}. */
    public String ruleName() {
        return severity.wire() + "-" + Durations.format(longWindow) + "-" + Durations.format(shortWindow);
    }
}
