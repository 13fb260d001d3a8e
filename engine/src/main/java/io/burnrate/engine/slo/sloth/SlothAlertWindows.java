package io.burnrate.engine.slo.sloth;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.slo.AlertPolicies;
import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Sloth's alert-window catalogue ({@code apiVersion: sloth.slok.dev/v1, kind: AlertWindows},
 * its {@code pkg/prometheus/alertwindows/v1}) as a named {@link AlertPolicies.Policy}:
 * {@code page.quick}, {@code page.slow}, {@code ticket.quick}, {@code ticket.slow}, each
 * {@code {errorBudgetPercent, shortWindow, longWindow}}, become the four rules in that order.
 * The burn-rate threshold derives as Sloth's {@code getBurnRateFactor} does:
 * errorBudgetPercent / 100 x sloPeriod / longWindow ({@link AlertWindow#threshold}), so a 7d
 * catalogue with 8 % over 1h gives 13.44.
 *
 * <p>The policy's name is {@code metadata.name} when the document has one, else
 * {@code sloth-<sloPeriod>} (e.g. {@code sloth-7d}); an SLO in the same file names it in
 * {@code spec.alerting.policy}. Sloth picks a catalogue by the SLO period; burnrate by name.
 */
public final class SlothAlertWindows {

    public static final String API_VERSION = "sloth.slok.dev/v1";
    public static final String KIND = "AlertWindows";

    private static final String[][] ORDER = {{"page", "quick"}, {"page", "slow"}, {"ticket", "quick"}, {"ticket", "slow"}};

    private SlothAlertWindows() {
    }

    /** Whether {@code doc} is an AlertWindows document. */
    public static boolean is(final JsonNode doc) {
        return API_VERSION.equals(doc.path("apiVersion").asText()) && KIND.equals(doc.path("kind").asText());
    }

    /**
     * The policy of one AlertWindows document, or null after adding its problems, each
     * {@code <where>: AlertWindows '<name>': <field>: <problem>}.
     */
    public static AlertPolicies.Policy read(final JsonNode doc, final String where, final List<String> problems) {
        final int before = problems.size();
        final JsonNode spec = doc.path("spec");
        final JsonNode nameNode = doc.path("metadata").path("name");
        final String period = spec.path("sloPeriod").asText("");
        final String name = nameNode.isTextual() ? nameNode.asText() : "sloth-" + period;
        final String prefix = where + ": AlertWindows '" + name + "': ";
        unknown(doc, Set.of("apiVersion", "kind", "metadata", "spec"), "", prefix, problems);
        if (!spec.isObject()) {
            problems.add(prefix + "spec: is required (sloPeriod, page, ticket)");
            return null;
        }
        unknown(spec, Set.of("sloPeriod", "page", "ticket"), "spec.", prefix, problems);
        final Duration sloPeriod = duration(spec, "sloPeriod", "spec.sloPeriod", prefix, problems);
        final List<AlertWindow> windows = new ArrayList<>();
        for (final String[] sw : ORDER) {
            final String path = "spec." + sw[0] + "." + sw[1];
            final JsonNode severity = spec.path(sw[0]);
            if (severity.isObject()) {
                unknown(severity, Set.of("quick", "slow"), "spec." + sw[0] + ".", prefix, problems);
            }
            final JsonNode w = severity.path(sw[1]);
            if (!w.isObject()) {
                problems.add(prefix + path + ": is required ({errorBudgetPercent, shortWindow, longWindow}); "
                        + "invalid " + sw[0] + " " + sw[1]);
                continue;
            }
            unknown(w, Set.of("errorBudgetPercent", "shortWindow", "longWindow"), path + ".", prefix, problems);
            final JsonNode budget = w.path("errorBudgetPercent");
            final Duration shortWindow = duration(w, "shortWindow", path + ".shortWindow", prefix, problems);
            final Duration longWindow = duration(w, "longWindow", path + ".longWindow", prefix, problems);
            if (!budget.isNumber()) {
                problems.add(prefix + path + ".errorBudgetPercent: must be a number in (0, 100], not " + budget);
                continue;
            }
            if (shortWindow == null || longWindow == null) {
                continue;
            }
            try {
                windows.add(new AlertWindow(Severity.ofWire(sw[0]), budget.asDouble(), longWindow, shortWindow));
            } catch (IllegalArgumentException e) {
                problems.add(prefix + path + ": " + e.getMessage());
                continue;
            }
            if (sloPeriod != null && longWindow.compareTo(sloPeriod) > 0) {
                problems.add(prefix + path + ".longWindow: is longer than sloPeriod " + Durations.format(sloPeriod));
            }
        }
        return problems.size() == before ? new AlertPolicies.Policy(name, sloPeriod, windows) : null;
    }

    private static Duration duration(final JsonNode node, final String field, final String path, final String prefix,
                                     final List<String> problems) {
        final JsonNode v = node.path(field);
        if (!v.isTextual()) {
            problems.add(prefix + path + ": " + (v.isMissingNode() ? "is required" : "must be a duration such as 5m, "
                    + "1h or 7d, not " + v));
            return null;
        }
        try {
            final Duration d = Durations.parse(v.asText());
            if (d.isZero()) {
                problems.add(prefix + path + ": must be positive");
                return null;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problems.add(prefix + path + ": " + e.getMessage());
            return null;
        }
    }

    private static void unknown(final JsonNode node, final Set<String> allowed, final String path, final String prefix,
                                final List<String> problems) {
        for (final Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            final String f = it.next();
            if (!allowed.contains(f)) {
                problems.add(prefix + path + f + ": unknown field (allowed: " + String.join(", ", allowed.stream()
                        .sorted().toList()) + ")");
            }
        }
    }
}
