package io.burnrate.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.forward.AlertForwarder;
import io.burnrate.engine.forward.DeliveryMetrics;
import io.burnrate.engine.forward.Dispatcher;
import io.burnrate.engine.forward.ForwardConfig;
import io.burnrate.engine.forward.RecordingServer;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.Json;
import io.burnrate.schemas.JsonSerde;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code burnrate forward} restarted while an alert fires: the new forwarder reads the alerts
 * topic back up to its group's committed offset and re-sends the firing alert to Alertmanager
 * (which forgets an alert not re-sent within its {@code resolve_timeout}) although no new
 * transition arrives; an alert whose last transition was a resolve is not re-sent. And with two
 * forwarders in one group, a partition's alerts leave the re-send set of the one that lost it,
 * so a resolve its new owner delivers is not contradicted by the old owner's re-sends.
 */
class ForwarderRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final JsonSerde<AlertTransition> SERDE = JsonSerde.of(AlertTransition.class);
    private static final Instant EVENT = Instant.parse("2026-03-02T01:05:00Z");

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void shouldReSendWhatStillFiresAfterARestart() throws Exception {
        final String prefix = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        final String alerts = prefix + ".alerts";
        final String group = prefix + "-forward";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrapServers()))) {
            admin.createTopics(Set.of(new NewTopic(alerts, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        // page-1h-5m fires and stays firing; page-6h-30m fires and resolves; then page-1h-5m of another SLO
        // fires and resolves and fires again (its last transition is the firing one)
        final List<AlertTransition> sent = List.of(
                transition("checkout-availability", "page-1h-5m", AlertTransition.FIRING, "00000000000000a1"),
                transition("checkout-availability", "page-6h-30m", AlertTransition.FIRING, "00000000000000b2"),
                transition("checkout-availability", "page-6h-30m", AlertTransition.RESOLVED, "00000000000000b2"),
                transition("search-latency", "page-1h-5m", AlertTransition.FIRING, "00000000000000c3"),
                transition("search-latency", "page-1h-5m", AlertTransition.RESOLVED, "00000000000000c3"),
                transition("search-latency", "page-1h-5m", AlertTransition.FIRING, "00000000000000c3"));
        KafkaTestSupport.produce(BROKER.bootstrapServers(), alerts, sent.stream().map(t -> new String[] {
            t.sloId() + "/" + t.rule(), new String(SERDE.write(alerts, t), StandardCharsets.UTF_8)})
                .toList(), null);

        // the first forwarder delivers all six (one POST each) and commits; no re-send within the test (1h)
        final RecordingServer before = closeLater(new RecordingServer(200));
        final AlertForwarder first = forwarder(before, alerts, group, "1h");
        await().atMost(WAIT).until(() -> before.requests().size() >= sent.size());
        await().atMost(WAIT).until(() -> committed(group, alerts) == sent.size());
        first.close();
        open.remove(first);

        // the second one, same group: nothing is left to read, yet within a re-send interval (200ms) it posts
        // the two alerts still firing, and only those
        final RecordingServer after = closeLater(new RecordingServer(200));
        forwarder(after, alerts, group, "200ms");
        await().atMost(WAIT).until(() -> !after.requests().isEmpty());
        final JsonNode posted = tree(after.requests().get(0).body());
        assertThat(after.requests().get(0).path()).isEqualTo("/api/v2/alerts");
        assertThat(posted).hasSize(2);
        final List<String> fired = new ArrayList<>();
        for (final JsonNode a : posted) {
            fired.add(a.get("labels").get("slo").asText() + "/" + a.get("labels").get("rule").asText());
            assertThat(a.has("endsAt")).as("a firing alert has no endsAt").isFalse();
            // by the wall clock: the event time (2026-03-02) is before now, so startsAt is the event start
            assertThat(Instant.parse(a.get("startsAt").asText())).isEqualTo(EVENT);
        }
        assertThat(fired).containsExactlyInAnyOrder("checkout-availability/page-1h-5m", "search-latency/page-1h-5m");
    }

    @Test
    void shouldStopReSendingWhatAPartitionsNewOwnerResolves() throws Exception {
        final String prefix = "rebalance-" + UUID.randomUUID().toString().substring(0, 8);
        final String alerts = prefix + ".alerts";
        final String group = prefix + "-forward";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrapServers()))) {
            admin.createTopics(Set.of(new NewTopic(alerts, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        final AlertTransition x = transition("checkout-availability", "page-1h-5m", AlertTransition.FIRING, "00000000000000a1");
        final AlertTransition y = transition("search-latency", "page-1h-5m", AlertTransition.FIRING, "00000000000000c3");
        produce(alerts, 0, x);
        produce(alerts, 1, y);
        // A alone owns both partitions and delivers both pages; then B joins: each owns one partition
        final RecordingServer amA = closeLater(new RecordingServer(200));
        forwarder(amA, alerts, group, "200ms");
        await().atMost(WAIT).until(() -> committed(group, alerts, 0) == 1 && committed(group, alerts, 1) == 1);
        final RecordingServer amB = closeLater(new RecordingServer(200));
        forwarder(amB, alerts, group, "200ms");
        // B re-sends what still fires on the partition it got (read back up to the committed offset)
        await().atMost(WAIT).until(() -> !amB.requests().isEmpty());

        // both resolve; each resolve is read by its partition's owner only
        produce(alerts, 0, transition(x.sloId(), x.rule(), AlertTransition.RESOLVED, x.fingerprint()));
        produce(alerts, 1, transition(y.sloId(), y.rule(), AlertTransition.RESOLVED, y.fingerprint()));
        await().atMost(WAIT).until(() -> committed(group, alerts, 0) == 2 && committed(group, alerts, 1) == 2);
        final int fromA = amA.requests().size();
        final int fromB = amB.requests().size();
        // three more re-sends each (every 200ms): none says that either alert still fires
        await().atMost(WAIT).until(() -> amA.requests().size() >= fromA + 3 && amB.requests().size() >= fromB + 3);
        for (final RecordingServer am : List.of(amA, amB)) {
            final List<RecordingServer.Request> later = am.requests();
            for (final RecordingServer.Request r : later.subList(am == amA ? fromA + 1 : fromB + 1, later.size())) {
                for (final JsonNode a : tree(r.body())) {
                    assertThat(a.has("endsAt")).as("re-sent after both resolves: " + a.get("labels")).isTrue();
                }
            }
        }
    }

    private static void produce(final String topic, final int partition, final AlertTransition t) throws Exception {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, partition, t.sloId() + "/" + t.rule(), SERDE.write(topic, t))).get();
        }
    }

    private AlertForwarder forwarder(final RecordingServer am, final String alerts, final String group,
                                     final String resend) throws IOException {
        final Map<String, String> m = new HashMap<>();
        m.put(ForwardConfig.ALERTMANAGER_URLS, am.url("").toString());
        m.put(ForwardConfig.GROUP_ID, group);
        m.put(ForwardConfig.RESEND_INTERVAL, resend);
        final ForwardConfig fc = ForwardConfig.from(m::get, alerts);
        final DeliveryMetrics metrics = new DeliveryMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        final Dispatcher dispatcher = new Dispatcher(Dispatcher.receivers(fc, HttpClient.newHttpClient(), metrics),
                fc.retry(), metrics, Clock.systemUTC(), d -> TimeUnit.MILLISECONDS.sleep(d.toMillis()), new Random());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrapServers()))) {
            AlertForwarder.createDeadLetterTopic(admin, fc.deadLetterTopic(), Optional.empty());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return closeLater(new AlertForwarder(fc, Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                BROKER.bootstrapServers()), alerts, dispatcher, metrics).start());
    }

    private static long committed(final String group, final String topic) throws Exception {
        return committed(group, topic, 0);
    }

    private static long committed(final String group, final String topic, final int partition) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrapServers()))) {
            final OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(new TopicPartition(topic, partition));
            return o == null ? -1 : o.offset();
        }
    }

    private static AlertTransition transition(final String slo, final String rule, final String state,
                                              final String fingerprint) {
        final boolean firing = AlertTransition.FIRING.equals(state);
        final Instant at = firing ? EVENT : EVENT.plus(Duration.ofMinutes(20));
        return new AlertTransition(slo, slo.substring(0, slo.indexOf('-')), rule, "page", state, at, EVENT,
                firing ? null : at, Duration.ofHours(1), Duration.ofMinutes(5), firing ? 20.0 : 2.0, firing ? 30.0 : 0.0,
                14.4, 99.9, 0.75, Duration.ofHours(36), Map.of("team", "payments"),
                new AlertTransition.Annotations(slo + " burns its budget", "20x over 1h", null), fingerprint);
    }

    private <T extends AutoCloseable> T closeLater(final T c) {
        open.add(c);
        return c;
    }

    private static JsonNode tree(final String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
