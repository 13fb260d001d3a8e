package io.burnrate.engine.slo.sloth;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hand parser for exactly one PromQL shape, the one Sloth's examples and most specs use
 * for event SLIs: {@code sum(rate(METRIC{MATCHERS}[{{.window}}]))} (or {@code increase}),
 * with label matchers {@code label="v"}, {@code label=~"re"}, {@code label!="v"},
 * {@code label!~"re"}. Anything else (other functions, {@code by}/{@code without},
 * arithmetic, offsets, a fixed range) is refused with the reason: a translation is never
 * guessed.
 */
public final class PromQlSelector {

    private static final Pattern SHAPE = Pattern.compile(
            "sum\\s*\\(\\s*(rate|increase)\\s*\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{(.*)\\})?\\s*"
                    + "\\[\\s*\\{\\{\\s*\\.window\\s*\\}\\}\\s*\\]\\s*\\)\\s*\\)", Pattern.DOTALL);
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** One label matcher. */
    public record LabelMatcher(String label, String op, String value) {
        @Override
        public String toString() {
            return label + op + "\"" + value + "\"";
        }
    }

    /** A parsed query: the function, the metric and its matchers in order. */
    public record Query(String function, String metric, List<LabelMatcher> matchers) {
        public Query {
            matchers = List.copyOf(matchers);
        }
    }

    /** Thrown with the reason a query is not the supported shape. */
    public static final class NotTranslatable extends Exception {
        NotTranslatable(final String message) {
            super(message, null, false, false);
        }
    }

    private PromQlSelector() {
    }

    /** Parses {@code query}, or says why it is not the one supported shape. */
    public static Query parse(final String query) throws NotTranslatable {
        final Matcher m = SHAPE.matcher(query.trim());
        if (!m.matches()) {
            throw new NotTranslatable("not of the form sum(rate(METRIC{LABEL=\"VALUE\", ...}[{{.window}}])): "
                    + oneLine(query));
        }
        return new Query(m.group(1), m.group(2), m.group(4) == null ? List.of() : matchers(m.group(4)));
    }

    private static List<LabelMatcher> matchers(final String text) throws NotTranslatable {
        final List<LabelMatcher> out = new ArrayList<>();
        int i = 0;
        final int n = text.length();
        while (true) {
            i = skipSpace(text, i);
            if (i >= n) {
                return out;
            }
            final Matcher label = LABEL.matcher(text).region(i, n);
            if (!label.lookingAt()) {
                throw new NotTranslatable("expected a label name at '" + oneLine(text.substring(i)) + "'");
            }
            final String name = label.group();
            i = skipSpace(text, label.end());
            final String op;
            if (text.startsWith("=~", i) || text.startsWith("!=", i) || text.startsWith("!~", i)) {
                op = text.substring(i, i + 2);
            } else if (text.startsWith("=", i)) {
                op = "=";
            } else {
                throw new NotTranslatable("expected =, !=, =~ or !~ after " + name);
            }
            i = skipSpace(text, i + op.length());
            if (i >= n || text.charAt(i) != '"') {
                throw new NotTranslatable("expected a double-quoted value after " + name + op);
            }
            final StringBuilder value = new StringBuilder();
            i++;
            while (i < n && text.charAt(i) != '"') {
                if (text.charAt(i) == '\\' && i + 1 < n) {
                    i++;
                }
                value.append(text.charAt(i));
                i++;
            }
            if (i >= n) {
                throw new NotTranslatable("unterminated value after " + name + op);
            }
            out.add(new LabelMatcher(name, op, value.toString()));
            i = skipSpace(text, i + 1);
            if (i < n) {
                if (text.charAt(i) != ',') {
                    throw new NotTranslatable("expected , between matchers at '" + oneLine(text.substring(i)) + "'");
                }
                i++;
            }
        }
    }

    private static int skipSpace(final String s, final int from) {
        int i = from;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    static String oneLine(final String s) {
        return s.trim().replaceAll("\\s+", " ");
    }

    /**
     * The lowest status of the range {@code [N, 599]} a status matcher of an error query
     * selects, or null when it selects anything else. Exactly these regular expressions
     * (optionally in parentheses): {@code 5..} and {@code 5.*} (500), {@code [D-5]..} and
     * {@code [D...5]..} with consecutive digits ending in 5 ({@code [45]..}: 400).
     */
    static Integer badStatusMin(final LabelMatcher m) {
        if (!"=~".equals(m.op())) {
            return null;
        }
        String re = m.value().trim();
        if (re.startsWith("(") && re.endsWith(")")) {
            re = re.substring(1, re.length() - 1);
        }
        if ("5..".equals(re) || "5.*".equals(re)) {
            return 500;
        }
        final Matcher range = Pattern.compile("\\[([1-5])-5\\]\\.\\.").matcher(re);
        if (range.matches()) {
            return (range.group(1).charAt(0) - '0') * 100;
        }
        final Matcher set = Pattern.compile("\\[([1-5]+)\\]\\.\\.").matcher(re);
        if (set.matches()) {
            final String digits = set.group(1);
            for (int i = 0; i < digits.length(); i++) {
                if (digits.charAt(i) != digits.charAt(0) + i) {
                    return null;
                }
            }
            return digits.charAt(digits.length() - 1) == '5' ? (digits.charAt(0) - '0') * 100 : null;
        }
        return null;
    }
}
