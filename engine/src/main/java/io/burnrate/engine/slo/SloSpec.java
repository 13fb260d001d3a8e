package io.burnrate.engine.slo;


import io.burnrate.engine.sli.BurnRate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The internal SLO model every external format converts into: burnrate/v1 ({@code slo.v1}),
 * OpenSLO v1 ({@code slo.openslo}, through a burnrate/v1 document) and Sloth
 * ({@code slo.sloth}: alert windows, imported specs).
 *
 * @param id         unique name ({@code metadata.name})
 * @param service    the {@code service} field events must carry
 * @param selector   exact-match conditions: {@code operation} or an attribute name
 *                   (written {@code attributes.<key>} or just {@code <key>})
 * @param objective  target in percent, e.g. 99.9
 * @param window     rolling compliance window; for a calendar SLO the longest period
 *                   (31d for months, 7d for weeks): the status window and bucket layout
 * @param alerts     the multi-window rules
 * @param budgetThresholds remaining-budget thresholds (percent, with an action word) whose
 *                   crossings go to {@code burnrate.budget-policy}
 * @param calendar   calendar compliance periods ({@code window: {calendar, timeZone}}), or
 *                   null for a rolling window
 * @param budgetingMethod how attainment is counted (Occurrences, Timeslices or RatioTimeslices)
 * @param budgetAdjustments maintenance windows and planned events taken out of the budget
 * @param explainBy  attribute names whose values an alert names as contributors of the bad
 *                   events, besides the operation ({@code spec.alerting.explainBy}; at most
 *                   {@link #MAX_EXPLAIN_BY})
 * @param historyGuard whether a rule starts firing only once the SLO has counted requests for
 *                   at least the rule's short window ({@code spec.alerting.historyGuard}, default
 *                   true; the back-test turns it off to show what it costs)
 */
public record SloSpec(
        String id,
        String service,
        Map<String, String> selector,
        Indicator indicator,
        double objective,
        Duration window,
        List<AlertWindow> alerts,
        long minEventsPerWindow,
        String runbook,
        Map<String, String> labels,
        List<BudgetThreshold> budgetThresholds,
        CalendarPeriod calendar,
        BudgetingMethod budgetingMethod,
        List<BudgetAdjustment> budgetAdjustments,
        List<String> explainBy,
        boolean historyGuard,
        List<NoDataAlert> noData) {

    /** How many attributes {@code explainBy} may name (each costs a bounded contributor table). */
    public static final int MAX_EXPLAIN_BY = 4;

    /** An SLO whose alerts explain the bad events by operation only, with the history guard on. */
    public SloSpec(final String id, final String service, final Map<String, String> selector, final Indicator indicator,
                   final double objective, final Duration window, final List<AlertWindow> alerts,
                   final long minEventsPerWindow, final String runbook, final Map<String, String> labels,
                   final List<BudgetThreshold> budgetThresholds, final CalendarPeriod calendar,
                   final BudgetingMethod budgetingMethod, final List<BudgetAdjustment> budgetAdjustments) {
        this(id, service, selector, indicator, objective, window, alerts, minEventsPerWindow, runbook, labels,
                budgetThresholds, calendar, budgetingMethod, budgetAdjustments, List.of(), true);
    }

    /** With the history guard on (the default). */
    public SloSpec(final String id, final String service, final Map<String, String> selector, final Indicator indicator,
                   final double objective, final Duration window, final List<AlertWindow> alerts,
                   final long minEventsPerWindow, final String runbook, final Map<String, String> labels,
                   final List<BudgetThreshold> budgetThresholds, final CalendarPeriod calendar,
                   final BudgetingMethod budgetingMethod, final List<BudgetAdjustment> budgetAdjustments,
                   final List<String> explainBy) {
        this(id, service, selector, indicator, objective, window, alerts, minEventsPerWindow, runbook, labels,
                budgetThresholds, calendar, budgetingMethod, budgetAdjustments, explainBy, true);
    }

    /** Explaining by operation only. */
    public SloSpec(final String id, final String service, final Map<String, String> selector, final Indicator indicator,
                   final double objective, final Duration window, final List<AlertWindow> alerts,
                   final long minEventsPerWindow, final String runbook, final Map<String, String> labels,
                   final List<BudgetThreshold> budgetThresholds, final CalendarPeriod calendar,
                   final BudgetingMethod budgetingMethod, final List<BudgetAdjustment> budgetAdjustments,
                   final boolean historyGuard) {
        this(id, service, selector, indicator, objective, window, alerts, minEventsPerWindow, runbook, labels,
                budgetThresholds, calendar, budgetingMethod, budgetAdjustments, List.of(), historyGuard);
    }

    /** Without no-data alerts. */
    public SloSpec(final String id, final String service, final Map<String, String> selector, final Indicator indicator,
                   final double objective, final Duration window, final List<AlertWindow> alerts,
                   final long minEventsPerWindow, final String runbook, final Map<String, String> labels,
                   final List<BudgetThreshold> budgetThresholds, final CalendarPeriod calendar,
                   final BudgetingMethod budgetingMethod, final List<BudgetAdjustment> budgetAdjustments,
                   final List<String> explainBy, final boolean historyGuard) {
        this(id, service, selector, indicator, objective, window, alerts, minEventsPerWindow, runbook, labels,
                budgetThresholds, calendar, budgetingMethod, budgetAdjustments, explainBy, historyGuard, List.of());
    }

    public SloSpec {
        noData = List.copyOf(noData);
        explainBy = List.copyOf(explainBy);
        budgetAdjustments = List.copyOf(budgetAdjustments);
        Objects.requireNonNull(budgetingMethod, "budgetingMethod");
        budgetThresholds = List.copyOf(budgetThresholds);
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(service, "service");
        selector = Map.copyOf(selector);
        alerts = List.copyOf(alerts);
        // sorted by key; an SLO without labels shares the one empty map (two objects less per SLO)
        labels = labels.isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(labels));
    }

    /** The window as a person writes it: {@code 30d}, or {@code calendar month America/New_York}. */
    public String windowLabel() {
        return calendar != null ? "calendar " + calendar : Durations.format(window);
    }

    /** Whether compliance is over calendar periods rather than a rolling window. */
    public boolean isCalendar() {
        return calendar != null;
    }

    /** The allowed bad fraction: 1 - objective / 100. */
    public double errorBudget() {
        return BurnRate.errorBudget(objective);
    }

    /**
     * Every distinct window the SLO needs sums for: the alert windows and the SLO window
     * itself, shortest first.
     */
    public List<Duration> windows() {
        final TreeSet<Duration> all = new TreeSet<>();
        for (final AlertWindow w : alerts) {
            all.add(w.longWindow());
            all.add(w.shortWindow());
        }
        for (final NoDataAlert n : noData) {
            all.add(n.after());
        }
        all.add(window);
        return new ArrayList<>(all);
    }

    /** Whether an event of this SLO's service with these fields is selected. */
    public boolean selects(final String operation, final Map<String, String> attributes) {
        for (final Map.Entry<String, String> c : selector.entrySet()) {
            final String key = c.getKey();
            final String actual;
            if ("operation".equals(key)) {
                actual = operation;
            } else if (key.startsWith("attributes.")) {
                actual = attributes.get(key.substring("attributes.".length()));
            } else {
                actual = attributes.get(key);
            }
            if (!c.getValue().equals(actual)) {
                return false;
            }
        }
        return true;
    }
}
