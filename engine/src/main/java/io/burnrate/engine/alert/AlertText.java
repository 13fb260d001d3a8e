package io.burnrate.engine.alert;

import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.SloSpec;
import java.util.Locale;

/**
 * The human text of an alert transition: a one-line summary and a description with the
 * SLO, both burn rates, the threshold and the budget left. Numbers have at most two
 * decimals and no trailing zeros, independent of the locale.
 */
public final class AlertText {

    private AlertText() {
    }

    /** e.g. {@code api: page-1h-5m firing, error budget burning 15.2x over 1h (threshold 14.4x)}. */
    public static String summary(final SloSpec spec, final String rule, final AlertWindow w, final boolean fired,
                                 final double burnLong, final double threshold) {
        return spec.id() + ": " + rule + (fired ? " firing" : " resolved") + ", error budget burning "
                + fmt(burnLong) + "x over " + Durations.format(w.longWindow()) + " (threshold " + fmt(threshold) + "x)";
    }

    /** The SLO, both windows' burn rates, the threshold and the fraction of the error budget left. */
    public static String description(final SloSpec spec, final AlertWindow w, final double burnLong,
                                     final double burnShort, final double threshold, final double remaining) {
        return "SLO " + spec.id() + " (" + spec.service() + ", objective " + fmt(spec.objective())
                + "% over " + (spec.isCalendar() ? "the calendar " + spec.calendar() : Durations.format(spec.window()))
                + "): burn rate " + fmt(burnLong) + " over "
                + Durations.format(w.longWindow()) + " and " + fmt(burnShort) + " over " + Durations.format(w.shortWindow())
                + ", threshold " + fmt(threshold) + "; " + fmt(remaining * 100) + "% of the error budget left.";
    }

    static String fmt(final double d) {
        return String.format(Locale.ROOT, "%.2f", d).replaceAll("\\.?0+$", "");
    }
}
