package io.burnrate.engine.slo.v1;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.slo.SloLimits;
import java.util.Map;

/** {@code spec.selector}: exact-match conditions, within the selector limits. */
final class SelectorReader {

    private SelectorReader() {
    }

    static Map<String, String> read(final JsonNode spec, final FieldReader f, final SloLimits limits) {
        final Map<String, String> selector = f.stringMap(spec, "selector", "spec.selector");
        if (selector.size() > limits.maxSelectorEntries()) {
            f.problem("spec.selector", "has " + selector.size() + " entries, more than the limit of "
                    + limits.maxSelectorEntries() + " (" + SloLimits.MAX_SELECTOR_ENTRIES + ")");
            return selector;
        }
        long bytes = 0;
        for (final Map.Entry<String, String> e : selector.entrySet()) {
            bytes += SloDocumentReader.utf8Length(e.getKey()) + SloDocumentReader.utf8Length(e.getValue());
        }
        if (bytes > limits.maxSelectorBytes()) {
            f.problem("spec.selector", "is " + bytes + " bytes, more than the limit of " + limits.maxSelectorBytes()
                    + " (" + SloLimits.MAX_SELECTOR_BYTES + ")");
        }
        return selector;
    }
}
