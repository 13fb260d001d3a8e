package io.burnrate.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.forward.AlertForwarder;
import io.burnrate.engine.forward.DeliveryMetrics;
import io.burnrate.engine.forward.Dispatcher;
import io.burnrate.engine.forward.ForwardConfig;
import io.burnrate.engine.forward.RecordingServer;
import io.burnrate.engine.runtime.Engine;
import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.runtime.SloPublisher;
import io.burnrate.engine.runtime.Topics;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.engine.topology.TopicRole;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.Json;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An outage through the engine on a real broker, {@code burnrate forward}'s forwarder, and
 * Debian's real Alertmanager whose webhook receiver is a server in this test: the page
 * arrives firing, then resolved, with our labels. PagerDuty (a local recording server) gets
 * trigger and resolve with the fingerprint as dedup key, and a receiver that always fails
 * sends the transitions to the delivery dead-letter topic without holding the others up.
 */
class AlertmanagerIT {

    private static final Duration WAIT = Duration.ofSeconds(45);
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(final T c) {
        open.add(c);
        return c;
    }

    @Test
    void shouldDeliverThePageFiringThenResolvedThroughARealAlertmanager() throws Exception {
        final Path binary = DebianBinary.find("prometheus-alertmanager");
        assumeTrue(binary != null, "Debian's prometheus-alertmanager is not installed (.ci/run installs it); "
                + "the payloads are still covered by ReceiversTest");
        final RecordingServer notifications = closeLater(new RecordingServer(200));
        final RecordingServer pagerDuty = closeLater(new RecordingServer(202));
        final RecordingServer broken = closeLater(new RecordingServer(503));
        final int amPort = DebianBinary.freePort();
        final Path config = Files.writeString(dir.resolve("alertmanager.yml"), ""
                + "global:\n"
                + "  resolve_timeout: 5m\n"
                + "route:\n"
                + "  receiver: test\n"
                + "  group_by: [alertname, slo, rule]\n"
                + "  group_wait: 1s\n"
                + "  group_interval: 1s\n"
                + "  repeat_interval: 1h\n"
                + "receivers:\n"
                + "  - name: test\n"
                + "    webhook_configs:\n"
                + "      - url: " + notifications.url("/am") + "\n"
                + "        send_resolved: true\n");
        final DebianBinary am = closeLater(DebianBinary.start(List.of(binary.toString(), "--config.file=" + config,
                "--storage.path=" + Files.createDirectories(dir.resolve("am-data")), "--web.listen-address=127.0.0.1:" + amPort,
                "--cluster.listen-address=", "--log.level=warn"), dir.resolve("alertmanager.log")));
        am.awaitReady(URI.create("http://127.0.0.1:" + amPort + "/-/ready"), Duration.ofSeconds(20));

        final String prefix = "am-" + UUID.randomUUID().toString().substring(0, 8);
        final Settings s = KafkaTestSupport.settings(BROKER.bootstrapServers(), prefix, dir.resolve("engine"))
                .with(Settings.MAX_FUTURE_SKEW, "off");
        try (Admin admin = Topics.admin(s)) {
            Topics.ensure(admin, s);
        }
        new SloPublisher(s).apply(Specs.parse(Specs.availabilityYaml("checkout-availability", "checkout", 0)));
        final Engine engine = closeLater(Engine.start(s));
        assertThat(engine.awaitRunning(WAIT)).isTrue();

        final Path key = Files.writeString(dir.resolve("pd-key"), "R0UT1NGKEY");
        final Map<String, String> forward = new HashMap<>();
        forward.put(ForwardConfig.ALERTMANAGER_URLS, "http://127.0.0.1:" + amPort);
        forward.put(ForwardConfig.WEBHOOK_URLS, broken.url("/broken").toString());
        forward.put(ForwardConfig.PAGERDUTY_ROUTING_KEY_FILE, key.toString());
        forward.put(ForwardConfig.PAGERDUTY_URL, pagerDuty.url("/v2/enqueue").toString());
        forward.put(ForwardConfig.STATUS_URL, "http://127.0.0.1:" + engine.httpPort());
        forward.put(ForwardConfig.GROUP_ID, prefix + "-forward");
        forward.put(ForwardConfig.RETRY_ATTEMPTS, "3");
        forward.put(ForwardConfig.RETRY_INITIAL, "50ms");
        forward.put(ForwardConfig.RETRY_MAX, "200ms");
        final ForwardConfig fc = ForwardConfig.from(forward::get, s.topic(TopicRole.ALERTS));
        assertThat(fc.deadLetterTopic()).isEqualTo(prefix + ".delivery-dlq");
        try (Admin admin = Topics.admin(s)) {
            assertThat(AlertForwarder.createDeadLetterTopic(admin, fc.deadLetterTopic(), Optional.empty())).isTrue();
        }
        final DeliveryMetrics metrics = new DeliveryMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        final Dispatcher dispatcher = new Dispatcher(Dispatcher.receivers(fc, HttpClient.newHttpClient(), metrics),
                fc.retry(), metrics, Clock.systemUTC(), d -> TimeUnit.MILLISECONDS.sleep(d.toMillis()), new Random());
        closeLater(new AlertForwarder(fc, s.clientProperties(), s.topic(TopicRole.ALERTS), dispatcher, metrics).start());

        // event time starts 30 min before the wall clock and runs 73 min: the resolve's event time is ahead of
        // the wall clock, as in the demo, and must still end the alert now
        final Instant t0 = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MINUTES);
        final Traffic checkout = Traffic.of("checkout", 1, t0);
        // 1 h good, then 3 min all bad: 180 of the last 300 events bad over 5m, 180/3780 over 1h, both far above 14.4x
        send(s, checkout.next(Duration.ofHours(1), Traffic.none()));
        send(s, checkout.next(Duration.ofMinutes(3), Traffic.all()));
        final JsonNode firing = awaitNotification(notifications, "firing");
        final JsonNode alert = firing.get("alerts").get(0);
        assertThat(alert.get("labels").get("alertname").asText()).isEqualTo("ErrorBudgetBurn");
        assertThat(alert.get("labels").get("slo").asText()).isEqualTo("checkout-availability");
        assertThat(alert.get("labels").get("service").asText()).isEqualTo("checkout");
        assertThat(alert.get("labels").get("severity").asText()).isEqualTo("page");
        assertThat(alert.get("labels").get("team").asText()).isEqualTo("payments");
        assertThat(alert.get("annotations").get("runbook_url").asText()).isEqualTo("https://runbooks.example/checkout");
        assertThat(alert.get("annotations").has("event_starts_at")).isTrue();
        assertThat(alert.get("generatorURL").asText()).isEqualTo("http://127.0.0.1:" + engine.httpPort()
                + "/slos/checkout-availability");
        // by the wall clock: not in the future although the event time is
        assertThat(Instant.parse(alert.get("startsAt").asText())).isBeforeOrEqualTo(Instant.now());

