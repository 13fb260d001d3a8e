package io.burnrate.engine.slo.openslo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.burnrate.engine.slo.AlertPolicies;
import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.EventFilter;
import io.burnrate.engine.slo.NoDataAlert;
import io.burnrate.engine.slo.Severity;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads OpenSLO v1 documents ({@code apiVersion: openslo/v1}; kinds SLO, SLI, AlertPolicy,
 * AlertCondition, AlertNotificationTarget, Service, DataSource) of one file and converts
 * every SLO objective into one {@code burnrate/v1} document, which the burnrate/v1 reader
 * then validates like any other: the engine, the SLO topic and replays see only
 * burnrate/v1. References ({@code indicatorRef}, {@code alertPolicyRef},
 * {@code conditionRef}, {@code targetRef}, {@code metricSourceRef}) resolve within the
 * file. The mapping, and what is refused and why, is docs/openslo.md.
 *
 * <p>Every problem names the file and document, the SLO and, where it lies in a referenced
 * document, that document: {@code slos.yaml (document 1): OpenSLO SLO 'web': SLI 'ratio':
 * ratioMetric.good.metricSource: type 'Prometheus' is not supported: ...}.
 */
public final class OpenSloReader {

    public static final String API_VERSION = "openslo/v1";
    /** The {@code metricSource.type} burnrate evaluates: its own events. */
    public static final String BURNRATE_SOURCE = "burnrate";
    /** Annotations that carry burnrate/v1 fields OpenSLO has no place for. */
    public static final String ANNOTATION_ALERT_POLICY = "burnrate.io/alert-policy";
    public static final String ANNOTATION_MIN_EVENTS = "burnrate.io/min-events-per-window";
    public static final String ANNOTATION_RUNBOOK = "burnrate.io/runbook";
    public static final String ANNOTATION_BUDGET_THRESHOLDS = "burnrate.io/budget-thresholds";
    /** The label the notification targets of an SLO's alert policies go into, comma-separated. */
    public static final String LABEL_NOTIFICATION_TARGET = "openslo_notification_target";
    /**
     * Set to {@code "false"} on an SLO whose alert policies say {@code alertWhenResolved: false}:
     * the resolve is still published (the alert must end), and receivers do not notify on it
     * (webhooks get no resolved message; route Alertmanager alerts with this label to a receiver
     * with {@code send_resolved: false}).
     */
    public static final String LABEL_ALERT_WHEN_RESOLVED = "openslo_alert_when_resolved";
    /** The short window of a condition is its lookback window divided by this (SRE Workbook: 1h / 5m). */
    public static final int SHORT_WINDOW_DIVISOR = 12;

    static final Set<String> KINDS = Set.of("SLO", "SLI", "AlertPolicy", "AlertCondition", "AlertNotificationTarget",
            "Service", "DataSource");
    private static final DateTimeFormatter START_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** One document of the file and where it is ({@code file (document 3)}). */
    public record Source(JsonNode doc, String where) {
    }

    /** One converted objective: a burnrate/v1 document and where it came from. */
    public record Converted(ObjectNode document, String where, Source origin) {
    }

    private final Map<String, Map<String, Source>> byKind = new LinkedHashMap<>();
    private final Map<String, AlertPolicies.Policy> localPolicies;
    private final List<String> problems;
    private final Set<JsonNode> visited = Collections.newSetFromMap(new IdentityHashMap<>());

    private OpenSloReader(final Map<String, AlertPolicies.Policy> localPolicies, final List<String> problems) {
        this.localPolicies = localPolicies;
        this.problems = problems;
    }

    /** Whether {@code doc} is an OpenSLO v1 document. */
    public static boolean is(final JsonNode doc) {
        return API_VERSION.equals(doc.path("apiVersion").asText());
    }

    /**
     * Converts the SLOs among {@code docs} (all OpenSLO v1), adding every problem found.
     *
     * @param localPolicies alert policies defined in the same file (Sloth AlertWindows), by name
     */
    public static List<Converted> convert(final List<Source> docs, final Map<String, AlertPolicies.Policy> localPolicies,
                                          final List<String> problems) {
        final OpenSloReader r = new OpenSloReader(localPolicies, problems);
        r.index(docs);
        final List<Converted> out = new ArrayList<>();
        for (final Source slo : r.byKind.getOrDefault("SLO", Map.of()).values()) {
            out.addAll(r.slo(slo));
        }
        r.checkUnreferenced();
        return out;
    }

    private void index(final List<Source> docs) {
        for (final Source s : docs) {
            final String kind = s.doc().path("kind").asText("");
            final JsonNode name = s.doc().path("metadata").path("name");
            final String prefix = s.where() + ": OpenSLO " + (kind.isEmpty() ? "document" : kind);
            if (!KINDS.contains(kind)) {
                problems.add(prefix + ": kind must be one of " + String.join(", ", KINDS.stream().sorted().toList())
                        + ", not '" + kind + "'");
                continue;
            }
            if (!name.isTextual() || name.asText().isBlank()) {
                problems.add(prefix + ": metadata.name is required");
                continue;
            }
            final Source earlier = byKind.computeIfAbsent(kind, k -> new LinkedHashMap<>()).putIfAbsent(name.asText(), s);
            if (earlier != null) {
                problems.add(prefix + " '" + name.asText() + "': metadata.name is used by an earlier " + kind + " ("
                        + earlier.where() + ")");
            }
            checkEnvelope(s.doc(), prefix + " '" + name.asText() + "'");
        }
    }

    /**
     * SLIs, alert policies and conditions no SLO of the file references are checked on
     * their own (what can be checked without an SLO window), so a catalogue file of them
     * gets the same messages.
     */
    private void checkUnreferenced() {
        for (final Source s : byKind.getOrDefault("SLI", Map.of()).values()) {
            if (visited.add(s.doc())) {
                // no SLO gives a default service here: a placeholder keeps "service is required" for SLOs
                sli(s.doc(), "?", s.where() + ": OpenSLO SLI '" + s.doc().path("metadata").path("name").asText() + "'");
            }
        }
        for (final Source s : byKind.getOrDefault("AlertPolicy", Map.of()).values()) {
            if (visited.add(s.doc())) {
                policy(s.doc(), "", null, new ArrayList<>(), new ArrayList<>(), new LinkedHashSet<>(), new LinkedHashSet<>(),
                        s.where());
            }
        }
        for (final Source s : byKind.getOrDefault("AlertCondition", Map.of()).values()) {
            if (visited.add(s.doc())) {
                condition(s.doc(), "", null, new ArrayList<>(), null, s.where());
            }
        }
    }

