package io.burnrate.engine.otlp;

import static io.burnrate.engine.otlp.OtlpFixtures.error;
import static io.burnrate.engine.otlp.OtlpFixtures.integer;
import static io.burnrate.engine.otlp.OtlpFixtures.resource;
import static io.burnrate.engine.otlp.OtlpFixtures.resourceSpans;
import static io.burnrate.engine.otlp.OtlpFixtures.span;
import static io.burnrate.engine.otlp.OtlpFixtures.str;
import static io.burnrate.engine.otlp.OtlpFixtures.traces;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.burnrate.engine.ingest.EventParser;
import io.burnrate.engine.ingest.InputLimits;
import io.burnrate.engine.ingest.RequestRecord;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OtlpDecoderTest {

    /** 2025-03-01T12:00:00Z. */
    static final long T0 = 1_740_830_400_000L;
    private static final long MS = 1_000_000L;

    private final OtlpDecoder decoder = new OtlpDecoder(SpanMapping.DEFAULTS);

    /**
     * Three services, server, consumer, client, internal and producer spans, HTTP 5xx,
     * an error status without HTTP, the older http.status_code, a slow span.
     */
    static TracesData mixed() {
        return traces(
                resourceSpans(resource(str("service.name", "checkout"), str("deployment.environment", "prod"),
                                str("host.name", "web-1")),
                        span(1, "GET /cart/{id}", SpanKind.SPAN_KIND_SERVER, T0 + 100, 12_345_678,
                                str("http.route", "/cart/{id}"), integer("http.response.status_code", 200)),
                        span(2, "POST /cart", SpanKind.SPAN_KIND_SERVER, T0 + 200, 250 * MS,
                                str("http.route", "/cart"), integer("http.response.status_code", 503)),
                        span(3, "GET", SpanKind.SPAN_KIND_CLIENT, T0 + 150, 40 * MS,
                                integer("http.response.status_code", 500)),
                        span(4, "render", SpanKind.SPAN_KIND_INTERNAL, T0 + 160, 3 * MS),
                        span(5, "GET /slow", SpanKind.SPAN_KIND_SERVER, T0 + 3_000, 2_500 * MS,
                                integer("http.status_code", 200), integer("http.response.status_code", 201))),
                resourceSpans(resource(str("service.name", "payments"), str("cloud.region", "eu-west-1")),
                        error(span(6, "charge", SpanKind.SPAN_KIND_SERVER, T0 + 400, 80 * MS,
                                str("cloud.region", "eu-west-2"))),
                        span(7, "settle", SpanKind.SPAN_KIND_CONSUMER, T0 + 500, 5 * MS),
                        span(8, "publish", SpanKind.SPAN_KIND_PRODUCER, T0 + 510, 1 * MS)),
                resourceSpans(resource(str("k8s.cluster.name", "c1")),
                        span(9, "GET /orphan", SpanKind.SPAN_KIND_SERVER, T0 + 600, 1 * MS),
                        span(10, "GET", SpanKind.SPAN_KIND_CLIENT, T0 + 610, 1 * MS)),
                resourceSpans(resource(str("service.name", "search"), str("k8s.cluster.name", "c1")),
                        error(span(11, "GET /q", SpanKind.SPAN_KIND_SERVER, T0 + 700, 20 * MS,
                                integer("http.response.status_code", 404)))));
    }

    /**
     * The events of {@link #mixed()}, by hand: service, timestamp (the end time, ms),
     * latency (end - start; 12,345,678 ns = 12.345678 ms), status (0 = none), outcome,
     * operation (http.route, else the span name), allow-listed attributes (host.name is not
     * allow-listed; the span's cloud.region wins over the resource's).
     */
    static final List<String> MIXED_EVENTS = List.of(
            "checkout 1740830400100 12.345678 200 ok /cart/{id} {deployment.environment=prod}",
            "checkout 1740830400200 250.0 503 ok /cart {deployment.environment=prod}",
            // http.response.status_code (201) is preferred over http.status_code, whatever the order
            "checkout 1740830403000 2500.0 201 ok GET /slow {deployment.environment=prod}",
            "payments 1740830400400 80.0 0 error charge {cloud.region=eu-west-2}",
            "payments 1740830400500 5.0 0 ok settle {cloud.region=eu-west-1}",
            // an HTTP status wins over the span's ERROR status: the status decides, as for events
            "search 1740830400700 20.0 404 ok GET /q {k8s.cluster.name=c1}");

    @Test
    void shouldMapServerAndConsumerSpansAndCountTheOthersAsUnmatched() {
        final OtlpDecoder.Decoded d = decoder.decode(mixed().toByteArray(), OtlpEncoding.OTLP_PROTO);

        assertThat(d.refused()).isNull();
        assertThat(d.events()).extracting(OtlpDecoderTest::row).containsExactlyElementsOf(MIXED_EVENTS);
        // client 3, internal 4, producer 8, client 10
        assertThat(d.unmatched()).isEqualTo(4);
        assertThat(d.rejectedSpans()).singleElement().satisfies(r -> {
            assertThat(r.rejection().reason()).isEqualTo("missing-service");
            assertThat(new String(r.raw(), StandardCharsets.UTF_8)).isEqualTo("{\"traceId\":\"5b8efff7980381030000000000000009\","
                    + "\"spanId\":\"eee19b7ec3c1b109\",\"name\":\"GET /orphan\",\"kind\":2,"
                    + "\"startTimeUnixNano\":\"1740830400599000000\",\"endTimeUnixNano\":\"1740830400600000000\"}");
        });
    }

    @Test
    void shouldGiveTheSameEventsForOtlpJsonAsForOtlpProto() {
        final OtlpDecoder.Decoded proto = decoder.decode(mixed().toByteArray(), OtlpEncoding.OTLP_PROTO);
        final OtlpDecoder.Decoded json = decoder.decode(OtlpFixtures.jsonBytes(mixed()), OtlpEncoding.OTLP_JSON);

        assertThat(json.events()).extracting(OtlpDecoderTest::row).containsExactlyElementsOf(MIXED_EVENTS);
        assertThat(json.unmatched()).isEqualTo(proto.unmatched());
        assertThat(json.spans()).extracting(OtlpDecoderTest::describe)
                .containsExactlyElementsOf(proto.spans().stream().map(OtlpDecoderTest::describe).toList());
    }

    @Test
    void shouldWriteEachEventAsRequestJsonThatParsesBackToTheSameEvent() {
        for (final RequestRecord e : decoder.decode(mixed().toByteArray(), OtlpEncoding.OTLP_PROTO).events()) {
            final EventParser.Result back = EventParser.parse(e.raw());
            assertThat(back).isInstanceOf(EventParser.Accepted.class);
            assertThat(row(((EventParser.Accepted) back).event())).isEqualTo(row(e));
        }
        final RequestRecord first = decoder.decode(mixed().toByteArray(), OtlpEncoding.OTLP_PROTO).events().get(0);
        assertThat(new String(first.raw(), StandardCharsets.UTF_8)).isEqualTo("{\"service\":\"checkout\","
                + "\"timestamp\":1740830400100,\"latencyMs\":12.345678,\"status\":200,\"operation\":\"/cart/{id}\","
                + "\"attributes\":{\"deployment.environment\":\"prod\"}}");
    }

    @Test
    void shouldReadOtlpJsonAsTheSpecificationWritesIt() {
        // hex ids, kind as a number, times as strings, intValue as a string, an unknown field, events and links
        final String json = """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}}]},
                 "scopeSpans":[{"scope":{"name":"my.library","version":"1.0.0","attributes":[]},
                  "spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
                   "parentSpanId":"eee19b7ec3c1b173","name":"I'm a server span","startTimeUnixNano":"1544712660000000000",
                   "endTimeUnixNano":"1544712661000000000","kind":2,"futureField":{"x":[1,2]},
                   "attributes":[{"key":"http.response.status_code","value":{"intValue":"502"}},
                                 {"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"}]}}}],
                   "events":[{"name":"e","timeUnixNano":"1544712660500000000"}],"links":[],
                   "status":{}},
                   {"spanId":"eee19b7ec3c1b175","name":"named kind","kind":"SPAN_KIND_CONSUMER",
                    "startTimeUnixNano":1544712660000000000,"endTimeUnixNano":"1544712660001500000",
                    "status":{"code":"STATUS_CODE_ERROR"}}]}]}]}
                """;
        final OtlpDecoder.Decoded d = decoder.decode(json.getBytes(StandardCharsets.UTF_8), OtlpEncoding.OTLP_JSON);

        assertThat(d.refused()).isNull();
        // 1544712661000000000 ns = 1544712661000 ms; 1 s = 1000 ms; 1.5 ms
        assertThat(d.events()).extracting(OtlpDecoderTest::row).containsExactly(
                "cart 1544712661000 1000.0 502 ok I'm a server span {}",
                "cart 1544712660001 1.5 0 error named kind {}");
    }

    @Test
    void shouldAcceptBase64IdsAsProtobufsOwnJsonMappingWritesThem() {
        final String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
                + "\"value\":{\"stringValue\":\"cart\"}}]},\"scopeSpans\":[{\"spans\":[{\"traceId\":"
                + "\"W47/95gDgQPSabYzgT/GDA==\",\"spanId\":\"7uGbfsPBsXQ=\",\"name\":\"x\",\"kind\":2,"
                + "\"startTimeUnixNano\":\"1740830400000000000\",\"endTimeUnixNano\":\"1740830400001000000\"}]}]}]}";
        final OtlpDecoder.Decoded d = decoder.decode(json.getBytes(StandardCharsets.UTF_8), OtlpEncoding.OTLP_JSON);
        assertThat(d.events()).extracting(OtlpDecoderTest::row).containsExactly("cart 1740830400001 1.0 0 ok x {}");
    }

    @Test
    void shouldRejectOneSpanOfTheWrongJsonTypeAndKeepTheOthers() {
        final String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
                + "\"value\":{\"stringValue\":\"cart\"}}]},\"scopeSpans\":[{\"spans\":["
                + "{\"name\":\"bad\",\"kind\":2,\"startTimeUnixNano\":true,\"attributes\":[{\"key\":\"k\",\"value\":"
                + "{\"boolValue\":\"yes\"}}],\"endTimeUnixNano\":\"1740830400001000000\"},"
                + "{\"name\":\"good\",\"kind\":2,\"startTimeUnixNano\":\"1740830400000000000\","
                + "\"endTimeUnixNano\":\"1740830400002000000\"}]}]}]}";
        final OtlpDecoder.Decoded d = decoder.decode(json.getBytes(StandardCharsets.UTF_8), OtlpEncoding.OTLP_JSON);

        assertThat(d.events()).extracting(OtlpDecoderTest::row).containsExactly("cart 1740830400002 2.0 0 ok good {}");
        assertThat(d.rejectedSpans()).singleElement().satisfies(r -> {
            assertThat(r.rejection().reason()).isEqualTo("invalid-field");
            assertThat(r.rejection().detail()).isEqualTo("span startTimeUnixNano must be an integer (a string or a number)");
        });
    }

    @Test
    void shouldRefuseATruncatedProtobufRecordWhole() {
        final byte[] full = mixed().toByteArray();
        final byte[] cut = Arrays.copyOf(full, full.length - 7);

        final OtlpDecoder.Decoded d = decoder.decode(cut, OtlpEncoding.OTLP_PROTO);

        assertThat(d.spans()).isEmpty();
        assertThat(d.refused().rejection().reason()).isEqualTo("malformed-otlp");
        assertThat(d.refused().rejection().detail()).startsWith("not an OTLP TracesData protobuf: ");
        assertThat(d.refused().raw()).isSameAs(cut);
    }

    @Test
    void shouldRefuseJsonThatIsNotTracesData() {
        assertThat(refusal("{\"service\":\"checkout\",\"timestamp\":1}", OtlpEncoding.OTLP_JSON))
                .isEqualTo("malformed-otlp: not OTLP/JSON TracesData: the object has no resourceSpans");
        assertThat(refusal("[{\"resourceSpans\":[]}]", OtlpEncoding.OTLP_JSON))
                .isEqualTo("malformed-otlp: not OTLP/JSON TracesData: not a JSON object");
        assertThat(refusal("{\"resourceSpans\":{}}", OtlpEncoding.OTLP_JSON))
                .isEqualTo("malformed-otlp: not OTLP/JSON TracesData: resourceSpans must be an array");
        assertThat(refusal("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":1}]}}]}", OtlpEncoding.OTLP_JSON))
                .isEqualTo("malformed-otlp: not OTLP/JSON TracesData: resource.attributes key must be a string");
        assertThat(refusal("{\"resourceSpans\":[", OtlpEncoding.OTLP_JSON)).startsWith("malformed-json: not valid JSON: ");
        assertThat(refusal("{\"resourceSpans\":[]} {}", OtlpEncoding.OTLP_JSON))
                .isEqualTo("malformed-json: trailing content after the JSON object");
        assertThat(refusal("", OtlpEncoding.OTLP_JSON)).isEqualTo("malformed-otlp: empty value");
        // JSON bytes are no protobuf: '{' starts a group that never ends
        assertThat(refusal("{\"resourceSpans\":[]}", OtlpEncoding.OTLP_PROTO)).startsWith("malformed-otlp: ");
    }

    @Test
    void shouldTakeAnEmptyRecordAsNoSpans() {
        final OtlpDecoder.Decoded d = decoder.decode("{\"resourceSpans\":[]}".getBytes(StandardCharsets.UTF_8),
                OtlpEncoding.OTLP_JSON);
        assertThat(d.refused()).isNull();
        assertThat(d.spans()).isEmpty();
    }

    @Test
    void shouldRefuseARecordOverTheSizeLimit() {
        final SpanMapping small = new SpanMapping(SpanMapping.DEFAULTS.kinds(), "http.route", List.of(), Set.of(),
                64, InputLimits.DEFAULTS);
        final OtlpDecoder.Decoded d = new OtlpDecoder(small).decode(mixed().toByteArray(), OtlpEncoding.OTLP_PROTO);
        assertThat(d.refused().rejection().reason()).isEqualTo("too-large");
        assertThat(d.refused().rejection().detail()).endsWith("over the limit of 64 (otlp.record.bytes)");
    }

    @ParameterizedTest
    @EnumSource(OtlpEncoding.class)
    void shouldRejectBadSpansWithTheirReasonAndCountTheRestOfTheRecord(final OtlpEncoding encoding) {
        final TracesData data = traces(resourceSpans(resource(str("service.name", "checkout")),
                span(1, "ok", SpanKind.SPAN_KIND_SERVER, T0 + 10, 5 * MS),
                // starts 5 ms after it ends
                span(2, "backwards", SpanKind.SPAN_KIND_SERVER, T0 + 20, -5 * MS),
                // ends 1 s after the epoch: outside [2000, 2100)
                span(3, "1970", SpanKind.SPAN_KIND_SERVER, 1_000, 5 * MS),
                span(4, "no start", SpanKind.SPAN_KIND_SERVER, T0 + 30, 5 * MS).setStartTimeUnixNano(0),
                span(5, "status 700", SpanKind.SPAN_KIND_SERVER, T0 + 40, 5 * MS, integer("http.response.status_code", 700)),
                span(6, "long value", SpanKind.SPAN_KIND_SERVER, T0 + 50, 5 * MS, str("cloud.region", "r".repeat(257))),
                span(7, "o".repeat(257), SpanKind.SPAN_KIND_SERVER, T0 + 60, 5 * MS),
                span(8, "also ok", SpanKind.SPAN_KIND_CONSUMER, T0 + 70, 0)));
        final byte[] value = encoding == OtlpEncoding.OTLP_PROTO ? data.toByteArray() : OtlpFixtures.jsonBytes(data);

        final OtlpDecoder.Decoded d = decoder.decode(value, encoding);

        assertThat(d.spans()).extracting(OtlpDecoderTest::describe).containsExactly(
                "event checkout 1740830400010 5.0 0 ok ok {}",
                "negative-duration: span ends before it starts: endTimeUnixNano 1740830400020000000 < startTimeUnixNano "
                        + "1740830400025000000",
                "invalid-timestamp: span end time must lie in [2000-01-01T00:00:00Z, 2100-01-01T00:00:00Z), got "
                        + "endTimeUnixNano 1000000000",
                "missing-field: missing field: startTimeUnixNano",
                "invalid-field: span attribute http.response.status_code must be an HTTP status between 100 and 599, got 700",
                "limit-exceeded: attributes.cloud.region is 257 characters, over the limit of 256 (limits.field.length)",
                "limit-exceeded: operation is 257 characters, over the limit of 256 (limits.field.length)",
                "event checkout 1740830400070 0 0 ok also ok {}");
    }

    @Test
    void shouldFollowAMappingBuiltFromSettings() {
        final SpanMapping m = SpanMapping.fromSettings(Map.of(
                SpanMapping.KINDS, "server, client",
                SpanMapping.OPERATION_ATTRIBUTE, "",
                SpanMapping.STATUS_ATTRIBUTES, "http.status_code",
                SpanMapping.ALLOWED_ATTRIBUTES, "host.name"), InputLimits.DEFAULTS);

        final OtlpDecoder.Decoded d = new OtlpDecoder(m).decode(mixed().toByteArray(), OtlpEncoding.OTLP_PROTO);

        // operation is always the span name; only http.status_code is a status; client spans count; host.name is copied
        assertThat(d.events()).extracting(OtlpDecoderTest::row).containsExactly(
                "checkout 1740830400100 12.345678 0 ok GET /cart/{id} {host.name=web-1}",
                "checkout 1740830400200 250.0 0 ok POST /cart {host.name=web-1}",
                "checkout 1740830400150 40.0 0 ok GET {host.name=web-1}",
                "checkout 1740830403000 2500.0 200 ok GET /slow {host.name=web-1}",
                "payments 1740830400400 80.0 0 error charge {}",
                "search 1740830400700 20.0 0 error GET /q {}");
        assertThat(d.unmatched()).isEqualTo(3); // internal 4, consumer 7, producer 8
    }

    @Test
    void shouldRefuseUnusableSettingsNamingTheKey() {
        assertThatIllegalArgumentException().isThrownBy(() -> SpanMapping.fromSettings(
                Map.of(SpanMapping.KINDS, "server,sever"), InputLimits.DEFAULTS)).withMessageContaining("otlp.span.kinds");
        assertThatIllegalArgumentException().isThrownBy(() -> SpanMapping.fromSettings(
                Map.of(SpanMapping.ALLOWED_ATTRIBUTES, "a,b,c"), new InputLimits(1024, 256, 2, 1024)))
                .withMessage("otlp.attributes.allow lists 3 attributes, more than limits.attributes (2)");
        assertThatIllegalArgumentException().isThrownBy(() -> SpanMapping.fromSettings(
                Map.of(SpanMapping.RECORD_BYTES, "1MB"), InputLimits.DEFAULTS)).withMessageContaining("otlp.record.bytes");
    }

    static String row(final RequestRecord e) {
        final String latency = e.latencyMs() == 0 ? "0" : Double.toString(e.latencyMs());
        return e.service() + " " + e.timestamp() + " " + latency + " " + e.status() + " "
                + (e.errorOutcome() ? "error" : "ok") + " " + e.operation() + " " + new TreeMap<>(e.attributes());
    }

    static String describe(final EventParser.Result r) {
        if (r instanceof EventParser.Accepted a) {
            return "event " + row(a.event());
        }
        final EventParser.Rejected x = (EventParser.Rejected) r;
        return x.rejection().reason() + ": " + x.rejection().detail();
    }

    private String refusal(final String value, final OtlpEncoding encoding) {
        final OtlpDecoder.Decoded d = decoder.decode(value.getBytes(StandardCharsets.UTF_8), encoding);
        assertThat(d.spans()).isEmpty();
        return d.refused().rejection().reason() + ": " + d.refused().rejection().detail();
    }
}
