package io.burnrate.engine.otlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads OTLP/JSON {@code TracesData} with Jackson's streaming parser into the published
 * protobuf classes. OTLP/JSON is not protobuf's canonical JSON mapping, so this is not
 * {@code JsonFormat}: trace and span ids are hex (base64 of the right length is accepted
 * too, as some exporters send it), enums may be integers or their names, 64-bit integers
 * strings or numbers, keys lowerCamelCase (the snake_case proto names are accepted too),
 * and unknown fields are ignored as the OTLP specification requires of receivers.
 *
 * <p>Only what a span mapping can use is kept: resource and scope attributes, the span's
 * ids, name, kind, times, attributes and status. Events, links and counters are skipped.
 *
 * <p>A value of the wrong type inside a span marks that span ({@link Read#spanProblems},
 * by its index in the record) and the rest of the record is still read; anything wrong
 * outside a span, or invalid JSON, refuses the record ({@link NotTraces}).
 */
final class OtlpJsonReader {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1 << 22).build())
            .build();

    /** The record, and what was wrong with single spans (span index → detail). */
    record Read(TracesData data, Map<Integer, String> spanProblems) {
    }

    /** The record is not OTLP/JSON {@code TracesData}: {@code reason} is a stable code. */
    static final class NotTraces extends Exception {
        private static final long serialVersionUID = 1L;
        final String reason;

        NotTraces(final String reason, final String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }

    /** A value of the wrong type or form. */
    private static final class BadValue extends Exception {
        private static final long serialVersionUID = 1L;

        BadValue(final String detail) {
            super(detail, null, false, false);
        }
    }

    private final JsonParser p;
    private int spanIndex;
    private Map<Integer, String> problems = Map.of();

    private OtlpJsonReader(final JsonParser p) {
        this.p = p;
    }

    static Read read(final byte[] raw) throws NotTraces {
        try (JsonParser parser = FACTORY.createParser(raw)) {
            final OtlpJsonReader r = new OtlpJsonReader(parser);
            final TracesData data = r.tracesData();
            return new Read(data, r.problems);
        } catch (BadValue e) {
            throw new NotTraces(OtlpDecoder.MALFORMED_OTLP, "not OTLP/JSON TracesData: " + e.getMessage());
        } catch (JsonProcessingException e) {
            throw new NotTraces(OtlpDecoder.MALFORMED_JSON, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new NotTraces(OtlpDecoder.MALFORMED_JSON, "not valid JSON: " + e.getMessage());
        }
    }

    private TracesData tracesData() throws IOException, BadValue, NotTraces {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new NotTraces(OtlpDecoder.MALFORMED_OTLP, "not OTLP/JSON TracesData: not a JSON object");
        }
        final TracesData.Builder b = TracesData.newBuilder();
        boolean any = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String name = p.currentName();
            final JsonToken v = p.nextToken();
            if (name.equals("resourceSpans") || name.equals("resource_spans")) {
                any = true;
                if (v == JsonToken.VALUE_NULL) {
                    continue;
                }
                expect(v, JsonToken.START_ARRAY, "resourceSpans must be an array");
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    b.addResourceSpans(resourceSpans());
                }
            } else {
                p.skipChildren();
            }
        }
        if (p.nextToken() != null) {
            throw new NotTraces(OtlpDecoder.MALFORMED_JSON, "trailing content after the JSON object");
        }
        if (!any) {
            throw new NotTraces(OtlpDecoder.MALFORMED_OTLP,
                    "not OTLP/JSON TracesData: the object has no resourceSpans");
        }
        return b.build();
    }

    private ResourceSpans resourceSpans() throws IOException, BadValue {
        expect(p.currentToken(), JsonToken.START_OBJECT, "a resourceSpans entry must be an object");
        final ResourceSpans.Builder b = ResourceSpans.newBuilder();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String name = p.currentName();
            final JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (name) {
                case "resource":
                    b.setResource(resource());
                    break;
                case "scopeSpans":
                case "scope_spans":
                    expect(v, JsonToken.START_ARRAY, "scopeSpans must be an array");
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        b.addScopeSpans(scopeSpans());
                    }
                    break;
                case "schemaUrl":
                case "schema_url":
                    b.setSchemaUrl(string(v, "schemaUrl"));
                    break;
                default:
                    p.skipChildren();
            }
        }
        return b.build();
    }

    private Resource resource() throws IOException, BadValue {
        expect(p.currentToken(), JsonToken.START_OBJECT, "resource must be an object");
        final Resource.Builder b = Resource.newBuilder();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String name = p.currentName();
            final JsonToken v = p.nextToken();
            if (name.equals("attributes") && v != JsonToken.VALUE_NULL) {
                b.addAllAttributes(keyValues(v, "resource.attributes"));
            } else {
                p.skipChildren();
            }
        }
        return b.build();
    }

    private ScopeSpans scopeSpans() throws IOException, BadValue {
        expect(p.currentToken(), JsonToken.START_OBJECT, "a scopeSpans entry must be an object");
        final ScopeSpans.Builder b = ScopeSpans.newBuilder();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String name = p.currentName();
            final JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (name) {
                case "scope":
                    b.setScope(scope());
                    break;
                case "spans":
                    expect(v, JsonToken.START_ARRAY, "spans must be an array");
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        expect(p.currentToken(), JsonToken.START_OBJECT, "a span must be an object");
                        b.addSpans(span(spanIndex++));
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
        return b.build();
    }

    private InstrumentationScope scope() throws IOException, BadValue {
        expect(p.currentToken(), JsonToken.START_OBJECT, "scope must be an object");
        final InstrumentationScope.Builder b = InstrumentationScope.newBuilder();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String name = p.currentName();
            final JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (name) {
                case "name":
                    b.setName(string(v, "scope.name"));
                    break;
                case "version":
                    b.setVersion(string(v, "scope.version"));
                    break;
                default:
                    p.skipChildren();
            }
        }
        return b.build();
    }

    /** One span; a bad field marks the span and is skipped, the span's other fields are still read. */
    private Span span(final int index) throws IOException {
        final Span.Builder b = Span.newBuilder();
        final int depth = p.getParsingContext().getNestingDepth();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String name = p.currentName();
            final JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NULL) {
                continue;
            }
            try {
                spanField(b, name, v);
            } catch (BadValue e) {
                problem(index, e.getMessage());
                while (p.getParsingContext().getNestingDepth() > depth) {
                    p.nextToken();
                }
            }
        }
        return b.build();
    }

    private void spanField(final Span.Builder b, final String name, final JsonToken v) throws IOException, BadValue {
        switch (name) {
            case "traceId":
            case "trace_id":
                b.setTraceId(id(string(v, "traceId"), 16, "traceId"));
                break;
            case "spanId":
            case "span_id":
                b.setSpanId(id(string(v, "spanId"), 8, "spanId"));
                break;
            case "parentSpanId":
            case "parent_span_id":
                b.setParentSpanId(id(string(v, "parentSpanId"), 8, "parentSpanId"));
                break;
            case "name":
                b.setName(string(v, "name"));
                break;
            case "kind":
                b.setKindValue(enumValue(v, "kind", "SPAN_KIND_", List.of("UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT",
                        "PRODUCER", "CONSUMER")));
                break;
            case "startTimeUnixNano":
            case "start_time_unix_nano":
                b.setStartTimeUnixNano(uint64(v, "startTimeUnixNano"));
                break;
            case "endTimeUnixNano":
            case "end_time_unix_nano":
                b.setEndTimeUnixNano(uint64(v, "endTimeUnixNano"));
                break;
            case "attributes":
                b.addAllAttributes(keyValues(v, "attributes"));
                break;
            case "status":
                b.setStatus(status(v));
                break;
            default:
                p.skipChildren();
        }
    }

    private Status status(final JsonToken v) throws IOException, BadValue {
        expect(v, JsonToken.START_OBJECT, "status must be an object");
        final Status.Builder b = Status.newBuilder();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String name = p.currentName();
            final JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (name) {
                case "code":
                    b.setCodeValue(enumValue(t, "status.code", "STATUS_CODE_", List.of("UNSET", "OK", "ERROR")));
                    break;
                case "message":
                    b.setMessage(string(t, "status.message"));
                    break;
                default:
                    p.skipChildren();
            }
        }
        return b.build();
    }

    private List<KeyValue> keyValues(final JsonToken v, final String field) throws IOException, BadValue {
        expect(v, JsonToken.START_ARRAY, field + " must be an array of {key, value}");
        final ArrayList<KeyValue> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            out.add(keyValue(field));
        }
        return out;
    }

    private KeyValue keyValue(final String field) throws IOException, BadValue {
        expect(p.currentToken(), JsonToken.START_OBJECT, field + " must be an array of {key, value}");
        final KeyValue.Builder b = KeyValue.newBuilder();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String name = p.currentName();
            final JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (name) {
                case "key":
                    b.setKey(string(t, field + " key"));
                    break;
                case "value":
                    b.setValue(anyValue(t, field));
                    break;
                default:
                    p.skipChildren();
            }
        }
        return b.build();
    }

    private AnyValue anyValue(final JsonToken v, final String field) throws IOException, BadValue {
        expect(v, JsonToken.START_OBJECT, field + ": a value must be an object such as {\"stringValue\": ...}");
        final AnyValue.Builder b = AnyValue.newBuilder();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String name = p.currentName();
            final JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NULL) {
                continue;
            }
            switch (name) {
                case "stringValue":
                case "string_value":
                    b.setStringValue(string(t, field));
                    break;
                case "boolValue":
                case "bool_value":
                    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                        throw new BadValue(field + ": boolValue must be true or false");
                    }
                    b.setBoolValue(t == JsonToken.VALUE_TRUE);
                    break;
                case "intValue":
                case "int_value":
                    b.setIntValue(int64(t, field + " intValue"));
                    break;
                case "doubleValue":
                case "double_value":
                    b.setDoubleValue(doubleValue(t, field));
                    break;
                case "bytesValue":
                case "bytes_value":
                    b.setBytesValue(base64(string(t, field), field + " bytesValue"));
                    break;
                case "arrayValue":
                case "array_value":
                    b.setArrayValue(ArrayValue.newBuilder().addAllValues(values(t, field)));
                    break;
                case "kvlistValue":
                case "kvlist_value":
                    b.setKvlistValue(KeyValueList.newBuilder().addAllValues(kvlist(t, field)));
                    break;
                default:
                    p.skipChildren();
            }
        }
        return b.build();
    }

    private List<AnyValue> values(final JsonToken v, final String field) throws IOException, BadValue {
        expect(v, JsonToken.START_OBJECT, field + ": arrayValue must be an object {\"values\": [...]}");
        final ArrayList<AnyValue> out = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final JsonToken t = p.nextToken();
            if (p.currentName().equals("values") && t != JsonToken.VALUE_NULL) {
                expect(t, JsonToken.START_ARRAY, field + ": arrayValue.values must be an array");
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    out.add(anyValue(p.currentToken(), field));
                }
            } else {
                p.skipChildren();
            }
        }
        return out;
    }

    private List<KeyValue> kvlist(final JsonToken v, final String field) throws IOException, BadValue {
        expect(v, JsonToken.START_OBJECT, field + ": kvlistValue must be an object {\"values\": [...]}");
        List<KeyValue> out = List.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final JsonToken t = p.nextToken();
            if (p.currentName().equals("values") && t != JsonToken.VALUE_NULL) {
                out = keyValues(t, field);
            } else {
                p.skipChildren();
            }
        }
        return out;
    }

    private void problem(final int index, final String detail) {
        if (problems.isEmpty()) {
            problems = new HashMap<>();
        }
        problems.putIfAbsent(index, detail);
    }

    private String string(final JsonToken v, final String field) throws IOException, BadValue {
        if (v != JsonToken.VALUE_STRING) {
            throw new BadValue(field + " must be a string");
        }
        return p.getText();
    }

    /** An enum as its number or its name, with or without the prefix ({@code SPAN_KIND_SERVER}, {@code SERVER}). */
    private int enumValue(final JsonToken v, final String field, final String prefix, final List<String> names)
            throws IOException, BadValue {
        if (v == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() != JsonParser.NumberType.INT) {
                throw new BadValue(field + " is out of range");
            }
            return p.getIntValue();
        }
        if (v == JsonToken.VALUE_STRING) {
            String name = p.getText();
            if (name.startsWith(prefix)) {
                name = name.substring(prefix.length());
            }
            final int i = names.indexOf(name);
            if (i >= 0) {
                return i;
            }
            throw new BadValue(field + " \"" + abbreviate(p.getText()) + "\" is not a known value");
        }
        throw new BadValue(field + " must be an enum number or name");
    }

    /** An unsigned 64-bit integer (fixed64) as a decimal string or a JSON number. */
    private long uint64(final JsonToken v, final String field) throws IOException, BadValue {
        final String text;
        if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT) {
            text = p.getText().trim();
        } else {
            throw new BadValue(field + " must be an integer (a string or a number)");
        }
        try {
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw new BadValue(field + " \"" + abbreviate(text) + "\" is not an unsigned 64-bit integer");
        }
    }

    private long int64(final JsonToken v, final String field) throws IOException, BadValue {
        final String text;
        if (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT) {
            text = p.getText().trim();
        } else {
            throw new BadValue(field + " must be an integer (a string or a number)");
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new BadValue(field + " \"" + abbreviate(text) + "\" is not a 64-bit integer");
        }
    }

    private double doubleValue(final JsonToken v, final String field) throws IOException, BadValue {
        if (v.isNumeric()) {
            return p.getDoubleValue();
        }
        if (v == JsonToken.VALUE_STRING) {
            switch (p.getText()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    try {
                        return Double.parseDouble(p.getText());
                    } catch (NumberFormatException e) {
                        throw new BadValue(field + ": doubleValue \"" + abbreviate(p.getText()) + "\" is not a number");
                    }
            }
        }
        throw new BadValue(field + ": doubleValue must be a number");
    }

    /** A trace or span id: hex as OTLP/JSON says, or base64 as protobuf's own JSON mapping writes it. */
    private static ByteString id(final String text, final int bytes, final String field) throws BadValue {
        if (text.isEmpty()) {
            return ByteString.EMPTY;
        }
        if (text.length() == 2 * bytes) {
            final byte[] out = new byte[bytes];
            for (int i = 0; i < bytes; i++) {
                final int hi = Character.digit(text.charAt(2 * i), 16);
                final int lo = Character.digit(text.charAt(2 * i + 1), 16);
                if (hi < 0 || lo < 0) {
                    throw new BadValue(field + " \"" + abbreviate(text) + "\" is not hex");
                }
                out[i] = (byte) (hi << 4 | lo);
            }
            return ByteString.copyFrom(out);
        }
        final ByteString b = base64(text, field);
        if (b.size() != bytes) {
            throw new BadValue(field + " \"" + abbreviate(text) + "\" is not " + bytes + " bytes of hex");
        }
        return b;
    }

    private static ByteString base64(final String text, final String field) throws BadValue {
        try {
            return ByteString.copyFrom(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            try {
                return ByteString.copyFrom(Base64.getUrlDecoder().decode(text));
            } catch (IllegalArgumentException e2) {
                throw new BadValue(field + " \"" + abbreviate(text) + "\" is neither hex nor base64");
            }
        }
    }

    private static void expect(final JsonToken actual, final JsonToken expected, final String message) throws BadValue {
        if (actual != expected) {
            throw new BadValue(message);
        }
    }

    private static String abbreviate(final String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
