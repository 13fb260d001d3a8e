package io.burnrate.engine.slo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The named alert policies, as data: {@code policies/index.yaml} on the classpath lists
 * them, and {@code policies/<name>.yaml} holds each one's windows in the SLO files' own
 * form ({@code {severity, budgetPercent, longWindow, shortWindow}}). {@code google-30d}
 * (the default) is the SRE Workbook's multi-window, multi-burn-rate table (chapter 5,
 * "Alerting on SLOs"): for a 30-day window it yields burn rates 14.4, 6, 3 and 1;
 * {@code google-28d} and {@code sloth-7d} are Sloth's tables for four-week and one-week
 * windows.
 *
 * <p>The files are read once, when this class is initialized; a missing or malformed one
 * fails that initialization with a message naming the resource and the field.
 */
public final class AlertPolicies {

    public static final String DEFAULT = "google-30d";

    static final String DIRECTORY = "policies/";

    /**
     * One named policy.
     *
     * @param sloWindow the SLO window the table is tuned for; thresholds are always derived
     *                  from the SLO's own window
     */
    public record Policy(String name, Duration sloWindow, List<AlertWindow> windows) {
        public Policy {
            windows = List.copyOf(windows);
        }
    }

    private static final Map<String, Policy> CATALOG = loadCatalog();

    private AlertPolicies() {
    }

    public static Optional<List<AlertWindow>> named(final String name) {
        return policy(name).map(Policy::windows);
    }

    public static Optional<Policy> policy(final String name) {
        return Optional.ofNullable(CATALOG.get(name));
    }

    /** The policy names, in the index's order. */
    public static Set<String> names() {
        return CATALOG.keySet();
    }

    private static Map<String, Policy> loadCatalog() {
        final String index = DIRECTORY + "index.yaml";
        final JsonNode names = read(index);
        if (!names.isArray() || names.isEmpty()) {
            throw malformed(index, "", "must be a non-empty list of policy names");
        }
        final Map<String, Policy> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            final JsonNode n = names.get(i);
            if (!n.isTextual() || n.asText().isBlank()) {
                throw malformed(index, "[" + i + "]", "must be a policy name, not " + n);
            }
            final String name = n.asText();
            final String resource = DIRECTORY + name + ".yaml";
            if (out.put(name, parse(name, resource, read(resource))) != null) {
                throw malformed(index, "[" + i + "]", "lists " + name + " twice");
            }
        }
        if (!out.containsKey(DEFAULT)) {
            throw malformed(index, "", "does not list the default policy " + DEFAULT);
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * A policy document: {@code sloWindow} and a non-empty list {@code windows} of
     * {@code {severity, budgetPercent, longWindow, shortWindow}}.
     *
     * @throws IllegalStateException naming {@code resource} and the bad field
     */
    static Policy parse(final String name, final String resource, final JsonNode doc) {
        if (!doc.isObject()) {
            throw malformed(resource, "", "must be a mapping {sloWindow, windows}");
        }
        allowOnly(resource, "", doc, Set.of("sloWindow", "windows"));
        final Duration sloWindow = duration(resource, "sloWindow", doc.path("sloWindow"));
        final JsonNode list = doc.path("windows");
        if (!list.isArray() || list.isEmpty()) {
            throw malformed(resource, "windows", "must be a non-empty list of "
                    + "{severity, budgetPercent, longWindow, shortWindow}");
        }
        final List<AlertWindow> windows = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            final String path = "windows[" + i + "]";
            final JsonNode w = list.get(i);
            if (!w.isObject()) {
                throw malformed(resource, path, "must be a mapping {severity, budgetPercent, longWindow, shortWindow}");
            }
            allowOnly(resource, path + ".", w, Set.of("severity", "budgetPercent", "longWindow", "shortWindow"));
            final JsonNode severity = w.path("severity");
            final JsonNode budget = w.path("budgetPercent");
            if (!budget.isNumber()) {
                throw malformed(resource, path + ".budgetPercent", "must be a number, not " + budget);
            }
            try {
                windows.add(new AlertWindow(Severity.ofWire(severity.asText()), budget.asDouble(),
                        duration(resource, path + ".longWindow", w.path("longWindow")),
                        duration(resource, path + ".shortWindow", w.path("shortWindow"))));
            } catch (IllegalArgumentException e) {
                throw malformed(resource, path, e.getMessage());
            }
            if (windows.get(i).longWindow().compareTo(sloWindow) > 0) {
                throw malformed(resource, path + ".longWindow", "is longer than sloWindow " + Durations.format(sloWindow));
            }
        }
        return new Policy(name, sloWindow, windows);
    }

    private static JsonNode read(final String resource) {
        try (InputStream in = AlertPolicies.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("alert policy resource " + resource + " is missing from the classpath");
            }
            final JsonNode doc = new YAMLMapper().readTree(in);
            if (doc == null || doc.isMissingNode()) {
                throw malformed(resource, "", "is empty");
            }
            return doc;
        } catch (IOException e) {
            throw new IllegalStateException("alert policy resource " + resource + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    private static Duration duration(final String resource, final String path, final JsonNode node) {
        if (!node.isTextual()) {
            throw malformed(resource, path, "must be a duration such as 5m, 1h or 30d, not " + node);
        }
        try {
            final Duration d = Durations.parse(node.asText());
            if (d.isNegative() || d.isZero()) {
                throw malformed(resource, path, "must be positive, not " + node.asText());
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw malformed(resource, path, e.getMessage());
        }
    }

    private static void allowOnly(final String resource, final String prefix, final JsonNode node, final Set<String> allowed) {
        final Iterator<String> it = node.fieldNames();
        while (it.hasNext()) {
            final String field = it.next();
            if (!allowed.contains(field)) {
                throw malformed(resource, prefix + field, "unknown field");
            }
        }
    }

    private static IllegalStateException malformed(final String resource, final String path, final String problem) {
        return new IllegalStateException("alert policy resource " + resource + (path.isEmpty() ? "" : ": " + path)
                + ": " + problem);
    }
}
