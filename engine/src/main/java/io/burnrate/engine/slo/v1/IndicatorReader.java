package io.burnrate.engine.slo.v1;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.slo.Indicator;

/** {@code spec.indicator}: exactly one of {@code availability} or {@code latency}. */
final class IndicatorReader {

    private IndicatorReader() {
    }

    /** The indicator, or null when it is missing or invalid. */
    static Indicator read(final JsonNode node, final FieldReader f) {
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
                final double threshold = f.positiveNumber(body, "thresholdMs", path + ".thresholdMs");
                return new Indicator.Latency(threshold, badStatusMin);
            default:
                f.problem("spec.indicator", "unknown indicator '" + kind + "' (use availability or latency)");
                return null;
        }
    }
}
