package io.burnrate.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.forward.RecordingServer;
import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.runtime.SloPublisher;
import io.burnrate.engine.runtime.Topics;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.engine.topology.TopicRole;
import io.burnrate.schemas.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code burnrate run --alertmanager URL}: the forwarder of {@code burnrate forward} inside the
 * engine's process. An outage pages; the page arrives at the Alertmanager API with the engine's
 * own status page as generatorURL, and the delivery counters are on the engine's /metrics.
 */
class RunForwardIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

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

    @Test
    void shouldDeliverThePageFromTheEngineProcess() throws Exception {
        final RecordingServer am = closeLater(new RecordingServer(200));
        final String prefix = "runfwd-" + UUID.randomUUID().toString().substring(0, 8);
        final Settings s = KafkaTestSupport.settings(BROKER.bootstrapServers(), prefix, dir.resolve("unused"));
        try (Admin admin = Topics.admin(s)) {
            Topics.ensure(admin, s);
        }
        new SloPublisher(s).apply(Specs.parse(Specs.availabilityYaml("checkout-availability", "checkout", 0)));
        final EngineProcess engine = closeLater(EngineProcess.start("run-forward", s, dir.resolve("state"),
                "--alertmanager", am.url("").toString(), "--set", "forward.group.id=" + prefix + "-forward"));
        await().atMost(WAIT).until(() -> engine.ready() || !engine.alive());
        assertThat(engine.alive()).as(engine.logText()).isTrue();

        // 1 h good, then 3 min all bad, all of it in the past: 180 of the last 300 events bad over 5m, about 180 of
        // 3600 over 1h; burn rates 0.6 / 0.001 = 600 and about 0.05 / 0.001 = 50, both above 14.4: page-1h-5m fires
        final Traffic checkout = Traffic.of("checkout", 1, Instant.now().minus(Duration.ofHours(2))
                .truncatedTo(ChronoUnit.MINUTES));
        final List<Traffic.Event> events = new ArrayList<>(checkout.next(Duration.ofHours(1), Traffic.none()));
        events.addAll(checkout.next(Duration.ofMinutes(3), Traffic.all()));
        KafkaTestSupport.produce(BROKER.bootstrapServers(), s.topic(TopicRole.REQUESTS),
                events.stream().map(e -> new String[] {e.service(), e.json()}).toList(),
                events.stream().map(Traffic.Event::timestamp).toList());

        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> page(am) != null);
        final JsonNode alert = page(am);
        assertThat(alert.get("labels").get("slo").asText()).isEqualTo("checkout-availability");
        assertThat(alert.has("endsAt")).isFalse();
        // the status URL defaults to this engine's own status page
        assertThat(alert.get("generatorURL").asText()).isEqualTo("http://127.0.0.1:" + engine.httpPort()
                + "/slos/checkout-availability");
        final String metrics = get("http://127.0.0.1:" + engine.httpPort() + "/metrics");
        assertThat(metrics).containsPattern("burnrate_forward_deliveries_total\\{kind=\"alertmanager\",outcome=\"accepted\","
                + "receiver=\"alertmanager-1\"} [1-9]");
        // SIGTERM: the forwarder and the engine stop cleanly, no stack trace
        engine.stop(Duration.ofSeconds(30));
        assertThat(engine.logText()).contains("RunCommand - shutting down").contains("-> NOT_RUNNING")
                .doesNotContain("Exception in thread").doesNotContain(" ERROR ");
    }

    /** The first page-1h-5m alert posted to the Alertmanager API, or null. */
    private static JsonNode page(final RecordingServer am) {
        for (final RecordingServer.Request r : am.requests()) {
            if (!r.path().equals("/api/v2/alerts")) {
                continue;
            }
            for (final JsonNode a : tree(r.body())) {
                if (a.get("labels").get("rule").asText().equals("page-1h-5m")) {
                    return a;
                }
            }
        }
        return null;
    }

    private static String get(final String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
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
