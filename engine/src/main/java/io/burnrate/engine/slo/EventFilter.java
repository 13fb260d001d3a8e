package io.burnrate.engine.slo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which events an SLO counts and which of them are bad: the one filter model behind both
 * a {@code burnrate/v1} document ({@code service}, {@code selector}, {@code indicator})
 * and an OpenSLO {@code metricSource} of {@code type: burnrate} (docs/openslo.md).
 *
 * <p>Selection is exact match: the event's {@code service}, and optionally its
 * {@code operation} and attributes. Classification: an event is bad when its outcome is
 * {@code error} or its status is at least {@code badStatusMin} (the status range
 * {@code badStatusMin-599}); with a latency threshold it is also bad when slower than
 * the threshold. Nothing else is expressible, so a filter that says something else is
 * refused by its reader rather than approximated.
 *
 * @param service            the event's {@code service}
 * @param operation          the event's {@code operation}, or null for any
 * @param attributes         exact-match attributes (without the {@code attributes.} prefix)
 * @param badStatusMin       the lowest bad status, 100 to 599
 * @param latencyThresholdMs good at most this many milliseconds, or null for availability
 */
public record EventFilter(String service, String operation, Map<String, String> attributes, int badStatusMin,
                          Double latencyThresholdMs) {

    /** The highest HTTP status: a bad status range always ends here. */
    public static final int MAX_STATUS = 599;

    public EventFilter {
        Objects.requireNonNull(service, "service");
        attributes = Map.copyOf(attributes);
    }

    /** The filter of an SLO ({@code attributes.<key>} and bare keys both become attributes). */
    public static EventFilter of(final SloSpec spec) {
        String operation = null;
        final Map<String, String> attributes = new LinkedHashMap<>();
        for (final Map.Entry<String, String> e : spec.selector().entrySet()) {
            if ("operation".equals(e.getKey())) {
                operation = e.getValue();
            } else {
                attributes.put(e.getKey().startsWith("attributes.") ? e.getKey().substring("attributes.".length())
                        : e.getKey(), e.getValue());
            }
        }
        if (spec.indicator() instanceof Indicator.Latency l) {
            return new EventFilter(spec.service(), operation, attributes, l.badStatusMin(), l.thresholdMs());
        }
        return new EventFilter(spec.service(), operation, attributes,
                ((Indicator.Availability) spec.indicator()).badStatusMin(), null);
    }

    /** The selector of a {@code burnrate/v1} document: {@code operation} and {@code attributes.<key>}. */
    public Map<String, String> selector() {
        final Map<String, String> out = new LinkedHashMap<>();
        if (operation != null) {
            out.put("operation", operation);
        }
        attributes.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.put("attributes." + e.getKey(), e.getValue()));
        return out;
    }

    /** The engine's indicator. */
    public Indicator indicator() {
        return latencyThresholdMs == null ? new Indicator.Availability(badStatusMin)
                : new Indicator.Latency(latencyThresholdMs, badStatusMin);
    }

    /** The selection part only (service, operation, attributes), for comparing two metric sources. */
    public boolean sameSelection(final EventFilter other) {
        return service.equals(other.service) && Objects.equals(operation, other.operation)
                && attributes.equals(other.attributes);
    }
}