    private void checkEnvelope(final JsonNode doc, final String prefix) {
        allowOnly(doc, "", prefix, "apiVersion", "kind", "metadata", "spec");
        allowOnly(doc.path("metadata"), "metadata.", prefix, "name", "displayName", "labels", "annotations");
        if (!doc.path("spec").isObject()) {
            problems.add(prefix + ": spec: is required and must be a mapping");
        }
    }

    // ---------------------------------------------------------------- SLO

    /** One SLO: its objectives as burnrate/v1 documents; empty after recording its problems. */
    private List<Converted> slo(final Source src) {
        final JsonNode doc = src.doc();
        final String name = doc.path("metadata").path("name").asText();
        final String prefix = src.where() + ": OpenSLO SLO '" + name + "'";
        final int before = problems.size();
        final JsonNode spec = doc.path("spec");
        if (!spec.isObject()) {
            return List.of();
        }
        allowOnly(spec, "spec.", prefix, "description", "service", "indicator", "indicatorRef", "timeWindow",
                "budgetingMethod", "objectives", "alertPolicies");
        final String service = text(spec, "service", "spec.service", prefix, true);
        final Map<String, String> labels = labels(doc.path("metadata").path("labels"), prefix);
        final JsonNode annotations = doc.path("metadata").path("annotations");
        final Indicator indicator = indicator(spec, service, prefix);
        final ObjectNode window = timeWindow(spec.path("timeWindow"), prefix);
        final Duration sloWindow = window == null ? null : windowLength(window);
        final String method = budgetingMethod(spec.path("budgetingMethod"), prefix);
        final JsonNode alerting = alerting(spec.path("alertPolicies"), annotations, sloWindow, labels, prefix);
        final JsonNode objectives = spec.path("objectives");
        if (!objectives.isArray() || objectives.isEmpty()) {
            problems.add(prefix + ": spec.objectives: is required (a non-empty list of {target or targetPercent})");
            return List.of();
        }
        final List<String> names = objectiveNames(name, objectives, prefix);
        final List<Converted> out = new ArrayList<>();
        for (int i = 0; i < objectives.size(); i++) {
            final String path = "spec.objectives[" + i + "]";
            final ObjectNode v1spec = objective(objectives.get(i), path, indicator, method, prefix);
            if (v1spec == null || indicator == null || window == null || alerting == null || problems.size() != before) {
                continue;
            }
            final ObjectNode v1 = NODES.objectNode();
            v1.put("apiVersion", "burnrate/v1");
            v1.put("kind", "SLO");
            final ObjectNode metadata = v1.putObject("metadata");
            metadata.put("name", names.get(i));
            final ObjectNode labelNode = metadata.putObject("labels");
            labels.forEach(labelNode::put);
            final ObjectNode s = NODES.objectNode();
            s.put("service", indicator.filter().service());
            final ObjectNode selector = s.putObject("selector");
            indicator.filter().selector().forEach(selector::put);
            if (selector.isEmpty()) {
                s.remove("selector");
            }
            s.set("indicator", indicatorNode(indicator.filter()));
            s.setAll(v1spec);
            s.set("window", window.path("v1"));
            s.set("alerting", alerting);
            final JsonNode thresholds = budgetThresholds(annotations, prefix);
            if (thresholds != null) {
                s.set("budgetPolicy", thresholds);
            }
            if (spec.path("description").isTextual()) {
                s.put("description", spec.path("description").asText());
            }
            v1.set("spec", s);
            out.add(new Converted(v1, prefix + (objectives.size() > 1 ? " " + path : ""), src));
        }
        return problems.size() == before ? out : List.of();
    }

    private static Duration windowLength(final ObjectNode window) {
        return Duration.ofMillis(window.path("lengthMs").asLong());
    }

