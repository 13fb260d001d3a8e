package io.burnrate.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.testing.Cli;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.schemas.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code burnrate replay} and {@code burnrate slo validate} as a user runs them. */
class ReplayCommandTest {

    @TempDir
    Path dir;

    private String stderr = "";
    private String stdout = "";

    private int burnrate(final String... args) {
        final Cli.Run run = Cli.run(args);
        stderr = run.err();
        stdout = run.out();
        return run.code();
    }

    private Path slos() throws IOException {
        return Files.writeString(dir.resolve("slos.yaml"), Specs.availabilityYaml("checkout-availability", "checkout", 0));
    }

    /** 1 h healthy at 2 req/s, then 10 min of full outage, then 10 min healthy, with bad lines mixed in. */
    private Path events() throws IOException {
        final Traffic t = Traffic.of("checkout", 2, Traffic.T0);
        final List<String> lines = new ArrayList<>();
        t.next(Duration.ofHours(1), Traffic.none()).forEach(e -> lines.add(e.json()));
        lines.add("{not json");
        lines.add("{\"service\":\"checkout\",\"latencyMs\":3,\"status\":200}");
        t.next(Duration.ofMinutes(10), Traffic.all()).forEach(e -> lines.add(e.json()));
        lines.add("{\"service\":\"checkout\",\"timestamp\":" + t.now() + ",\"latencyMs\":-1,\"status\":200}");
        lines.add("{\"service\":\"checkout\",\"timestamp\":\"tomorrow\",\"latencyMs\":1,\"status\":200}");
        lines.add("{\"service\":\"checkout\",\"timestamp\":" + (t.now() - 600_000) + ",\"latencyMs\":1,\"status\":200}");
        lines.add("{\"service\":\"search\",\"timestamp\":" + t.now() + ",\"latencyMs\":1,\"status\":500}");
        lines.add("");
        t.next(Duration.ofMinutes(10), Traffic.none()).forEach(e -> lines.add(e.json()));
        return Files.write(dir.resolve("events.ndjson"), lines, StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteAlertsStatusAndDeadLettersAndBeDeterministic() throws IOException {
        final Path slos = slos();
        final Path events = events();
        assertThat(burnrate("replay", "--slos", slos.toString(), "--events", events.toString(),
                "--out", dir.resolve("a").toString())).isZero();
        // accepted = valid events (the unmatched search event too)
        assertThat(stderr).contains("9601 accepted").contains("5 rejected").contains("1 matched no SLO");
        assertThat(burnrate("replay", "--slos", slos.toString(), "--events", events.toString(),
                "--out", dir.resolve("b").toString())).isZero();

        for (final String f : List.of("alerts.ndjson", "status.ndjson", "dlq.ndjson", "budget-policy.ndjson",
                "compliance.ndjson")) {
            assertThat(Files.readAllBytes(dir.resolve("a").resolve(f)))
                    .as(f + " is byte-identical across runs")
                    .isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(f)));
        }

        final List<JsonNode> alerts = read(dir.resolve("a/alerts.ndjson"));
        final List<JsonNode> page = alerts.stream().filter(a -> a.get("rule").asText().equals("page-1h-5m")).toList();
        assertThat(page).extracting(a -> a.get("state").asText()).containsExactly("firing", "resolved");

        // the outage spends the budget: default thresholds 50, 25, 10, 0 % crossed downwards, in order
        assertThat(read(dir.resolve("a/budget-policy.ndjson"))).extracting(p -> p.get("threshold").asInt() + " "
                + p.get("direction").asText()).containsExactly("50 down", "25 down", "10 down", "0 down");

        final List<JsonNode> dlq = read(dir.resolve("a/dlq.ndjson"));
        assertThat(dlq).extracting(d -> d.get("reason").asText())
                .containsExactly("malformed-json", "missing-field", "invalid-field", "invalid-timestamp", "late");
        // line numbers: 7,200 healthy lines come first
        assertThat(dlq.get(0).get("lineNumber").asLong()).isEqualTo(7_201);
        assertThat(dlq.get(0).get("line").asText()).isEqualTo("{not json");

        final List<JsonNode> status = read(dir.resolve("a/status.ndjson"));
        assertThat(status).hasSize(1);
        final JsonNode fiveMin = status.get(0).get("windows").get(0);
        assertThat(fiveMin.get("window").asText()).isEqualTo("PT5M");
        // the last 5 minutes are healthy at 2 req/s: 600 events, none bad
        assertThat(fiveMin.get("total").asLong()).isEqualTo(600);
        assertThat(fiveMin.get("bad").asLong()).isZero();
        // the 30d window holds every accepted checkout event: 7,200 + 1,200 + 1,200, 1,200 bad
        final JsonNode month = status.get(0).get("windows").get(status.get(0).get("windows").size() - 1);
        assertThat(month.get("window").asText()).isEqualTo("PT720H");
        assertThat(month.get("total").asLong()).isEqualTo(9_600);
        assertThat(month.get("bad").asLong()).isEqualTo(1_200);
        // 1,200 bad of 9.6 allowed
        assertThat(status.get(0).get("errorBudgetRemaining").asDouble()).isCloseTo(1 - 1200 / 9.6,
                Assertions.within(1e-9));
    }

    @Test
    void shouldExitTwoWithOneLineOnUnusableInput() throws IOException {
        final Path events = Files.writeString(dir.resolve("e.ndjson"), "");
        assertThat(burnrate("replay", "--slos", dir.resolve("missing.yaml").toString(), "--events", events.toString(),
                "--out", dir.resolve("o").toString())).isEqualTo(2);
        assertThat(stderr.strip()).doesNotContain("\n").contains("missing.yaml");

        final Path bad = Files.writeString(dir.resolve("bad.yaml"),
                Specs.availabilityYaml("x", "x", 0).replace("objective: 99.9", "objective: 150"));
        assertThat(burnrate("replay", "--slos", bad.toString(), "--events", events.toString(),
                "--out", dir.resolve("o").toString())).isEqualTo(2);
        assertThat(stderr.strip()).doesNotContain("\n").contains("bad.yaml").contains("spec.objective");

        assertThat(burnrate("replay", "--slos", slos().toString(), "--events", dir.resolve("nope").toString(),
                "--out", dir.resolve("o").toString())).isEqualTo(2);
        assertThat(stderr).contains("events file");
    }

    @Test
    void shouldValidateSloFiles() throws IOException {
        assertThat(burnrate("slo", "validate", slos().toString())).isZero();
        assertThat(stdout).contains("page-1h-5m").contains("burn rate > 14.4 over 1h and 5m").contains("1 SLO valid");

        final Path bad = Files.writeString(dir.resolve("bad.yaml"),
                Specs.availabilityYaml("x", "x", 0).replace("window: 30d", "window: forever"));
        assertThat(burnrate("slo", "validate", "-f", bad.toString())).isEqualTo(2);
        assertThat(stderr).contains("bad.yaml (document 1): SLO 'x': spec.window: 'forever' is not a duration");

        // the README's example file, calendar window and Timeslices included
        assertThat(burnrate("slo", "validate", Path.of("..", "examples", "slos.yaml").toString())).isZero();
        assertThat(stdout).contains("payments-monthly: service payments, objective 99.0%, window calendar month "
                + "Europe/Berlin, Timeslices (1m slices, target 0.95)").contains("2 SLOs valid");
    }

    private static List<JsonNode> read(final Path file) throws IOException {
        final List<JsonNode> out = new ArrayList<>();
        for (final String line : Files.readAllLines(file)) {
            out.add(Json.MAPPER.readTree(line));
        }
        return out;
    }
}
