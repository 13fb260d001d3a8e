package io.burnrate.engine.otlp;

import io.burnrate.engine.ingest.InputLimits;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How an OTLP span becomes a request event; one per deployment, built from settings
 * ({@link #fromSettings}). The defaults follow the OpenTelemetry semantic conventions:
 *
 * <table>
 *   <caption>span to request event</caption>
 *   <tr><th>event field</th><th>from</th></tr>
 *   <tr><td>(which spans)</td><td>kind in {@code otlp.span.kinds} (server, consumer); others are unmatched</td></tr>
 *   <tr><td>service</td><td>resource attribute {@code service.name}; missing: rejected {@code missing-service}</td></tr>
 *   <tr><td>operation</td><td>span attribute {@code otlp.operation.attribute} ({@code http.route}), else the span
 *       name</td></tr>
 *   <tr><td>status</td><td>the first of {@code otlp.status.attributes} ({@code http.response.status_code},
 *       {@code http.status_code}) on the span</td></tr>
 *   <tr><td>outcome</td><td>without a status: {@code error} when the span status is ERROR, else {@code ok}</td></tr>
 *   <tr><td>latencyMs</td><td>end − start (nanoseconds / 10<sup>6</sup>); negative: rejected
 *       {@code negative-duration}</td></tr>
 *   <tr><td>timestamp</td><td>the span's end time, in milliseconds (floor)</td></tr>
 *   <tr><td>attributes</td><td>resource, then span attributes (the span wins) whose key is in
 *       {@code otlp.attributes.allow}; scalar values only</td></tr>
 * </table>
 *
 * @param kinds              span kinds that are requests
 * @param operationAttribute span attribute naming the operation; empty: always the span name
 * @param statusAttributes   span attributes holding an HTTP status, in order of preference
 * @param allowedAttributes  resource and span attribute keys copied to the event's attributes
 * @param maxRecordBytes     largest OTLP record accepted ({@code otlp.record.bytes}, default 4 MiB; the
 *                           Collector's exporter sends up to 1 MB by default)
 * @param limits             the engine's bounds on field lengths and attribute counts, as for events
 */
public record SpanMapping(Set<Kind> kinds, String operationAttribute, List<String> statusAttributes,
                          Set<String> allowedAttributes, int maxRecordBytes, InputLimits limits) {

    public static final String KINDS = "otlp.span.kinds";
    public static final String OPERATION_ATTRIBUTE = "otlp.operation.attribute";
    public static final String STATUS_ATTRIBUTES = "otlp.status.attributes";
    public static final String ALLOWED_ATTRIBUTES = "otlp.attributes.allow";
    public static final String RECORD_BYTES = "otlp.record.bytes";

    /** The setting keys this class reads, for the settings' list of known keys. */
    public static final List<String> KEYS = List.of(KINDS, OPERATION_ATTRIBUTE, STATUS_ATTRIBUTES, ALLOWED_ATTRIBUTES,
            RECORD_BYTES);

    public static final String SERVICE_NAME = "service.name";

    /** The span kinds of OTLP, by their names in settings. */
    public enum Kind { INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER }

    public static final SpanMapping DEFAULTS = new SpanMapping(EnumSet.of(Kind.SERVER, Kind.CONSUMER), "http.route",
            List.of("http.response.status_code", "http.status_code"),
            Set.of("deployment.environment", "cloud.region", "k8s.cluster.name"), 4 * 1024 * 1024, InputLimits.DEFAULTS);

    public SpanMapping {
        kinds = Set.copyOf(kinds);
        statusAttributes = List.copyOf(statusAttributes);
        allowedAttributes = Set.copyOf(allowedAttributes);
        if (allowedAttributes.size() > limits.maxAttributes()) {
            throw new IllegalArgumentException(ALLOWED_ATTRIBUTES + " lists " + allowedAttributes.size()
                    + " attributes, more than limits.attributes (" + limits.maxAttributes() + ")");
        }
        for (final String key : allowedAttributes) {
            if (key.isEmpty() || key.length() > limits.maxFieldLength()) {
                throw new IllegalArgumentException(ALLOWED_ATTRIBUTES + ": attribute key '" + key
                        + "' is empty or longer than limits.field.length (" + limits.maxFieldLength() + ")");
            }
        }
        if (maxRecordBytes < 64) {
            throw new IllegalArgumentException(RECORD_BYTES + " must be at least 64");
        }
    }

    /**
     * The mapping from settings ({@code otlp.*} keys; absent keys keep the defaults). Lists
     * are comma-separated; an empty {@code otlp.attributes.allow} copies no attribute.
     *
     * @throws IllegalArgumentException naming the key when a value is unusable
     */
    public static SpanMapping fromSettings(final Map<String, String> settings, final InputLimits limits) {
        final SpanMapping d = DEFAULTS;
        final Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        for (final String k : list(settings.get(KINDS), d.kinds().stream().map(Enum::name).toList())) {
            try {
                kinds.add(Kind.valueOf(k.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(KINDS + ": unknown span kind '" + k
                        + "' (internal, server, client, producer, consumer)");
            }
        }
        final String operation = settings.getOrDefault(OPERATION_ATTRIBUTE, d.operationAttribute()).trim();
        final List<String> status = list(settings.get(STATUS_ATTRIBUTES), d.statusAttributes());
        final Set<String> allow = new LinkedHashSet<>(list(settings.get(ALLOWED_ATTRIBUTES),
                List.copyOf(d.allowedAttributes())));
        final int bytes;
        try {
            bytes = settings.containsKey(RECORD_BYTES) ? Integer.parseInt(settings.get(RECORD_BYTES).trim())
                    : d.maxRecordBytes();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(RECORD_BYTES + " must be a whole number of bytes, got '"
                    + settings.get(RECORD_BYTES) + "'");
        }
        return new SpanMapping(kinds, operation, status, allow, bytes, limits);
    }

    private static List<String> list(final String value, final List<String> dflt) {
        if (value == null) {
            return dflt;
        }
        final List<String> out = new ArrayList<>();
        for (final String part : value.split(",", -1)) {
            final String t = part.trim();
            if (!t.isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }
}
