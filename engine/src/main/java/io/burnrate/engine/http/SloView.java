package io.burnrate.engine.http;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.burnrate.engine.monitor.StatusBoard;
import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.ComplianceSummary;
import io.burnrate.schemas.StatusSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code /api/v1/slos} returns per SLO: its definition in brief and its latest status. */
@JsonPropertyOrder({"id", "service", "objective", "window", "labels", "rules", "status", "history", "burnDown",
        "compliance", "alerts"})
public record SloView(String id, String service, double objective, String window, Map<String, String> labels,
                      List<Rule> rules, StatusSnapshot status, List<HistoryPoint> history,
                      List<BurnDownPoint> burnDown, List<ComplianceSummary> compliance, List<AlertTransition> alerts) {

    /** A view without firing transitions (the list view). */
    public SloView(final String id, final String service, final double objective, final String window,
                   final Map<String, String> labels, final List<Rule> rules, final StatusSnapshot status,
                   final List<HistoryPoint> history, final List<BurnDownPoint> burnDown,
                   final List<ComplianceSummary> compliance) {
        this(id, service, objective, window, labels, rules, status, history, burnDown, compliance, null);
    }

    /** Error budget left after one bucket of the SLO window (burn-down over the window). */
    public record BurnDownPoint(Instant start, double errorBudgetRemaining) {
    }

    /** An alert rule with its derived threshold. */
    public record Rule(String name, String severity, double threshold, String longWindow, String shortWindow) {
    }

    /** One point of recent history: budget left and burn rate per window. */
    public record HistoryPoint(Instant at, double errorBudgetRemaining, Map<String, Double> burnRates) {
    }

    static SloView of(final SloSpec spec, final StatusBoard.Entry entry, final boolean withHistory) {
        return of(spec, entry, withHistory, null);
    }

    static SloView of(final SloSpec spec, final StatusBoard.Entry entry, final boolean withHistory,
                      final List<ComplianceSummary> compliance) {
        return of(spec, entry, withHistory, compliance, null);
    }

    /**
     * {@code compliance}: the latest closed summary per period kind (detail view), or null;
     * {@code alerts}: the firing transitions of rules that still fire, with their contributors (detail view), or null.
     */
    static SloView of(final SloSpec spec, final StatusBoard.Entry entry, final boolean withHistory,
                      final List<ComplianceSummary> compliance, final List<AlertTransition> alerts) {
        final List<Rule> rules = new ArrayList<>();
        for (final AlertWindow w : spec.alerts()) {
            // a calendar SLO's snapshot window is the current period's length
            rules.add(new Rule(w.ruleName(), w.severity().wire(), w.threshold(entry == null ? spec.window()
                    : entry.latest().window()),
                    Durations.format(w.longWindow()), Durations.format(w.shortWindow())));
        }
        List<HistoryPoint> history = null;
        List<BurnDownPoint> burnDown = null;
        if (withHistory && entry != null) {
            burnDown = new ArrayList<>();
            for (int i = 0; i < entry.burnDown().length; i++) {
                burnDown.add(new BurnDownPoint(Instant.ofEpochMilli(entry.burnDownFirstStart() + i * entry.burnDownStep()),
                        entry.burnDown()[i]));
            }
            history = new ArrayList<>();
            final List<StatusSnapshot.WindowStatus> windows = entry.latest().windows();
            for (final StatusBoard.Point p : entry.history()) {
                final Map<String, Double> burns = new LinkedHashMap<>();
                for (int i = 0; i < p.burnRates().length && i < windows.size(); i++) {
                    burns.put(Durations.format(windows.get(i).window()), (double) p.burnRates()[i]);
                }
                history.add(new HistoryPoint(Instant.ofEpochMilli(p.at()), p.budgetRemaining(), burns));
            }
        }
        return new SloView(spec.id(), spec.service(), spec.objective(), spec.windowLabel(), spec.labels(),
                rules, entry == null ? null : entry.latest(), history, burnDown, compliance, alerts);
    }
}
