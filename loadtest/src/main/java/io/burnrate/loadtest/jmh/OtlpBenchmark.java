package io.burnrate.loadtest.jmh;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.burnrate.engine.otlp.OtlpDecoder;
import io.burnrate.engine.otlp.OtlpEncoding;
import io.burnrate.engine.otlp.SpanMapping;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What OTLP input costs per span: decode one Kafka record of {@code TracesData} and map
 * its spans ({@link OtlpDecoder}: protobuf or OTLP/JSON parsing, the span mapping, and the
 * request JSON each accepted event travels in), for records of 10 and 100 spans; and, to
 * split that cost, protobuf parsing alone ({@code TracesData.parseFrom}, what any consumer
 * of these records pays) and the mapping alone (from parsed {@code TracesData}).
 *
 * <p>One op = one span. The records look like the Collector's batches of instrumented HTTP
 * services: 2 services per record, each resource with 7 attributes, spans 50 % server
 * (8 attributes: route, method, status, url, user agent, ...), 30 % client, 20 % internal,
 * 5 % of server spans 5xx. Run with
 * {@code jmh --include 'io.burnrate.loadtest.jmh.OtlpBenchmark.*'}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OtlpBenchmark {

    static final long T0 = 1_767_225_600_000L;
    private static final int DISTINCT = 16;

    /** {@link #DISTINCT} records of 10 and of 100 spans, in both encodings. */
    @State(Scope.Thread)
    public static class Records {
        byte[][] proto10;
        byte[][] proto100;
        byte[][] json10;
        byte[][] json100;
        TracesData[] parsed100;
        OtlpDecoder decoder;
        int i;

        @Setup
        public void setUp() {
            final SplittableRandom r = new SplittableRandom(7);
            proto10 = new byte[DISTINCT][];
            proto100 = new byte[DISTINCT][];
            json10 = new byte[DISTINCT][];
            json100 = new byte[DISTINCT][];
            parsed100 = new TracesData[DISTINCT];
            for (int k = 0; k < DISTINCT; k++) {
                final TracesData ten = record(10, k, r);
                final TracesData hundred = record(100, k, r);
                proto10[k] = ten.toByteArray();
                proto100[k] = hundred.toByteArray();
                json10[k] = json(ten);
                json100[k] = json(hundred);
                parsed100[k] = hundred;
            }
            decoder = new OtlpDecoder(SpanMapping.DEFAULTS);
        }

        int next() {
            return i++ & (DISTINCT - 1);
        }
    }

    @Benchmark
    @OperationsPerInvocation(10)
    public void decodeProto10Spans(final Records s, final Blackhole bh) {
        bh.consume(s.decoder.decode(s.proto10[s.next()], OtlpEncoding.OTLP_PROTO));
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public void decodeProto100Spans(final Records s, final Blackhole bh) {
        bh.consume(s.decoder.decode(s.proto100[s.next()], OtlpEncoding.OTLP_PROTO));
    }

    @Benchmark
    @OperationsPerInvocation(10)
    public void decodeJson10Spans(final Records s, final Blackhole bh) {
        bh.consume(s.decoder.decode(s.json10[s.next()], OtlpEncoding.OTLP_JSON));
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public void decodeJson100Spans(final Records s, final Blackhole bh) {
        bh.consume(s.decoder.decode(s.json100[s.next()], OtlpEncoding.OTLP_JSON));
    }

    /** The ceiling's share: protobuf parsing only, no mapping. */
    @Benchmark
    @OperationsPerInvocation(100)
    public void protobufParseOnly100Spans(final Records s, final Blackhole bh) throws Exception {
        bh.consume(TracesData.parseFrom(s.proto100[s.next()]));
    }

    /** The mapping only (from parsed TracesData), including each event's request JSON. */
    @Benchmark
    @OperationsPerInvocation(100)
    public void mapOnly100Spans(final Records s, final Blackhole bh) {
        bh.consume(s.decoder.decode(s.parsed100[s.next()]));
    }

    /** A record of {@code spans} spans from 2 services. */
    static TracesData record(final int spans, final int seed, final SplittableRandom r) {
        final TracesData.Builder b = TracesData.newBuilder();
        int n = 0;
        for (int svc = 0; svc < 2; svc++) {
            final String service = "svc-" + ((seed * 2 + svc) % 50);
            final Resource resource = Resource.newBuilder()
                    .addAttributes(str("service.name", service))
                    .addAttributes(str("service.version", "1.4." + svc))
                    .addAttributes(str("deployment.environment", "prod"))
                    .addAttributes(str("cloud.region", "eu-west-1"))
                    .addAttributes(str("k8s.cluster.name", "prod-eu-1"))
                    .addAttributes(str("host.name", service + "-7d9f8c6b5-x2k4q"))
                    .addAttributes(str("telemetry.sdk.language", "java"))
                    .build();
            final ScopeSpans.Builder scope = ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder()
                    .setName("io.opentelemetry.tomcat-10.0").setVersion("2.10.0-alpha"));
            final int here = svc == 0 ? spans / 2 : spans - spans / 2;
            for (int k = 0; k < here; k++, n++) {
                scope.addSpans(span(n, seed, r));
            }
            b.addResourceSpans(ResourceSpans.newBuilder().setResource(resource).addScopeSpans(scope));
        }
        return b.build();
    }

    private static Span span(final int n, final int seed, final SplittableRandom r) {
        final long end = (T0 + seed * 10_000L + n * 7L) * 1_000_000L + r.nextInt(1_000_000);
        final long duration = 1_000_000L + r.nextLong(400_000_000L);
        final byte[] trace = new byte[16];
        final byte[] id = new byte[8];
        for (int k = 0; k < 16; k++) {
            trace[k] = (byte) r.nextInt(256);
        }
        for (int k = 0; k < 8; k++) {
            id[k] = (byte) r.nextInt(256);
        }
        final Span.Builder s = Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(id))
                .setParentSpanId(ByteString.copyFrom(id)).setStartTimeUnixNano(end - duration).setEndTimeUnixNano(end);
        final int kind = n % 10;
        if (kind < 5) {
            final int status = r.nextInt(100) < 5 ? 503 : 200;
            final String route = "/api/v1/items/{id}/part" + (n % 4);
            s.setName("GET " + route).setKind(Span.SpanKind.SPAN_KIND_SERVER)
                    .addAttributes(str("http.route", route))
                    .addAttributes(str("http.request.method", "GET"))
                    .addAttributes(integer("http.response.status_code", status))
                    .addAttributes(str("url.path", "/api/v1/items/" + r.nextInt(100_000) + "/part" + (n % 4)))
                    .addAttributes(str("url.scheme", "https"))
                    .addAttributes(str("server.address", "items.example.com"))
                    .addAttributes(str("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101"))
                    .addAttributes(str("network.protocol.version", "1.1"));
            if (status >= 500) {
                s.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
            }
        } else if (kind < 8) {
            s.setName("GET").setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                    .addAttributes(str("http.request.method", "GET"))
                    .addAttributes(integer("http.response.status_code", 200))
                    .addAttributes(str("server.address", "inventory"))
                    .addAttributes(str("url.full", "http://inventory:8080/stock/" + r.nextInt(100_000)));
        } else {
            s.setName("SELECT items").setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
                    .addAttributes(str("db.system", "postgresql"))
                    .addAttributes(str("db.statement", "SELECT * FROM items WHERE id = ?"));
        }
        return s.build();
    }

    private static KeyValue str(final String key, final String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    private static KeyValue integer(final String key, final long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }

    /** OTLP/JSON as the exporter's otlp_json writes it: hex ids, integer enums, 64-bit integers as strings. */
    static byte[] json(final TracesData data) {
        final JsonNodeFactory f = JsonNodeFactory.instance;
        final ObjectNode root = f.objectNode();
        final ArrayNode rss = root.putArray("resourceSpans");
        for (final ResourceSpans rs : data.getResourceSpansList()) {
            final ObjectNode o = rss.addObject();
            attributes(o.putObject("resource"), rs.getResource().getAttributesList());
            final ArrayNode scopes = o.putArray("scopeSpans");
            for (final ScopeSpans ss : rs.getScopeSpansList()) {
                final ObjectNode so = scopes.addObject();
                so.putObject("scope").put("name", ss.getScope().getName()).put("version", ss.getScope().getVersion());
                final ArrayNode spans = so.putArray("spans");
                for (final Span sp : ss.getSpansList()) {
                    final ObjectNode x = spans.addObject();
                    x.put("traceId", HexFormat.of().formatHex(sp.getTraceId().toByteArray()));
                    x.put("spanId", HexFormat.of().formatHex(sp.getSpanId().toByteArray()));
                    x.put("parentSpanId", HexFormat.of().formatHex(sp.getParentSpanId().toByteArray()));
                    x.put("name", sp.getName());
                    x.put("kind", sp.getKindValue());
                    x.put("startTimeUnixNano", Long.toUnsignedString(sp.getStartTimeUnixNano()));
                    x.put("endTimeUnixNano", Long.toUnsignedString(sp.getEndTimeUnixNano()));
                    attributes(x, sp.getAttributesList());
                    final ObjectNode st = x.putObject("status");
                    if (sp.getStatus().getCodeValue() != 0) {
                        st.put("code", sp.getStatus().getCodeValue());
                    }
                }
            }
        }
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void attributes(final ObjectNode into, final List<KeyValue> attributes) {
        final ArrayNode a = into.putArray("attributes");
        for (final KeyValue kv : attributes) {
            final ObjectNode v = a.addObject().put("key", kv.getKey()).putObject("value");
            if (kv.getValue().getValueCase() == AnyValue.ValueCase.INT_VALUE) {
                v.put("intValue", Long.toString(kv.getValue().getIntValue()));
            } else {
                v.put("stringValue", kv.getValue().getStringValue());
            }
        }
    }
}
