package io.burnrate.engine.slo.openslo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.burnrate.engine.slo.AlertPolicies;
import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.BudgetThreshold;
import io.burnrate.engine.slo.BudgetingMethod;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.EventFilter;
import io.burnrate.engine.slo.NoDataAlert;
import io.burnrate.engine.slo.Numbers;
import io.burnrate.engine.slo.PeriodKind;
import io.burnrate.engine.slo.SloSpec;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The other direction of {@link OpenSloReader}: one engine {@link SloSpec} as one OpenSLO
 * v1 SLO document with its SLI and alert policy inline, such that reading it back gives
 * the same spec. The filter becomes {@code type: burnrate} metric sources (availability: a
 * bad ratio over the selection; latency: a thresholdMetric with {@code op: lte}); a named
 * built-in policy becomes the {@code burnrate.io/alert-policy} annotation, any other list
 * of rules one inline AlertPolicy {@code <name>-alerts} with one burnrate condition per
 * rule; what OpenSLO has no field for (runbook, minEventsPerWindow, budget thresholds)
 * goes into {@code burnrate.io/...} annotations.
 */
public final class OpenSloWriter {

    /** A calendar start both an ISO week (a Monday) and a month (the 1st) begin at. */
    static final String CALENDAR_START = "2024-01-01 00:00:00";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OpenSloWriter() {
    }

    /**
     * The OpenSLO document of {@code spec}.
     *
     * @throws IllegalArgumentException naming the SLO and the rule OpenSLO cannot express
     */
    public static ObjectNode write(final SloSpec spec) {
        final ObjectNode doc = NODES.objectNode();
        doc.put("apiVersion", OpenSloReader.API_VERSION);
        doc.put("kind", "SLO");
        final ObjectNode metadata = doc.putObject("metadata");
        metadata.put("name", spec.id());
        if (!spec.labels().isEmpty()) {
            final ObjectNode labels = metadata.putObject("labels");
            for (final Map.Entry<String, String> e : spec.labels().entrySet()) {
                if (e.getValue().contains(",")) {
                    final ArrayNode values = labels.putArray(e.getKey());
                    for (final String v : e.getValue().split(",", -1)) {
                        values.add(v);
                    }
                } else {
                    labels.put(e.getKey(), e.getValue());
                }
            }
        }
        final ObjectNode annotations = NODES.objectNode();
        final ObjectNode s = doc.putObject("spec");
        s.put("service", spec.service());
        final EventFilter filter = EventFilter.of(spec);
        s.set("indicator", indicator(spec.id(), filter));
        s.set("timeWindow", timeWindow(spec));
        s.put("budgetingMethod", spec.budgetingMethod().openSloName());
        final ObjectNode objective = s.putArray("objectives").addObject();
        objective.put("target", BigDecimal.valueOf(spec.objective()).movePointLeft(2));
        if (filter.latencyThresholdMs() != null) {
            objective.put("op", "lte");
            objective.put("value", filter.latencyThresholdMs());
        }
        if (spec.budgetingMethod() instanceof BudgetingMethod.Timeslices t) {
            objective.put("timeSliceTarget", t.timeSliceTarget());
            objective.put("timeSliceWindow", Durations.format(t.timeSliceWindow()));
        } else if (spec.budgetingMethod() instanceof BudgetingMethod.RatioTimeslices r) {
            objective.put("timeSliceWindow", Durations.format(r.timeSliceWindow()));
        }
        // a named policy is an annotation, which cannot stand beside alertPolicies: with no-data rules, write it out
        final String named = spec.noData().isEmpty() ? namedPolicy(spec.alerts(), spec.window()) : null;
        if (named != null) {
            annotations.put(OpenSloReader.ANNOTATION_ALERT_POLICY, named);
        } else {
            final ArrayNode policies = s.putArray("alertPolicies");
            if (!spec.alerts().isEmpty()) {
                policies.add(alertPolicy(spec));
            }
            for (final NoDataAlert n : spec.noData()) {
                policies.add(noDataPolicy(spec, n));
            }
        }
        if (spec.minEventsPerWindow() != 0) {
            annotations.put(OpenSloReader.ANNOTATION_MIN_EVENTS, Long.toString(spec.minEventsPerWindow()));
        }
        if (spec.runbook() != null) {
            annotations.put(OpenSloReader.ANNOTATION_RUNBOOK, spec.runbook());
        }
        if (!spec.budgetAdjustments().isEmpty()) {
            throw new IllegalArgumentException("SLO '" + spec.id() + "': spec.budgetAdjustments cannot be written as "
                    + "OpenSLO v1 (it has no maintenance windows); keep this SLO in burnrate/v1");
        }
        if (spec.budgetThresholds().stream().anyMatch(t -> t.gate() != null)) {
            throw new IllegalArgumentException("SLO '" + spec.id() + "': spec.budgetPolicy.thresholds[].gate cannot be "
                    + "written as OpenSLO v1; keep this SLO in burnrate/v1, or drop gate for the default (0 % blocks)");
        }
        if (!spec.budgetThresholds().equals(BudgetThreshold.DEFAULTS)) {
            final List<String> items = new ArrayList<>();
            for (final BudgetThreshold t : spec.budgetThresholds()) {
                items.add(Numbers.plain(t.percent()) + (t.action() == null ? "" : "=" + t.action()));
            }
            annotations.put(OpenSloReader.ANNOTATION_BUDGET_THRESHOLDS, String.join(", ", items));
        }
        if (!annotations.isEmpty()) {
            metadata.set("annotations", annotations);
        }
        return doc;
    }

