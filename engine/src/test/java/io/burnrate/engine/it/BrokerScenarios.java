package io.burnrate.engine.it;

import static io.burnrate.engine.it.KafkaTestSupport.hasTransition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.engine.runtime.Engine;
import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.runtime.SloPublisher;
import io.burnrate.engine.runtime.Topics;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.engine.topology.Names;
import io.burnrate.engine.topology.TopicRole;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.StatusSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine against a real broker: the same scenarios run on the in-process KRaft
 * broker and, where a Docker engine exists, on Testcontainers Kafka.
 */
abstract class BrokerScenarios {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path stateDir;

    private Engine engine;
    private Settings settings;

    protected abstract String bootstrapServers();

    private Settings start() throws Exception {
        settings = KafkaTestSupport.settings(bootstrapServers(), "it-" + UUID.randomUUID().toString().substring(0, 8),
                stateDir);
        try (Admin admin = Topics.admin(settings)) {
            Topics.ensure(admin, settings);
        }
        engine = Engine.start(settings);
        assertThat(engine.awaitRunning(WAIT)).as("engine reaches RUNNING").isTrue();
        return settings;
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private void send(final List<Traffic.Event> events) throws Exception {
        final List<String[]> kv = new ArrayList<>();
        final List<Long> ts = new ArrayList<>();
        for (final Traffic.Event e : events) {
            kv.add(new String[] {e.service(), e.json()});
            ts.add(e.timestamp());
        }
        KafkaTestSupport.produce(bootstrapServers(), settings.topic(TopicRole.REQUESTS), kv, ts);
    }

    @Test
    void shouldPublishTheAlertTransitionAndStatusForAnOutage() throws Exception {
        start();
        new SloPublisher(settings).apply(Specs.parse(Specs.availabilityYaml("checkout-availability", "checkout", 0)));
        final Traffic traffic = Traffic.of("checkout", 2, Traffic.T0);
        final List<Traffic.Event> events = new ArrayList<>(traffic.next(Duration.ofHours(1), Traffic.none()));
        events.addAll(traffic.next(Duration.ofMinutes(3), Traffic.all()));
        send(events);

        final List<ConsumerRecord<String, AlertTransition>> alerts = KafkaTestSupport.readUntil(bootstrapServers(),
                settings.topic(TopicRole.ALERTS), KafkaTestSupport.alerts(),
                seen -> hasTransition(seen, "checkout-availability", "page-1h-5m", "firing"), WAIT);
        final ConsumerRecord<String, AlertTransition> page = alerts.stream()
                .filter(r -> r.value().rule().equals("page-1h-5m")).findFirst().orElseThrow();
        assertThat(page.key()).isEqualTo("checkout-availability/page-1h-5m");
        // 7,200 events per hour: bad share above 1.44 % after about 52 s of the outage
        assertThat(Duration.between(Traffic.T0.plus(Duration.ofHours(1)), page.value().at()).toSeconds())
                .isBetween(42L, 62L);

        KafkaTestSupport.readUntil(bootstrapServers(), settings.topic(TopicRole.STATUS), KafkaTestSupport.status(),
                seen -> seen.stream().map(ConsumerRecord::value).anyMatch(s -> s.sloId().equals("checkout-availability")
                        && s.firing().contains("page-1h-5m")), WAIT);
    }

    @Test
    void shouldApplyAnSloWhileRunningAndResolveItWhenDeleted() throws Exception {
        start();
        final Traffic traffic = Traffic.of("search", 2, Traffic.T0);
        send(traffic.next(Duration.ofMinutes(10), Traffic.none()));
        new SloPublisher(settings).apply(Specs.parse(Specs.availabilityYaml("search-availability", "search", 0)));
        // the registry is live: events after the apply count without a restart
        final List<Traffic.Event> later = new ArrayList<>(traffic.next(Duration.ofMinutes(30), Traffic.none()));
        later.addAll(traffic.next(Duration.ofMinutes(3), Traffic.all()));
        awaitApplied("search-availability", traffic);
        send(later);
        KafkaTestSupport.readUntil(bootstrapServers(), settings.topic(TopicRole.ALERTS), KafkaTestSupport.alerts(),
                seen -> hasTransition(seen, "search-availability", "page-1h-5m", "firing"), WAIT);

        new SloPublisher(settings).delete("search-availability");
        final List<ConsumerRecord<String, AlertTransition>> all = KafkaTestSupport.readUntil(bootstrapServers(),
                settings.topic(TopicRole.ALERTS), KafkaTestSupport.alerts(),
                seen -> hasTransition(seen, "search-availability", "page-1h-5m", "resolved"), WAIT);
        final List<String> firing = all.stream().filter(r -> r.value().state().equals("firing"))
                .map(r -> r.value().rule()).toList();
        final List<String> resolved = all.stream().filter(r -> r.value().state().equals("resolved"))
                .map(r -> r.value().rule()).toList();
        assertThat(resolved).containsExactlyInAnyOrderElementsOf(firing);
    }

    /**
     * Pre-aggregated counts on the counts topic: one record a minute (120 requests) from T0,
     * the last three all failed, each with an id; the failed minutes are sent twice more, keyed
     * by nothing (re-keyed through counts-by-service) and by another key, as a retrying relay
     * would. They page, and count once: at the last minute the 5m window [T0+58m, T0+63m)
     * holds 2 x 120 good + 3 x 120 bad = 600 requests, 360 bad (not 960 / 720), the 1h window
     * [T0+3m, T0+63m) 7,200 requests, 360 bad.
     */
    @Test
    void shouldPageOnPreAggregatedCountsAndCountRetriedRecordsOnce() throws Exception {
        start();
        new SloPublisher(settings).apply(Specs.parse(Specs.availabilityYaml("inventory-availability", "inventory", 0)));
        awaitApplied("inventory-availability", Traffic.of("inventory", 2, Traffic.T0.minus(Duration.ofMinutes(10))));
        final List<String[]> kv = new ArrayList<>();
        final List<String[]> retries = new ArrayList<>();
        for (int m = 0; m < 63; m++) {
            final Instant start = Traffic.T0.plus(Duration.ofMinutes(m));
            final String json = "{\"service\":\"inventory\",\"start\":\"" + start + "\",\"end\":\""
                    + start.plus(Duration.ofMinutes(1)) + "\",\"total\":120,\"bad\":" + (m >= 60 ? 120 : 0)
                    + ",\"id\":\"relay-1/inventory/" + start + "\"}";
            kv.add(new String[] {"inventory", json});
            if (m >= 60) {
                retries.add(new String[] {null, json});
                retries.add(new String[] {"relay-1", json});
            }
        }
        kv.addAll(retries);
        KafkaTestSupport.produce(bootstrapServers(), settings.topic(TopicRole.COUNTS), kv, null);

        KafkaTestSupport.readUntil(bootstrapServers(), settings.topic(TopicRole.ALERTS), KafkaTestSupport.alerts(),
                seen -> hasTransition(seen, "inventory-availability", "page-1h-5m", "firing"), WAIT);
        final var status = KafkaTestSupport.readUntil(bootstrapServers(), settings.topic(TopicRole.STATUS),
                KafkaTestSupport.status(), seen -> seen.stream().map(ConsumerRecord::value)
                        .anyMatch(s -> s.sloId().equals("inventory-availability") && s.windows().get(0).bad() == 360),
                WAIT);
        final StatusSnapshot last = status.stream().map(ConsumerRecord::value)
                .filter(s -> s.sloId().equals("inventory-availability")).reduce((a, b) -> b).orElseThrow();
        assertThat(last.windows().get(0).window()).isEqualTo(Duration.ofMinutes(5));
        assertThat(last.windows().get(0).total()).isEqualTo(600);
        final StatusSnapshot.WindowStatus hour = last.windows().stream()
                .filter(w -> w.window().equals(Duration.ofHours(1))).findFirst().orElseThrow();
        assertThat(hour.total()).isEqualTo(7200);
        assertThat(hour.bad()).isEqualTo(360);
        assertThat(engine.streams().state().isRunningOrRebalancing()).isTrue();
    }

    /**
     * A service's events and counts must reach the same task: a counts topic created next to
     * an existing requests topic of 3 partitions gets 3 (not the {@code partitions} setting,
     * 2), and an existing counts topic of another partition count is refused with the fix.
     */
    @Test
    void shouldGiveTheCountsTopicTheRequestsTopicsPartitionCount() throws Exception {
        final Settings s = KafkaTestSupport.settings(bootstrapServers(), "it-" + UUID.randomUUID().toString().substring(0, 8),
                stateDir);
        final Settings t = KafkaTestSupport.settings(bootstrapServers(), "it-" + UUID.randomUUID().toString().substring(0, 8),
                stateDir);
        try (Admin admin = Topics.admin(s)) {
            admin.createTopics(List.of(new NewTopic(s.topic(TopicRole.REQUESTS), Optional.of(3), Optional.empty())))
                    .all().get();
            Topics.ensure(admin, s);
            assertThat(admin.describeTopics(List.of(s.topic(TopicRole.COUNTS))).allTopicNames().get()
                    .get(s.topic(TopicRole.COUNTS)).partitions()).hasSize(3);

            admin.createTopics(List.of(new NewTopic(t.topic(TopicRole.REQUESTS), Optional.of(3), Optional.empty()),
                    new NewTopic(t.topic(TopicRole.COUNTS), Optional.of(2), Optional.empty()))).all().get();
            assertThatThrownBy(() -> Topics.ensure(admin, t)).isInstanceOf(Topics.Unavailable.class)
                    .hasMessage("topic " + t.topic(TopicRole.COUNTS) + " has 2 partitions and " + t.topic(TopicRole.REQUESTS)
                            + " has 3: they must have as many (a service's events and counts update the same SLO state); "
                            + "recreate " + t.topic(TopicRole.COUNTS) + " with --partitions 3");
        }
    }

    /** Sends one probe event at a time until the new SLO's status shows it counted. */
    private void awaitApplied(final String slo, final Traffic traffic) throws Exception {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            send(traffic.next(Duration.ofSeconds(1), Traffic.none()));
            try {
                KafkaTestSupport.readUntil(bootstrapServers(), settings.topic(TopicRole.STATUS), KafkaTestSupport.status(),
                        seen -> seen.stream().map(ConsumerRecord::value).anyMatch(s -> s.sloId().equals(slo)),
                        Duration.ofSeconds(7));
                return;
            } catch (AssertionError notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
            }
        }
    }

