package io.burnrate.engine.slo.v1;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.slo.Durations;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Field access on one SLO document that records a problem instead of throwing. Every
 * problem is {@code <prefix>: <field path>: <message>}, where the prefix names the
 * source, the document and the SLO, so each section reader only says which field is
 * wrong and why; the caller collects every problem, not just the first.
 */
public final class FieldReader {

    private final String prefix;
    private final List<String> problems;
    private final int before;

    /** Appends to {@code problems}; {@link #ok()} looks only at what this reader added. */
    public FieldReader(final String prefix, final List<String> problems) {
        this.prefix = prefix;
        this.problems = problems;
        this.before = problems.size();
    }

    /**
     * An SLO name as shown in messages: quoted, control characters escaped, and cut
     * after 40 characters (with the length) so a 10,000-character name does not flood
     * the output.
     */
    public static String quote(final String name) {
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

    /** Whether no problem was recorded through this reader. */
    public boolean ok() {
        return problems.size() == before;
    }

    public void problem(final String field, final String message) {
        problems.add(prefix + ": " + field + ": " + message);
    }

    /** Records every field of {@code node} (a mapping at {@code path}) not in {@code allowed}. */
    public void allowOnly(final JsonNode node, final String path, final String... allowed) {
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

    public String text(final JsonNode node, final String field, final boolean required) {
        return text(node, field, required, field);
    }

    /** A non-blank string, or null (absent, or a problem recorded). */
    public String text(final JsonNode node, final String field, final boolean required, final String path) {
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

    /** A mapping, or null (absent, or a problem recorded). */
    public JsonNode object(final JsonNode node, final String field, final boolean required) {
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

    /** A mapping of names to plain values, in document order; empty when absent. */
    public Map<String, String> stringMap(final JsonNode node, final String field, final String path) {
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

    /** A finite number in [{@code min}, {@code max}], or {@code dflt} (absent, or a problem recorded). */
    public double number(final JsonNode node, final String field, final String path, final double dflt,
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

    /** A finite number above 0, or 0 (a problem recorded); one problem whatever is wrong with it. */
    public double positiveNumber(final JsonNode node, final String field, final String path) {
        final JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull()) {
            problem(path, "is required");
            return 0;
        }
        if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() <= 0) {
            problem(path, "must be a number above 0, not " + v);
            return 0;
        }
        return v.asDouble();
    }

    /** A required duration such as {@code 5m}, or null (a problem recorded). */
    public Duration duration(final JsonNode node, final String field, final String path) {
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
