package io.burnrate.engine.slo.sloth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.burnrate.engine.slo.AlertPolicies;
import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code burnrate slo import sloth}: Sloth SLO specs (the raw {@code version: prometheus/v1}
 * form and the Kubernetes {@code PrometheusServiceLevel} form) as {@code burnrate/v1}
 * documents. The SLI's PromQL is translated only in the common event shape: total =
 * {@code sum(rate(METRIC{MATCHERS}[{{.window}}]))}, error = the same plus one matcher on a
 * status label selecting {@code N..599}; the matchers become the event selector through a
 * {@link #DEFAULT_MAPPING label mapping} callers may override. Everything that does not fit
 * is a note naming the SLO and field, and that SLO is left out; what burnrate/v1 cannot
 * carry of an SLO that does translate (labels or annotations that differ between page and
 * ticket) is a note too ("dropped: ..."). Nothing is guessed. The mapping is docs/sloth.md.
 */
public final class SlothImport {

    /** Where a Prometheus label of the SLI goes. */
    public static final String SERVICE = "service";
    public static final String OPERATION = "operation";
    public static final String STATUS = "status";
    public static final String IGNORE = "ignore";
    public static final String ATTRIBUTES = "attributes.";

    /** job/service/app -> service, handler/route/path/operation -> operation, code/status/status_code -> status. */
    public static final Map<String, String> DEFAULT_MAPPING = defaultMapping();
    /** The label the Sloth alert name goes into. */
    public static final String LABEL_ALERT_NAME = "sloth_alert_name";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * What an import made.
     *
     * @param documents the burnrate/v1 documents of the SLOs that translated
     * @param notes     one line per thing not translated (and why), naming the SLO and field
     * @param skipped   SLOs left out
     */
    public record Result(List<ObjectNode> documents, List<String> notes, int skipped) {
    }

    private SlothImport() {
    }

    private static Map<String, String> defaultMapping() {
        final Map<String, String> m = new LinkedHashMap<>();
        for (final String l : List.of("job", "service", "app")) {
            m.put(l, SERVICE);
        }
        for (final String l : List.of("handler", "route", "path", "operation")) {
            m.put(l, OPERATION);
        }
        for (final String l : List.of("code", "status", "status_code")) {
            m.put(l, STATUS);
        }
        return Map.copyOf(m);
    }

    /**
     * Imports every Sloth document of {@code docs}.
     *
     * @param source    the file name, for notes
     * @param mapping   label -> {@code service}, {@code operation}, {@code status},
     *                  {@code attributes.<key>} or {@code ignore}; a label it does not name
     *                  becomes {@code attributes.<label>}
     * @param sloPeriod the SLO window (Sloth's {@code --default-slo-period}): 30d, 28d or 7d
     */
    public static Result convert(final List<JsonNode> docs, final String source, final Map<String, String> mapping,
                                 final Duration sloPeriod) {
        final List<ObjectNode> out = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        int skipped = 0;
        for (int d = 0; d < docs.size(); d++) {
            final JsonNode doc = docs.get(d);
            final String where = source + " (document " + (d + 1) + ")";
            final boolean k8s = "sloth.slok.dev/v1".equals(doc.path("apiVersion").asText())
                    && "PrometheusServiceLevel".equals(doc.path("kind").asText());
            final boolean raw = "prometheus/v1".equals(doc.path("version").asText());
            if (!k8s && !raw) {
                notes.add(where + ": not a Sloth SLO spec (version: prometheus/v1, or apiVersion: sloth.slok.dev/v1 with "
                        + "kind: PrometheusServiceLevel); left out");
                skipped++;
                continue;
            }
            final JsonNode spec = k8s ? doc.path("spec") : doc;
            final String service = spec.path("service").asText("");
            final JsonNode slos = spec.path("slos");
            if (service.isEmpty() || !slos.isArray()) {
                notes.add(where + ": needs service and slos; left out");
                skipped++;
                continue;
            }
            for (int i = 0; i < slos.size(); i++) {
                final JsonNode slo = slos.get(i);
                final String name = service + "-" + slo.path("name").asText("?");
                final String prefix = where + ": SLO '" + slo.path("name").asText("?") + "': ";
                final int before = notes.size();
                final ObjectNode v1 = slo(slo, service, spec.path("labels"), mapping, sloPeriod, k8s, name, prefix, notes);
                if (v1 == null) {
                    notes.add(prefix + "left out (" + (notes.size() - before) + " thing" + (notes.size() - before == 1
                            ? "" : "s") + " not translatable, above)");
                    skipped++;
                } else {
                    out.add(v1);
                }
            }
        }
        return new Result(out, notes, skipped);
    }

    private static ObjectNode slo(final JsonNode slo, final String service, final JsonNode serviceLabels,
                                  final Map<String, String> mapping, final Duration sloPeriod, final boolean k8s,
                                  final String name, final String prefix, final List<String> notes) {
        final int before = notes.size();
        final ObjectNode v1 = NODES.objectNode();
        v1.put("apiVersion", "burnrate/v1");
        v1.put("kind", "SLO");
        final ObjectNode metadata = v1.putObject("metadata");
        metadata.put("name", name);
        final Map<String, String> labels = new TreeMap<>();
        putAll(labels, serviceLabels);
        putAll(labels, slo.path("labels"));
        final ObjectNode spec = NODES.objectNode();
        final JsonNode sli = slo.path("sli");
        final JsonNode events = sli.path("events");
        if (!events.isObject()) {
            notes.add(prefix + "sli: " + (sli.has("raw") ? "a raw error-ratio query" : sli.has("plugin") ? "an SLI plugin"
                    : "this SLI") + " is not translatable (only sli.events with an error and a total query is)");
            return null;
        }
        final String errorQuery = events.path(k8s ? "errorQuery" : "error_query").asText("");
        final String totalQuery = events.path(k8s ? "totalQuery" : "total_query").asText("");
        final String errorField = "sli.events." + (k8s ? "errorQuery" : "error_query");
        final String totalField = "sli.events." + (k8s ? "totalQuery" : "total_query");
        final Selection sel = selection(errorQuery, totalQuery, errorField, totalField, mapping, prefix, notes);
        if (sel == null) {
            return null;
        }
        spec.put("service", sel.service == null ? service : sel.service);
        if (!sel.selector.isEmpty()) {
            final ObjectNode selector = spec.putObject("selector");
            sel.selector.forEach(selector::put);
        }
        spec.putObject("indicator").putObject("availability").put("badStatusMin", sel.badStatusMin);
        final JsonNode objective = slo.path("objective");
        if (!objective.isNumber()) {
            notes.add(prefix + "objective: must be a number (percent), not " + objective);
            return null;
        }
        spec.set("objective", objective);
        spec.put("window", Durations.format(sloPeriod));
        if (slo.path("description").isTextual()) {
            spec.put("description", slo.path("description").asText());
        }
        final List<String> dropped = new ArrayList<>();
        final ObjectNode alerting = alerting(slo.path("alerting"), sloPeriod, k8s, labels, metadata, prefix, notes,
                dropped);
        if (alerting == null) {
            return null;
        }
        spec.set("alerting", alerting);
        if (!labels.isEmpty()) {
            final ObjectNode l = NODES.objectNode();
            labels.forEach(l::put);
            metadata.set("labels", l);
        }
        v1.set("spec", spec);
        final boolean ok = notes.size() == before;
        notes.addAll(dropped);
        return ok ? v1 : null;
    }

    /** The event selection of an error and a total query. */
    private static final class Selection {
        private String service;
        private final Map<String, String> selector = new TreeMap<>();
        private int badStatusMin;
    }

    private static Selection selection(final String errorQuery, final String totalQuery, final String errorField,
                                       final String totalField, final Map<String, String> mapping, final String prefix,
                                       final List<String> notes) {
        final PromQlSelector.Query error;
        final PromQlSelector.Query total;
        try {
            total = PromQlSelector.parse(totalQuery);
        } catch (PromQlSelector.NotTranslatable e) {
            notes.add(prefix + totalField + ": not translatable: " + e.getMessage());
            return null;
        }
        try {
            error = PromQlSelector.parse(errorQuery);
        } catch (PromQlSelector.NotTranslatable e) {
            notes.add(prefix + errorField + ": not translatable: " + e.getMessage());
            return null;
        }
        final int before = notes.size();
        if (!error.metric().equals(total.metric()) || !error.function().equals(total.function())) {
            notes.add(prefix + errorField + ": not translatable: counts " + error.function() + "(" + error.metric()
                    + ") but the total query counts " + total.function() + "(" + total.metric() + "); burnrate needs "
                    + "one metric with a status matcher added");
            return null;
        }
        final Selection sel = new Selection();
        for (final PromQlSelector.LabelMatcher m : total.matchers()) {
            if (!error.matchers().contains(m)) {
                notes.add(prefix + errorField + ": not translatable: lacks the total query's matcher " + m);
                continue;
            }
            final String target = target(m.label(), mapping);
            if (IGNORE.equals(target)) {
                continue;
            }
            if (!"=".equals(m.op())) {
                notes.add(prefix + totalField + ": not translatable: matcher " + m + " (burnrate selects by exact "
                        + "match, label=\"value\")");
                continue;
            }
            if (SERVICE.equals(target)) {
                if (sel.service != null && !sel.service.equals(m.value())) {
                    notes.add(prefix + totalField + ": not translatable: two service matchers (" + m + ")");
                }
                sel.service = m.value();
            } else if (OPERATION.equals(target)) {
                sel.selector.put("operation", m.value());
            } else if (STATUS.equals(target)) {
                notes.add(prefix + totalField + ": not translatable: matcher " + m + " on a status label in the total "
                        + "query (total counts every request)");
            } else {
                sel.selector.put(target, m.value());
            }
        }
        final List<PromQlSelector.LabelMatcher> extra = new ArrayList<>(error.matchers());
        extra.removeAll(total.matchers());
        if (extra.size() != 1 || !STATUS.equals(target(extra.get(0).label(), mapping))) {
            notes.add(prefix + errorField + ": not translatable: the error query must add exactly one matcher on a "
                    + "status label (" + String.join(", ", statusLabels(mapping)) + ") to the total query, not "
                    + (extra.isEmpty() ? "none" : extra.toString()));
            return null;
        }
        final Integer min = PromQlSelector.badStatusMin(extra.get(0));
        if (min == null) {
            notes.add(prefix + errorField + ": not translatable: matcher " + extra.get(0) + " does not select a status "
                    + "range N-599 (burnrate counts status >= N, or outcome error, as bad; e.g. code=~\"5..\")");
            return null;
        }
        sel.badStatusMin = min;
        return notes.size() == before ? sel : null;
    }

    private static List<String> statusLabels(final Map<String, String> mapping) {
        final List<String> out = new ArrayList<>();
        final Map<String, String> all = new TreeMap<>(DEFAULT_MAPPING);
        all.putAll(mapping);
        all.forEach((k, v) -> {
            if (STATUS.equals(v)) {
                out.add(k);
            }
        });
        return out;
    }

    private static String target(final String label, final Map<String, String> mapping) {
        final String t = mapping.containsKey(label) ? mapping.get(label) : DEFAULT_MAPPING.get(label);
        return t != null ? t : ATTRIBUTES + label;
    }

    /** The alerting section: the policy for the period without the disabled severities; names and labels to labels. */
    private static ObjectNode alerting(final JsonNode alerting, final Duration sloPeriod, final boolean k8s,
                                       final Map<String, String> labels, final ObjectNode metadata, final String prefix,
                                       final List<String> notes, final List<String> dropped) {
        final ObjectNode out = NODES.objectNode();
        final String policyName = policyFor(sloPeriod);
        final List<AlertWindow> windows = new ArrayList<>(AlertPolicies.named(policyName).orElseThrow());
        if (!alerting.isObject()) {
            out.put("policy", policyName);
            return out;
        }
        if (alerting.path("name").isTextual()) {
            labels.put(LABEL_ALERT_NAME, alerting.path("name").asText());
        }
        putAll(labels, alerting.path("labels"));
        final JsonNode annotations = alerting.path("annotations");
        if (annotations.isObject() && !annotations.isEmpty()) {
            metadata.set("annotations", annotations.deepCopy());
            for (final String runbook : List.of("runbook", "runbook_url", "runbookURL")) {
                if (annotations.path(runbook).isTextual()) {
                    out.put("runbook", annotations.path(runbook).asText());
                    break;
                }
            }
        }
        final JsonNode page = alerting.path(k8s ? "pageAlert" : "page_alert");
        final JsonNode ticket = alerting.path(k8s ? "ticketAlert" : "ticket_alert");
        final Map<String, String> pageLabels = new TreeMap<>();
        final Map<String, String> ticketLabels = new TreeMap<>();
        putAll(pageLabels, page.path("labels"));
        putAll(ticketLabels, ticket.path("labels"));
        final boolean pageOff = page.path("disable").asBoolean(false);
        final boolean ticketOff = ticket.path("disable").asBoolean(false);
        if (pageOff) {
            windows.removeIf(w -> w.severity() == Severity.PAGE);
        }
        if (ticketOff) {
            windows.removeIf(w -> w.severity() == Severity.TICKET);
        }
        if (windows.isEmpty()) {
            notes.add(prefix + "alerting: not translatable: both page and ticket alerts are disabled (a burnrate/v1 SLO "
                    + "has at least one rule)");
            return null;
        }
        // a label both (enabled) severities carry alike is a label of the SLO; one that differs cannot be written
        final Map<String, String> common = new TreeMap<>(pageOff ? ticketLabels : pageLabels);
        final Map<String, String> other = pageOff || ticketOff ? common : ticketLabels;
        for (final String key : new ArrayList<>(common.keySet())) {
            if (Objects.equals(common.get(key), other.get(key))) {
                labels.put(key, common.get(key));
            }
        }
        reportPerSeverity(pageOff ? Map.of() : pageLabels, labels, k8s ? "alerting.pageAlert" : "alerting.page_alert",
                prefix, dropped);
        reportPerSeverity(ticketOff ? Map.of() : ticketLabels, labels, k8s ? "alerting.ticketAlert"
                : "alerting.ticket_alert", prefix, dropped);
        for (final JsonNode severity : List.of(page, ticket)) {
            if (severity.has("for")) {
                dropped.add(prefix + "alerting: dropped for: " + severity.path("for").asText() + " (a hold time; burnrate "
                        + "fires when both windows burn, see docs/sloth.md)");
            }
            if (severity.path("annotations").isObject() && !severity.path("annotations").isEmpty()) {
                dropped.add(prefix + "alerting: dropped per-severity annotations " + severity.path("annotations")
                        + " (burnrate/v1 alert text is per SLO)");
            }
        }
        if (pageOff || ticketOff) {
            final ArrayNode list = out.putArray("policy");
            for (final AlertWindow w : windows) {
                list.addObject().put("severity", w.severity().wire()).put("budgetPercent", w.budgetPercent())
                        .put("longWindow", Durations.format(w.longWindow()))
                        .put("shortWindow", Durations.format(w.shortWindow()));
            }
        } else {
            out.put("policy", policyName);
        }
        return out;
    }

    private static void reportPerSeverity(final Map<String, String> severityLabels, final Map<String, String> labels,
                                          final String field, final String prefix, final List<String> notes) {
        for (final Map.Entry<String, String> e : severityLabels.entrySet()) {
            if (!Objects.equals(labels.get(e.getKey()), e.getValue())) {
                notes.add(prefix + field + ".labels." + e.getKey() + ": dropped: " + e.getValue() + " differs between "
                        + "page and ticket (burnrate/v1 labels are per SLO; route on the alert's severity: page|ticket)");
            }
        }
    }

    /** The built-in policy for Sloth's SLO periods: 30d, 28d, 7d. */
    public static String policyFor(final Duration period) {
        if (period.equals(Duration.ofDays(28))) {
            return "google-28d";
        }
        if (period.equals(Duration.ofDays(7))) {
            return "sloth-7d";
        }
        if (period.equals(Duration.ofDays(30))) {
            return AlertPolicies.DEFAULT;
        }
        throw new IllegalArgumentException("SLO period must be 30d, 28d or 7d (Sloth's catalogue), not "
                + Durations.format(period));
    }

    private static void putAll(final Map<String, String> into, final JsonNode labels) {
        if (labels.isObject()) {
            for (final Map.Entry<String, JsonNode> e : labels.properties()) {
                if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                    into.put(e.getKey(), e.getValue().asText());
                }
            }
        }
    }
}
