package io.burnrate.engine.replay;

import static io.burnrate.engine.otlp.OtlpFixtures.error;
import static io.burnrate.engine.otlp.OtlpFixtures.integer;
import static io.burnrate.engine.otlp.OtlpFixtures.resource;
import static io.burnrate.engine.otlp.OtlpFixtures.resourceSpans;
import static io.burnrate.engine.otlp.OtlpFixtures.span;
import static io.burnrate.engine.otlp.OtlpFixtures.str;
import static io.burnrate.engine.otlp.OtlpFixtures.traces;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.otlp.OtlpFixtures;
import io.burnrate.engine.otlp.SpanMapping;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.engine.testing.Cli;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.engine.topology.EngineConfig;
import io.burnrate.schemas.Json;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay --format otlp-json|otlp-proto}: OTLP trace data built with the OTLP Java
 * classes gives the same alerts, status, budget-policy and compliance output as the
 * equivalent request events, byte for byte, and bad records and spans are dead-lettered
 * with their reasons while the rest of each record counts.
 */
class OtlpReplayTest {

    private static final String SLOS = Specs.availabilityYaml("checkout-availability", "checkout", 0) + "---\n"
            + "apiVersion: burnrate/v1\nkind: SLO\nmetadata:\n  name: payments-latency\nspec:\n  service: payments\n"
            + "  indicator:\n    latency: {thresholdMs: 300}\n  objective: 99\n  window: 30d\n";
    private static final long MS = 1_000_000L;
    private static final List<String> OUTPUTS = List.of(OfflineReplay.ALERTS_FILE, OfflineReplay.STATUS_FILE,
            OfflineReplay.BUDGET_POLICY_FILE, OfflineReplay.COMPLIANCE_FILE);

    @TempDir
    Path dir;

    private List<SloSpecParser.Parsed> slos;
    /** The OTLP records, one per 10 s of traffic. */
    private final List<TracesData> records = new ArrayList<>();
    /** The same traffic as request events, written by hand in the order of the spans. */
    private final List<String> events = new ArrayList<>();

    @BeforeEach
    void traffic() {
        slos = Specs.parse(SLOS);
        // 1 h healthy, 10 min incident (checkout answers 503, payments takes 900 ms or fails), 10 min healthy;
        // each second: a checkout server span, its client span to payments, payments' server span, an internal span
        final long start = Traffic.T0.toEpochMilli();
        final long incident = start + 3_600_000;
        final long recovered = incident + 600_000;
        final long end = recovered + 600_000;
        int seq = 0;
        for (long t = start; t < end; t += 10_000) {
            final List<Span.Builder> checkout = new ArrayList<>();
            final List<Span.Builder> payments = new ArrayList<>();
            final List<String> checkoutEvents = new ArrayList<>();
            final List<String> paymentEvents = new ArrayList<>();
            for (long s = t; s < t + 10_000; s += 1_000) {
                final boolean bad = s >= incident && s < recovered;
                final int status = bad ? 503 : 200;
                checkout.add(span(++seq, "POST /cart", SpanKind.SPAN_KIND_SERVER, s + 40, 40 * MS,
                        str("http.route", "/cart"), integer("http.response.status_code", status)));
                checkoutEvents.add("{\"service\":\"checkout\",\"timestamp\":" + (s + 40) + ",\"latencyMs\":40,"
                        + "\"status\":" + status + ",\"operation\":\"/cart\","
                        + "\"attributes\":{\"deployment.environment\":\"prod\"}}");
                checkout.add(span(++seq, "POST", SpanKind.SPAN_KIND_CLIENT, s + 35, 30 * MS));
                // in the incident every 4th payment fails (span status ERROR, no HTTP status), the rest take 900 ms
                final boolean failed = bad && (s / 1000) % 4 == 0;
                final long latency = bad && !failed ? 900 : 25;
                final Span.Builder pay = span(++seq, "charge", SpanKind.SPAN_KIND_SERVER, s + 30, latency * MS);
                payments.add(failed ? error(pay) : pay);
                paymentEvents.add("{\"service\":\"payments\",\"timestamp\":" + (s + 30) + ",\"latencyMs\":" + latency
                        + ",\"outcome\":\"" + (failed ? "error" : "ok") + "\",\"operation\":\"charge\","
                        + "\"attributes\":{\"cloud.region\":\"eu-west-1\"}}");
                payments.add(span(++seq, "sql", SpanKind.SPAN_KIND_INTERNAL, s + 20, 5 * MS));
            }
            // the events in the order of the spans in the record: checkout's resource first
            events.addAll(checkoutEvents);
            events.addAll(paymentEvents);
            records.add(traces(
                    resourceSpans(resource(str("service.name", "checkout"), str("deployment.environment", "prod")),
                            checkout.toArray(Span.Builder[]::new)),
                    resourceSpans(resource(str("service.name", "payments"), str("cloud.region", "eu-west-1")),
                            payments.toArray(Span.Builder[]::new))));
        }
    }

