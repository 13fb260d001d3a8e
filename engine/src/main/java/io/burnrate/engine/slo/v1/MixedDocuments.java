package io.burnrate.engine.slo.v1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.burnrate.engine.slo.AlertPolicies;
import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.openslo.OpenSloReader;
import io.burnrate.engine.slo.sloth.SlothAlertWindows;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The documents of one SLO file in the formats it may mix, turned into burnrate/v1
 * document trees in file order: {@code burnrate/v1} SLOs as they are; OpenSLO v1
 * ({@link OpenSloReader}) converted, one document per objective; Sloth {@code AlertWindows}
 * catalogues ({@link SlothAlertWindows}) kept as policies of the file, inlined into each
 * SLO that names one in {@code spec.alerting.policy} (so the document that goes to the SLO
 * topic stands alone). A top-level YAML list is read as its items, as OpenSLO's examples
 * are written.
 */
public final class MixedDocuments {

    /** A burnrate/v1 document tree and where it came from, for the burnrate/v1 reader. */
    public record Entry(JsonNode document, String where) {
    }

    /** What a file holds: its SLO documents and the alert policies it defines. */
    public record Read(List<Entry> slos, Map<String, AlertPolicies.Policy> policies) {
    }

    private MixedDocuments() {
    }

    /** Splits, converts and inlines; problems (of OpenSLO and Sloth documents) go to {@code problems}. */
    public static Read expand(final List<JsonNode> docs, final String source, final List<String> problems) {
        return expand(docs, source, problems, Map.of());
    }

    /**
     * {@link #expand(List, String, List)} where SLOs may also name the policies of
     * {@code alertWindows} (the Sloth catalogues of other files), by name as the file's own.
     */
    public static Read expand(final List<JsonNode> docs, final String source, final List<String> problems,
                              final Map<String, AlertPolicies.Policy> alertWindows) {
        final List<Entry> flat = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            final JsonNode d = docs.get(i);
            if (d.isArray()) {
                for (int j = 0; j < d.size(); j++) {
                    flat.add(new Entry(d.get(j), source + " (document " + (i + 1) + ", item " + (j + 1) + ")"));
                }
            } else {
                flat.add(new Entry(d, source + " (document " + (i + 1) + ")"));
            }
        }
        final Map<String, AlertPolicies.Policy> policies = new LinkedHashMap<>(alertWindows);
        final List<OpenSloReader.Source> openSlo = new ArrayList<>();
        for (final Entry e : flat) {
            if (SlothAlertWindows.is(e.document())) {
                final AlertPolicies.Policy p = guarded(() -> SlothAlertWindows.read(e.document(), e.where(), problems),
                        e.where() + ": AlertWindows", problems);
                if (p != null && alertWindows.containsKey(p.name())) {
                    problems.add(e.where() + ": AlertWindows '" + p.name() + "': an --alert-windows file defines this "
                            + "name too (give one of them another metadata.name)");
                } else if (p != null && policies.put(p.name(), p) != null) {
                    problems.add(e.where() + ": AlertWindows '" + p.name() + "': an earlier AlertWindows document has this "
                            + "name (give each metadata.name)");
                }
            } else if (e.document().isObject() && OpenSloReader.is(e.document())) {
                openSlo.add(new OpenSloReader.Source(e.document(), e.where()));
            }
        }
        final List<OpenSloReader.Converted> converted = openSlo.isEmpty() ? List.of()
                : guarded(() -> OpenSloReader.convert(openSlo, policies, problems), source + ": OpenSLO documents", problems);
        final List<Entry> out = new ArrayList<>();
        final List<OpenSloReader.Converted> convertedSlos = converted == null ? List.of() : converted;
        for (final Entry e : flat) {
            if (SlothAlertWindows.is(e.document())) {
                continue;
            }
            if (e.document().isObject() && OpenSloReader.is(e.document())) {
                for (final OpenSloReader.Converted c : convertedSlos) {
                    if (c.origin().doc() == e.document()) {
                        out.add(new Entry(c.document(), c.where()));
                    }
                }
                continue;
            }
            out.add(new Entry(inlinePolicy(e.document(), policies), e.where()));
        }
        return new Read(out, policies);
    }

    /**
     * Runs a reader; a check it lacks must still end in a problem naming the file, not
     * escape as a stack trace. Returns null (or an empty list's worth of nothing) then.
     */
    private static <T> T guarded(final Supplier<T> read, final String what, final List<String> problems) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            problems.add(what + ": cannot be read: " + e);
            return null;
        }
    }

    /** {@code spec.alerting.policy: <a policy of this file>} replaced by its windows. */
    private static JsonNode inlinePolicy(final JsonNode doc, final Map<String, AlertPolicies.Policy> policies) {
        final JsonNode policy = doc.path("spec").path("alerting").path("policy");
        if (!policy.isTextual() || !policies.containsKey(policy.asText())) {
            return doc;
        }
        final JsonNode copy = doc.deepCopy();
        ((ObjectNode) copy.path("spec").path("alerting")).set("policy", windows(policies.get(policy.asText()).windows()));
        return copy;
    }

    /** Windows in the burnrate/v1 list form. */
    static ArrayNode windows(final List<AlertWindow> windows) {
        final ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (final AlertWindow w : windows) {
            final ObjectNode o = a.addObject().put("severity", w.severity().wire()).put("budgetPercent", w.budgetPercent())
                    .put("longWindow", Durations.format(w.longWindow())).put("shortWindow", Durations.format(w.shortWindow()));
            if (!w.alertAfter().isZero()) {
                o.put("alertAfter", Durations.format(w.alertAfter()));
            }
        }
        return a;
    }
}
