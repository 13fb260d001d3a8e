package io.burnrate.engine.it;

import static io.burnrate.engine.it.KafkaTestSupport.hasTransition;
import static io.burnrate.engine.otlp.OtlpFixtures.integer;
import static io.burnrate.engine.otlp.OtlpFixtures.resource;
import static io.burnrate.engine.otlp.OtlpFixtures.resourceSpans;
import static io.burnrate.engine.otlp.OtlpFixtures.span;
import static io.burnrate.engine.otlp.OtlpFixtures.str;
import static io.burnrate.engine.otlp.OtlpFixtures.traces;
import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.runtime.Engine;
import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.runtime.SloPublisher;
import io.burnrate.engine.runtime.Topics;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.engine.topology.Names;
import io.burnrate.engine.topology.OtlpInput;
import io.burnrate.engine.topology.TopicRole;
import io.burnrate.schemas.AlertTransition;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * OTLP {@code otlp_proto} records on the OTLP topic of a real broker (KRaft, in this JVM):
 * the engine pages for the spans' outage as it pages for the equivalent JSON events on
 * {@code burnrate.requests}, in the same run.
 */
class OtlpEmbeddedBrokerIT {

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path stateDir;

    private Engine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    /**
     * Two services with the same traffic, 2 requests/s for 1 h, then 3 minutes of 503s:
     * {@code cart} as JSON request events, {@code checkout} as SERVER spans (plus a CLIENT
     * span each, which must not count) in records of 20 spans keyed by trace id, as the
     * Collector's exporter with {@code partition_traces_by_id} writes them (all on one
     * partition, see below). Both page (1h/5m): a bad share over 1.44 % of the hour's 7,200
     * events, 7,200 x 0.0144 / 2 /s = 52 s after the outage starts. Every span counts (no
     * late dead letter); a truncated record on the same topic is dead-lettered
     * {@code malformed-otlp} and the engine keeps running.
     */
    @Test
    void shouldPageForOtlpSpansAsForTheEquivalentJsonEvents() throws Exception {
        final String prefix = "otlp-" + UUID.randomUUID().toString().substring(0, 8);
        final Settings settings = KafkaTestSupport.settings(BROKER.bootstrapServers(), prefix, stateDir)
                .with(OtlpInput.TOPIC, prefix + "." + OtlpInput.DEFAULT_TOPIC);
        // the engine creates the OTLP topic as it creates its requests topic (create.topics=true)
        try (Admin admin = Topics.admin(settings)) {
            Topics.ensure(admin, settings);
            assertThat(admin.listTopics().names().get()).contains(prefix + "." + OtlpInput.DEFAULT_TOPIC);
        }
        engine = Engine.start(settings);
        assertThat(engine.awaitRunning(WAIT)).as("engine reaches RUNNING").isTrue();
        new SloPublisher(settings).apply(Specs.parse(Specs.availabilityYaml("cart-availability", "cart", 0) + "---\n"
                + Specs.availabilityYaml("checkout-availability", "checkout", 0)));

        final Traffic cart = Traffic.of("cart", 2, Traffic.T0);
        final List<Traffic.Event> json = new ArrayList<>(cart.next(Duration.ofHours(1), Traffic.none()));
        json.addAll(cart.next(Duration.ofMinutes(3), Traffic.all()));
        final List<String[]> kv = new ArrayList<>();
        final List<Long> ts = new ArrayList<>();
        for (final Traffic.Event e : json) {
            kv.add(new String[] {e.service(), e.json()});
            ts.add(e.timestamp());
        }
        KafkaTestSupport.produce(BROKER.bootstrapServers(), settings.topic(TopicRole.REQUESTS), kv, ts);

        final Traffic checkout = Traffic.of("checkout", 2, Traffic.T0);
        final List<Traffic.Event> spans = new ArrayList<>(checkout.next(Duration.ofHours(1), Traffic.none()));
        spans.addAll(checkout.next(Duration.ofMinutes(3), Traffic.all()));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 10,
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            int seq = 0;
            for (int first = 0; first < spans.size(); first += 20) {
                final List<Span.Builder> batch = new ArrayList<>();
                for (final Traffic.Event e : spans.subList(first, Math.min(first + 20, spans.size()))) {
                    final int status = e.bad() ? 503 : 200;
                    batch.add(span(seq++, "POST /cart", Span.SpanKind.SPAN_KIND_SERVER, e.timestamp(),
                            Math.round(e.latencyMs() * 1_000_000), integer("http.response.status_code", status)));
                    batch.add(span(seq++, "POST /charge", Span.SpanKind.SPAN_KIND_CLIENT, e.timestamp(), 1_000_000L,
                            integer("http.response.status_code", 503)));
                }
                final TracesData data = traces(resourceSpans(resource(str("service.name", "checkout")),
                        batch.toArray(Span.Builder[]::new)));
                final byte[] traceId = data.getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId().toByteArray();
                // one partition: the whole hour is sent at once, and two partitions worked through as a backlog can
                // be read out of step by more than the grace period (their events then count as late, docs/otlp.md)
                producer.send(new ProducerRecord<>(settings.get(OtlpInput.TOPIC), 0, traceId, data.toByteArray()));
                if (first == 0) {
                    final byte[] bytes = data.toByteArray();
                    producer.send(new ProducerRecord<>(settings.get(OtlpInput.TOPIC), 0, traceId,
                            Arrays.copyOf(bytes, bytes.length / 2)));
                }
            }
            producer.flush();
        }

        final List<ConsumerRecord<String, AlertTransition>> alerts = KafkaTestSupport.readUntil(BROKER.bootstrapServers(),
                settings.topic(TopicRole.ALERTS), KafkaTestSupport.alerts(),
                seen -> hasTransition(seen, "checkout-availability", "page-1h-5m", "firing")
                        && hasTransition(seen, "cart-availability", "page-1h-5m", "firing"), WAIT);
        final Instant outage = Traffic.T0.plus(Duration.ofHours(1));
        assertThat(Duration.between(outage, page(alerts, "cart-availability").at()).toSeconds()).isBetween(42L, 62L);
        assertThat(Duration.between(outage, page(alerts, "checkout-availability").at()).toSeconds()).isBetween(42L, 62L);
        // the CLIENT spans (all 503) did not count: checkout pages no earlier than cart, only its own pages fire
        assertThat(alerts).extracting(r -> r.value().sloId() + "/" + r.value().rule() + "/" + r.value().state())
                .filteredOn(s -> s.startsWith("checkout")).containsOnlyOnce("checkout-availability/page-1h-5m/firing");

        final var dead = KafkaTestSupport.readUntil(BROKER.bootstrapServers(), settings.topic(TopicRole.DLQ),
                KafkaTestSupport.bytes(), seen -> !seen.isEmpty(), WAIT);
        assertThat(dead).extracting(r -> new String(r.headers().lastHeader(Names.HEADER_REASON).value(),
                StandardCharsets.UTF_8)).as("the truncated record only, no late event").containsExactly("malformed-otlp");
        assertThat(new String(dead.get(0).headers().lastHeader(Names.HEADER_TOPIC).value(), StandardCharsets.UTF_8))
                .isEqualTo(settings.get(OtlpInput.TOPIC));
        assertThat(engine.streams().state().isRunningOrRebalancing()).isTrue();
    }

    private static AlertTransition page(final List<ConsumerRecord<String, AlertTransition>> alerts, final String slo) {
        return alerts.stream().map(ConsumerRecord::value)
                .filter(a -> a.sloId().equals(slo) && a.rule().equals("page-1h-5m") && a.state().equals("firing"))
                .findFirst().orElseThrow();
    }
}
