package io.burnrate.engine.alert;

import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.NoDataAlert;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.schemas.AlertTransition;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The human text of an alert transition: a one-line summary (what an on-call person reads
 * first: how fast, how much budget the episode spent, when the budget runs out) and a
 * description with the SLO, both burn rates, the threshold, the budget left and the top
 * contributors of the bad events. Numbers have at most two decimals (shares one) and no
 * trailing zeros, independent of the locale.
 */
public final class AlertText {

    private AlertText() {
    }

    /**
     * e.g. {@code api: page-1h-5m firing, error budget burning 15.2x over 1h (threshold 14.4x);
     * 2.1% of the budget spent since it started, exhausted around 2026-12-02T10:00:00Z at this rate}.
     */
    public static String summary(final SloSpec spec, final String rule, final AlertWindow w, final boolean fired,
                                 final double burnLong, final double threshold, final double consumedPercent,
                                 final Instant at, final Duration timeToExhaustion) {
        return spec.id() + ": " + rule + (fired ? " firing" : " resolved") + ", error budget burning "
                + fmt(burnLong) + "x over " + Durations.format(w.longWindow()) + " (threshold " + fmt(threshold) + "x); "
                + fmt(consumedPercent) + "% of the budget spent since it started"
                + (fired ? exhaustion(at, timeToExhaustion, "this rate") : "");
    }

    /**
     * A no-data rule's summary, e.g. {@code api: ticket-nodata-30m firing, no requests for
     * 30m (OpenSLO alertWhenNoData)}; resolved: {@code requests again}.
     */
    public static String noDataSummary(final SloSpec spec, final NoDataAlert n, final boolean fired, final Instant at) {
        return spec.id() + ": " + n.ruleName() + (fired ? " firing, no requests for " + Durations.format(n.after())
                + " (the service may be down or its telemetry lost; no-data alert)"
                : " resolved, requests again at " + at.truncatedTo(ChronoUnit.SECONDS));
    }

    /** A no-data rule's description: the SLO, how long without requests, the budget left. */
    public static String noDataDescription(final SloSpec spec, final NoDataAlert n, final boolean fired,
                                           final Instant since, final double remaining, final Instant at) {
        return "SLO " + spec.id() + " (" + spec.service() + ", objective " + fmt(spec.objective()) + "% over "
                + (spec.isCalendar() ? "the calendar " + spec.calendar() : Durations.format(spec.window())) + "): "
                + (fired ? "no request counted in the last " + Durations.format(n.after())
                        : "requests counted again after no data since " + (since == null ? "?" : since
                        .truncatedTo(ChronoUnit.SECONDS)))
                + "; a window without requests burns no error budget, so burn-rate rules stay silent; "
                + fmt(remaining * 100) + "% of the error budget left.";
    }

    /**
     * The SLO, both windows' burn rates, the threshold, the budget left and consumed since the
     * alert started, the projected exhaustion, and the top value of each contributor dimension
     * in both windows ({@code why} null: none).
     */
    public static String description(final SloSpec spec, final AlertWindow w, final double burnLong,
                                     final double burnShort, final double threshold, final double remaining,
                                     final double consumedPercent, final Instant at, final Duration timeToExhaustion,
                                     final AlertTransition.Contributors why) {
        final StringBuilder b = new StringBuilder("SLO ").append(spec.id()).append(" (").append(spec.service())
                .append(", objective ").append(fmt(spec.objective())).append("% over ")
                .append(spec.isCalendar() ? "the calendar " + spec.calendar() : Durations.format(spec.window()))
                .append("): burn rate ").append(fmt(burnLong)).append(" over ").append(Durations.format(w.longWindow()))
                .append(" and ").append(fmt(burnShort)).append(" over ").append(Durations.format(w.shortWindow()))
                .append(", threshold ").append(fmt(threshold)).append("; ").append(fmt(remaining * 100))
                .append("% of the error budget left, ").append(fmt(consumedPercent))
                .append("% consumed since the alert started")
                .append(exhaustion(at, timeToExhaustion, "the " + Durations.format(w.longWindow()) + " burn rate"))
                .append('.');
        if (why != null) {
            b.append(" Bad events ");
            window(b, why.shortWindow(), why.since(), at);
            b.append("; ");
            window(b, why.longWindow(), why.since(), at);
            b.append('.');
        }
        return b.toString();
    }

    /**
     * e.g. {@code over 5m: operation=POST /cart 91.7%, region=eu-west-1 88.9%}; {@code over 1h
     * (counted since 2026-03-02T10:00:00Z): ...} when counting started within the window
     * ({@code since} null: every bad event counted).
     */
    public static String contributors(final AlertTransition.Window window, final Instant since, final Instant at) {
        final StringBuilder b = new StringBuilder();
        window(b, window, since, at);
        return b.toString();
    }

    private static void window(final StringBuilder b, final AlertTransition.Window window, final Instant since,
                               final Instant at) {
        b.append("over ").append(Durations.format(window.window()));
        if (since != null && at != null && since.isAfter(at.minus(window.window()))) {
            b.append(" (counted since ").append(since).append(')');
        }
        b.append(':');
        if (window.badEvents() == 0) {
            b.append(" none");
            return;
        }
        boolean first = true;
        for (final AlertTransition.Dimension d : window.dimensions()) {
            if (d.top().isEmpty()) {
                continue;
            }
            final AlertTransition.Contributor c = d.top().get(0);
            b.append(first ? " " : ", ").append(d.dimension()).append('=').append(c.value()).append(' ')
                    .append(share(c.share())).append('%');
            first = false;
        }
    }

    private static String exhaustion(final Instant at, final Duration ttx, final String rate) {
        if (ttx == null || at == null) {
            return "";
        }
        if (ttx.isZero()) {
            return ", the budget is exhausted";
        }
        return ", exhausted around " + at.plus(ttx).truncatedTo(ChronoUnit.SECONDS) + " at " + rate;
    }

    static String fmt(final double d) {
        return String.format(Locale.ROOT, "%.2f", d).replaceAll("\\.?0+$", "");
    }

    /** A share in percent with one decimal: 91.7, 100. */
    static String share(final double fraction) {
        return String.format(Locale.ROOT, "%.1f", fraction * 100).replaceAll("\\.0$", "");
    }
}
