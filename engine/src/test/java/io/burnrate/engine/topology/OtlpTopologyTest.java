package io.burnrate.engine.topology;

import static io.burnrate.engine.otlp.OtlpFixtures.error;
import static io.burnrate.engine.otlp.OtlpFixtures.integer;
import static io.burnrate.engine.otlp.OtlpFixtures.resource;
import static io.burnrate.engine.otlp.OtlpFixtures.resourceSpans;
import static io.burnrate.engine.otlp.OtlpFixtures.span;
import static io.burnrate.engine.otlp.OtlpFixtures.str;
import static io.burnrate.engine.otlp.OtlpFixtures.traces;
import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.ingest.InputLimits;
import io.burnrate.engine.otlp.OtlpEncoding;
import io.burnrate.engine.otlp.OtlpFixtures;
import io.burnrate.engine.otlp.SpanMapping;
import io.burnrate.engine.testing.Drivers;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.ComplianceSummary;
import io.burnrate.schemas.StatusSnapshot;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OTLP trace data on the OTLP topic ({@code otlp.topic}) through the production topology:
 * the same alerts and compliance summaries as the equivalent request events on
 * {@code burnrate.requests}, and each bad span or record dead-lettered with its reason.
 */
class OtlpTopologyTest {

    private static final String TOPIC = OtlpInput.DEFAULT_TOPIC;

    @TempDir
    Path jsonState;
    @TempDir
    Path otlpState;

    private static EngineConfig otlpConfig(final OtlpEncoding encoding) {
        return Drivers.CONFIG.withOtlp(new OtlpInput(TOPIC, encoding, SpanMapping.DEFAULTS));
    }

    private static String latencyYaml(final String name, final String service) {
        return "apiVersion: burnrate/v1\nkind: SLO\nmetadata: {name: " + name + "}\nspec:\n  service: " + service + "\n"
                + "  indicator: {latency: {thresholdMs: 300}}\n  objective: 99.9\n  window: 30d\n"
                + "  alerting: {policy: google-30d, minEventsPerWindow: 0}\n";
    }

    private static final String SLOS = Specs.availabilityYaml("checkout-availability", "checkout", 0) + "---\n"
            + latencyYaml("payments-latency", "payments") + "---\n"
            + Specs.availabilityYaml("search-availability", "search", 0);

    /** One OTLP record and, in span order, the request events its server and consumer spans stand for. */
    private record Batch(String key, TracesData data, long timestamp, List<String> events) {
    }

