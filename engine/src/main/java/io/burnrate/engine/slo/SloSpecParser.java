package io.burnrate.engine.slo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.burnrate.schemas.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads {@code apiVersion: burnrate/v1, kind: SLO} documents (YAML, several per file
 * separated by {@code ---}, or the same document as JSON on the {@code burnrate.slos}
 * topic) into {@link SloSpec}s. Every problem is collected, not just the first, and
 * each names the source, the SLO and the field path.
 */
public final class SloSpecParser {

    public static final String API_VERSION = "burnrate/v1";
    public static final String KIND = "SLO";

    private static final ObjectMapper YAML = yamlMapper(SloLimits.DEFAULTS);
    /**
     * SLO names become Kafka keys, state-store key prefixes (before a NUL separator),
     * alert keys ({@code name/rule}), metric labels and URL path segments: DNS-name-like,
     * 1 to 253 characters, no '/', spaces or control characters.
     */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,251}[a-z0-9])?");
    static final String NAME_RULE = "must be 1 to 253 lower-case letters, digits, '-', '.' or '_', starting and ending "
            + "with a letter or digit";
    private static final Duration MIN_WINDOW = Duration.ofHours(1);
    private static final Duration MAX_WINDOW = Duration.ofDays(90);

    private SloSpecParser() {
    }

    /** A parsed SLO together with its canonical JSON document (what goes to the topic). */
    public record Parsed(SloSpec spec, JsonNode document) {
    }

    private static ObjectMapper yamlMapper(final SloLimits limits) {
        return new YAMLMapper(YAMLFactory.builder().loaderOptions(YamlGuard.loaderOptions(limits))
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    }

    /** Reads a YAML (or JSON) file of one or more SLO documents. */
    public static List<Parsed> parseFile(final Path file) throws SloValidationException, IOException {
        return parseFile(file, SloLimits.DEFAULTS);
    }

    /** Reads a YAML (or JSON) file of one or more SLO documents, refusing it past {@code limits}. */
    public static List<Parsed> parseFile(final Path file, final SloLimits limits)
            throws SloValidationException, IOException {
        final String source = file.getFileName().toString();
        final long size = Files.size(file);
        if (size > limits.maxFileBytes()) {
            throw new SloValidationException(List.of(tooLarge(source, size, limits)));
        }
        return parseYaml(Files.readString(file, StandardCharsets.UTF_8), source, limits);
    }

    /** Reads YAML text with one or more documents; {@code source} names it in errors. */
    public static List<Parsed> parseYaml(final String text, final String source) throws SloValidationException {
        return parseYaml(text, source, SloLimits.DEFAULTS);
    }

    /**
     * Reads YAML text with one or more documents within {@code limits}. Two passes: the
     * event-level {@link YamlGuard} (aliases, anchors, tags, duplicate keys, non-finite
     * numbers, document count), then the tree reader and the field checks.
     */
    public static List<Parsed> parseYaml(final String text, final String source, final SloLimits limits)
            throws SloValidationException {
        final long bytes = utf8Length(text);
        if (bytes > limits.maxFileBytes()) {
            throw new SloValidationException(List.of(tooLarge(source, bytes, limits)));
        }
        try {
            final List<String> structural = YamlGuard.check(text, source, limits);
            if (!structural.isEmpty()) {
                throw new SloValidationException(structural);
            }
        } catch (YamlGuard.Refused e) {
            throw new SloValidationException(List.of(e.getMessage()));
        }
        final ObjectMapper yaml = limits.equals(SloLimits.DEFAULTS) ? YAML : yamlMapper(limits);
        final List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNextValue()) {
                final JsonNode doc = it.nextValue();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new SloValidationException(List.of(source + ": not valid YAML: " + firstLine(e.getMessage())));
        }
        if (docs.isEmpty()) {
            throw new SloValidationException(List.of(source + ": contains no SLO document"));
        }
        final List<String> problems = new ArrayList<>();
        final List<Parsed> parsed = new ArrayList<>();
        final Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < docs.size() && problems.size() <= YamlGuard.MAX_PROBLEMS; i++) {
            final String where = source + " (document " + (i + 1) + ")";
            final Parsed p = parseDocument(docs.get(i), where, problems, limits);
            if (p != null) {
                final Integer earlier = seen.putIfAbsent(p.spec().id(), i + 1);
                if (earlier != null) {
                    problems.add(where + ": SLO " + quoteName(p.spec().id())
                            + ": metadata.name is used by an earlier document (document " + earlier + ")");
                } else {
                    parsed.add(p);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new SloValidationException(problems.size() > YamlGuard.MAX_PROBLEMS
                    ? concat(problems.subList(0, YamlGuard.MAX_PROBLEMS), "... more problems not shown (fix these first)")
                    : problems);
        }
        return parsed;
    }

    private static List<String> concat(final List<String> head, final String last) {
        final List<String> out = new ArrayList<>(head);
        out.add(last);
        return out;
    }

    private static String tooLarge(final String source, final long size, final SloLimits limits) {
        return source + ": larger than the limit of " + limits.maxFileBytes() + " bytes (" + SloLimits.MAX_FILE_BYTES
                + " = " + limits.maxFileBytes() + "; it is " + size + " bytes): split it into several files";
    }

    private static long utf8Length(final String text) {
        long n = 0;
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    /**
     * An SLO name as shown in messages: quoted, control characters escaped, and cut
     * after 40 characters (with the length) so a 10,000-character name does not flood
     * the output.
     */
    public static String quote(final String name) {
        return quoteName(name);
    }

    static String quoteName(final String name) {
        if (name == null) {
            return "'?'";
        }
        final int cut = name.length() > 64 ? 40 : name.length();
        final StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < cut; i++) {
            final char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && Character.isISOControl(c)) || c == '\\' || c == '\'') {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append(cut < name.length() ? "...' (" + name.length() + " characters)" : "'");
        if (cut == name.length() && name.length() > 253) {
            b.append(" (").append(name.length()).append(" characters)");
        }
        return b.toString();
    }

    /** Reads one JSON document, as stored on the SLO topic. */
    public static SloSpec parseJson(final byte[] json, final String source) throws SloValidationException {
        return parseJson(json, source, SloLimits.DEFAULTS);
    }

    /** Reads one JSON document within {@code limits}; duplicate keys are refused, as in YAML. */
    public static SloSpec parseJson(final byte[] json, final String source, final SloLimits limits)
            throws SloValidationException {
        if (json.length > limits.maxFileBytes()) {
            throw new SloValidationException(List.of(tooLarge(source, json.length, limits)));
        }
        final JsonNode doc;
        try {
            doc = Json.MAPPER.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION).readTree(json);
        } catch (IOException | RuntimeException e) {
            throw new SloValidationException(List.of(source + ": not valid JSON: "
                    + firstLine(e.getMessage()).replaceFirst("^Duplicate (field|Object property) ", "duplicate key ")));
        }
        if (doc == null || doc.isMissingNode()) {
            throw new SloValidationException(List.of(source + ": not valid JSON: empty"));
        }
        final List<String> problems = new ArrayList<>();
        final Parsed p = parseDocument(doc, source, problems, limits);
        if (!problems.isEmpty() || p == null) {
            throw new SloValidationException(problems);
        }
        return p.spec();
    }

    /** The canonical JSON bytes of a parsed document. */
    public static byte[] toJson(final JsonNode document) {
        try {
            return Json.MAPPER.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Parsed parseDocument(final JsonNode doc, final String where, final List<String> problems,
                                        final SloLimits limits) {
        final String name = doc.path("metadata").path("name").isValueNode()
                ? doc.path("metadata").path("name").asText(null) : null;
        try {
            return parseDocumentChecked(doc, where, problems, limits);
        } catch (RuntimeException e) {
            // a check this parser lacks must still name the SLO, not escape as a stack trace
            problems.add(where + ": SLO " + quoteName(name) + ": cannot be read: " + e);
            return null;
        }
    }

    private static Parsed parseDocumentChecked(final JsonNode doc, final String where, final List<String> problems,
                                               final SloLimits limits) {
        if (!doc.isObject()) {
            problems.add(where + ": an SLO document must be a mapping");
            return null;
        }
        final JsonNode nameNode = doc.path("metadata").path("name");
        final String name = nameNode.isTextual() ? nameNode.asText() : null;
        final Fields f = new Fields(where + ": SLO " + quoteName(name), problems);
        f.allowOnly(doc, "", "apiVersion", "kind", "metadata", "spec");
        final String apiVersion = f.text(doc, "apiVersion", true);
        if (apiVersion != null && !API_VERSION.equals(apiVersion)) {
            f.problem("apiVersion", "must be " + API_VERSION + ", not '" + apiVersion + "'");
        }
        final String kind = f.text(doc, "kind", true);
        if (kind != null && !KIND.equals(kind)) {
            f.problem("kind", "must be " + KIND + ", not '" + kind + "'");
        }
        final JsonNode metadata = f.object(doc, "metadata", true);
        final JsonNode spec = f.object(doc, "spec", true);
        if (metadata == null || spec == null) {
            return null;
        }
        f.allowOnly(metadata, "metadata.", "name", "labels", "annotations");
        if (nameNode.isMissingNode() || nameNode.isNull()) {
            f.problem("metadata.name", "is required");
        } else if (!nameNode.isTextual()) {
            f.problem("metadata.name", "must be a string, not " + nameNode + (nameNode.isNumber() ? " (a number: quote it)"
                    : ""));
        } else if (name.length() > 253 || !NAME.matcher(name).matches()) {
            f.problem("metadata.name", NAME_RULE + ", not " + quoteName(name));
        }
        final Map<String, String> labels = f.stringMap(metadata, "labels", "metadata.labels");

        f.allowOnly(spec, "spec.", "service", "selector", "indicator", "objective", "window", "alerting", "description",
                "budgetPolicy", "budgetingMethod", "timeSliceTarget", "timeSliceWindow");
        final String service = f.text(spec, "service", true, "spec.service");
        final Map<String, String> selector = f.stringMap(spec, "selector", "spec.selector");
        checkSelector(selector, limits, f);
        final Indicator indicator = indicator(spec.path("indicator"), f);
        final double objective = objective(spec.path("objective"), f);
        final CalendarPeriod calendar = calendar(spec.path("window"), f);
        final Duration window = calendar != null ? nominalLength(calendar)
                : spec.path("window").isObject() ? null : window(spec.path("window"), f);
        final BudgetingMethod method = budgetingMethod(spec, f);

        final JsonNode alerting = spec.path("alerting");
        List<AlertWindow> alerts = AlertPolicies.named(AlertPolicies.DEFAULT).orElseThrow();
        long minEvents = 0;
        String runbook = null;
        if (!alerting.isMissingNode() && !alerting.isNull()) {
            if (!alerting.isObject()) {
                f.problem("spec.alerting", "must be a mapping");
            } else {
                f.allowOnly(alerting, "spec.alerting.", "policy", "minEventsPerWindow", "runbook");
                alerts = policy(alerting.path("policy"), f);
                final JsonNode min = alerting.path("minEventsPerWindow");
                if (!min.isMissingNode() && !min.isNull()) {
                    if (!min.canConvertToLong() || !min.isIntegralNumber() || min.asLong() < 0) {
                        f.problem("spec.alerting.minEventsPerWindow", "must be a whole number >= 0, not " + min);
                    } else {
                        minEvents = min.asLong();
                    }
                }
                runbook = f.text(alerting, "runbook", false, "spec.alerting.runbook");
            }
        }
        if (window != null && alerts != null) {
            final Set<String> ruleNames = new HashSet<>();
            for (final AlertWindow w : alerts) {
                if (w.longWindow().compareTo(window) > 0) {
                    f.problem("spec.alerting.policy", "rule " + w.ruleName() + ": long window is longer than the SLO window "
                            + Durations.format(window));
                }
                if (!ruleNames.add(w.ruleName())) {
                    f.problem("spec.alerting.policy", "rule " + w.ruleName() + " appears twice");
                }
            }
        }
        final List<BudgetThreshold> thresholds = budgetPolicy(
                spec.path("budgetPolicy"), f);
        if (!f.ok()) {
            return null;
        }
        final SloSpec parsed = new SloSpec(name, service, selector, indicator, objective, window, alerts, minEvents,
                runbook, labels, thresholds, calendar, method);
        final ObjectNode canonical = doc.deepCopy();
        return new Parsed(parsed, canonical);
    }

    private static void checkSelector(final Map<String, String> selector, final SloLimits limits, final Fields f) {
        if (selector.size() > limits.maxSelectorEntries()) {
            f.problem("spec.selector", "has " + selector.size() + " entries, more than the limit of "
                    + limits.maxSelectorEntries() + " (" + SloLimits.MAX_SELECTOR_ENTRIES + ")");
            return;
        }
        long bytes = 0;
        for (final Map.Entry<String, String> e : selector.entrySet()) {
            bytes += utf8Length(e.getKey()) + utf8Length(e.getValue());
        }
        if (bytes > limits.maxSelectorBytes()) {
            f.problem("spec.selector", "is " + bytes + " bytes, more than the limit of " + limits.maxSelectorBytes()
                    + " (" + SloLimits.MAX_SELECTOR_BYTES + ")");
        }
    }

    private static Indicator indicator(final JsonNode node, final Fields f) {
        if (node.isMissingNode() || node.isNull()) {
            f.problem("spec.indicator", "is required (availability or latency)");
            return null;
        }
        if (!node.isObject() || node.size() != 1) {
            f.problem("spec.indicator", "must have exactly one of availability, latency");
            return null;
        }
        final String kind = node.fieldNames().next();
        final JsonNode body = node.get(kind);
        final String path = "spec.indicator." + kind;
        if (!body.isObject() && !body.isNull()) {
            f.problem(path, "must be a mapping");
            return null;
        }
        final int badStatusMin = (int) f.number(body, "badStatusMin", path + ".badStatusMin", 500, 100, 599);
        switch (kind) {
            case "availability":
                f.allowOnly(body, path + ".", "badStatusMin");
                return new Indicator.Availability(badStatusMin);
            case "latency":
                f.allowOnly(body, path + ".", "thresholdMs", "badStatusMin");
                if (!body.has("thresholdMs")) {
                    f.problem(path + ".thresholdMs", "is required");
                    return null;
                }
                final double threshold = f.number(body, "thresholdMs", path + ".thresholdMs", 0, 0, Double.MAX_VALUE);
                if (threshold <= 0) {
                    f.problem(path + ".thresholdMs", "must be > 0");
                }
                return new Indicator.Latency(threshold, badStatusMin);
            default:
                f.problem("spec.indicator", "unknown indicator '" + kind + "' (use availability or latency)");
                return null;
        }
    }

    private static double objective(final JsonNode node, final Fields f) {
        if (node.isMissingNode() || node.isNull()) {
            f.problem("spec.objective", "is required (percent, e.g. 99.9)");
            return Double.NaN;
        }
        if (!node.isNumber() || !Double.isFinite(node.asDouble()) || !(node.asDouble() > 0 && node.asDouble() < 100)) {
            f.problem("spec.objective", "must be a percentage above 0 and below 100, not " + node);
            return Double.NaN;
        }
        return node.asDouble();
    }

    /** {@code window: {calendar: month|week, timeZone: Europe/Berlin}}, or null for a rolling window. */
    private static CalendarPeriod calendar(final JsonNode node, final Fields f) {
        if (!node.isObject()) {
            return null;
        }
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

    /** The longest period of a calendar window: the status window and the bucket layout's SLO window. */
    private static Duration nominalLength(final CalendarPeriod calendar) {
        return calendar.kind() == PeriodKind.WEEK
                ? Duration.ofDays(7) : Duration.ofDays(31);
    }

    /** {@code budgetingMethod: Occurrences|Timeslices} with {@code timeSliceTarget} and {@code timeSliceWindow}. */
    private static BudgetingMethod budgetingMethod(final JsonNode spec, final Fields f) {
        final JsonNode m = spec.path("budgetingMethod");
        final JsonNode target = spec.path("timeSliceTarget");
        final JsonNode sliceWindow = spec.path("timeSliceWindow");
        final String name = m.isMissingNode() || m.isNull() ? "Occurrences" : m.asText();
        if (!m.isMissingNode() && !m.isNull() && !m.isTextual()) {
            f.problem("spec.budgetingMethod", "must be Occurrences or Timeslices, not " + m);
            return BudgetingMethod.OCCURRENCES;
        }
        if ("Occurrences".equals(name)) {
            if (!target.isMissingNode() || !sliceWindow.isMissingNode()) {
                f.problem("spec.budgetingMethod", "timeSliceTarget and timeSliceWindow need budgetingMethod: Timeslices");
            }
            return BudgetingMethod.OCCURRENCES;
        }
        if (!"Timeslices".equals(name)) {
            f.problem("spec.budgetingMethod", "must be Occurrences or Timeslices, not '" + name + "'");
            return BudgetingMethod.OCCURRENCES;
        }
        if (!target.isNumber() || !(target.decimalValue().signum() > 0
                && target.decimalValue().compareTo(BigDecimal.ONE) <= 0)) {
            f.problem("spec.timeSliceTarget", target.isMissingNode()
                    ? "is required with budgetingMethod: Timeslices (the good fraction a slice must reach, e.g. 0.95)"
                    : "must be a fraction above 0 and at most 1, e.g. 0.95, not " + target);
            return BudgetingMethod.OCCURRENCES;
        }
        Duration slice = BudgetingMethod.DEFAULT_SLICE;
        if (!sliceWindow.isMissingNode() && !sliceWindow.isNull()) {
            try {
                slice = Durations.parse(sliceWindow.asText());
            } catch (IllegalArgumentException e) {
                f.problem("spec.timeSliceWindow", e.getMessage());
                return BudgetingMethod.OCCURRENCES;
            }
        }
        try {
            return new BudgetingMethod.Timeslices(target.decimalValue(), slice);
        } catch (IllegalArgumentException e) {
            f.problem("spec.timeSliceWindow", e.getMessage());
            return BudgetingMethod.OCCURRENCES;
        }
    }

    private static Duration window(final JsonNode node, final Fields f) {
        if (node.isMissingNode() || node.isNull()) {
            return Duration.ofDays(30);
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

    private static List<AlertWindow> policy(final JsonNode node, final Fields f) {
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
        if (!node.isArray() || node.isEmpty()) {
            f.problem("spec.alerting.policy", "must be a policy name or a non-empty list of windows");
            return null;
        }
        final List<AlertWindow> windows = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            final JsonNode w = node.get(i);
            final String path = "spec.alerting.policy[" + i + "]";
            if (!w.isObject()) {
                f.problem(path, "must be a mapping {severity, budgetPercent, longWindow, shortWindow}");
                continue;
            }
            f.allowOnly(w, path + ".", "severity", "budgetPercent", "longWindow", "shortWindow");
            final String severity = f.text(w, "severity", true, path + ".severity");
            final double budget = f.number(w, "budgetPercent", path + ".budgetPercent", Double.NaN, 0, 100);
            if (!w.has("budgetPercent")) {
                f.problem(path + ".budgetPercent", "is required");
            }
            final Duration lw = f.duration(w, "longWindow", path + ".longWindow");
            final Duration sw = f.duration(w, "shortWindow", path + ".shortWindow");
            if (severity != null && lw != null && sw != null && !Double.isNaN(budget)) {
                try {
                    windows.add(new AlertWindow(Severity.ofWire(severity), budget, lw, sw));
                } catch (IllegalArgumentException e) {
                    f.problem(path, e.getMessage());
                }
            }
        }
        return windows;
    }

    /** {@code budgetPolicy: {thresholds: [{percent: 50}, {percent: 0, action: freeze-releases}]}}. */
    private static List<BudgetThreshold> budgetPolicy(final JsonNode node,
                                                                                      final Fields f) {
        final List<BudgetThreshold> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return BudgetThreshold.DEFAULTS;
        }
        if (!node.isObject()) {
            f.problem("spec.budgetPolicy", "must be a mapping {thresholds: [...]}");
            return out;
        }
        f.allowOnly(node, "spec.budgetPolicy.", "thresholds");
        final JsonNode list = node.path("thresholds");
        if (!list.isArray() || list.isEmpty()) {
            f.problem("spec.budgetPolicy.thresholds", "must be a non-empty list of {percent, action}");
            return out;
        }
        final Set<Double> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            final JsonNode t = list.get(i);
            final String path = "spec.budgetPolicy.thresholds[" + i + "]";
            if (!t.isObject()) {
                f.problem(path, "must be a mapping {percent, action}");
                continue;
            }
            f.allowOnly(t, path + ".", "percent", "action");
            if (!t.has("percent")) {
                f.problem(path + ".percent", "is required");
                continue;
            }
            final double percent = f.number(t, "percent", path + ".percent", Double.NaN, 0, 100);
            final String action = f.text(t, "action", false, path + ".action");
            if (Double.isNaN(percent)) {
                continue;
            }
            if (!seen.add(percent)) {
                f.problem(path + ".percent", "threshold " + percent + " appears twice");
                continue;
            }
            try {
                out.add(BudgetThreshold.of(percent, action));
            } catch (IllegalArgumentException e) {
                f.problem(path, e.getMessage());
            }
        }
        return out;
    }

    private static String firstLine(final String message) {
        if (message == null) {
            return "unreadable";
        }
        final int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** Field access that records a problem instead of throwing. */
    private static final class Fields {
        private final String prefix;
        private final List<String> problems;
        private final int before;

        Fields(final String prefix, final List<String> problems) {
            this.prefix = prefix;
            this.problems = problems;
            this.before = problems.size();
        }

        boolean ok() {
            return problems.size() == before;
        }

        void problem(final String field, final String message) {
            problems.add(prefix + ": " + field + ": " + message);
        }

        void allowOnly(final JsonNode node, final String path, final String... allowed) {
            if (node == null || !node.isObject()) {
                return;
            }
            final Set<String> ok = Set.of(allowed);
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                final String field = it.next();
                if (!ok.contains(field)) {
                    problem(path + field, "unknown field (allowed: " + String.join(", ", allowed) + ")");
                }
            }
        }

        String text(final JsonNode node, final String field, final boolean required) {
            return text(node, field, required, field);
        }

        String text(final JsonNode node, final String field, final boolean required, final String path) {
            final JsonNode v = node.path(field);
            if (v.isMissingNode() || v.isNull()) {
                if (required) {
                    problem(path, "is required");
                }
                return null;
            }
            if (!v.isTextual() || v.asText().isBlank()) {
                problem(path, "must be a non-empty string, not " + v);
                return null;
            }
            return v.asText();
        }

        JsonNode object(final JsonNode node, final String field, final boolean required) {
            final JsonNode v = node.path(field);
            if (v.isMissingNode() || v.isNull()) {
                if (required) {
                    problem(field, "is required");
                }
                return null;
            }
            if (!v.isObject()) {
                problem(field, "must be a mapping");
                return null;
            }
            return v;
        }

        Map<String, String> stringMap(final JsonNode node, final String field, final String path) {
            final Map<String, String> out = new LinkedHashMap<>();
            final JsonNode v = node.path(field);
            if (v.isMissingNode() || v.isNull()) {
                return out;
            }
            if (!v.isObject()) {
                problem(path, "must be a mapping of names to values");
                return out;
            }
            for (final Map.Entry<String, JsonNode> e : v.properties()) {
                if (e.getValue().isContainerNode() || e.getValue().isNull()) {
                    problem(path + "." + e.getKey(), "must be a plain value, not " + e.getValue());
                } else {
                    out.put(e.getKey(), e.getValue().asText());
                }
            }
            return out;
        }

        double number(final JsonNode node, final String field, final String path, final double dflt,
                      final double min, final double max) {
            final JsonNode v = node == null ? null : node.get(field);
            if (v == null || v.isNull()) {
                return dflt;
            }
            if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < min || v.asDouble() > max) {
                problem(path, "must be a number between " + fmt(min) + " and " + fmt(max) + ", not " + v);
                return dflt;
            }
            return v.asDouble();
        }

        Duration duration(final JsonNode node, final String field, final String path) {
            final JsonNode v = node.path(field);
            if (!v.isTextual()) {
                problem(path, v.isMissingNode() ? "is required" : "must be a duration such as 5m or 1h, not " + v);
                return null;
            }
            try {
                return Durations.parse(v.asText());
            } catch (IllegalArgumentException e) {
                problem(path, e.getMessage());
                return null;
            }
        }

        private static String fmt(final double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
    }
}
