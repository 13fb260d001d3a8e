package io.burnrate.engine.slo.v1;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.slo.BudgetAdjustment;
import io.burnrate.engine.slo.BudgetThreshold;
import io.burnrate.engine.slo.BudgetingMethod;
import io.burnrate.engine.slo.Indicator;
import io.burnrate.engine.slo.SloLimits;
import io.burnrate.engine.slo.SloSpec;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads one {@code burnrate/v1} document tree into a {@link V1Document}: the envelope
 * ({@code apiVersion}, {@code kind}), {@code metadata} and the top of {@code spec} here,
 * each other section by its own reader (selector, indicator, window and budgeting method,
 * alerting, budget policy). This is the whole validation of the format: problems go to
 * the {@link FieldReader}, reading goes on after one so a document's problems are
 * reported together (in the order of the checks), and only a document without problems
 * reaches {@link V1Converter}.
 */
public final class V1Reader {

    /**
     * SLO names become Kafka keys, state-store key prefixes (before a NUL separator),
     * alert keys ({@code name/rule}), metric labels and URL path segments: DNS-name-like,
     * 1 to 253 characters, no '/', spaces or control characters.
     */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,251}[a-z0-9])?");
    static final String NAME_RULE = "must be 1 to 253 lower-case letters, digits, '-', '.' or '_', starting and ending "
            + "with a letter or digit";

    private V1Reader() {
    }

    /**
     * Reads and converts one document; null when it has a problem. {@code where} names the
     * source (and document) in each problem.
     */
    public static SloSpec toSpec(final JsonNode doc, final String where, final List<String> problems,
                                 final SloLimits limits) {
        final String name = doc.path("metadata").path("name").isValueNode()
                ? doc.path("metadata").path("name").asText(null) : null;
        try {
            if (!doc.isObject()) {
                problems.add(where + ": an SLO document must be a mapping");
                return null;
            }
            final JsonNode nameNode = doc.path("metadata").path("name");
            final FieldReader f = new FieldReader(where + ": SLO " + FieldReader.quote(
                    nameNode.isTextual() ? nameNode.asText() : null), problems);
            final V1Document read = read(doc, f, limits);
            return read == null || !f.ok() ? null : V1Converter.toInternal(read);
        } catch (RuntimeException e) {
            // a check this parser lacks must still name the SLO, not escape as a stack trace
            problems.add(where + ": SLO " + FieldReader.quote(name) + ": cannot be read: " + e);
            return null;
        }
    }

    /** Reads a document (a mapping); null when {@code metadata} or {@code spec} is unusable. */
    public static V1Document read(final JsonNode doc, final FieldReader f, final SloLimits limits) {
        f.allowOnly(doc, "", "apiVersion", "kind", "metadata", "spec");
        final String apiVersion = f.text(doc, "apiVersion", true);
        if (apiVersion != null && !V1Document.API_VERSION.equals(apiVersion)) {
            f.problem("apiVersion", "must be " + V1Document.API_VERSION + ", not '" + apiVersion + "'"
                    + (apiVersion.equals("sloth.slok.dev/v1") ? " (a Sloth SLO spec: convert it with burnrate slo import "
                    + "sloth FILE)" : " (an SLO file may also hold openslo/v1 documents and sloth.slok.dev/v1 "
                    + "AlertWindows)"));
        }
        final String kind = f.text(doc, "kind", true);
        if (kind != null && !V1Document.KIND.equals(kind)) {
            f.problem("kind", "must be " + V1Document.KIND + ", not '" + kind + "'");
        }
        final JsonNode metadata = f.object(doc, "metadata", true);
        final JsonNode spec = f.object(doc, "spec", true);
        if (metadata == null || spec == null) {
            return null;
        }
        return new V1Document(metadata(metadata, f), spec(spec, f, limits));
    }

    private static V1Document.Metadata metadata(final JsonNode metadata, final FieldReader f) {
        f.allowOnly(metadata, "metadata.", "name", "labels", "annotations");
        final JsonNode nameNode = metadata.path("name");
        final String name = nameNode.isTextual() ? nameNode.asText() : null;
        if (nameNode.isMissingNode() || nameNode.isNull()) {
            f.problem("metadata.name", "is required");
        } else if (!nameNode.isTextual()) {
            f.problem("metadata.name", "must be a string, not " + nameNode + (nameNode.isNumber() ? " (a number: quote it)"
                    : ""));
        } else if (name.length() > 253 || !NAME.matcher(name).matches()) {
            f.problem("metadata.name", NAME_RULE + ", not " + FieldReader.quote(name));
        }
        return new V1Document.Metadata(name, f.stringMap(metadata, "labels", "metadata.labels"));
    }

    private static V1Document.Spec spec(final JsonNode spec, final FieldReader f, final SloLimits limits) {
        f.allowOnly(spec, "spec.", "service", "selector", "indicator", "objective", "window", "alerting", "description",
                "budgetPolicy", "budgetingMethod", "timeSliceTarget", "timeSliceWindow", "budgetAdjustments");
        final String service = f.text(spec, "service", true, "spec.service");
        final Map<String, String> selector = SelectorReader.read(spec, f, limits);
        final Indicator indicator = IndicatorReader.read(spec.path("indicator"), f);
        final double objective = objective(spec.path("objective"), f);
        final V1Document.Window window = WindowReader.window(spec.path("window"), f);
        final BudgetingMethod method = WindowReader.budgetingMethod(spec, f);
        final V1Document.Alerting alerting = AlertingReader.read(spec.path("alerting"), f);
        AlertingReader.checkAgainstWindow(alerting, window, f);
        final List<BudgetThreshold> thresholds = BudgetPolicyReader.read(spec.path("budgetPolicy"), f);
        final List<BudgetAdjustment> adjustments = AdjustmentReader.read(spec.path("budgetAdjustments"), f);
        return new V1Document.Spec(service, selector, indicator, objective, window, method, alerting, thresholds,
                adjustments);
    }

    private static double objective(final JsonNode node, final FieldReader f) {
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
}