    /**
     * 2 h 6 min from {@link Traffic#T0} (2026-03-02T00:00Z), one span every 2 s per service
     * (span {@code i} of a service ends at T0 + 2 i s plus 0 / 0.5 / 1 s for checkout /
     * payments / search), 10 s per record (5 spans of each service, several resources):
     *
     * <pre>
     * checkout  SERVER "POST /cart", http.response.status_code 200, 30 ms;
     *           503 in [01:10, 01:20) (the outage: 600 s / 2 s = 300 spans);
     *           404 with span status ERROR on every 50th span of the first hour (36 spans:
     *           the HTTP status decides, 404 &lt; badStatusMin 500, so they count good);
     *           plus a CLIENT span per server span (503, ERROR): unmatched, never counted
     * payments  SERVER, the older http.status_code 200, 50 ms; 400 ms in [00:30, 00:50)
     *           (600 slow spans, over the 300 ms threshold); plus an INTERNAL span each: unmatched
     * search    CONSUMER, no HTTP status, 10 ms; span status ERROR in [01:30, 01:31) (30 spans)
     * </pre>
     * Half the records are keyed by trace id, half by nothing, as the exporter keys them.
     */
    private static List<Batch> scenario() {
        final long t0 = Traffic.T0.toEpochMilli();
        final int spansPerService = 126 * 60 / 2; // 3,780
        final List<Batch> out = new ArrayList<>();
        int seq = 0;
        for (int first = 0; first < spansPerService; first += 5) {
            final List<Span.Builder> checkout = new ArrayList<>();
            final List<Span.Builder> checkoutClient = new ArrayList<>();
            final List<Span.Builder> payments = new ArrayList<>();
            final List<Span.Builder> paymentsInternal = new ArrayList<>();
            final List<Span.Builder> search = new ArrayList<>();
            final List<String> checkoutEvents = new ArrayList<>();
            final List<String> paymentsEvents = new ArrayList<>();
            final List<String> searchEvents = new ArrayList<>();
            long last = 0;
            for (int i = first; i < first + 5; i++) {
                final long at = t0 + 2_000L * i;
                final long minute = (at - t0) / 60_000;
                final boolean notFound = i % 50 == 0 && minute < 60;
                final int status = minute >= 70 && minute < 80 ? 503 : notFound ? 404 : 200;
                final Span.Builder c = span(seq++, "POST /cart", Span.SpanKind.SPAN_KIND_SERVER, at, 30_000_000L,
                        str("http.route", "POST /cart"), integer("http.response.status_code", status));
                checkout.add(notFound ? error(c) : c);
                checkoutEvents.add(event("checkout", at, 30.0, "\"status\":" + status, "POST /cart"));
                checkoutClient.add(error(span(seq++, "POST /charge", Span.SpanKind.SPAN_KIND_CLIENT, at - 5, 20_000_000L,
                        integer("http.response.status_code", 503))));

                final long pAt = at + 500;
                final boolean slow = minute >= 30 && minute < 50;
                payments.add(span(seq++, "POST /charge", Span.SpanKind.SPAN_KIND_SERVER, pAt,
                        (slow ? 400 : 50) * 1_000_000L, str("http.route", "POST /charge"), integer("http.status_code", 200)));
                paymentsEvents.add(event("payments", pAt, slow ? 400.0 : 50.0, "\"status\":200", "POST /charge"));
                paymentsInternal.add(span(seq++, "ledger.write", Span.SpanKind.SPAN_KIND_INTERNAL, pAt - 1, 5_000_000L));

                final long sAt = at + 1_000;
                final boolean failed = minute == 90;
                final Span.Builder s = span(seq++, "index-update", Span.SpanKind.SPAN_KIND_CONSUMER, sAt, 10_000_000L);
                search.add(failed ? error(s) : s);
                searchEvents.add(event("search", sAt, 10.0, "\"outcome\":\"" + (failed ? "error" : "ok") + "\"",
                        "index-update"));
                last = sAt;
            }
            final ResourceSpans checkoutResource = resourceSpans(resource(str("service.name", "checkout"),
                    str("deployment.environment", "prod")), interleave(checkoutClient, checkout));
            final ResourceSpans paymentsResource = resourceSpans(resource(str("service.name", "payments")),
                    interleave(payments, paymentsInternal));
            final ResourceSpans searchResource = resourceSpans(resource(str("service.name", "search")),
                    search.toArray(Span.Builder[]::new));
            final TracesData data = traces(checkoutResource, paymentsResource, searchResource);
            final List<String> events = new ArrayList<>(checkoutEvents);
            events.addAll(paymentsEvents);
            events.addAll(searchEvents);
            final String key = out.size() % 2 == 0 ? null
                    : HexFormat.of().formatHex(data.getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId().toByteArray());
            out.add(new Batch(key, data, last, events));
        }
        return out;
    }