    /**
     * The names of the SLO's objectives: the SLO's own name for a single objective; with
     * several, {@code <slo>-<displayName as a name>} or, without a displayName,
     * {@code <slo>-<position from 1>}.
     */
    private List<String> objectiveNames(final String slo, final JsonNode objectives, final String prefix) {
        final List<String> out = new ArrayList<>();
        if (objectives.size() == 1) {
            out.add(slo);
            return out;
        }
        final Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < objectives.size(); i++) {
            final String display = objectives.get(i).path("displayName").asText("");
            final String slug = slug(display);
            final String n = slo + "-" + (slug.isEmpty() ? Integer.toString(i + 1) : slug);
            if (!seen.add(n)) {
                problems.add(prefix + ": spec.objectives[" + i + "]: its name " + n + " is taken by an earlier objective "
                        + "(give the objectives distinct displayNames)");
            }
            out.add(n);
        }
        return out;
    }

    /** {@code "Internal objective"} -> {@code internal-objective}. */
    static String slug(final String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    }

    // ---------------------------------------------------------------- objectives

    /** The objective's fields of the burnrate/v1 spec (objective, budgetingMethod, time slices), or null. */
    private ObjectNode objective(final JsonNode o, final String path, final Indicator indicator, final String method,
                                 final String prefix) {
        if (!o.isObject()) {
            problems.add(prefix + ": " + path + ": must be a mapping {target or targetPercent, ...}");
            return null;
        }
        allowOnly(o, path + ".", prefix, "displayName", "op", "value", "target", "targetPercent", "timeSliceTarget",
                "timeSliceWindow");
        final ObjectNode out = NODES.objectNode();
        final JsonNode target = o.path("target");
        final JsonNode percent = o.path("targetPercent");
        if (target.isMissingNode() == percent.isMissingNode()) {
            problems.add(prefix + ": " + path + ": give exactly one of target (a fraction, e.g. 0.995) or targetPercent "
                    + "(e.g. 99.5)");
            return null;
        }
        final BigDecimal objective;
        if (!target.isMissingNode()) {
            if (!target.isNumber() || !(target.decimalValue().signum() > 0
                    && target.decimalValue().compareTo(BigDecimal.ONE) < 0)) {
                problems.add(prefix + ": " + path + ".target: must be a fraction above 0 and below 1, not " + target);
                return null;
            }
            objective = target.decimalValue().movePointRight(2);
        } else {
            if (!percent.isNumber() || !(percent.asDouble() > 0 && percent.asDouble() < 100)) {
                problems.add(prefix + ": " + path + ".targetPercent: must be a percentage above 0 and below 100, not "
                        + percent);
                return null;
            }
            objective = percent.decimalValue();
        }
        out.put("objective", objective.stripTrailingZeros().doubleValue());
        if (indicator != null) {
            opAndValue(o, path, indicator, prefix);
        }
        final boolean slices = o.has("timeSliceTarget") || o.has("timeSliceWindow");
        if ("Timeslices".equals(method)) {
            out.put("budgetingMethod", "Timeslices");
            final JsonNode st = o.path("timeSliceTarget");
            if (!st.isNumber()) {
                problems.add(prefix + ": " + path + ".timeSliceTarget: is required with budgetingMethod: Timeslices (the "
                        + "good fraction a slice must reach, e.g. 0.95)");
            } else {
                out.set("timeSliceTarget", st);
            }
            if (o.has("timeSliceWindow")) {
                final Duration d = duration(o, "timeSliceWindow", path + ".timeSliceWindow", prefix);
                if (d != null) {
                    out.put("timeSliceWindow", Durations.format(d));
                }
            }
        } else if ("RatioTimeslices".equals(method)) {
            // attainment = the mean of the slices' good ratios: a slice window, no slice target
            out.put("budgetingMethod", "RatioTimeslices");
            if (o.has("timeSliceTarget")) {
                problems.add(prefix + ": " + path + ".timeSliceTarget: applies to Timeslices; RatioTimeslices averages "
                        + "the slices' good ratios and has no slice target (remove it)");
            }
            if (o.has("timeSliceWindow")) {
                final Duration d = duration(o, "timeSliceWindow", path + ".timeSliceWindow", prefix);
                if (d != null) {
                    out.put("timeSliceWindow", Durations.format(d));
                }
            }
        } else if (slices && method != null) {
            problems.add(prefix + ": " + path + ": timeSliceTarget and timeSliceWindow need budgetingMethod: Timeslices");
        }
        return out;
    }

    /** {@code op} and {@code value}: a latency threshold for a thresholdMetric, nothing (or gt/gte) for a ratio. */
    private void opAndValue(final JsonNode o, final String path, final Indicator indicator, final String prefix) {
        final String op = o.path("op").asText(null);
        final JsonNode value = o.path("value");
        if (indicator.threshold()) {
            if (!"lte".equals(op)) {
                problems.add(prefix + ": " + path + ".op: a thresholdMetric objective must be op: lte with value: the "
                        + "latency in milliseconds (burnrate counts an event good when its latency is at most the "
                        + "threshold), not " + (op == null ? "no op" : "'" + op + "'"));
            }
            if (!value.isNumber() || !(value.asDouble() > 0) || !Double.isFinite(value.asDouble())) {
                problems.add(prefix + ": " + path + ".value: is required for a thresholdMetric (the latency threshold in "
                        + "milliseconds, above 0), not " + value);
            } else {
                indicator.latencyMs = value.asDouble();
            }
        } else {
            if (!value.isMissingNode()) {
                problems.add(prefix + ": " + path + ".value: applies to a thresholdMetric; a ratioMetric objective has "
                        + "only a target");
            }
            if (op != null && !"gt".equals(op) && !"gte".equals(op)) {
                problems.add(prefix + ": " + path + ".op: a ratioMetric objective's target is met when the good ratio "
                        + "reaches it; op may only be gt or gte, not '" + op + "'");
            }
        }
    }

    private String budgetingMethod(final JsonNode node, final String prefix) {
        if (node.isMissingNode() || node.isNull()) {
            problems.add(prefix + ": spec.budgetingMethod: is required (Occurrences, Timeslices or RatioTimeslices)");
            return null;
        }
        final String m = node.asText();
        if ("Occurrences".equals(m) || "Timeslices".equals(m) || "RatioTimeslices".equals(m)) {
            return m;
        }
        problems.add(prefix + ": spec.budgetingMethod: must be Occurrences, Timeslices or RatioTimeslices, not " + node);
        return null;
    }

    // ---------------------------------------------------------------- time window

    /** {@code {v1: <burnrate/v1 window>, lengthMs: <SLO window>}}, or null. */
    private ObjectNode timeWindow(final JsonNode node, final String prefix) {
        if (!node.isArray() || node.size() != 1 || !node.get(0).isObject()) {
            problems.add(prefix + ": spec.timeWindow: must be a list of exactly one {duration, isRolling, calendar}");
            return null;
        }
        final JsonNode w = node.get(0);
        allowOnly(w, "spec.timeWindow[0].", prefix, "duration", "isRolling", "calendar");
        final String duration = w.path("duration").asText(null);
        final JsonNode calendar = w.path("calendar");
        final boolean rolling = w.path("isRolling").asBoolean(calendar.isMissingNode());
        final ObjectNode out = NODES.objectNode();
        if (duration == null) {
            problems.add(prefix + ": spec.timeWindow[0].duration: is required (e.g. 28d, 1w, 1M)");
            return null;
        }
        if (rolling) {
            if (!calendar.isMissingNode()) {
                problems.add(prefix + ": spec.timeWindow[0]: a rolling window (isRolling: true) has no calendar");
                return null;
            }
            try {
                final Duration d = OpenSloDurations.fixed(duration);
                out.put("v1", Durations.format(d));
                out.put("lengthMs", d.toMillis());
                return out;
            } catch (IllegalArgumentException e) {
                problems.add(prefix + ": spec.timeWindow[0].duration: " + e.getMessage());
                return null;
            }
        }
        if (!calendar.isObject()) {
            problems.add(prefix + ": spec.timeWindow[0].calendar: is required when isRolling is false ({startTime, "
                    + "timeZone})");
            return null;
        }
        allowOnly(calendar, "spec.timeWindow[0].calendar.", prefix, "startTime", "timeZone");
        final String period;
        if ("1w".equals(duration)) {
            period = "week";
        } else if ("1M".equals(duration)) {
            period = "month";
        } else {
            problems.add(prefix + ": spec.timeWindow[0].duration: a calendar window is 1w (ISO weeks from Monday) or 1M "
                    + "(months from the 1st), not '" + duration + "'" + ("1m".equals(duration)
                    ? " (1m is one minute; a month is 1M)" : ""));
            return null;
        }
        final String zone = calendar.path("timeZone").asText(null);
        if (zone == null) {
            problems.add(prefix + ": spec.timeWindow[0].calendar.timeZone: is required (an IANA zone such as UTC or "
                    + "Europe/Berlin)");
            return null;
        }
        final JsonNode start = calendar.path("startTime");
        if (!start.isMissingNode()) {
            startTime(start.asText(), period, zone, prefix);
        }
        final ObjectNode v1 = NODES.objectNode();
        v1.put("calendar", period);
        v1.put("timeZone", zone);
        out.set("v1", v1);
        out.put("lengthMs", ("week".equals(period) ? Duration.ofDays(7) : Duration.ofDays(31)).toMillis());
        return out;
    }

    /** burnrate's calendar periods start at local midnight on Mondays (weeks) or the 1st (months). */
    private void startTime(final String text, final String period, final String zone, final String prefix) {
        final String path = prefix + ": spec.timeWindow[0].calendar.startTime: ";
        final LocalDateTime t;
        try {
            t = LocalDateTime.parse(text, START_TIME);
        } catch (DateTimeParseException e) {
            problems.add(path + "must be 'yyyy-MM-dd HH:mm:ss', not '" + text + "'");
            return;
        }
        final boolean aligned = t.toLocalTime().toSecondOfDay() == 0
                && ("week".equals(period) ? t.getDayOfWeek() == DayOfWeek.MONDAY : t.getDayOfMonth() == 1);
        if (!aligned) {
            problems.add(path + text + " is not the start of a " + period + " in " + zone + ": burnrate's calendar "
                    + period + "s start at 00:00:00 on " + ("week".equals(period) ? "a Monday" : "the 1st of a month")
                    + " (e.g. 2024-01-01 00:00:00); other anchors are not supported");
        }
    }

    // ---------------------------------------------------------------- indicator

    /** What the SLI measures: the event filter and whether it is a latency (threshold) metric. */
    private static final class Indicator {
        private final EventFilter selection;
        private final int badStatusMin;
        private final boolean threshold;
        private Double latencyMs;

        Indicator(final EventFilter selection, final int badStatusMin, final boolean threshold, final Double latencyMs) {
            this.selection = selection;
            this.badStatusMin = badStatusMin;
            this.threshold = threshold;
            this.latencyMs = latencyMs;
        }

        boolean threshold() {
            return threshold;
        }

        EventFilter filter() {
            return new EventFilter(selection.service(), selection.operation(), selection.attributes(), badStatusMin,
                    latencyMs);
        }
    }

    private Indicator indicator(final JsonNode spec, final String service, final String prefix) {
        final JsonNode inline = spec.path("indicator");
        final JsonNode ref = spec.path("indicatorRef");
        if (inline.isMissingNode() == ref.isMissingNode()) {
            problems.add(prefix + ": spec: give exactly one of indicator (an inline SLI {metadata, spec}) or indicatorRef "
                    + "(the name of an SLI)");
            return null;
        }
        final JsonNode sli;
        final String sliPrefix;
        if (!ref.isMissingNode()) {
            final Source s = byKind.getOrDefault("SLI", Map.of()).get(ref.asText());
            if (s == null) {
                problems.add(prefix + ": spec.indicatorRef: no SLI named '" + ref.asText() + "' in this file");
                return null;
            }
            sli = s.doc();
            visited.add(sli);
            sliPrefix = prefix + ": SLI '" + ref.asText() + "' (" + s.where() + ")";
        } else {
            if (!inline.isObject()) {
                problems.add(prefix + ": spec.indicator: must be a mapping {metadata, spec}");
                return null;
            }
            allowOnly(inline, "spec.indicator.", prefix, "metadata", "spec", "apiVersion", "kind");
            sli = inline;
            sliPrefix = prefix + ": SLI '" + inline.path("metadata").path("name").asText("?") + "'";
        }
        return sli(sli, service, sliPrefix);
    }

    /** An SLI document ({@code {metadata, spec}}), inline or referenced. */
    private Indicator sli(final JsonNode sli, final String service, final String sliPrefix) {
        final JsonNode s = sli.path("spec");
        if (!s.isObject()) {
            problems.add(sliPrefix + ": spec: is required (ratioMetric or thresholdMetric)");
            return null;
        }
        allowOnly(s, "spec.", sliPrefix, "description", "ratioMetric", "thresholdMetric");
        final boolean ratio = s.has("ratioMetric");
        if (ratio == s.has("thresholdMetric")) {
            problems.add(sliPrefix + ": spec: give exactly one of ratioMetric or thresholdMetric");
            return null;
        }
        return ratio ? ratioMetric(s.path("ratioMetric"), service, sliPrefix)
                : thresholdMetric(s.path("thresholdMetric"), service, sliPrefix);
    }

    private Indicator ratioMetric(final JsonNode r, final String service, final String prefix) {
        allowOnly(r, "ratioMetric.", prefix, "counter", "good", "bad", "total", "raw", "rawType");
        if (r.has("raw") || r.has("rawType")) {
            final String type = sourceType(r.path("raw").path("metricSource"), "ratioMetric.raw.metricSource", prefix);
            if (type != null) {
                problems.add(prefix + ": ratioMetric.raw: a raw (precomputed) ratio is not supported: give total and good "
                        + "or bad, each a metricSource of type: burnrate");
            }
            return null;
        }
        if (!r.has("total") || r.has("good") == r.has("bad")) {
            problems.add(prefix + ": ratioMetric: give total and exactly one of good or bad");
            return null;
        }
        final String role = r.has("good") ? "good" : "bad";
        final String totalType = sourceType(r.path("total").path("metricSource"), "ratioMetric.total.metricSource", prefix);
        if (totalType == null) {
            return null;
        }
        final String roleType = sourceType(r.path(role).path("metricSource"), "ratioMetric." + role + ".metricSource",
                prefix);
        if (roleType == null) {
            return null;
        }
        final JsonNode total = r.path("total").path("metricSource").path("spec");
        final JsonNode part = r.path(role).path("metricSource").path("spec");
        final String totalPath = "ratioMetric.total.metricSource.spec";
        final String partPath = "ratioMetric." + role + ".metricSource.spec";
        final EventFilter selection = selection(total, service, totalPath, prefix,
                "service", "operation", "attributes");
        if (selection == null) {
            return null;
        }
        final EventFilter partSelection = selection(part, selection.service(), partPath, prefix,
                "service", "operation", "attributes", "status", "outcome",
                "good".equals(role) ? "latencyAtMostMs" : "latencyAboveMs");
        if (partSelection == null) {
            return null;
        }
        if (!inherits(part, selection, partSelection)) {
            problems.add(prefix + ": " + partPath + ": must select the same events as total (same service, operation and "
                    + "attributes, or leave them out): burnrate computes " + role + "/total over one selection");
            return null;
        }
        final String outcome = part.path("outcome").asText(null);
        final String expected = "good".equals(role) ? "ok" : "error";
        if (outcome != null && !expected.equals(outcome)) {
            problems.add(prefix + ": " + partPath + ".outcome: an event with outcome error is always bad; a " + role
                    + " metric may only say outcome: " + expected + ", not '" + outcome + "'");
            return null;
        }
        int badStatusMin = 500;
        if (part.has("status")) {
            final int[] range = statusRange(part.path("status"), partPath + ".status", prefix);
            if (range == null) {
                return null;
            }
            if ("bad".equals(role)) {
                if (range[1] != EventFilter.MAX_STATUS || range[0] < 100) {
                    problems.add(prefix + ": " + partPath + ".status: a bad status range runs from N (100 to 599) to 599, "
                            + "e.g. 500-599, not " + part.path("status").asText());
                    return null;
                }
                badStatusMin = range[0];
            } else {
                if (range[0] > 100 || range[1] < 99) {
                    problems.add(prefix + ": " + partPath + ".status: a good status range runs from 0 or 100 to just below "
                            + "the first bad status, e.g. 100-499, not " + part.path("status").asText());
                    return null;
                }
                badStatusMin = range[1] + 1;
            }
        }
        Double latency = null;
        final String latencyField = "good".equals(role) ? "latencyAtMostMs" : "latencyAboveMs";
        if (part.has(latencyField)) {
            final JsonNode l = part.path(latencyField);
            if (!l.isNumber() || !(l.asDouble() > 0) || !Double.isFinite(l.asDouble())) {
                problems.add(prefix + ": " + partPath + "." + latencyField + ": must be a number of milliseconds above 0, "
                        + "not " + l);
                return null;
            }
            latency = l.asDouble();
        }
        return new Indicator(selection, badStatusMin, false, latency);
    }

    private Indicator thresholdMetric(final JsonNode t, final String service, final String prefix) {
        allowOnly(t, "thresholdMetric.", prefix, "metricSource");
        final String type = sourceType(t.path("metricSource"), "thresholdMetric.metricSource", prefix);
        if (type == null) {
            return null;
        }
        final String path = "thresholdMetric.metricSource.spec";
        final JsonNode spec = t.path("metricSource").path("spec");
        final EventFilter selection = selection(spec, service, path, prefix, "service", "operation", "attributes",
                "badStatus");
        if (selection == null) {
            return null;
        }
        int badStatusMin = 500;
        if (spec.has("badStatus")) {
            final int[] range = statusRange(spec.path("badStatus"), path + ".badStatus", prefix);
            if (range == null) {
                return null;
            }
            if (range[1] != EventFilter.MAX_STATUS || range[0] < 100) {
                problems.add(prefix + ": " + path + ".badStatus: runs from N (100 to 599) to 599, e.g. 500-599, not "
                        + spec.path("badStatus").asText());
                return null;
            }
            badStatusMin = range[0];
        }
        // the threshold itself is the objective's value (op: lte)
        return new Indicator(selection, badStatusMin, true, null);
    }

    /**
     * The metric source's type ({@code type}, or its DataSource's through {@code metricSourceRef});
     * null after a problem, including every type but burnrate.
     */
    private String sourceType(final JsonNode ms, final String path, final String prefix) {
        if (!ms.isObject()) {
            problems.add(prefix + ": " + path + ": is required ({type: burnrate, spec: {...}})");
            return null;
        }
        allowOnly(ms, path + ".", prefix, "metricSourceRef", "type", "spec");
        String type = ms.path("type").asText(null);
        if (type == null && ms.has("metricSourceRef")) {
            final Source ds = byKind.getOrDefault("DataSource", Map.of()).get(ms.path("metricSourceRef").asText());
            if (ds == null) {
                problems.add(prefix + ": " + path + ".metricSourceRef: no DataSource named '"
                        + ms.path("metricSourceRef").asText() + "' in this file");
                return null;
            }
            type = ds.doc().path("spec").path("type").asText(null);
        }
        if (!BURNRATE_SOURCE.equals(type)) {
            problems.add(prefix + ": " + path + ": type " + (type == null ? "(none)" : "'" + type + "'") + " is not "
                    + "supported: burnrate measures its own events, not another system's metrics; write metricSource: "
                    + "{type: burnrate, spec: " + example(path) + "} (see docs/openslo.md)");
            return null;
        }
        return type;
    }

    /** What to write instead, for the metric source at {@code path}. */
    private static String example(final String path) {
        if (path.contains(".good.")) {
            return "{status: 100-499}";
        }
        if (path.contains(".bad.")) {
            return "{status: 500-599}";
        }
        if (path.startsWith("thresholdMetric")) {
            return "{service: SERVICE, operation: OPERATION, badStatus: 500-599}";
        }
        return "{service: SERVICE, operation: OPERATION, attributes: {KEY: VALUE}}";
    }

    /** The selection a burnrate metric source's spec makes; null after a problem. */
    private EventFilter selection(final JsonNode spec, final String defaultService, final String path, final String prefix,
                                  final String... allowed) {
        if (!spec.isMissingNode() && !spec.isNull() && !spec.isObject()) {
            problems.add(prefix + ": " + path + ": must be a mapping {service, operation, attributes, ...}");
            return null;
        }
        allowOnly(spec, path + ".", prefix, allowed);
        final String service = spec.has("service") ? text(spec, "service", path + ".service", prefix, true) : defaultService;
        if (service == null) {
            if (!spec.has("service")) {
                problems.add(prefix + ": " + path + ".service: is required (or set the SLO's spec.service)");
            }
            return null;
        }
        final String operation = spec.has("operation") ? text(spec, "operation", path + ".operation", prefix, true) : null;
        final Map<String, String> attributes = new LinkedHashMap<>();
        final JsonNode a = spec.path("attributes");
        if (!a.isMissingNode()) {
            if (!a.isObject()) {
                problems.add(prefix + ": " + path + ".attributes: must be a mapping of names to values");
                return null;
            }
            for (final Map.Entry<String, JsonNode> e : a.properties()) {
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    problems.add(prefix + ": " + path + ".attributes." + e.getKey() + ": must be a plain value");
                    return null;
                }
                attributes.put(e.getKey(), e.getValue().asText());
            }
        }
        return new EventFilter(service, operation, attributes, 500, null);
    }

    /** Whether a good/bad spec selects what total does: each field equal, or absent (inherited). */
    private static boolean inherits(final JsonNode part, final EventFilter total, final EventFilter parsed) {
        return (!part.has("service") || parsed.service().equals(total.service()))
                && (!part.has("operation") || Objects.equals(parsed.operation(), total.operation()))
                && (!part.has("attributes") || parsed.attributes().equals(total.attributes()));
    }

    /** {@code 500-599}, {@code 5xx}, {@code 4xx-5xx}, {@code 503}: an inclusive range in [0, 599]; null after a problem. */
    private int[] statusRange(final JsonNode node, final String path, final String prefix) {
        final String text = node.asText("").trim();
        final String[] parts = text.split("\\s*-\\s*", -1);
        if (parts.length < 1 || parts.length > 2) {
            problems.add(prefix + ": " + path + ": must be a status range such as 500-599 or 5xx, not '" + text + "'");
            return null;
        }
        final Integer low = status(parts[0], false);
        final Integer high = status(parts[parts.length - 1], true);
        if (low == null || high == null || low > high || high > EventFilter.MAX_STATUS) {
            problems.add(prefix + ": " + path + ": must be a status range such as 500-599 or 5xx (within 0-599), not '"
                    + text + "'");
            return null;
        }
        return new int[] {low, high};
    }

    private static Integer status(final String s, final boolean high) {
        if (s.matches("[1-5]xx")) {
            return (s.charAt(0) - '0') * 100 + (high ? 99 : 0);
        }
        return s.matches("[0-9]{1,3}") ? Integer.valueOf(s) : null;
    }

    private static ObjectNode indicatorNode(final EventFilter f) {
        final ObjectNode n = NODES.objectNode();
        if (f.latencyThresholdMs() == null) {
            n.putObject("availability").put("badStatusMin", f.badStatusMin());
        } else {
            n.putObject("latency").put("thresholdMs", f.latencyThresholdMs()).put("badStatusMin", f.badStatusMin());
        }
        return n;
    }

    // ---------------------------------------------------------------- alerting

    /** The burnrate/v1 {@code alerting} mapping, or null after a problem. */
    private JsonNode alerting(final JsonNode policies, final JsonNode annotations, final Duration sloWindow,
                              final Map<String, String> labels, final String prefix) {
        final ObjectNode out = NODES.objectNode();
        final String named = annotations.path(ANNOTATION_ALERT_POLICY).asText(null);
        // "alertPolicies:" with nothing after it reads as an empty string
        final boolean none = policies.isMissingNode() || policies.isNull() || policies.isArray() && policies.isEmpty()
                || policies.isTextual() && policies.asText().isBlank();
        if (!none && named != null) {
            problems.add(prefix + ": metadata.annotations." + ANNOTATION_ALERT_POLICY + ": names a policy, but the SLO has "
                    + "alertPolicies too: use one of them");
            return null;
        }
        if (none) {
            if (named != null && localPolicies.containsKey(named)) {
                out.set("policy", windowsNode(localPolicies.get(named).windows()));
            } else if (named != null) {
                out.put("policy", named);
            }
        } else {
            if (!policies.isArray()) {
                problems.add(prefix + ": spec.alertPolicies: must be a list of alertPolicyRef or inline AlertPolicy");
                return null;
            }
            final List<AlertWindow> windows = new ArrayList<>();
            final List<NoDataAlert> noData = new ArrayList<>();
            final Set<String> targets = new LinkedHashSet<>();
            final Set<Boolean> whenResolved = new LinkedHashSet<>();
            final int before = problems.size();
            for (int i = 0; i < policies.size(); i++) {
                policy(policies.get(i), "spec.alertPolicies[" + i + "]", sloWindow, windows, noData, targets, whenResolved,
                        prefix);
            }
            if (sloWindow != null && windows.isEmpty() && noData.isEmpty() && problems.size() == before) {
                problems.add(prefix + ": spec.alertPolicies: no condition to evaluate");
            }
            out.set("policy", windowsNode(windows));
            if (!noData.isEmpty()) {
                final ArrayNode nd = out.putArray("noData");
                final Set<String> seen = new LinkedHashSet<>();
                for (final NoDataAlert n : noData) {
                    // two policies saying alertWhenNoData over the same lookback and severity are one rule
                    if (seen.add(n.ruleName())) {
                        nd.addObject().put("severity", n.severity().wire()).put("after", Durations.format(n.after()));
                    }
                }
            }
            addLabel(labels, LABEL_NOTIFICATION_TARGET, targets, prefix);
            if (whenResolved.size() > 1) {
                problems.add(prefix + ": spec.alertPolicies: set alertWhenResolved alike on every policy of the SLO (it "
                        + "becomes the label " + LABEL_ALERT_WHEN_RESOLVED + " of all its alerts)");
            } else if (whenResolved.contains(Boolean.FALSE)) {
                addLabel(labels, LABEL_ALERT_WHEN_RESOLVED, Set.of("false"), prefix);
            }
        }
        final JsonNode min = annotations.path(ANNOTATION_MIN_EVENTS);
        if (!min.isMissingNode()) {
            try {
                out.put("minEventsPerWindow", Long.parseLong(min.asText().trim()));
            } catch (NumberFormatException e) {
                problems.add(prefix + ": metadata.annotations." + ANNOTATION_MIN_EVENTS + ": must be a whole number, not '"
                        + min.asText() + "'");
            }
        }
        if (annotations.path(ANNOTATION_RUNBOOK).isTextual()) {
            out.put("runbook", annotations.path(ANNOTATION_RUNBOOK).asText());
        }
        return out;
    }

    /** A boolean field of an AlertPolicy spec, {@code dflt} when absent; a problem when not a boolean. */
    private boolean bool(final JsonNode spec, final String field, final boolean dflt, final String prefix) {
        final JsonNode v = spec.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            problems.add(prefix + ": spec." + field + ": must be true or false, not " + v);
            return dflt;
        }
        return v.asBoolean();
    }

    private void addLabel(final Map<String, String> labels, final String key, final Set<String> values, final String prefix) {
        if (values.isEmpty()) {
            return;
        }
        if (labels.containsKey(key)) {
            problems.add(prefix + ": metadata.labels." + key + ": is set from the alert policies; do not set it yourself");
            return;
        }
        labels.put(key, String.join(",", values));
    }

    private void policy(final JsonNode item, final String path, final Duration sloWindow, final List<AlertWindow> windows,
                        final List<NoDataAlert> noData, final Set<String> targets, final Set<Boolean> whenResolved,
                        final String prefix) {
        final Resolved p = resolve(item, "alertPolicyRef", "AlertPolicy", path, prefix);
        if (p == null) {
            return;
        }
        final JsonNode spec = p.doc().path("spec");
        final String pp = p.prefix();
        allowOnly(spec, "spec.", pp, "description", "alertWhenNoData", "alertWhenResolved", "alertWhenBreaching",
                "conditions", "notificationTargets");
        final boolean whenNoData = bool(spec, "alertWhenNoData", false, pp);
        final boolean whenBreaching = bool(spec, "alertWhenBreaching", true, pp);
        final JsonNode resolved = spec.path("alertWhenResolved");
        if (!resolved.isMissingNode() && !resolved.isNull() && !resolved.isBoolean()) {
            problems.add(pp + ": spec.alertWhenResolved: must be true or false, not " + resolved);
        } else if (resolved.isBoolean()) {
            whenResolved.add(resolved.asBoolean());
        }
        if (!whenBreaching && !whenNoData) {
            problems.add(pp + ": spec.alertWhenBreaching: false with alertWhenNoData false leaves nothing to alert on; "
                    + "remove the policy or set one of them to true");
        }
        final JsonNode conditions = spec.path("conditions");
        if (!conditions.isArray() || conditions.isEmpty()) {
            problems.add(pp + ": spec.conditions: is required (a list of conditionRef or inline AlertCondition)");
        } else {
            for (int i = 0; i < conditions.size(); i++) {
                condition(conditions.get(i), "spec.conditions[" + i + "]", sloWindow, whenBreaching ? windows : null,
                        whenNoData ? noData : null, pp);
            }
        }
        final JsonNode nt = spec.path("notificationTargets");
        if (nt.isArray()) {
            for (int i = 0; i < nt.size(); i++) {
                final Resolved t = resolve(nt.get(i), "targetRef", "AlertNotificationTarget", "spec.notificationTargets["
                        + i + "]", pp);
                if (t != null) {
                    allowOnly(t.doc().path("spec"), "spec.", t.prefix(), "description", "target");
                    targets.add(t.name());
                }
            }
        } else if (!nt.isMissingNode() && !nt.isNull()) {
            problems.add(pp + ": spec.notificationTargets: must be a list of targetRef or inline AlertNotificationTarget");
        }
    }

    /**
     * One AlertCondition: a burn-rate rule into {@code windows} (null: the policy does not
     * alert when breaching) and, for a policy with {@code alertWhenNoData: true}, a no-data
     * rule over its lookbackWindow into {@code noData} (null: it does not).
     */
    private void condition(final JsonNode item, final String path, final Duration sloWindow, final List<AlertWindow> windows,
                           final List<NoDataAlert> noData, final String prefix) {
        final Resolved c = resolve(item, "conditionRef", "AlertCondition", path, prefix);
        if (c == null) {
            return;
        }
        final String cp = c.prefix();
        final JsonNode spec = c.doc().path("spec");
        allowOnly(spec, "spec.", cp, "description", "severity", "condition");
        final JsonNode cond = spec.path("condition");
        if (!cond.isObject()) {
            problems.add(cp + ": spec.condition: is required ({kind: burnrate, op: gt, threshold, lookbackWindow})");
            return;
        }
        allowOnly(cond, "spec.condition.", cp, "kind", "op", "threshold", "lookbackWindow", "alertAfter");
        final int before = problems.size();
        // the spec: kind "defaults to burnrate"; its own examples give no op (a burn-rate alert fires above the threshold)
        if (cond.has("kind") && !"burnrate".equals(cond.path("kind").asText())) {
            problems.add(cp + ": spec.condition.kind: must be burnrate, not " + cond.path("kind"));
        }
        if (cond.has("op") && !"gt".equals(cond.path("op").asText())) {
            problems.add(cp + ": spec.condition.op: must be gt (the alert fires while the burn rate exceeds the "
                    + "threshold), not " + cond.path("op"));
        }
        final Severity severity = severity(spec.path("severity"), cp);
        final JsonNode threshold = cond.path("threshold");
        if (windows != null
                && (!threshold.isNumber() || !(threshold.asDouble() > 0) || !Double.isFinite(threshold.asDouble()))) {
            problems.add(cp + ": spec.condition.threshold: must be a burn rate above 0, not " + threshold);
        }
        final Duration lookback = duration(cond, "lookbackWindow", "spec.condition.lookbackWindow", cp);
        if (noData != null && lookback != null && severity != null && problems.size() == before) {
            // alertWhenNoData: no request over the lookback window fires (see NoDataAlert)
            try {
                noData.add(new NoDataAlert(severity, lookback));
            } catch (IllegalArgumentException e) {
                problems.add(cp + ": spec.condition.lookbackWindow: " + e.getMessage());
            }
        }
        if (windows == null) {
            return;
        }
        Duration after = Duration.ZERO;
        if (cond.has("alertAfter")) {
            after = duration(cond, "alertAfter", "spec.condition.alertAfter", cp);
            if (after != null && lookback != null && (after.isNegative() || after.compareTo(lookback) > 0)) {
                problems.add(cp + ": spec.condition.alertAfter: a hold time must be between 0m and the lookbackWindow "
                        + Durations.format(lookback) + ", not " + cond.path("alertAfter").asText());
            }
        }
        if (problems.size() != before || lookback == null || after == null || severity == null || sloWindow == null) {
            return;
        }
        if (lookback.toMillis() % (SHORT_WINDOW_DIVISOR * 60_000L) != 0) {
            problems.add(cp + ": spec.condition.lookbackWindow: must be a multiple of 12m (the short window is the "
                    + "lookback / 12, in whole minutes), not " + cond.path("lookbackWindow").asText());
            return;
        }
        final BigDecimal budget = budgetPercent(threshold.decimalValue(), lookback, sloWindow);
        if (budget.compareTo(BigDecimal.valueOf(100)) > 0) {
            problems.add(cp + ": spec.condition.threshold: " + threshold.asText() + " over " + Durations.format(lookback)
                    + " would spend " + budget.toPlainString() + "% of the " + Durations.format(sloWindow) + " budget before "
                    + "firing; at most " + BigDecimal.valueOf(sloWindow.toMillis()).divide(BigDecimal.valueOf(
                    lookback.toMillis()), MathContext.DECIMAL64).stripTrailingZeros().toPlainString());
            return;
        }
        try {
            windows.add(new AlertWindow(severity, budget.doubleValue(), lookback, lookback.dividedBy(SHORT_WINDOW_DIVISOR),
                    after));
        } catch (IllegalArgumentException e) {
            problems.add(cp + ": spec.condition: " + e.getMessage());
        }
    }

    /**
     * The budget share a burn-rate threshold over {@code lookback} spends of an SLO window:
     * threshold x lookback / sloWindow x 100, to 12 significant digits (so 14.4 over 1h of
     * 30d is exactly 2).
     */
    public static BigDecimal budgetPercent(final BigDecimal threshold, final Duration lookback, final Duration sloWindow) {
        return threshold.multiply(BigDecimal.valueOf(lookback.toMillis())).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(sloWindow.toMillis()), new MathContext(12)).stripTrailingZeros();
    }

    private Severity severity(final JsonNode node, final String prefix) {
        final String s = node.asText("");
        switch (s) {
            case "page":
            case "critical":
                return Severity.PAGE;
            case "ticket":
            case "warning":
                return Severity.TICKET;
            default:
                problems.add(prefix + ": spec.severity: must be page (or critical) or ticket (or warning), not "
                        + (node.isMissingNode() ? "missing" : "'" + s + "'"));
                return null;
        }
    }

    /** A referenced or inline document. */
    private record Resolved(String name, JsonNode doc, String prefix) {
    }

    private Resolved resolve(final JsonNode item, final String refField, final String kind, final String path,
                             final String prefix) {
        if (!item.isObject()) {
            problems.add(prefix + ": " + path + ": must be {" + refField + ": NAME} or an inline " + kind);
            return null;
        }
        if (item.has(refField)) {
            allowOnly(item, path + ".", prefix, refField);
            final String ref = item.path(refField).asText();
            final Source s = byKind.getOrDefault(kind, Map.of()).get(ref);
            if (s == null) {
                problems.add(prefix + ": " + path + "." + refField + ": no " + kind + " named '" + ref + "' in this file");
                return null;
            }
            visited.add(s.doc());
            return new Resolved(ref, s.doc(), prefix + ": " + kind + " '" + ref + "' (" + s.where() + ")");
        }
        allowOnly(item, path + ".", prefix, "apiVersion", "kind", "metadata", "spec");
        if (item.has("kind") && !kind.equals(item.path("kind").asText())) {
            problems.add(prefix + ": " + path + ".kind: must be " + kind + ", not " + item.path("kind"));
            return null;
        }
        final String name = item.path("metadata").path("name").asText(null);
        if (name == null || !item.path("spec").isObject()) {
            problems.add(prefix + ": " + path + ": an inline " + kind + " needs metadata.name and spec");
            return null;
        }
        return new Resolved(name, item, prefix + ": " + kind + " '" + name + "'");
    }

    private static ArrayNode windowsNode(final List<AlertWindow> windows) {
        final ArrayNode a = NODES.arrayNode();
        for (final AlertWindow w : windows) {
            final ObjectNode o = a.addObject().put("severity", w.severity().wire()).put("budgetPercent", w.budgetPercent())
                    .put("longWindow", Durations.format(w.longWindow())).put("shortWindow", Durations.format(w.shortWindow()));
            if (!w.alertAfter().isZero()) {
                o.put("alertAfter", Durations.format(w.alertAfter()));
            }
        }
        return a;
    }

    /** {@code burnrate.io/budget-thresholds: "50, 25, 10, 0=freeze-releases"} as a burnrate/v1 budgetPolicy. */
    private JsonNode budgetThresholds(final JsonNode annotations, final String prefix) {
        final JsonNode a = annotations.path(ANNOTATION_BUDGET_THRESHOLDS);
        if (a.isMissingNode()) {
            return null;
        }
        final ObjectNode policy = NODES.objectNode();
        final ArrayNode list = policy.putArray("thresholds");
        for (final String item : a.asText().split(",")) {
            final String[] kv = item.trim().split("=", 2);
            try {
                final ObjectNode t = list.addObject();
                t.put("percent", new BigDecimal(kv[0].trim()).doubleValue());
                if (kv.length == 2) {
                    t.put("action", kv[1].trim());
                }
            } catch (NumberFormatException e) {
                problems.add(prefix + ": metadata.annotations." + ANNOTATION_BUDGET_THRESHOLDS + ": must be a list such as "
                        + "'50, 25, 10, 0=freeze-releases', not '" + a.asText() + "'");
                return null;
            }
        }
        return policy;
    }

    // ---------------------------------------------------------------- fields

    /** OpenSLO labels: a value or a list of values; a list becomes its values joined by commas. */
    private Map<String, String> labels(final JsonNode node, final String prefix) {
        final Map<String, String> out = new LinkedHashMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            problems.add(prefix + ": metadata.labels: must be a mapping of names to a value or a list of values");
            return out;
        }
        for (final Map.Entry<String, JsonNode> e : node.properties()) {
            final JsonNode v = e.getValue();
            if (v.isValueNode() && !v.isNull()) {
                out.put(e.getKey(), v.asText());
            } else if (v.isArray() && !v.isEmpty()) {
                final List<String> values = new ArrayList<>();
                for (final JsonNode x : v) {
                    if (!x.isValueNode() || x.isNull()) {
                        problems.add(prefix + ": metadata.labels." + e.getKey() + ": values must be plain, not " + x);
                        return out;
                    }
                    values.add(x.asText());
                }
                out.put(e.getKey(), String.join(",", values));
            } else {
                problems.add(prefix + ": metadata.labels." + e.getKey() + ": must be a value or a non-empty list of values");
            }
        }
        return out;
    }

    private String text(final JsonNode node, final String field, final String path, final String prefix,
                        final boolean required) {
        final JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) {
            if (required) {
                problems.add(prefix + ": " + path + ": is required");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            problems.add(prefix + ": " + path + ": must be a non-empty string, not " + v);
            return null;
        }
        return v.asText();
    }

    private Duration duration(final JsonNode node, final String field, final String path, final String prefix) {
        final JsonNode v = node.path(field);
        if (!v.isTextual()) {
            problems.add(prefix + ": " + path + ": " + (v.isMissingNode() ? "is required" : "must be a duration such as "
                    + "5m or 1h, not " + v));
            return null;
        }
        try {
            return OpenSloDurations.fixed(v.asText());
        } catch (IllegalArgumentException e) {
            problems.add(prefix + ": " + path + ": " + e.getMessage());
            return null;
        }
    }

    private void allowOnly(final JsonNode node, final String path, final String prefix, final String... allowed) {
        if (node == null || !node.isObject()) {
            return;
        }
        final Set<String> ok = Set.of(allowed);
        for (final Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            final String f = it.next();
            if (!ok.contains(f)) {
                problems.add(prefix + ": " + path + f + ": unknown field (allowed: " + String.join(", ", allowed) + ")");
            }
        }
    }
}
