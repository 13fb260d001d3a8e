package io.burnrate.engine.backtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.burnrate.engine.slo.AlertPolicies;
import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.sloth.SlothAlertWindows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * One alert policy a back-test scores: a name and what goes into each SLO's
 * {@code spec.alerting.policy} (a catalogue name or an explicit list of windows), or
 * {@code null} for {@link #OWN}, each SLO's own policy.
 *
 * <p>{@code --policy VALUE} is, in this order: {@code own}; a name from
 * {@link AlertPolicies} ({@code google-30d}, {@code google-28d}, {@code sloth-7d}); or a
 * YAML file in the form the SLO files and the catalogue already use: either the
 * catalogue's {@code {sloWindow, windows: [...]}} or a bare list of
 * {@code {severity, budgetPercent, longWindow, shortWindow}}; or a Sloth alert-window
 * catalogue ({@code apiVersion: sloth.slok.dev/v1, kind: AlertWindows}, read by
 * {@link SlothAlertWindows}: its four windows in the order page quick, page slow, ticket
 * quick, ticket slow; named by its {@code metadata.name}, else by the file). The windows are validated
 * by the SLO parser itself when the policy is applied to each SLO, so errors name the
 * field as {@code slo validate} does.
 *
 * @param source {@code slo}, {@code catalogue} or the file name
 */
public record BacktestPolicy(String name, String source, JsonNode policy) {

    public static final String OWN = "own";

    /** Each SLO's own {@code spec.alerting.policy}. */
    public static BacktestPolicy own() {
        return new BacktestPolicy(OWN, "slo", null);
    }

    /**
     * The policy {@code value} names.
     *
     * @throws IllegalArgumentException with a one-line reason (unknown name, unreadable or malformed file)
     */
    public static BacktestPolicy resolve(final String value) {
        if (value.equals(OWN)) {
            return own();
        }
        if (AlertPolicies.policy(value).isPresent()) {
            return new BacktestPolicy(value, "catalogue", TextNode.valueOf(value));
        }
        final Path file = Path.of(value);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--policy " + value + ": neither '" + OWN + "', a named policy ("
                    + String.join(", ", new TreeSet<>(AlertPolicies.names())) + ") nor a readable file");
        }
        final JsonNode doc;
        try {
            doc = new YAMLMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("--policy " + value + ": not valid YAML: " + firstLine(e.getMessage()));
        }
        // a Sloth catalogue is named by its metadata.name, any other file by its base name
        final JsonNode slothName = doc == null ? null : doc.path("metadata").path("name");
        final String name = doc != null && SlothAlertWindows.is(doc) && slothName.isTextual()
                ? slothName.asText() : baseName(file);
        return new BacktestPolicy(name, file.getFileName().toString(), windows(value, doc));
    }

    /** The list of windows in a policy file. */
    private static JsonNode windows(final String file, final JsonNode doc) {
        if (doc == null || doc.isMissingNode() || doc.isNull()) {
            throw new IllegalArgumentException("--policy " + file + ": the file is empty");
        }
        if (doc.isArray()) {
            return doc;
        }
        if (doc.isObject() && SlothAlertWindows.is(doc)) {
            final List<String> problems = new ArrayList<>();
            final AlertPolicies.Policy sloth = SlothAlertWindows.read(doc, file, problems);
            if (sloth == null) {
                throw new IllegalArgumentException("--policy " + problems.get(0));
            }
            final ArrayNode list = JsonNodeFactory.instance.arrayNode();
            for (final AlertWindow w : sloth.windows()) {
                list.addObject().put("severity", w.severity().wire()).put("budgetPercent", w.budgetPercent())
                        .put("longWindow", Durations.format(w.longWindow()))
                        .put("shortWindow", Durations.format(w.shortWindow()));
            }
            return list;
        }
        if (doc.isObject() && doc.has("kind")) {
            throw new IllegalArgumentException("--policy " + file + ": kind " + doc.path("kind").asText()
                    + " is not a policy file (expected Sloth's apiVersion " + SlothAlertWindows.API_VERSION + ", kind "
                    + SlothAlertWindows.KIND + "); or write the windows as {sloWindow, windows: [...]} or as a list");
        }
        if (doc.isObject()) {
            final Set<String> allowed = Set.of("sloWindow", "windows");
            final Iterator<String> fields = doc.fieldNames();
            while (fields.hasNext()) {
                final String f = fields.next();
                if (!allowed.contains(f)) {
                    throw new IllegalArgumentException("--policy " + file + ": " + f
                            + ": unknown field (expected sloWindow and windows)");
                }
            }
            final JsonNode windows = doc.path("windows");
            if (windows.isArray() && !windows.isEmpty()) {
                return windows;
            }
        }
        throw new IllegalArgumentException("--policy " + file + ": windows: must be a non-empty list of "
                + "{severity, budgetPercent, longWindow, shortWindow}");
    }

    private static String baseName(final Path file) {
        final String name = file.getFileName().toString();
        final int dot = name.lastIndexOf('.');
        return (dot > 0 ? name.substring(0, dot) : name).toLowerCase(Locale.ROOT);
    }

    private static String firstLine(final String message) {
        final String m = message == null ? "" : message;
        final int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
