package io.burnrate.engine.slo.v1;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.slo.BudgetingMethod;
import io.burnrate.engine.slo.CalendarPeriod;
import io.burnrate.engine.slo.Durations;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * {@code spec.window} (rolling, or calendar periods in a time zone) and how attainment
 * over it is counted: {@code budgetingMethod} with {@code timeSliceTarget} and
 * {@code timeSliceWindow}.
 */
final class WindowReader {

    /** The window of an SLO that names none. */
    static final Duration DEFAULT_WINDOW = Duration.ofDays(30);
    private static final Duration MIN_WINDOW = Duration.ofHours(1);
    private static final Duration MAX_WINDOW = Duration.ofDays(90);

    private WindowReader() {
    }

    /** The window, 30d when absent, or null when invalid. */
    static V1Document.Window window(final JsonNode node, final FieldReader f) {
        if (node.isObject()) {
            final CalendarPeriod calendar = calendar(node, f);
            return calendar == null ? null : new V1Document.Calendar(calendar);
        }
        final Duration rolling = rolling(node, f);
        return rolling == null ? null : new V1Document.Rolling(rolling);
    }

    /** {@code window: {calendar: month|week, timeZone: Europe/Berlin}}. */
    private static CalendarPeriod calendar(final JsonNode node, final FieldReader f) {
        f.allowOnly(node, "spec.window.", "calendar", "timeZone");
        final JsonNode cal = node.path("calendar");
        if (!cal.isTextual()) {
            f.problem("spec.window.calendar", "is required for a calendar window (month or week)");
            return null;
        }
        final JsonNode tz = node.path("timeZone");
        if (!tz.isMissingNode() && !tz.isNull() && !tz.isTextual()) {
            f.problem("spec.window.timeZone", "must be an IANA time zone such as Europe/Berlin, not " + tz);
            return null;
        }
        try {
            return CalendarPeriod.ofWindow(cal.asText(), tz.isTextual() ? tz.asText() : null);
        } catch (IllegalArgumentException e) {
            f.problem(tz.isTextual() && e.getMessage().contains("time zone") ? "spec.window.timeZone" : "spec.window.calendar",
                    e.getMessage());
            return null;
        }
    }

    private static Duration rolling(final JsonNode node, final FieldReader f) {
        if (node.isMissingNode() || node.isNull()) {
            return DEFAULT_WINDOW;
        }
        if (!node.isTextual()) {
            f.problem("spec.window", "must be a rolling window such as 7d, 28d or 30d, or {calendar: month|week, "
                    + "timeZone: ...}, not " + node);
            return null;
        }
        try {
            final Duration d = Durations.parse(node.asText());
            if (d.compareTo(MIN_WINDOW) < 0 || d.compareTo(MAX_WINDOW) > 0) {
                f.problem("spec.window", "must be between 1h and 90d, not " + node.asText());
                return null;
            }
            return d;
        } catch (IllegalArgumentException e) {
            f.problem("spec.window", e.getMessage());
            return null;
        }
    }

    /**
     * {@code budgetingMethod: Occurrences|Timeslices|RatioTimeslices} with {@code timeSliceTarget}
     * (Timeslices only) and {@code timeSliceWindow}; Occurrences when absent or invalid.
     */
    static BudgetingMethod budgetingMethod(final JsonNode spec, final FieldReader f) {
        final JsonNode m = spec.path("budgetingMethod");
        final JsonNode target = spec.path("timeSliceTarget");
        final JsonNode sliceWindow = spec.path("timeSliceWindow");
        final String name = m.isMissingNode() || m.isNull() ? "Occurrences" : m.asText();
        if (!m.isMissingNode() && !m.isNull() && !m.isTextual()) {
            f.problem("spec.budgetingMethod", "must be Occurrences, Timeslices or RatioTimeslices, not " + m);
            return BudgetingMethod.OCCURRENCES;
        }
        if ("Occurrences".equals(name)) {
            if (!target.isMissingNode() || !sliceWindow.isMissingNode()) {
                f.problem("spec.budgetingMethod", "timeSliceTarget and timeSliceWindow need budgetingMethod: Timeslices");
            }
            return BudgetingMethod.OCCURRENCES;
        }
        if ("RatioTimeslices".equals(name)) {
            if (!target.isMissingNode()) {
                f.problem("spec.timeSliceTarget", "applies to Timeslices; RatioTimeslices averages the slices' good "
                        + "ratios and has no slice target (remove it)");
                return BudgetingMethod.OCCURRENCES;
            }
            final Duration slice = sliceWindow(sliceWindow, f);
            if (slice == null) {
                return BudgetingMethod.OCCURRENCES;
            }
            try {
                return new BudgetingMethod.RatioTimeslices(slice);
            } catch (IllegalArgumentException e) {
                f.problem("spec.timeSliceWindow", e.getMessage());
                return BudgetingMethod.OCCURRENCES;
            }
        }
        if (!"Timeslices".equals(name)) {
            f.problem("spec.budgetingMethod", "must be Occurrences, Timeslices or RatioTimeslices, not '" + name + "'");
            return BudgetingMethod.OCCURRENCES;
        }
        if (!target.isNumber() || !(target.decimalValue().signum() > 0
                && target.decimalValue().compareTo(BigDecimal.ONE) <= 0)) {
            f.problem("spec.timeSliceTarget", target.isMissingNode()
                    ? "is required with budgetingMethod: Timeslices (the good fraction a slice must reach, e.g. 0.95)"
                    : "must be a fraction above 0 and at most 1, e.g. 0.95, not " + target);
            return BudgetingMethod.OCCURRENCES;
        }
        final Duration slice = sliceWindow(sliceWindow, f);
        if (slice == null) {
            return BudgetingMethod.OCCURRENCES;
        }
        try {
            return new BudgetingMethod.Timeslices(target.decimalValue(), slice);
        } catch (IllegalArgumentException e) {
            f.problem("spec.timeSliceWindow", e.getMessage());
            return BudgetingMethod.OCCURRENCES;
        }
    }

    /** {@code timeSliceWindow}: the default 1m when absent, null (a problem reported) when not a duration. */
    private static Duration sliceWindow(final JsonNode sliceWindow, final FieldReader f) {
        if (sliceWindow.isMissingNode() || sliceWindow.isNull()) {
            return BudgetingMethod.DEFAULT_SLICE;
        }
        try {
            return Durations.parse(sliceWindow.asText());
        } catch (IllegalArgumentException e) {
            f.problem("spec.timeSliceWindow", e.getMessage());
            return null;
        }
    }
}