    @Test
    void shouldGiveTheSameOutputsForOtlpJsonOtlpProtoAndTheEquivalentEvents() throws IOException {
        final Path eventsFile = Files.write(dir.resolve("events.ndjson"), events, StandardCharsets.UTF_8);
        final Path jsonFile = Files.write(dir.resolve("spans.otlp.ndjson"),
                records.stream().map(OtlpFixtures::json).toList(), StandardCharsets.UTF_8);
        final Path protoFile = writeDelimited(dir.resolve("spans.otlp.bin"), records);

        final OfflineReplay.Summary ev = OfflineReplay.run(slos, eventsFile, dir.resolve("events"), EngineConfig.defaults());
        final OfflineReplay.Summary js = OfflineReplay.run(slos, jsonFile, dir.resolve("json"), EngineConfig.defaults(),
                OfflineReplay.Format.OTLP_JSON, SpanMapping.DEFAULTS);
        final OfflineReplay.Summary pb = OfflineReplay.run(slos, protoFile, dir.resolve("proto"), EngineConfig.defaults(),
                OfflineReplay.Format.OTLP_PROTO, SpanMapping.DEFAULTS);

        for (final String f : OUTPUTS) {
            final String expected = Files.readString(dir.resolve("events").resolve(f), StandardCharsets.UTF_8);
            assertThat(expected).as(f).isNotEmpty();
            assertThat(Files.readString(dir.resolve("json").resolve(f), StandardCharsets.UTF_8)).as("otlp-json " + f)
                    .isEqualTo(expected);
            assertThat(Files.readString(dir.resolve("proto").resolve(f), StandardCharsets.UTF_8)).as("otlp-proto " + f)
                    .isEqualTo(expected);
        }
        // 80 min of traffic, 2 server spans a second: 9600 events; 4800 client + 4800 internal spans are no requests
        assertThat(ev.accepted()).isEqualTo(9600);
        for (final OfflineReplay.Summary s : List.of(js, pb)) {
            assertThat(s.lines()).isEqualTo(480); // one record per 10 s
            assertThat(s.accepted()).isEqualTo(9600);
            assertThat(s.spans()).isEqualTo(19_200);
            assertThat(s.spansNotRequests()).isEqualTo(9600);
            assertThat(s.rejected()).isEmpty();
        }
        // and the comparison means something: the outage pages for both SLOs, and it resolves
        final List<JsonNode> alerts = read(dir.resolve("proto").resolve(OfflineReplay.ALERTS_FILE));
        assertThat(alerts).filteredOn(a -> a.get("rule").asText().equals("page-1h-5m"))
                .extracting(a -> a.get("sloId").asText() + " " + a.get("state").asText())
                .contains("checkout-availability firing", "checkout-availability resolved",
                        "payments-latency firing", "payments-latency resolved");
    }

    @Test
    void shouldDeadLetterBadRecordsAndSpansWithTheirLineAndKeepTheRestOfTheRecord() throws IOException {
        final long t = Traffic.T0.toEpochMilli();
        final TracesData mixed = traces(
                resourceSpans(resource(str("service.name", "checkout")),
                        span(1, "good", SpanKind.SPAN_KIND_SERVER, t + 2_000, 5 * MS),
                        span(2, "backwards", SpanKind.SPAN_KIND_SERVER, t + 2_100, -5 * MS)),
                resourceSpans(resource(str("host.name", "web-1")),
                        span(3, "nameless", SpanKind.SPAN_KIND_SERVER, t + 2_200, 5 * MS)));
        final String good = OtlpFixtures.json(records.get(0));
        final Path file = Files.write(dir.resolve("bad.otlp.ndjson"), List.of(
                good,
                good.substring(0, good.length() / 2),
                OtlpFixtures.json(mixed),
                "{\"service\":\"checkout\",\"timestamp\":1,\"latencyMs\":1,\"status\":200}"), StandardCharsets.UTF_8);

        final OfflineReplay.Summary s = OfflineReplay.run(slos, file, dir.resolve("out"), EngineConfig.defaults(),
                OfflineReplay.Format.OTLP_JSON, SpanMapping.DEFAULTS);

        assertThat(read(dir.resolve("out").resolve(OfflineReplay.DLQ_FILE)))
                .extracting(d -> d.get("lineNumber").asLong() + " " + d.get("reason").asText())
                .containsExactly("2 malformed-json", "3 negative-duration", "3 missing-service", "4 malformed-otlp");
        // line 1: 10 s of both services = 20 events; line 3: the good span
        assertThat(s.accepted()).isEqualTo(21);
    }