    @Test
    void shouldDeadLetterMalformedRecordsAndKeepRunning() throws Exception {
        start();
        new SloPublisher(settings).apply(Specs.parse(Specs.availabilityYaml("payments-availability", "payments", 0)));
        final long t = Traffic.T0.toEpochMilli();
        final List<String[]> kv = List.of(
                new String[] {"payments", "{\"service\":\"payments\",\"timestamp\":" + t + ",\"latencyMs\":3,\"status\":200}"},
                new String[] {"payments", "not json at all"},
                new String[] {"payments", "{\"service\":\"payments\",\"timestamp\":" + t + ",\"latencyMs\":3}"},
                new String[] {"payments", "{\"service\":\"payments\",\"timestamp\":" + (t + 1000)
                        + ",\"latencyMs\":3,\"status\":503}"});
        KafkaTestSupport.produce(bootstrapServers(), settings.topic(TopicRole.REQUESTS), kv, null);

        final var dead = KafkaTestSupport.readUntil(bootstrapServers(), settings.topic(TopicRole.DLQ), KafkaTestSupport.bytes(),
                seen -> seen.size() >= 2, WAIT);
        assertThat(dead).extracting(r -> new String(r.headers().lastHeader(Names.HEADER_REASON).value(),
                StandardCharsets.UTF_8)).containsExactly("malformed-json", "missing-field");
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not json at all");

        final var status = KafkaTestSupport.readUntil(bootstrapServers(), settings.topic(TopicRole.STATUS),
                KafkaTestSupport.status(), seen -> seen.stream().map(ConsumerRecord::value)
                        .anyMatch(s -> s.sloId().equals("payments-availability") && s.windows().get(0).total() == 2),
                WAIT);
        final StatusSnapshot last = status.get(status.size() - 1).value();
        assertThat(last.windows().get(0).bad()).isEqualTo(1);
        assertThat(engine.streams().state().isRunningOrRebalancing()).isTrue();
    }