    private static Span.Builder[] interleave(final List<Span.Builder> a, final List<Span.Builder> b) {
        final List<Span.Builder> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(a.get(i));
            out.add(b.get(i));
        }
        return out.toArray(Span.Builder[]::new);
    }

    /** The request event a span maps to (SpanMapping's table; latency = end - start in ms). */
    private static String event(final String service, final long at, final double latencyMs, final String statusOrOutcome,
                                final String operation) {
        return "{\"service\":\"" + service + "\",\"timestamp\":" + at + ",\"latencyMs\":" + latencyMs + ","
                + statusOrOutcome + ",\"operation\":\"" + operation + "\"}";
    }

    private record Outputs(List<AlertTransition> alerts, List<ComplianceSummary> compliance, List<TestRecord<String, byte[]>> dlq,
                           long unmatched, long accepted) {
    }

    private static Outputs run(final Drivers.Rig rig, final EngineConfig config, final Consumer<Drivers.Rig> feed) {
        final TestOutputTopic<String, AlertTransition> alerts = rig.output(config.alertsTopic(), AlertTransition.class);
        final TestOutputTopic<String, ComplianceSummary> compliance = rig.output(config.complianceTopic(),
                ComplianceSummary.class);
        final TestOutputTopic<String, byte[]> dlq = rig.driver.createOutputTopic(config.dlqTopic(), new StringDeserializer(),
                new ByteArrayDeserializer());
        rig.apply(SLOS);
        feed.accept(rig);
        return new Outputs(alerts.readValuesToList(), compliance.readValuesToList(), dlq.readRecordsToList(),
                rig.built.counters().unmatched.sum(), rig.built.counters().accepted.sum());
    }

    @Test
    void shouldAlertAndReportComplianceFromOtlpSpansExactlyAsFromTheEquivalentRequestEvents() {
        final List<Batch> batches = scenario();
        final Outputs json;
        try (Drivers.Rig rig = new Drivers.Rig(Drivers.CONFIG, jsonState, Instant.EPOCH)) {
            json = run(rig, Drivers.CONFIG, r -> {
                for (final Batch b : batches) {
                    for (final String e : b.events()) {
                        r.send(e.substring(12, e.indexOf('"', 12)), e, b.timestamp());
                    }
                }
            });
        }
        final EngineConfig config = otlpConfig(OtlpEncoding.OTLP_PROTO);
        final Outputs otlp;
        try (Drivers.Rig rig = new Drivers.Rig(config, otlpState, Instant.EPOCH)) {
            final TestInputTopic<String, byte[]> spans = rig.driver.createInputTopic(TOPIC, new StringSerializer(),
                    new ByteArraySerializer());
            otlp = run(rig, config, r -> batches.forEach(b -> spans.pipeInput(b.key(), b.data().toByteArray(), b.timestamp())));
        }

        // 3 services x 3,780 server/consumer spans = 11,340 events; 2 x 3,780 client/internal spans unmatched
        assertThat(json.accepted()).isEqualTo(11_340);
        assertThat(otlp.accepted()).isEqualTo(11_340);
        assertThat(json.unmatched()).isZero();
        assertThat(otlp.unmatched()).isEqualTo(7_560);
        assertThat(json.dlq()).isEmpty();
        assertThat(otlp.dlq()).isEmpty();

        // the same transitions at the same instants, and the same summaries
        assertThat(otlp.alerts()).isEqualTo(json.alerts());
        assertThat(otlp.compliance()).isEqualTo(json.compliance());

        // checkout: 1 h of 1,800 good spans (0.5/s), then 503s from 01:10. The 1h/5m page needs a bad share
        // over 14.4 x 0.1 % = 1.44 %: 0.0144 x 1,800 = 25.9, the 26th bad span, 52 s in (as BurnRateTopologyTest)
        assertFiring(otlp.alerts(), "checkout-availability", Instant.parse("2026-03-02T01:10:00Z"), 42, 62);
        // payments: from 00:30 every span takes 400 ms; 900 good spans in the hour so far: x / (900 + x) > 1.44 %
        // from x = 14, the 14th slow span, at 00:30:00.5 + 13 x 2 s = 26.5 s in
        assertFiring(otlp.alerts(), "payments-latency", Instant.parse("2026-03-02T00:30:00Z"), 16, 36);
        // search: span status ERROR (no HTTP status) = outcome error, every span of 01:30; 1,800 spans in the
        // hour: the 26th error, at 01:30:01 + 25 x 2 s = 51 s in
        assertFiring(otlp.alerts(), "search-availability", Instant.parse("2026-03-02T01:30:00Z"), 41, 61);

        // hourly summaries, closed at the hour's end plus 5 min grace (traffic runs to 02:06): hours 00 and 01
        // checkout 00: 1,800 spans, the 36 404s with span status ERROR count good (the HTTP status decides)
        assertHour(otlp.compliance(), "checkout-availability", "2026-03-02T00:00:00Z", 1_800, 0);
        // checkout 01: the outage [01:10, 01:20) = 300 spans of 503; the 1,800 CLIENT spans with 503 do not count
        assertHour(otlp.compliance(), "checkout-availability", "2026-03-02T01:00:00Z", 1_800, 300);
        // payments 00: [00:30, 00:50) at 400 ms = 600 slow of 1,800; its INTERNAL spans do not count
        assertHour(otlp.compliance(), "payments-latency", "2026-03-02T00:00:00Z", 1_800, 600);
        assertHour(otlp.compliance(), "payments-latency", "2026-03-02T01:00:00Z", 1_800, 0);
        // search 01: the 30 ERROR spans of minute 01:30
        assertHour(otlp.compliance(), "search-availability", "2026-03-02T00:00:00Z", 1_800, 0);
        assertHour(otlp.compliance(), "search-availability", "2026-03-02T01:00:00Z", 1_800, 30);
    }

    private static void assertFiring(final List<AlertTransition> alerts, final String slo, final Instant incident,
                                     final long minSeconds, final long maxSeconds) {
        final AlertTransition page = alerts.stream()
                .filter(a -> a.sloId().equals(slo) && a.rule().equals("page-1h-5m") && a.state().equals("firing"))
                .findFirst().orElseThrow(() -> new AssertionError("no page for " + slo + " in " + alerts));
        assertThat(Duration.between(incident, page.at()).toSeconds()).as(slo).isBetween(minSeconds, maxSeconds);
    }

    private static void assertHour(final List<ComplianceSummary> summaries, final String slo, final String start,
                                   final long total, final long bad) {
        final ComplianceSummary s = summaries.stream()
                .filter(x -> x.sloId().equals(slo) && x.period().kind().equals("hour")
                        && x.period().start().equals(Instant.parse(start)))
                .findFirst().orElseThrow(() -> new AssertionError("no hour " + start + " of " + slo));
        assertThat(s.total()).as(slo + " " + start).isEqualTo(total);
        assertThat(s.bad()).as(slo + " " + start).isEqualTo(bad);
    }

    /**
     * One record of three spans (a good server span, one whose resource has no
     * {@code service.name}, one ending before it starts) and a truncated record: three dead
     * letters with their reasons, the good span still counts.
     */
    @Test
    void shouldDeadLetterEachBadSpanAndEachNonOtlpRecordWithItsReasonAndCountTheRest() {
        final EngineConfig config = otlpConfig(OtlpEncoding.OTLP_PROTO);
        try (Drivers.Rig rig = new Drivers.Rig(config, otlpState, Instant.EPOCH)) {
            final TestInputTopic<String, byte[]> spans = rig.driver.createInputTopic(TOPIC, new StringSerializer(),
                    new ByteArraySerializer());
            final TestOutputTopic<String, byte[]> dlq = rig.driver.createOutputTopic(config.dlqTopic(),
                    new StringDeserializer(), new ByteArrayDeserializer());
            rig.apply(Specs.availabilityYaml("checkout-availability", "checkout", 0));
            final long at = Traffic.T0.toEpochMilli();
            final TracesData data = traces(
                    resourceSpans(resource(str("service.name", "checkout")),
                            span(1, "GET /cart", Span.SpanKind.SPAN_KIND_SERVER, at, 5_000_000L,
                                    integer("http.response.status_code", 200)),
                            // ends 10 ms before it starts
                            span(2, "GET /cart", Span.SpanKind.SPAN_KIND_SERVER, at, -10_000_000L)),
                    resourceSpans(resource(str("deployment.environment", "prod")),
                            span(3, "GET /cart", Span.SpanKind.SPAN_KIND_SERVER, at, 5_000_000L)));
            spans.pipeInput("trace-1", data.toByteArray(), at);
            final byte[] whole = data.toByteArray();
            final byte[] truncated = Arrays.copyOf(whole, whole.length / 2);
            spans.pipeInput("trace-2", truncated, at);

            final List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
            assertThat(dead).extracting(r -> header(r.headers(), Names.HEADER_REASON))
                    .containsExactly("negative-duration", "missing-service", "malformed-otlp");
            assertThat(dead).extracting(TestRecord::key).containsExactly("trace-1", "trace-1", "trace-2");
            assertThat(dead).allSatisfy(r -> assertThat(header(r.headers(), Names.HEADER_TOPIC)).isEqualTo(TOPIC));
            // a span's dead letter names the span; the record's is its bytes
            assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).startsWith("{\"service\":\"checkout\",")
                    .contains("\"spanId\":\"eee19b7ec3c1b102\"");
            assertThat(new String(dead.get(1).value(), StandardCharsets.UTF_8)).startsWith("{\"traceId\":")
                    .contains("\"spanId\":\"eee19b7ec3c1b103\"");
            assertThat(dead.get(2).value()).isEqualTo(truncated);
            assertThat(header(dead.get(2).headers(), Names.HEADER_DETAIL)).startsWith("not an OTLP TracesData protobuf");
            // the one good span counted
            assertThat(rig.built.counters().accepted.sum()).isEqualTo(1);
            assertThat(rig.built.counters().rejectedCount("missing-service")).isEqualTo(1);
        }
    }

    /** {@code otlp.encoding: otlp_json}: JSON that is not TracesData, and text that is not JSON, go whole. */
    @Test
    void shouldDeadLetterJsonThatIsNotTracesDataWhole() {
        final EngineConfig config = otlpConfig(OtlpEncoding.OTLP_JSON);
        try (Drivers.Rig rig = new Drivers.Rig(config, otlpState, Instant.EPOCH)) {
            final TestInputTopic<String, byte[]> spans = rig.driver.createInputTopic(TOPIC, new StringSerializer(),
                    new ByteArraySerializer());
            final TestOutputTopic<String, byte[]> dlq = rig.driver.createOutputTopic(config.dlqTopic(),
                    new StringDeserializer(), new ByteArrayDeserializer());
            rig.apply(Specs.availabilityYaml("checkout-availability", "checkout", 0));
            final long at = Traffic.T0.toEpochMilli();
            final byte[] logs = "{\"resourceLogs\":[{\"resource\":{}}]}".getBytes(StandardCharsets.UTF_8);
            spans.pipeInput(null, logs, at);
            spans.pipeInput(null, "not json".getBytes(StandardCharsets.UTF_8), at);
            final TracesData good = traces(resourceSpans(resource(str("service.name", "checkout")),
                    span(1, "GET /cart", Span.SpanKind.SPAN_KIND_SERVER, at, 5_000_000L,
                            integer("http.response.status_code", 500)),
                    span(2, "GET /cart", Span.SpanKind.SPAN_KIND_CLIENT, at, 5_000_000L)));
            spans.pipeInput(null, OtlpFixtures.jsonBytes(good), at);

            final List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
            assertThat(dead).extracting(r -> header(r.headers(), Names.HEADER_REASON))
                    .containsExactly("malformed-otlp", "malformed-json");
            assertThat(dead.get(0).value()).isEqualTo(logs);
            assertThat(rig.built.counters().accepted.sum()).isEqualTo(1);
            assertThat(rig.built.counters().unmatched.sum()).isEqualTo(1);
        }
    }

    /**
     * The events of one service from one record travel as one repartition record, at most
     * {@code limits.record.bytes} each: with 256 bytes and events of about 110 bytes, 10
     * spans of checkout become 5 records of 2 events (2 x 110 + 1 newline = 221 bytes; a
     * third would make 332), and all 10 count, 4 of them 5xx.
     */
    @Test
    void shouldSplitTheEventsOfAServiceIntoRecordsThatFitTheRecordLimit() {
        final InputLimits limits = new InputLimits(256, 256, 64, 64 * 1024);
        final EngineConfig config = Drivers.CONFIG.withLimits(limits)
                .withOtlp(new OtlpInput(TOPIC, OtlpEncoding.OTLP_PROTO, SpanMapping.DEFAULTS));
        try (Drivers.Rig rig = new Drivers.Rig(config, otlpState, Instant.EPOCH)) {
            final TestInputTopic<String, byte[]> spans = rig.driver.createInputTopic(TOPIC, new StringSerializer(),
                    new ByteArraySerializer());
            final TestOutputTopic<String, StatusSnapshot> status = rig.output(config.statusTopic(), StatusSnapshot.class);
            rig.apply(Specs.availabilityYaml("checkout-availability", "checkout", 0));
            final long at = Traffic.T0.toEpochMilli();
            final List<Span.Builder> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(span(i, "GET /cart", Span.SpanKind.SPAN_KIND_SERVER, at + i * 1_000L, 5_000_000L,
                        integer("http.response.status_code", i % 3 == 0 ? 500 : 200)));
            }
            final byte[] one = OtlpFixtures.traces(resourceSpans(resource(str("service.name", "checkout")),
                    batch.toArray(Span.Builder[]::new))).toByteArray();
            final TestOutputTopic<String, byte[]> byService = rig.driver.createOutputTopic(
                    "burnrate-test-" + Names.BY_SERVICE + "-repartition", new StringDeserializer(), new ByteArrayDeserializer());
            spans.pipeInput(null, one, at);
            rig.driver.advanceWallClockTime(Duration.ofSeconds(10));

            final List<TestRecord<String, byte[]>> records = byService.readRecordsToList();
            assertThat(records).hasSize(5).allSatisfy(r -> {
                assertThat(r.key()).isEqualTo("checkout");
                assertThat(header(r.headers(), Names.HEADER_EVENTS)).isEqualTo("2");
                assertThat(r.value().length).isLessThanOrEqualTo(256);
            });

            assertThat(rig.built.counters().accepted.sum()).isEqualTo(10);
            assertThat(rig.built.counters().rejectedTotal()).isZero();
            // i = 0, 3, 6, 9 are 500s: 4 bad of 10
            final StatusSnapshot last = status.readValuesToList().stream().filter(x -> x.sloId().equals("checkout-availability"))
                    .reduce((a, b) -> b).orElseThrow();
            assertThat(last.windows().get(0).total()).isEqualTo(10);
            assertThat(last.windows().get(0).bad()).isEqualTo(4);
        }
    }

    /** Off unless configured: the topology without the OTLP input has no OTLP node. */
    @Test
    void shouldLeaveTheOtlpNodesOutUnlessConfigured() {
        final String off = BurnRateTopology.build(Drivers.CONFIG).topology().describe().toString();
        final String on = BurnRateTopology.build(otlpConfig(OtlpEncoding.OTLP_PROTO)).topology().describe().toString();
        assertThat(off).doesNotContain(Names.DECODE_SPANS).doesNotContain(TOPIC);
        assertThat(on).contains(Names.OTLP_SOURCE + " (topics: [" + TOPIC + "])", Names.DECODE_SPANS, Names.MERGE_SPANS);
        assertThat(on.toLowerCase(Locale.ROOT)).contains("sink: dlq-sink");
    }

    private static String header(final Headers headers, final String key) {
        return new String(headers.lastHeader(key).value(), StandardCharsets.UTF_8);
    }
}