    @Test
    void shouldDeadLetterATruncatedProtobufMessage() throws IOException {
        final byte[] first = delimited(records.subList(0, 1));
        final byte[] second = delimited(records.subList(1, 2));
        final Path file = dir.resolve("cut.otlp.bin");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(first);
        // a message whose length prefix is right but whose bytes are cut inside a span: not TracesData
        final byte[] body = records.get(2).toByteArray();
        final byte[] cut = Arrays.copyOf(body, body.length - 9);
        out.writeBytes(varint(cut.length));
        out.writeBytes(cut);
        out.writeBytes(second);
        // and the input ends inside the last message
        out.writeBytes(Arrays.copyOf(second, second.length - 3));
        Files.write(file, out.toByteArray());

        final OfflineReplay.Summary s = OfflineReplay.run(slos, file, dir.resolve("out"), EngineConfig.defaults(),
                OfflineReplay.Format.OTLP_PROTO, SpanMapping.DEFAULTS);

        assertThat(read(dir.resolve("out").resolve(OfflineReplay.DLQ_FILE)))
                .extracting(d -> d.get("lineNumber").asLong() + " " + d.get("reason").asText())
                .containsExactly("2 malformed-otlp", "4 malformed-otlp");
        assertThat(s.lines()).isEqualTo(4);
        assertThat(s.accepted()).isEqualTo(40); // messages 1 and 3, 20 events each
    }

    @Test
    void shouldReplayOtlpFromTheCommandLine() throws IOException {
        final Path slosFile = Files.writeString(dir.resolve("slos.yaml"), SLOS);
        final Path jsonFile = Files.write(dir.resolve("spans.otlp.ndjson"),
                records.subList(0, 6).stream().map(OtlpFixtures::json).toList(), StandardCharsets.UTF_8);

        final Cli.Run run = Cli.run("replay", "--slos", slosFile.toString(), "--events", jsonFile.toString(),
                "--format", "otlp-json", "--otlp", "otlp.attributes.allow=cloud.region", "--out",
                dir.resolve("out").toString());

        assertThat(run.code()).as(run.err()).isZero();
        // 6 records of 10 s: 40 spans each, half of them server spans
        assertThat(run.err()).contains("read 6 OTLP lines with 240 spans, 120 of them no request")
                .contains("120 accepted");
        assertThat(Cli.run("replay", "--slos", slosFile.toString(), "--events", jsonFile.toString(), "--format", "zipkin",
                "--out", dir.resolve("out2").toString()).code()).isEqualTo(2);
        assertThat(Cli.run("replay", "--slos", slosFile.toString(), "--events", jsonFile.toString(), "--otlp",
                "otlp.nope=1", "--out", dir.resolve("out3").toString()).err()).contains("--otlp: unknown setting 'otlp.nope'");
    }

    private static Path writeDelimited(final Path file, final List<TracesData> data) throws IOException {
        return Files.write(file, delimited(data));
    }

    private static byte[] delimited(final List<TracesData> data) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final TracesData d : data) {
            d.writeDelimitedTo(out);
        }
        return out.toByteArray();
    }

    private static byte[] varint(final int n) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        int v = n;
        while ((v & ~0x7f) != 0) {
            out.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write(v);
        return out.toByteArray();
    }

    private static List<JsonNode> read(final Path file) throws IOException {
        final List<JsonNode> out = new ArrayList<>();
        for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            out.add(Json.MAPPER.readTree(line));
        }
        return out;
    }
}
