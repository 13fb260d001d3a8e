package io.burnrate.engine.slo.v1;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.slo.AlertPolicies;
import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.NoDataAlert;
import io.burnrate.engine.slo.Severity;
import io.burnrate.engine.slo.SloSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code spec.alerting}: the policy (a name from {@link AlertPolicies} or an explicit
 * list of windows), {@code minEventsPerWindow} and {@code runbook}, and how the policy
 * fits the SLO window.
 */
final class AlertingReader {

    private AlertingReader() {
    }

    /** The alerting section; the default policy, 0 and no runbook when absent or not a mapping. */
    static V1Document.Alerting read(final JsonNode alerting, final FieldReader f) {
        List<AlertWindow> alerts = AlertPolicies.named(AlertPolicies.DEFAULT).orElseThrow();
        long minEvents = 0;
        String runbook = null;
        List<String> explainBy = List.of();
        boolean historyGuard = true;
        List<NoDataAlert> noData = List.of();
        if (!alerting.isMissingNode() && !alerting.isNull()) {
            if (!alerting.isObject()) {
                f.problem("spec.alerting", "must be a mapping");
            } else {
                f.allowOnly(alerting, "spec.alerting.", "policy", "minEventsPerWindow", "runbook", "explainBy",
                        "historyGuard", "noData");
                noData = noData(alerting.path("noData"), f);
                alerts = policy(alerting.path("policy"), !noData.isEmpty(), f);
                final JsonNode min = alerting.path("minEventsPerWindow");
                if (!min.isMissingNode() && !min.isNull()) {
                    if (!min.canConvertToLong() || !min.isIntegralNumber() || min.asLong() < 0) {
                        f.problem("spec.alerting.minEventsPerWindow", "must be a whole number >= 0, not " + min);
                    } else {
                        minEvents = min.asLong();
                    }
                }
                runbook = f.text(alerting, "runbook", false, "spec.alerting.runbook");
                explainBy = explainBy(alerting.path("explainBy"), f);
                final JsonNode guard = alerting.path("historyGuard");
                if (!guard.isMissingNode() && !guard.isNull()) {
                    if (!guard.isBoolean()) {
                        f.problem("spec.alerting.historyGuard", "must be true or false, not " + guard);
                    } else {
                        historyGuard = guard.asBoolean();
                    }
                }
            }
        }
        return new V1Document.Alerting(alerts, minEvents, runbook, explainBy, historyGuard, noData);
    }
    /** {@code noData}: a list of {@code {severity, after}}, one rule per severity and duration. */
    private static List<NoDataAlert> noData(final JsonNode node, final FieldReader f) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        final String path = "spec.alerting.noData";
        if (!node.isArray()) {
            f.problem(path, "must be a list of {severity, after}");
            return List.of();
        }
        final List<NoDataAlert> out = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            final JsonNode n = node.get(i);
            final String p = path + "[" + i + "]";
            if (!n.isObject()) {
                f.problem(p, "must be a mapping {severity, after}");
                continue;
            }
            f.allowOnly(n, p + ".", "severity", "after");
            final String severity = f.text(n, "severity", true, p + ".severity");
            final Duration after = f.duration(n, "after", p + ".after");
            if (severity == null || after == null) {
                continue;
            }
            try {
                final NoDataAlert a = new NoDataAlert(Severity.ofWire(severity), after);
                if (names.add(a.ruleName())) {
                    out.add(a);
                } else {
                    f.problem(p, "rule " + a.ruleName() + " appears twice");
                }
            } catch (IllegalArgumentException e) {
                f.problem(p, e.getMessage());
            }
        }
        return out;
    }

    /** {@code explainBy}: distinct non-empty attribute names, at most {@link SloSpec#MAX_EXPLAIN_BY}. */
    private static List<String> explainBy(final JsonNode node, final FieldReader f) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        final String path = "spec.alerting.explainBy";
        if (!node.isArray()) {
            f.problem(path, "must be a list of attribute names");
            return List.of();
        }
        if (node.size() > SloSpec.MAX_EXPLAIN_BY) {
            f.problem(path, "lists " + node.size() + " attributes, more than " + SloSpec.MAX_EXPLAIN_BY);
            return List.of();
        }
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            final JsonNode n = node.get(i);
            final String name = n.isTextual() ? n.asText().strip() : "";
            final String key = name.startsWith("attributes.") ? name.substring("attributes.".length()) : name;
            if (key.isEmpty() || "operation".equals(key)) {
                f.problem(path + "[" + i + "]", "must be an attribute name (the operation is always explained), not "
                        + n);
            } else if (out.contains(key)) {
                f.problem(path + "[" + i + "]", "names " + key + " twice");
            } else {
                out.add(key);
            }
        }
        return out;
    }

    /**
     * The checks across sections: every rule's long window fits in the SLO window, and no
     * two rules share a name. Skipped while the window or the policy is invalid.
     */
    static void checkAgainstWindow(final V1Document.Alerting alerting, final V1Document.Window window,
                                   final FieldReader f) {
        if (window == null || alerting.policy() == null) {
            return;
        }
        final Duration length = window.length();
        for (final NoDataAlert n : alerting.noData()) {
            if (n.after().compareTo(length) > 0) {
                f.problem("spec.alerting.noData", "rule " + n.ruleName() + ": after is longer than the SLO window "
                        + Durations.format(length));
            }
        }
        final Set<String> ruleNames = new HashSet<>();
        for (final AlertWindow w : alerting.policy()) {
            if (w.longWindow().compareTo(length) > 0) {
                f.problem("spec.alerting.policy", "rule " + w.ruleName() + ": long window is longer than the SLO window "
                        + Durations.format(length));
            }
            if (!ruleNames.add(w.ruleName())) {
                f.problem("spec.alerting.policy", "rule " + w.ruleName() + " appears twice");
            }
        }
    }

    /**
     * The named or listed windows; null when the policy is invalid as a whole. An empty list
     * is allowed only beside no-data rules (an SLO that alerts on missing data alone).
     */
    private static List<AlertWindow> policy(final JsonNode node, final boolean noData, final FieldReader f) {
        if (node.isMissingNode() || node.isNull()) {
            return AlertPolicies.named(AlertPolicies.DEFAULT).orElseThrow();
        }
        if (node.isTextual()) {
            final var named = AlertPolicies.named(node.asText());
            if (named.isEmpty()) {
                f.problem("spec.alerting.policy", "unknown policy '" + node.asText() + "' (known: "
                        + String.join(", ", new TreeSet<>(AlertPolicies.names())) + ", or a list of windows)");
                return null;
            }
            return named.get();
        }
        if (node.isArray() && node.isEmpty() && noData) {
            return List.of();
        }
        if (!node.isArray() || node.isEmpty()) {
            f.problem("spec.alerting.policy", "must be a policy name or a non-empty list of windows");
            return null;
        }
        final List<AlertWindow> windows = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            final JsonNode w = node.get(i);
            final String path = "spec.alerting.policy[" + i + "]";
            if (!w.isObject()) {
                f.problem(path, "must be a mapping {severity, budgetPercent, longWindow, shortWindow[, alertAfter]}");
                continue;
            }
            f.allowOnly(w, path + ".", "severity", "budgetPercent", "longWindow", "shortWindow", "alertAfter");
            final String severity = f.text(w, "severity", true, path + ".severity");
            final double budget = f.number(w, "budgetPercent", path + ".budgetPercent", Double.NaN, 0, 100);
            if (!w.has("budgetPercent")) {
                f.problem(path + ".budgetPercent", "is required");
            }
            final Duration lw = f.duration(w, "longWindow", path + ".longWindow");
            final Duration sw = f.duration(w, "shortWindow", path + ".shortWindow");
            // optional hold time: fires once the condition has held this long (0 .. longWindow)
            final Duration after = w.has("alertAfter") ? f.duration(w, "alertAfter", path + ".alertAfter") : Duration.ZERO;
            if (after != null && lw != null && (after.isNegative() || after.compareTo(lw) > 0)) {
                f.problem(path + ".alertAfter", "must be between 0m and the long window " + Durations.format(lw)
                        + ", not " + w.path("alertAfter").asText());
                continue;
            }
            if (severity != null && lw != null && sw != null && after != null && !Double.isNaN(budget)) {
                try {
                    windows.add(new AlertWindow(Severity.ofWire(severity), budget, lw, sw, after));
                } catch (IllegalArgumentException e) {
                    f.problem(path, e.getMessage());
                }
            }
        }
        return windows;
    }
}
