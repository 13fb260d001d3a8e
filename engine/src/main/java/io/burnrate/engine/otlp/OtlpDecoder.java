package io.burnrate.engine.otlp;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.burnrate.engine.ingest.EventParser;
import io.burnrate.engine.ingest.InputLimits;
import io.burnrate.engine.ingest.Rejection;
import io.burnrate.engine.ingest.RequestEventJson;
import io.burnrate.engine.ingest.RequestRecord;
import io.burnrate.engine.slo.Indicator;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes one Kafka record of OTLP trace data ({@code TracesData}, as the OpenTelemetry
 * Collector's Kafka exporter writes it in {@code otlp_proto} or {@code otlp_json}) and
 * maps each span by the deployment's {@link SpanMapping}: to a request event, to a
 * rejection with a stable reason, or to "unmatched" (a span of a kind that is not a
 * request: client, internal, producer by default). The record is decoded once; each
 * accepted event carries as its {@code raw} bytes its request-event JSON
 * ({@link RequestEventJson}), the form it travels in from there (repartition topic, dead
 * letters, replay). Plain Java, no Kafka: the topology calls {@link #decode} per record.
 *
 * <p>Reasons: the whole record is refused with {@code too-large}, {@code malformed-otlp}
 * (not protobuf {@code TracesData}, e.g. truncated; JSON that is not {@code TracesData})
 * or {@code malformed-json} (not JSON at all, in {@code otlp_json}); its dead letter is
 * the record's bytes. A single span is refused with {@code missing-service} (its resource
 * has no string {@code service.name}), {@code missing-field} (no start or end time),
 * {@code invalid-timestamp} (end time outside [2000, 2100), as for events),
 * {@code negative-duration} (end before start), {@code invalid-field} (a status attribute
 * that is not an HTTP status, a value of the wrong type in OTLP/JSON) or
 * {@code limit-exceeded} (a service, operation or attribute value over
 * {@code limits.field.length}); its dead letter is a small JSON object naming the span
 * ({@link #spanIdentity}), the other spans of the record still count.
 */
public final class OtlpDecoder {

    public static final String MALFORMED_OTLP = "malformed-otlp";
    public static final String MALFORMED_JSON = Rejection.MALFORMED_JSON;
    public static final String MISSING_SERVICE = "missing-service";
    public static final String NEGATIVE_DURATION = "negative-duration";

    /**
     * What one record gave: per mapped span, in record order, an
     * {@link EventParser.Accepted} event or an {@link EventParser.Rejected} span; the
     * number of spans of other kinds; or, when the record as a whole was refused,
     * {@code refused} (then {@code spans} is empty).
     */
    public record Decoded(List<EventParser.Result> spans, int unmatched, EventParser.Rejected refused) {

        /** The accepted events, in record order. */
        public List<RequestRecord> events() {
            final List<RequestRecord> out = new ArrayList<>(spans.size());
            for (final EventParser.Result r : spans) {
                if (r instanceof EventParser.Accepted a) {
                    out.add(a.event());
                }
            }
            return out;
        }

        /** The rejected spans, in record order. */
        public List<EventParser.Rejected> rejectedSpans() {
            final List<EventParser.Rejected> out = new ArrayList<>();
            for (final EventParser.Result r : spans) {
                if (r instanceof EventParser.Rejected x) {
                    out.add(x);
                }
            }
            return out;
        }
    }

    private final SpanMapping mapping;
    private final boolean[] kinds = new boolean[SpanMapping.Kind.values().length + 1];
    private final Map<String, Integer> statusRank = new HashMap<>();

    public OtlpDecoder(final SpanMapping mapping) {
        this.mapping = mapping;
        for (final SpanMapping.Kind k : mapping.kinds()) {
            kinds[k.ordinal() + 1] = true; // Span.SpanKind numbers: INTERNAL = 1 ... CONSUMER = 5
        }
        for (int i = 0; i < mapping.statusAttributes().size(); i++) {
            statusRank.putIfAbsent(mapping.statusAttributes().get(i), i);
        }
    }

    public SpanMapping mapping() {
        return mapping;
    }

    /** Decodes and maps one record value; never throws for bad input. */
    public Decoded decode(final byte[] value, final OtlpEncoding encoding) {
        if (value == null || value.length == 0) {
            return refused(new Rejection(MALFORMED_OTLP, "empty value"), value);
        }
        if (value.length > mapping.maxRecordBytes()) {
            return refused(new Rejection(Rejection.TOO_LARGE, "record is " + value.length
                    + " bytes, over the limit of " + mapping.maxRecordBytes() + " (" + SpanMapping.RECORD_BYTES + ")"),
                    value);
        }
        if (encoding == OtlpEncoding.OTLP_JSON) {
            final OtlpJsonReader.Read read;
            try {
                read = OtlpJsonReader.read(value);
            } catch (OtlpJsonReader.NotTraces e) {
                return refused(new Rejection(e.reason, e.getMessage()), value);
            }
            return map(read.data(), read.spanProblems());
        }
        final TracesData data;
        try {
            data = TracesData.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            return refused(new Rejection(MALFORMED_OTLP, "not an OTLP TracesData protobuf: " + e.getMessage()), value);
        }
        if (data.getResourceSpansCount() == 0 && !data.getUnknownFields().asMap().isEmpty()) {
            return refused(new Rejection(MALFORMED_OTLP, "not an OTLP TracesData protobuf: no resource_spans, "
                    + "only unknown fields"), value);
        }
        return map(data, Map.of());
    }

    /** Maps decoded trace data (also for callers that hold a {@code TracesData} already). */
    public Decoded decode(final TracesData data) {
        return map(data, Map.of());
    }

    private static Decoded refused(final Rejection why, final byte[] value) {
        return new Decoded(List.of(), 0, new EventParser.Rejected(why, value));
    }

    private Decoded map(final TracesData data, final Map<Integer, String> problems) {
        final List<EventParser.Result> out = new ArrayList<>();
        int unmatched = 0;
        int index = 0;
        for (final ResourceSpans rs : data.getResourceSpansList()) {
            final Resource resource = rs.getResource();
            String service = null;
            Map<String, String> resourceAttributes = Map.of();
            for (final KeyValue kv : resource.getAttributesList()) {
                final String key = kv.getKey();
                if (key.equals(SpanMapping.SERVICE_NAME)) {
                    if (kv.getValue().getValueCase() == AnyValue.ValueCase.STRING_VALUE
                            && !kv.getValue().getStringValue().isEmpty()) {
                        service = kv.getValue().getStringValue();
                    }
                }
                if (mapping.allowedAttributes().contains(key)) {
                    final String v = scalar(kv.getValue());
                    if (v != null) {
                        if (resourceAttributes.isEmpty()) {
                            resourceAttributes = new HashMap<>();
                        }
                        resourceAttributes.put(key, v);
                    }
                }
            }
            resourceAttributes = Map.copyOf(resourceAttributes); // shared by the events of every span of the resource
            for (final ScopeSpans ss : rs.getScopeSpansList()) {
                for (final Span span : ss.getSpansList()) {
                    final int kind = span.getKindValue();
                    if (kind < 0 || kind >= kinds.length || !kinds[kind]) {
                        unmatched++;
                    } else {
                        out.add(span(service, resourceAttributes, span, problems.get(index)));
                    }
                    index++;
                }
            }
        }
        return new Decoded(out, unmatched, null);
    }

    private EventParser.Result span(final String service, final Map<String, String> resourceAttributes,
                                    final Span span, final String problem) {
        if (problem != null) {
            return rejected(Rejection.INVALID_FIELD, "span " + problem, service, span);
        }
        if (service == null) {
            return rejected(MISSING_SERVICE, "the span's resource has no string attribute " + SpanMapping.SERVICE_NAME,
                    service, span);
        }
        final long start = span.getStartTimeUnixNano();
        final long end = span.getEndTimeUnixNano();
        if (start == 0 || end == 0) {
            return rejected(Rejection.MISSING_FIELD, "missing field: " + (end == 0 ? "endTimeUnixNano" : "startTimeUnixNano"),
                    service, span);
        }
        final long timestamp = end < 0 ? Long.MIN_VALUE : end / 1_000_000L;
        if (!InputLimits.plausibleTime(timestamp)) {
            return rejected(Rejection.INVALID_TIMESTAMP, "span end time must lie in [2000-01-01T00:00:00Z, "
                    + "2100-01-01T00:00:00Z), got endTimeUnixNano " + Long.toUnsignedString(end), service, span);
        }
        if (start < 0 || start > end) {
            return rejected(NEGATIVE_DURATION, "span ends before it starts: endTimeUnixNano " + Long.toUnsignedString(end)
                    + " < startTimeUnixNano " + Long.toUnsignedString(start), service, span);
        }
        final double latencyMs = (end - start) / 1e6;

        String operation = null;
        int status = Indicator.NO_STATUS;
        int statusRankSeen = Integer.MAX_VALUE;
        Map<String, String> attributes = resourceAttributes;
        boolean copied = false;
        for (final KeyValue kv : span.getAttributesList()) {
            final String key = kv.getKey();
            if (key.equals(mapping.operationAttribute())) {
                if (kv.getValue().getValueCase() == AnyValue.ValueCase.STRING_VALUE
                        && !kv.getValue().getStringValue().isEmpty()) {
                    operation = kv.getValue().getStringValue();
                }
            }
            final Integer rank = statusRank.get(key);
            if (rank != null && rank < statusRankSeen) {
                final int s = httpStatus(kv.getValue());
                if (s < 0) {
                    return rejected(Rejection.INVALID_FIELD, "span attribute " + key + " must be an HTTP status "
                            + "between 100 and 599, got " + EventParser.abbreviate(String.valueOf(scalar(kv.getValue()))),
                            service, span);
                }
                status = s;
                statusRankSeen = rank;
            }
            if (mapping.allowedAttributes().contains(key)) {
                final String v = scalar(kv.getValue());
                if (v != null) {
                    if (!copied) {
                        attributes = new HashMap<>(resourceAttributes);
                        copied = true;
                    }
                    attributes.put(key, v);
                }
            }
        }
        if (operation == null && !span.getName().isEmpty()) {
            operation = span.getName();
        }
        final boolean error = status == Indicator.NO_STATUS && span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;

        final int max = mapping.limits().maxFieldLength();
        if (service.length() > max) {
            return tooLong("service", service.length(), max, service, span);
        }
        if (operation != null && operation.length() > max) {
            return tooLong("operation", operation.length(), max, service, span);
        }
        for (final Map.Entry<String, String> a : attributes.entrySet()) {
            if (a.getValue().length() > max) {
                return tooLong("attributes." + a.getKey(), a.getValue().length(), max, service, span);
            }
        }
        final Map<String, String> attrs = attributes;
        final byte[] raw = RequestEventJson.write(service, timestamp, latencyMs, status, error, operation, attrs);
        return new EventParser.Accepted(new RequestRecord(service, timestamp, latencyMs, status, error, operation, attrs,
                raw));
    }

    /** An HTTP status from an int (or integral double, or decimal string) attribute; -1 when it is none. */
    private static int httpStatus(final AnyValue v) {
        long s;
        switch (v.getValueCase()) {
            case INT_VALUE:
                s = v.getIntValue();
                break;
            case DOUBLE_VALUE:
                s = v.getDoubleValue() == Math.rint(v.getDoubleValue()) ? (long) v.getDoubleValue() : -1;
                break;
            case STRING_VALUE:
                try {
                    s = Long.parseLong(v.getStringValue().trim());
                } catch (NumberFormatException e) {
                    s = -1;
                }
                break;
            default:
                s = -1;
        }
        return s >= 100 && s <= 599 ? (int) s : -1;
    }

    /** A scalar attribute value as text; null for arrays, maps, bytes and empty values (not copied). */
    static String scalar(final AnyValue v) {
        switch (v.getValueCase()) {
            case STRING_VALUE:
                return v.getStringValue();
            case BOOL_VALUE:
                return v.getBoolValue() ? "true" : "false";
            case INT_VALUE:
                return Long.toString(v.getIntValue());
            case DOUBLE_VALUE:
                return Double.toString(v.getDoubleValue());
            default:
                return null;
        }
    }

    private static EventParser.Rejected tooLong(final String field, final int length, final int max, final String service,
                                                final Span span) {
        return rejected(Rejection.LIMIT_EXCEEDED, field + " is " + length + " characters, over the limit of " + max
                + " (limits.field.length)", service, span);
    }

    private static EventParser.Rejected rejected(final String reason, final String detail, final String service,
                                                 final Span span) {
        return new EventParser.Rejected(new Rejection(reason, detail), spanIdentity(service, span));
    }

    /**
     * The dead-letter value of a refused span: which span it was, as JSON (ids in hex as in
     * OTLP/JSON), e.g. {@code {"service":"checkout","traceId":"5b8e…","spanId":"eee1…",
     * "name":"GET /cart","kind":2,"startTimeUnixNano":"…","endTimeUnixNano":"…"}}.
     */
    static byte[] spanIdentity(final String service, final Span span) {
        final StringBuilder b = new StringBuilder(192).append('{');
        if (service != null) {
            b.append("\"service\":").append(quote(EventParser.abbreviate(service))).append(',');
        }
        b.append("\"traceId\":\"").append(hex(span.getTraceId())).append("\",\"spanId\":\"")
                .append(hex(span.getSpanId())).append("\",\"name\":").append(quote(EventParser.abbreviate(span.getName())))
                .append(",\"kind\":").append(span.getKindValue())
                .append(",\"startTimeUnixNano\":\"").append(Long.toUnsignedString(span.getStartTimeUnixNano()))
                .append("\",\"endTimeUnixNano\":\"").append(Long.toUnsignedString(span.getEndTimeUnixNano())).append("\"}");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String quote(final String s) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }

    private static String hex(final ByteString id) {
        final StringBuilder b = new StringBuilder(id.size() * 2);
        for (int i = 0; i < id.size(); i++) {
            final int x = id.byteAt(i) & 0xff;
            b.append(Character.forDigit(x >> 4, 16)).append(Character.forDigit(x & 0xf, 16));
        }
        return b.toString();
    }
}