        // 10 min good: the 5m window clears, page-1h-5m resolves
        send(s, checkout.next(Duration.ofMinutes(10), Traffic.none()));
        final JsonNode resolved = awaitNotification(notifications, "resolved");
        assertThat(resolved.get("alerts").get(0).get("labels")).isEqualTo(alert.get("labels"));
        assertThat(Instant.parse(resolved.get("alerts").get(0).get("endsAt").asText())).isBeforeOrEqualTo(Instant.now());

        // PagerDuty: trigger, then resolve, one dedup key = the transition's fingerprint
        final List<ConsumerRecord<String, AlertTransition>> transitions = KafkaTestSupport.readUntil(
                BROKER.bootstrapServers(), s.topic(TopicRole.ALERTS), KafkaTestSupport.alerts(),
                r -> KafkaTestSupport.hasTransition(r, "checkout-availability", "page-1h-5m", AlertTransition.RESOLVED),
                WAIT);
        final String fingerprint = transitions.stream().filter(r -> r.value().rule().equals("page-1h-5m")).findFirst()
                .orElseThrow().value().fingerprint();
        await().atMost(WAIT).until(() -> pagerDutyEvents(pagerDuty, fingerprint).contains("resolve"));
        assertThat(pagerDutyEvents(pagerDuty, fingerprint)).containsSubsequence("trigger", "resolve");

        // the receiver that always answers 503: 3 attempts per transition, then the delivery dead-letter topic
        final List<ConsumerRecord<String, byte[]>> dead = KafkaTestSupport.readUntil(BROKER.bootstrapServers(),
                fc.deadLetterTopic(), KafkaTestSupport.bytes(), r -> r.size() >= transitions.size(), WAIT);
        final ConsumerRecord<String, byte[]> first = dead.get(0);
        assertThat(header(first, AlertForwarder.HEADER_REASON)).isEqualTo("retries-exhausted");
        assertThat(header(first, AlertForwarder.HEADER_RECEIVER)).isEqualTo("webhook-1");
        assertThat(header(first, AlertForwarder.HEADER_ATTEMPTS)).isEqualTo("3");
        assertThat(header(first, AlertForwarder.HEADER_DETAIL)).startsWith("HTTP 503");
        assertThat(broken.requests()).hasSizeGreaterThanOrEqualTo(3 * transitions.size());
    }

    private static String header(final ConsumerRecord<String, byte[]> r, final String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static List<String> pagerDutyEvents(final RecordingServer pd, final String dedupKey) {
        return pd.requests().stream().map(r -> tree(r.body())).filter(j -> j.get("dedup_key").asText().equals(dedupKey))
                .map(j -> j.get("event_action").asText()).toList();
    }

    private static JsonNode awaitNotification(final RecordingServer server, final String status) {
        final JsonNode[] found = new JsonNode[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (final RecordingServer.Request r : server.requests()) {
                final JsonNode j = tree(r.body());
                if (j.get("status").asText().equals(status)
                        && j.get("groupLabels").path("rule").asText().equals("page-1h-5m")) {
                    found[0] = j;
                    return true;
                }
            }
            return false;
        });
        assertThat(found[0].get("version").asText()).isEqualTo("4");
        return found[0];
    }

    private static JsonNode tree(final String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(final Settings s, final List<Traffic.Event> events) throws Exception {
        KafkaTestSupport.produce(BROKER.bootstrapServers(), s.topic(TopicRole.REQUESTS),
                events.stream().map(e -> new String[] {e.service(), e.json()}).toList(),
                events.stream().map(Traffic.Event::timestamp).toList());
    }
}