    /**
     * A producer's own {@value Names#HEADER_EVENTS} header must not survive the re-key:
     * only {@code decode-spans} may mark a re-keyed record as several events, one per line.
     * A pretty-printed event (one JSON object over 6 lines) keyed by something other than
     * its service, with that header, counts once as the bad event it is. Kept, the header
     * made the re-keyed copy 6 "events" ({@code {}, 4 fields and {@code }}), all
     * dead-lettered, and the event itself never counted. A TopologyTestDriver does not
     * carry headers through the repartition topic, hence a real broker.
     */
    @Test
    void shouldCountAReKeyedRecordOnceWhateverBatchHeaderItsProducerSet() throws Exception {
        start();
        new SloPublisher(settings).apply(Specs.parse(Specs.availabilityYaml("payments-availability", "payments", 0)));
        final long t = Traffic.T0.toEpochMilli();
        final String pretty = "{\n  \"service\": \"payments\",\n  \"timestamp\": " + t
                + ",\n  \"latencyMs\": 3,\n  \"status\": 503\n}";
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            final ProducerRecord<String, String> forged = new ProducerRecord<>(settings.topic(TopicRole.REQUESTS), null,
                    t, "trace-4bf92f3577b34da6", pretty);
            forged.headers().add(Names.HEADER_EVENTS, "6".getBytes(StandardCharsets.UTF_8));
            producer.send(forged).get();
            producer.send(new ProducerRecord<>(settings.topic(TopicRole.REQUESTS), null, t + 1000, "payments",
                    "{\"service\":\"payments\",\"timestamp\":" + (t + 1000) + ",\"latencyMs\":3,\"status\":200}"))
                    .get();
        }
        final var status = KafkaTestSupport.readUntil(bootstrapServers(), settings.topic(TopicRole.STATUS),
                KafkaTestSupport.status(), seen -> seen.stream().map(ConsumerRecord::value)
                        .anyMatch(s -> s.sloId().equals("payments-availability") && s.windows().get(0).total() == 2),
                WAIT);
        // the forged record's event (503) and the plain one (200): 2 requests, 1 bad
        assertThat(status.get(status.size() - 1).value().windows().get(0).bad()).isEqualTo(1);
        assertThat(engine.streams().state().isRunningOrRebalancing()).isTrue();
    }

    /**
     * Two records that stopped {@code run} for good: a 1,048,400-byte non-JSON value (its
     * dead letter with headers exceeded the producer's max.request.size) and an RFC 3339
     * time before 1970 (a negative record timestamp). Both are dead-lettered, the engine
     * keeps running under exactly-once, and the events after them count.
     */
    @Test
    void shouldDeadLetterAHugeRecordAndATimestampBefore1970AndKeepRunning() throws Exception {
        start();
        new SloPublisher(settings).apply(Specs.parse(Specs.availabilityYaml("orders-availability", "orders", 0)));
        final long t = Traffic.T0.toEpochMilli();
        final List<String[]> kv = List.of(
                new String[] {"orders", "x".repeat(1_048_400)},
                new String[] {"orders", "{\"service\":\"orders\",\"timestamp\":\"1969-12-31T23:59:59Z\","
                        + "\"latencyMs\":1,\"status\":200}"},
                new String[] {"orders", "{\"service\":\"orders\",\"timestamp\":" + t + ",\"latencyMs\":3,\"status\":200}"},
                new String[] {"orders", "{\"service\":\"orders\",\"timestamp\":" + (t + 1000)
                        + ",\"latencyMs\":3,\"status\":503}"});
        KafkaTestSupport.produce(bootstrapServers(), settings.topic(TopicRole.REQUESTS), kv, null);

        final var dead = KafkaTestSupport.readUntil(bootstrapServers(), settings.topic(TopicRole.DLQ), KafkaTestSupport.bytes(),
                seen -> seen.size() >= 2, WAIT);
        assertThat(dead).extracting(r -> new String(r.headers().lastHeader(Names.HEADER_REASON).value(),
                StandardCharsets.UTF_8)).containsExactly("too-large", "invalid-timestamp");
        assertThat(dead.get(0).value()).hasSize(65_536);
        assertThat(new String(dead.get(0).headers().lastHeader(Names.HEADER_TRUNCATED).value(),
                StandardCharsets.UTF_8)).isEqualTo("1048400");

        KafkaTestSupport.readUntil(bootstrapServers(), settings.topic(TopicRole.STATUS), KafkaTestSupport.status(),
                seen -> seen.stream().map(ConsumerRecord::value).anyMatch(s -> s.sloId().equals("orders-availability")
                        && s.windows().get(0).total() == 2 && s.windows().get(0).bad() == 1), WAIT);
        assertThat(engine.streams().state().isRunningOrRebalancing()).isTrue();
    }

    /**
     * A broken document published straight to the SLO topic (bypassing {@code slo apply})
     * is dead-lettered with the reason, and the previous version stays in force.
     */
    @Test
    void shouldDeadLetterABrokenSloDocumentAndKeepThePreviousVersion() throws Exception {
        start();
        new SloPublisher(settings).apply(Specs.parse(Specs.availabilityYaml("cart-availability", "cart", 0)));
        final long t = Traffic.T0.toEpochMilli();
        KafkaTestSupport.produce(bootstrapServers(), settings.topic(TopicRole.SLOS), List.<String[]>of(
                new String[] {"cart-availability", "{\"apiVersion\":\"burnrate/v1\",\"kind\":\"SLO\","
                        + "\"metadata\":{\"name\":\"cart-availability\"},\"spec\":{\"objective\":\"lots\"}}"}), null);
        final var dead = KafkaTestSupport.readUntil(bootstrapServers(), settings.topic(TopicRole.DLQ), KafkaTestSupport.bytes(),
                seen -> !seen.isEmpty(), WAIT);
        assertThat(dead.get(0).key()).isEqualTo("cart-availability");
        assertThat(new String(dead.get(0).headers().lastHeader(Names.HEADER_REASON).value(), StandardCharsets.UTF_8))
                .isEqualTo("invalid-slo");
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).contains("\"objective\":\"lots\"");
        // the 99.9 % version still counts the traffic
        KafkaTestSupport.produce(bootstrapServers(), settings.topic(TopicRole.REQUESTS), List.<String[]>of(
                new String[] {"cart", "{\"service\":\"cart\",\"timestamp\":" + t + ",\"latencyMs\":3,\"status\":500}"}),
                null);
        KafkaTestSupport.readUntil(bootstrapServers(), settings.topic(TopicRole.STATUS), KafkaTestSupport.status(),
                seen -> seen.stream().map(ConsumerRecord::value).anyMatch(s -> s.sloId().equals("cart-availability")
                        && s.objective() == 99.9 && s.windows().get(0).bad() == 1), WAIT);
    }
}
