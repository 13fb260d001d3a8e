package io.burnrate.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.runtime.Engine;
import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.runtime.SloPublisher;
import io.burnrate.engine.runtime.Topics;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.engine.topology.TopicRole;
import io.burnrate.schemas.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP face of a running engine: API across two instances, and the status page in a real browser. */
class ObservabilityIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();
    private final List<Engine> engines = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stopEngines() {
        engines.forEach(Engine::close);
    }

    private Settings settings(final String prefix, final String instance) {
        return KafkaTestSupport.settings(BROKER.bootstrapServers(), prefix, dir.resolve(instance));
    }

    private void send(final Settings s, final List<Traffic.Event> events) throws Exception {
        events.sort(Comparator.comparingLong(Traffic.Event::timestamp));
        KafkaTestSupport.produce(BROKER.bootstrapServers(), s.topic(TopicRole.REQUESTS),
                events.stream().map(e -> new String[] {e.service(), e.json()}).toList(),
                events.stream().map(Traffic.Event::timestamp).toList());
    }

    @Test
    void shouldListEverySloFromEitherOfTwoInstances() throws Exception {
        final String prefix = "obs-" + UUID.randomUUID().toString().substring(0, 8);
        final Settings first = settings(prefix, "a");
        try (Admin admin = Topics.admin(first)) {
            Topics.ensure(admin, first);
        }
        // two services on different partitions of the 2-partition requests topic
        final String one = "svc-0";
        String other = null;
        for (int i = 1; other == null; i++) {
            if (partition("svc-" + i) != partition(one)) {
                other = "svc-" + i;
            }
        }
        new SloPublisher(first).apply(Specs.parse(Specs.availabilityYaml("one-availability", one, 0) + "---\n"
                + Specs.availabilityYaml("other-availability", other, 0)));
        final Engine a = Engine.start(first);
        final Engine b = Engine.start(settings(prefix, "b"));
        engines.add(a);
        engines.add(b);
        assertThat(a.awaitRunning(WAIT)).isTrue();
        assertThat(b.awaitRunning(WAIT)).isTrue();

        final List<Traffic.Event> events = new ArrayList<>(Traffic.of(one, 1, Traffic.T0).next(Duration.ofMinutes(5),
                Traffic.none()));
        events.addAll(Traffic.of(other, 1, Traffic.T0).next(Duration.ofMinutes(5), Traffic.everyNth(10)));
        send(first, events);

        for (final Engine e : List.of(a, b)) {
            final JsonNode slos = awaitJson(e.httpPort(), "/api/v1/slos", j -> {
                int withStatus = 0;
                for (final JsonNode s : j.get("slos")) {
                    withStatus += s.get("status").isNull() ? 0 : 1;
                }
                return withStatus == 2;
            });
            assertThat(slos.get("slos")).extracting(s -> s.get("id").asText())
                    .containsExactly("one-availability", "other-availability");
            // other: every 10th of 300 events bad
            final JsonNode detail = awaitJson(e.httpPort(), "/api/v1/slos/other-availability",
                    j -> !j.get("status").isNull() && j.get("status").get("windows").get(0).get("total").asLong() == 300);
            assertThat(detail.get("status").get("windows").get(0).get("bad").asLong()).isEqualTo(30);
            assertThat(detail.get("history")).isNotEmpty();
        }
        assertThat(get(a.httpPort(), "/readyz").statusCode()).isEqualTo(200);
        assertThat(get(a.httpPort(), "/healthz").statusCode()).isEqualTo(200);
        assertThat(get(a.httpPort(), "/api/v1/slos/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldShowSloRowsAndAFiringAlertInHeadlessChromium() throws Exception {
        final Path chromium = Path.of("/usr/bin/chromium");
        assumeTrue(Files.isExecutable(chromium), "Debian's chromium is not installed (.ci/run installs it); "
                + "the status page is still covered by the API assertions");
        final String prefix = "page-" + UUID.randomUUID().toString().substring(0, 8);
        final Settings s = settings(prefix, "page");
        try (Admin admin = Topics.admin(s)) {
            Topics.ensure(admin, s);
        }
        new SloPublisher(s).apply(Specs.parse(Specs.availabilityYaml("checkout-availability", "checkout", 0)
                + "---\n" + Specs.availabilityYaml("search-availability", "search", 0)));
        final Engine engine = Engine.start(s);
        engines.add(engine);
        assertThat(engine.awaitRunning(WAIT)).isTrue();
        final Traffic checkout = Traffic.of("checkout", 1, Traffic.T0);
        final List<Traffic.Event> events = new ArrayList<>(checkout.next(Duration.ofHours(1), Traffic.none()));
        events.addAll(checkout.next(Duration.ofMinutes(3), Traffic.all()));
        events.addAll(Traffic.of("search", 1, Traffic.T0).next(Duration.ofMinutes(63), Traffic.none()));
        send(s, events);
        awaitJson(engine.httpPort(), "/api/v1/slos", j -> {
            for (final JsonNode slo : j.get("slos")) {
                if (slo.get("status").isNull()) {
                    return false;
                }
            }
            return j.toString().contains("page-1h-5m\"]") || j.toString().contains("\"page-1h-5m\"");
        });

        final String url = "http://127.0.0.1:" + engine.httpPort() + "/";
        final Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        final String dom = chromium(chromium, List.of("--dump-dom", url));
        // the browser's DOM serialisation uses double quotes
        assertThat(dom).contains("data-slo=\"checkout-availability\"").contains("data-slo=\"search-availability\"");
        assertThat(dom).contains("<span class=\"firing\">page-1h-5m</span>");
        chromium(chromium, List.of("--screenshot=" + target.resolve("status-page.png"), "--window-size=1400,500", url));
        assertThat(target.resolve("status-page.png")).isNotEmptyFile();
        final String detail = chromium(chromium, List.of("--dump-dom", url + "slos/checkout-availability"));
        assertThat(detail).contains("<svg").contains("firing").contains("<polyline");
        // as the browser parsed it: every line closed where it was written, so the polylines after it are drawn
        // (an unquoted attribute before "/>" used to leave each line open with the rest of the chart inside)
        assertThat(detail).doesNotContainPattern("<line[^>]*>(?!</line>)");
    }

    private String chromium(final Path chromium, final List<String> args) throws Exception {
        final List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium")));
        cmd.addAll(args);
        final Path out = Files.createTempFile(dir, "chromium", ".out");
        final Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    private static int partition(final String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % 2;
    }

    private static HttpResponse<String> get(final int port, final String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode awaitJson(final int port, final String path, final Predicate<JsonNode> done)
            throws Exception {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            final HttpResponse<String> r = get(port, path);
            if (r.statusCode() == 200) {
                last = Json.MAPPER.readTree(r.body());
                if (done.test(last)) {
                    return last;
                }
            }
            Thread.onSpinWait();
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("gave up waiting on " + path + "; last answer: " + last);
    }
}