    /** The built-in policy with these rules, preferring the one tuned for the SLO's window (google-28d for 28d). */
    private static String namedPolicy(final List<AlertWindow> alerts, final Duration window) {
        String first = null;
        for (final String name : AlertPolicies.names()) {
            final AlertPolicies.Policy p = AlertPolicies.policy(name).orElseThrow();
            if (p.windows().equals(alerts)) {
                if (p.sloWindow().equals(window)) {
                    return name;
                }
                first = first == null ? name : first;
            }
        }
        return first;
    }

    private static ObjectNode indicator(final String name, final EventFilter f) {
        final ObjectNode indicator = NODES.objectNode();
        indicator.putObject("metadata").put("name", name);
        final ObjectNode selection = NODES.objectNode();
        selection.put("service", f.service());
        if (f.operation() != null) {
            selection.put("operation", f.operation());
        }
        if (!f.attributes().isEmpty()) {
            final ObjectNode a = selection.putObject("attributes");
            f.attributes().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> a.put(e.getKey(), e.getValue()));
        }
        final String badStatus = f.badStatusMin() + "-" + EventFilter.MAX_STATUS;
        final ObjectNode spec = indicator.putObject("spec");
        if (f.latencyThresholdMs() == null) {
            final ObjectNode ratio = spec.putObject("ratioMetric");
            ratio.put("counter", true);
            source(ratio.putObject("bad")).putObject("spec").put("status", badStatus);
            source(ratio.putObject("total")).set("spec", selection);
        } else {
            selection.put("badStatus", badStatus);
            source(spec.putObject("thresholdMetric")).set("spec", selection);
        }
        return indicator;
    }

    private static ObjectNode source(final ObjectNode metric) {
        final ObjectNode ms = metric.putObject("metricSource");
        ms.put("type", OpenSloReader.BURNRATE_SOURCE);
        return ms;
    }

    private static ArrayNode timeWindow(final SloSpec spec) {
        final ArrayNode a = NODES.arrayNode();
        final ObjectNode w = a.addObject();
        if (spec.isCalendar()) {
            w.put("duration", spec.calendar().kind() == PeriodKind.WEEK ? "1w" : "1M");
            w.put("isRolling", false);
            w.putObject("calendar").put("startTime", CALENDAR_START).put("timeZone", spec.calendar().zone().getId());
        } else {
            w.put("duration", Durations.format(spec.window()));
            w.put("isRolling", true);
        }
        return a;
    }

    private static ObjectNode alertPolicy(final SloSpec spec) {
        final ObjectNode p = NODES.objectNode();
        p.put("kind", "AlertPolicy");
        p.putObject("metadata").put("name", spec.id() + "-alerts");
        final ObjectNode ps = p.putObject("spec");
        ps.put("alertWhenBreaching", true);
        final ArrayNode conditions = ps.putArray("conditions");
        for (final AlertWindow w : spec.alerts()) {
            if (!w.longWindow().dividedBy(OpenSloReader.SHORT_WINDOW_DIVISOR).equals(w.shortWindow())) {
                throw new IllegalArgumentException("SLO '" + spec.id() + "': rule " + w.ruleName() + " cannot be written "
                        + "in OpenSLO: a burnrate condition has one lookbackWindow, and burnrate reads its short window as "
                        + "lookbackWindow / " + OpenSloReader.SHORT_WINDOW_DIVISOR + " (" + Durations.format(
                        w.longWindow().dividedBy(OpenSloReader.SHORT_WINDOW_DIVISOR)) + "), not "
                        + Durations.format(w.shortWindow()));
            }
            final ObjectNode c = conditions.addObject();
            c.put("kind", "AlertCondition");
            c.putObject("metadata").put("name", spec.id() + "-" + w.ruleName());
            final ObjectNode cs = c.putObject("spec");
            cs.put("severity", w.severity().wire());
            final ObjectNode cond = cs.putObject("condition").put("kind", "burnrate").put("op", "gt")
                    .put("threshold", threshold(w, spec.window()))
                    .put("lookbackWindow", Durations.format(w.longWindow()));
            if (!w.alertAfter().isZero()) {
                cond.put("alertAfter", Durations.format(w.alertAfter()));
            }
        }
        return p;
    }

    /**
     * A no-data rule as OpenSLO: a policy that alerts when there is no data (and not when
     * breaching) over its condition's lookbackWindow. The threshold is required by the spec
     * and unused by such a policy.
     */
    private static ObjectNode noDataPolicy(final SloSpec spec, final NoDataAlert n) {
        final ObjectNode p = NODES.objectNode();
        p.put("kind", "AlertPolicy");
        p.putObject("metadata").put("name", spec.id() + "-" + n.ruleName());
        final ObjectNode ps = p.putObject("spec");
        ps.put("alertWhenNoData", true);
        ps.put("alertWhenBreaching", false);
        final ObjectNode c = ps.putArray("conditions").addObject();
        c.put("kind", "AlertCondition");
        c.putObject("metadata").put("name", spec.id() + "-" + n.ruleName());
        final ObjectNode cs = c.putObject("spec");
        cs.put("severity", n.severity().wire());
        cs.putObject("condition").put("kind", "burnrate").put("op", "gt").put("threshold", 1)
                .put("lookbackWindow", Durations.format(n.after()));
        return p;
    }

    /**
     * The condition threshold for {@code w}: the shortest decimal that {@link OpenSloReader}
     * reads back to the rule's own budget share. The exact burn rate of a stored share is
     * rarely short (1.93548387097 % of a 31-day month over 1h is 14.4000000000168), and the
     * reader rounds the share to 12 significant digits, so 14.4 reads back to the same rule.
     */
    static BigDecimal threshold(final AlertWindow w, final Duration sloWindow) {
        final BigDecimal exact = new BigDecimal(w.threshold(sloWindow));
        for (int digits = 1; digits <= 17; digits++) {
            final BigDecimal t = exact.round(new MathContext(digits)).stripTrailingZeros();
            if (OpenSloReader.budgetPercent(t, w.longWindow(), sloWindow).doubleValue() == w.budgetPercent()) {
                return t.scale() < 0 ? t.setScale(0) : t;
            }
        }
        return BigDecimal.valueOf(w.threshold(sloWindow));
    }
}
