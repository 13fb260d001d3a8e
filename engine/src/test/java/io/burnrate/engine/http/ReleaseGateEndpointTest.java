package io.burnrate.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.testing.Cli;
import io.burnrate.engine.testing.Drivers;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.schemas.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/gate} and {@code burnrate gate} over the production topology: deny
 * while the budget is spent, allow once the bad minutes have left the window.
 */
class ReleaseGateEndpointTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void shouldDenyWhileTheBudgetIsSpentAndAllowAfterItRecovers() throws Exception {
        try (Drivers.Rig rig = new Drivers.Rig(dir.resolve("rig"));
             Servers.Running running = new Servers.Running(dir.resolve("streams"), rig.built, HttpLimits.defaults(),
                     HttpSecurity.none())) {
            final String api = "http://127.0.0.1:" + running.port();
            assertThat(Cli.run("gate", "--service", "checkout", "--api", api).code()).as("no SLO yet").isEqualTo(2);
            rig.apply(Specs.GATE_SLO);
            assertThat(Cli.run("gate", "--service", "checkout", "--api", api).out())
                    .as("an SLO without status").startsWith("unknown: checkout-availability: no status yet");

            // 10 minutes at 1/s: 600 requests, the last 10 bad (so the 5-minute window pages too); budget 1 % of 600 = 6 bad,
            // so 1 - 10/6 = -66.67 % is left: at or below 0 % (blocks) and 25 % (warns)
            final Traffic t = Traffic.of("checkout", 1, Traffic.T0);
            t.next(Duration.ofMinutes(10), i -> i >= 590).forEach(e -> rig.send(e.service(), e.json(), e.timestamp()));
            rig.driver.advanceWallClockTime(Drivers.CONFIG.statusInterval());
            final JsonNode deny = gate(api, "service=checkout");
            assertThat(deny.get("decision").asText()).isEqualTo("deny");
            assertThat(deny.get("allow").asBoolean()).isFalse();
            assertThat(deny.get("slos").get(0).get("errorBudgetRemaining").asDouble()).isCloseTo(1 - 10 / 6.0,
                    offset(1e-9));
            final Cli.Run denied = Cli.run("gate", "--service", "checkout", "--api", api);
            assertThat(denied.code()).isEqualTo(3);
            assertThat(denied.out()).isEqualTo("deny: checkout-availability: -66.67% of the error budget left, at or "
                    + "below the blocking threshold 0% (freeze-releases); below the warning threshold 25% (notify-owners); "
                    + "paging: page-1h-5m\n");

            // 65 more good minutes: the bad ones have left the 1-hour window, the budget is whole
            t.next(Duration.ofMinutes(65), Traffic.none()).forEach(e -> rig.send(e.service(), e.json(), e.timestamp()));
            rig.driver.advanceWallClockTime(Drivers.CONFIG.statusInterval());
            final Cli.Run allowed = Cli.run("gate", "--slo", "checkout-availability", "--api", api);
            assertThat(allowed.code()).isEqualTo(0);
            assertThat(allowed.out()).isEqualTo("allow: checkout-availability: 100% of the error budget left\n");
        }
    }

    @Test
    void shouldRefuseAQueryThatNamesNeitherOrBoth() throws Exception {
        try (Drivers.Rig rig = new Drivers.Rig(dir.resolve("rig"));
             Servers.Running running = new Servers.Running(dir.resolve("streams"), rig.built, HttpLimits.defaults(),
                     HttpSecurity.none())) {
            final String api = "http://127.0.0.1:" + running.port();
            assertThat(status(api, "")).isEqualTo(400);
            assertThat(status(api, "service=a&slo=b")).isEqualTo(400);
            assertThat(status(api, "service=a&service=b")).isEqualTo(400);
            assertThat(status(api, "service")).isEqualTo(400);
            assertThat(status(api, "service=nope")).isEqualTo(404);
        }
    }

    @Test
    void shouldNotTellWhenTheApiDoesNotAnswer() {
        final Cli.Run r = Cli.run("gate", "--service", "checkout", "--api", "http://127.0.0.1:1", "--timeout", "2s");
        assertThat(r.code()).isEqualTo(2);
        // a line of its own (a Kafka client of another test in this JVM may still be logging)
        assertThat(r.err()).containsPattern("(?m)^burnrate gate: cannot tell: 127\\.0\\.0\\.1:1 did not answer");
        assertThat(Cli.run("gate", "--service", "a", "--slo", "b", "--api", "http://127.0.0.1:1").code())
                .as("both subjects").isEqualTo(2);
    }

    private static JsonNode gate(final String api, final String query) throws Exception {
        return Json.MAPPER.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/gate?" + query)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private static int status(final String api, final String query) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/gate" + (query.isEmpty() ? "" : "?" + query)))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
