package io.burnrate.engine.otlp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds OTLP trace data with the published OTLP classes, and writes it as OTLP/JSON the
 * way the Collector's {@code otlp_json} encoding does (hex ids, integer enums, 64-bit
 * integers as strings, lowerCamelCase keys), for the decoder and replay tests.
 */
public final class OtlpFixtures {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private OtlpFixtures() {
    }

    public static KeyValue str(final String key, final String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    public static KeyValue integer(final String key, final long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }

    public static Resource resource(final KeyValue... attributes) {
        return Resource.newBuilder().addAllAttributes(List.of(attributes)).build();
    }

    /** A span ending at {@code endMs} after {@code durationNs}; {@code seq} makes its ids. */
    public static Span.Builder span(final int seq, final String name, final Span.SpanKind kind, final long endMs,
                                    final long durationNs, final KeyValue... attributes) {
        final long end = endMs * 1_000_000L;
        return Span.newBuilder()
                .setTraceId(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(0x5b8efff798038103L).putLong(seq).array()))
                .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(0xeee19b7ec3c1b100L + seq).array()))
                .setName(name)
                .setKind(kind)
                .setStartTimeUnixNano(end - durationNs)
                .setEndTimeUnixNano(end)
                .addAllAttributes(List.of(attributes));
    }

    public static Span.Builder error(final Span.Builder span) {
        return span.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"));
    }

    public static ResourceSpans resourceSpans(final Resource resource, final Span.Builder... spans) {
        final ScopeSpans.Builder scope = ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.tomcat").setVersion("2.1.0"));
        for (final Span.Builder s : spans) {
            scope.addSpans(s);
        }
        return ResourceSpans.newBuilder().setResource(resource).addScopeSpans(scope).build();
    }

    public static TracesData traces(final ResourceSpans... resourceSpans) {
        return TracesData.newBuilder().addAllResourceSpans(List.of(resourceSpans)).build();
    }

    /** OTLP/JSON of {@code data}, on one line (what the exporter's otlp_json writes per record). */
    public static String json(final TracesData data) {
        final ObjectNode root = JSON.objectNode();
        final ArrayNode rss = root.putArray("resourceSpans");
        for (final ResourceSpans rs : data.getResourceSpansList()) {
            final ObjectNode r = rss.addObject();
            attributes(r.putObject("resource"), rs.getResource().getAttributesList());
            final ArrayNode scopes = r.putArray("scopeSpans");
            for (final ScopeSpans ss : rs.getScopeSpansList()) {
                final ObjectNode s = scopes.addObject();
                s.putObject("scope").put("name", ss.getScope().getName()).put("version", ss.getScope().getVersion());
                final ArrayNode spans = s.putArray("spans");
                for (final Span sp : ss.getSpansList()) {
                    final ObjectNode o = spans.addObject();
                    o.put("traceId", HexFormat.of().formatHex(sp.getTraceId().toByteArray()));
                    o.put("spanId", HexFormat.of().formatHex(sp.getSpanId().toByteArray()));
                    o.put("name", sp.getName());
                    o.put("kind", sp.getKindValue());
                    o.put("startTimeUnixNano", Long.toUnsignedString(sp.getStartTimeUnixNano()));
                    o.put("endTimeUnixNano", Long.toUnsignedString(sp.getEndTimeUnixNano()));
                    attributes(o, sp.getAttributesList());
                    final ObjectNode st = o.putObject("status");
                    if (sp.getStatus().getCodeValue() != 0) {
                        st.put("code", sp.getStatus().getCodeValue());
                        st.put("message", sp.getStatus().getMessage());
                    }
                }
            }
        }
        return root.toString();
    }

    public static byte[] jsonBytes(final TracesData data) {
        return json(data).getBytes(StandardCharsets.UTF_8);
    }

    private static void attributes(final ObjectNode into, final List<KeyValue> attributes) {
        final ArrayNode a = into.putArray("attributes");
        for (final KeyValue kv : attributes) {
            final ObjectNode value = a.addObject().put("key", kv.getKey()).putObject("value");
            switch (kv.getValue().getValueCase()) {
                case STRING_VALUE -> value.put("stringValue", kv.getValue().getStringValue());
                case INT_VALUE -> value.put("intValue", Long.toString(kv.getValue().getIntValue()));
                case BOOL_VALUE -> value.put("boolValue", kv.getValue().getBoolValue());
                case DOUBLE_VALUE -> value.put("doubleValue", kv.getValue().getDoubleValue());
                default -> throw new IllegalArgumentException("not written by this fixture: " + kv);
            }
        }
    }
}
