package io.burnrate.engine.cli;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The demo's traffic: a few services at a steady rate in compressed time (event time
 * runs {@code speed} times faster than the wall clock), with a scripted incident: an
 * error spike on checkout and a latency regression on search. The requests go to the
 * requests topic as request-event JSON, or ({@code otlp}) to the OTLP topic as the
 * OpenTelemetry Collector's Kafka exporter writes spans: protobuf {@code TracesData}, one
 * record per service per batch, a SERVER span per request (plus, for checkout, the CLIENT
 * span of its call to payments, which is no request of its own and must not count).
 */
public final class DemoTraffic implements Runnable {

    /** One scripted incident, in event time since the demo started. */
    public record Incident(String service, Duration from, Duration to, double errorRate, double slowRate,
                           String description) {
    }

    public static final List<String> SERVICES = List.of("checkout", "search", "payments");
    public static final List<Incident> INCIDENTS = List.of(
            new Incident("checkout", Duration.ofMinutes(30), Duration.ofMinutes(50), 0.25, 0,
                    "checkout: 25 % of requests fail"),
            new Incident("search", Duration.ofMinutes(40), Duration.ofMinutes(60), 0, 0.50,
                    "search: half the requests take 400-900 ms"));

    /** Spans per OTLP record at most (a batch of the Collector's exporter holds a few hundred). */
    static final int MAX_SPANS_PER_RECORD = 512;

    private final String bootstrap;
    private final String topic;
    private final long startMs;
    private final double speed;
    private final int perSecond;
    private final boolean otlp;
    private final AtomicLong sent = new AtomicLong();
    private long spanSeq;
    private volatile boolean running = true;

    public DemoTraffic(final String bootstrap, final String topic, final long startMs, final double speed,
                       final int perSecond) {
        this(bootstrap, topic, startMs, speed, perSecond, false);
    }

