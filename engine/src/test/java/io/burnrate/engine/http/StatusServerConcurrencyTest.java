package io.burnrate.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.testing.Drivers;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.schemas.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 requests at once against the server over the production topology while it keeps
 * processing events: every request is answered or refused cleanly (503, or the connection
 * closed at the cap), none hangs, and the numbers keep moving.
 */
class StatusServerConcurrencyTest {

    @TempDir
    Path dir;

    @Test
    void shouldAnswerOrRefuseAThousandConcurrentRequestsWhileTheEngineKeepsProcessing() throws Exception {
        try (Drivers.Rig rig = new Drivers.Rig(dir.resolve("rig"));
             Servers.Running running = new Servers.Running(dir.resolve("streams"), rig.built,
                     HttpLimits.defaults().withMaxConnections(256), HttpSecurity.none())) {
            rig.apply(Specs.availabilityYaml("checkout-availability", "checkout", 0));
            final Traffic traffic = Traffic.of("checkout", 1, Traffic.T0);
            traffic.next(Duration.ofMinutes(5), Traffic.none()).forEach(e -> rig.send(e.service(), e.json(),
                    e.timestamp()));
            rig.driver.advanceWallClockTime(Drivers.CONFIG.statusInterval());
            final String base = "http://127.0.0.1:" + running.port();
            assertThat(total(base)).isEqualTo(300);

            final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            final List<String> paths = List.of("/healthz", "/metrics", "/api/v1/slos",
                    "/api/v1/slos/checkout-availability", "/", "/slos/checkout-availability", "/readyz");
            final long t0 = System.nanoTime();
            final List<CompletableFuture<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                outcomes.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + paths.get(i % paths.size())))
                                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString())
                        .thenApply(r -> Integer.toString(r.statusCode()))
                        .exceptionally(StatusServerConcurrencyTest::refusal));
            }
            // the engine keeps processing while the requests are in flight: 5 more minutes, every 10th bad
            traffic.next(Duration.ofMinutes(5), Traffic.everyNth(10)).forEach(e -> rig.send(e.service(), e.json(),
                    e.timestamp()));
            rig.driver.advanceWallClockTime(Drivers.CONFIG.statusInterval());
            CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            final Duration took = Duration.ofNanos(System.nanoTime() - t0);
            final Map<String, Integer> tally = new TreeMap<>();
            outcomes.forEach(f -> tally.merge(f.join(), 1, Integer::sum));
            System.out.printf("1000 concurrent requests in %d ms: %s%n", took.toMillis(), tally);
            // answered (200; /readyz is 503 while Streams is not started; 503 when the workers are busy) or
            // refused cleanly: nothing else, no timeouts
            assertThat(tally.keySet()).isSubsetOf("200", "503", "closed");
            assertThat(tally.getOrDefault("200", 0)).isGreaterThan(100);

            // connections of the flood may still be closing at the cap: ask until one gets in (at the cap idle
            // keep-alive connections get 1 s, the sweep drops the oldest waiting one every 200 ms)
            await().atMost(Duration.ofSeconds(75)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(total(base)).isEqualTo(600));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(client.send(HttpRequest.newBuilder(
                    URI.create(base + "/healthz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200));
        }
    }

    /** A request the server refused by closing the connection (at the connection cap). */
    private static String refusal(final Throwable t) {
        final Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof HttpTimeoutException) {
            return "timeout";
        }
        return cause instanceof IOException ? "closed" : cause.toString();
    }

    private static long total(final String base) throws Exception {
        final HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base
                + "/api/v1/slos/checkout-availability")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        final JsonNode status = Json.MAPPER.readTree(r.body()).get("status");
        // the SLO window (the last): everything sent so far
        return status.isNull() ? 0 : status.get("windows").get(status.get("windows").size() - 1).get("total").asLong();
    }
}