    /** @param otlp send OTLP {@code TracesData} records (otlp_proto) instead of request-event JSON */
    public DemoTraffic(final String bootstrap, final String topic, final long startMs, final double speed,
                       final int perSecond, final boolean otlp) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.startMs = startMs;
        this.speed = speed;
        this.perSecond = perSecond;
        this.otlp = otlp;
    }

    /** Event time now: the demo start plus wall-clock time elapsed times the speed. */
    public long eventTime(final long wallMs) {
        return startMs + (long) ((wallMs - startMs) * speed);
    }

    public long sent() {
        return sent.get();
    }

    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        final SplittableRandom random = new SplittableRandom(42);
        final long stepMs = 1000 / perSecond;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new ByteArraySerializer(), new ByteArraySerializer())) {
            long next = startMs;
            final Map<String, ScopeSpans.Builder> batch = new LinkedHashMap<>();
            while (running) {
                final long until = eventTime(System.currentTimeMillis());
                for (; next <= until && running; next += stepMs) {
                    for (final String service : SERVICES) {
                        final Request r = request(service, next, random);
                        if (otlp) {
                            final ScopeSpans.Builder spans = batch.computeIfAbsent(service, x -> ScopeSpans.newBuilder());
                            addSpans(spans, r);
                            if (spans.getSpansCount() >= MAX_SPANS_PER_RECORD) {
                                producer.send(new ProducerRecord<>(topic, tracesData(service, batch.remove(service))));
                            }
                        } else {
                            producer.send(new ProducerRecord<>(topic, service.getBytes(StandardCharsets.UTF_8),
                                    r.json().getBytes(StandardCharsets.UTF_8)));
                        }
                        sent.incrementAndGet();
                    }
                }
                // what this pass made, one record per service: the exporter keys records by nothing
                batch.forEach((service, spans) -> producer.send(new ProducerRecord<>(topic, tracesData(service, spans))));
                batch.clear();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** One request of the demo traffic. */
    record Request(String service, long timestamp, double latencyMs, int status, String operation) {

        /** As a request event. */
        String json() {
            return "{\"service\":\"" + service + "\",\"timestamp\":" + timestamp + ",\"latencyMs\":" + latencyMs
                    + ",\"status\":" + status + ",\"operation\":\"" + operation
                    + "\",\"attributes\":{\"region\":\"eu-west-1\"}}";
        }
    }

    /** The SERVER span of {@code r} (and for checkout the CLIENT span of its call to payments). */
    private void addSpans(final ScopeSpans.Builder spans, final Request r) {
        final long end = r.timestamp() * 1_000_000L;
        final ByteString trace = id(16);
        spans.addSpans(Span.newBuilder().setTraceId(trace).setSpanId(id(8)).setName(r.operation())
                .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .setStartTimeUnixNano(end - Math.round(r.latencyMs() * 1_000_000L)).setEndTimeUnixNano(end)
                .addAttributes(attribute("http.route", AnyValue.newBuilder().setStringValue(r.operation())))
                .addAttributes(attribute("http.response.status_code", AnyValue.newBuilder().setIntValue(r.status()))));
        if ("checkout".equals(r.service())) {
            spans.addSpans(Span.newBuilder().setTraceId(trace).setSpanId(id(8)).setName("POST /charge")
                    .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                    .setStartTimeUnixNano(end - 5_000_000L).setEndTimeUnixNano(end - 1_000_000L)
                    .addAttributes(attribute("http.response.status_code", AnyValue.newBuilder().setIntValue(200))));
        }
    }

    private ByteString id(final int bytes) {
        final ByteBuffer b = ByteBuffer.allocate(bytes);
        b.putLong(bytes - 8, 0x5b8efff700000000L + ++spanSeq);
        return ByteString.copyFrom(b.array());
    }

    private static KeyValue attribute(final String key, final AnyValue.Builder value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }

    private static byte[] tracesData(final String service, final ScopeSpans.Builder spans) {
        return TracesData.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder()
                        .addAttributes(attribute("service.name", AnyValue.newBuilder().setStringValue(service)))
                        .addAttributes(attribute("cloud.region", AnyValue.newBuilder().setStringValue("eu-west-1"))))
                .addScopeSpans(spans)).build().toByteArray();
    }

    private Request request(final String service, final long ts, final SplittableRandom random) {
        final Duration sinceStart = Duration.ofMillis(ts - startMs);
        double errorRate = "payments".equals(service) ? 0.001 : 0.0002;
        double slowRate = 0.002;
        for (final Incident i : INCIDENTS) {
            if (i.service().equals(service) && sinceStart.compareTo(i.from()) >= 0 && sinceStart.compareTo(i.to()) < 0) {
                errorRate = Math.max(errorRate, i.errorRate());
                slowRate = Math.max(slowRate, i.slowRate());
            }
        }
        final boolean error = random.nextDouble() < errorRate;
        final double latency = random.nextDouble() < slowRate ? 400 + random.nextInt(500) : 20 + random.nextInt(120);
        final String operation = "checkout".equals(service) ? "POST /cart" : "search".equals(service) ? "GET /search"
                : "POST /charge";
        return new Request(service, ts, latency, error ? 503 : 200, operation);
    }

    /** The demo's SLOs, one YAML file. */
    public static String slosYaml() {
        return String.join("\n",
                "apiVersion: burnrate/v1",
                "kind: SLO",
                "metadata:",
                "  name: checkout-availability",
                "  labels: {team: payments, tier: \"0\"}",
                "spec:",
                "  service: checkout",
                "  selector: {operation: \"POST /cart\"}",
                "  indicator: {availability: {badStatusMin: 500}}",
                "  objective: 99.9",
                "  window: 30d",
                "  alerting: {policy: google-30d, runbook: https://runbooks.example/checkout}",
                "---",
                "apiVersion: burnrate/v1",
                "kind: SLO",
                "metadata:",
                "  name: search-latency",
                "  labels: {team: discovery, tier: \"1\"}",
                "spec:",
                "  service: search",
                "  indicator: {latency: {thresholdMs: 300}}",
                "  objective: 99",
                "  window: 30d",
                "  alerting: {policy: google-30d, runbook: https://runbooks.example/search}",
                "---",
                "apiVersion: burnrate/v1",
                "kind: SLO",
                "metadata:",
                "  name: payments-availability",
                "  labels: {team: payments, tier: \"0\"}",
                "spec:",
                "  service: payments",
                "  indicator: {availability: {badStatusMin: 500}}",
                "  objective: 99.5",
                "  window: 30d",
                "  alerting: {policy: google-30d, minEventsPerWindow: 100}",
                "");
    }
}
