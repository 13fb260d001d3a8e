package io.burnrate.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.engine.cli.BurnrateCli;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.loadtest.gen.EventFactory;
import io.burnrate.loadtest.gen.Generator;
import io.burnrate.loadtest.gen.Scenario;
import io.burnrate.loadtest.gen.SloSet;
import io.burnrate.schemas.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {

    private static final long T0 = 1_772_409_600_000L; // 2026-03-02T00:00:00Z

    @TempDir
    Path dir;

    @Test
    void pacedRunsAreDeterministicAndAdvanceEventTimeAtTheConfiguredRate() throws Exception {
        final Path a = generate(dir.resolve("a.ndjson"), Scenario.STEADY, 5, 1_000, 100);
        final Path b = generate(dir.resolve("b.ndjson"), Scenario.STEADY, 5, 1_000, 100);
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        final List<String> lines = Files.readAllLines(a);
        assertThat(lines).hasSize(1_000);
        assertThat(Json.MAPPER.readTree(lines.get(0)).get("timestamp").asLong()).isEqualTo(T0);
        assertThat(Json.MAPPER.readTree(lines.get(999)).get("timestamp").asLong()).isEqualTo(T0 + 9_990);
        assertThat(lines).allSatisfy(l -> assertThat(Json.MAPPER.readTree(l).get("service").asText()).startsWith("svc-"));
    }

    @Test
    void incidentsRaiseTheErrorRateOfTheirServiceOnlyWhileTheyLast() throws Exception {
        final Scenario s = new Scenario(new Scenario.Baseline(0, 40, 0), List.of(new Scenario.Incident("svc-00001",
                Duration.ofSeconds(10), Duration.ofSeconds(10), 1.0, 500, "")));
        final Path f = generate(dir.resolve("inc.ndjson"), s, 3, 3_000, 100);
        for (final String line : Files.readAllLines(f)) {
            final var e = Json.MAPPER.readTree(line);
            final long offset = e.get("timestamp").asLong() - T0;
            final boolean during = e.get("service").asText().equals("svc-00001") && offset >= 10_000 && offset < 20_000;
            assertThat(e.get("status").asInt()).as(line).isEqualTo(during ? 503 : 200);
            assertThat(e.get("latencyMs").asDouble() >= 500).as(line).isEqualTo(during);
        }
    }

    @Test
    void scenarioFilesParseAndTyposAreErrors() throws Exception {
        final Scenario example = Scenario.load(Path.of("scenarios", "example.yaml"));
        assertThat(example.incidents()).hasSize(2);
        assertThat(example.incidents().get(0).errorRate()).isEqualTo(0.25);
        assertThat(example.incidents().get(1).latencyShiftMs()).isEqualTo(400);
        assertThat(example.incidents().get(1).errorRate()).as("unset: the baseline applies").isNegative();
        assertThatThrownBy(() -> Scenario.parse("incidents:\n  - {service: a, at: 1m, duration: 1m, errorRat: 0.5}\n",
                "typo.yaml")).isInstanceOf(IOException.class).hasMessageContaining("unknown field incidents[0].errorRat");
        assertThatThrownBy(() -> Scenario.parse("incidents:\n  - {service: a, duration: 1m}\n", "x.yaml"))
                .hasMessageContaining("incidents[0].at is required");
    }

    @Test
    void sloSetsAreValidAndSpreadOverServices() throws Exception {
        final List<String> services = EventFactory.services(4, Scenario.STEADY);
        final var parsed = SloSpecParser.parseYaml(SloSet.yaml(services, 12), "test");
        assertThat(parsed).hasSize(12);
        assertThat(parsed).extracting(p -> p.spec().service()).isSubsetOf(services);
        assertThat(parsed.get(0).spec().id()).isEqualTo("svc-00000-availability");
        assertThat(parsed.get(4).spec().id()).isEqualTo("svc-00000-latency");
        assertThat(parsed.get(8).spec().selector()).containsEntry("operation", "GET /api/op-0");
    }

    @Test
    void ndjsonReplaysAndTheIncidentAlerts() throws Exception {
        final Scenario s = new Scenario(new Scenario.Baseline(0, 40, 0), List.of(new Scenario.Incident("svc-00001",
                Duration.ofMinutes(5), Duration.ofMinutes(5), 0.5, 0, "")));
        final Path events = generate(dir.resolve("replay.ndjson"), s, 3, 45_000, 50);
        final Path slos = Files.writeString(dir.resolve("slos.yaml"),
                SloSet.yaml(EventFactory.services(3, Scenario.STEADY), 3));
        final Path out = dir.resolve("out");
        assertThat(BurnrateCli.run("replay", "--slos", slos.toString(), "--events", events.toString(), "--out",
                out.toString())).isZero();
        final List<String> alerts = Files.readAllLines(out.resolve("alerts.ndjson"));
        assertThat(alerts).isNotEmpty().allSatisfy(a -> assertThat(a).contains("\"service\":\"svc-00001\""));
        assertThat(alerts).anySatisfy(a -> assertThat(a).contains("\"rule\":\"page-1h-5m\"", "\"state\":\"firing\""));
    }

    @Test
    void cliWritesNdjsonAndRejectsUnusableInput() throws Exception {
        final Path out = dir.resolve("cli.ndjson");
        assertThat(LoadtestCli.run("generate", "--no-kafka", "--out", out.toString(), "--rate", "0", "--events",
                "500", "--services", "3", "--start", "2026-03-02T00:00:00Z", "--slos", "6", "--slos-out",
                dir.resolve("slos.yaml").toString())).isZero();
        assertThat(Files.readAllLines(out)).hasSize(500);
        assertThat(SloSpecParser.parseFile(dir.resolve("slos.yaml"))).hasSize(6);
        final Path bad = Files.writeString(dir.resolve("bad.yaml"), "incidents: 3\n");
        assertThat(LoadtestCli.run("generate", "--no-kafka", "--out", out.toString(), "--events", "5", "--scenario",
                bad.toString())).isEqualTo(LoadtestCli.UNUSABLE_INPUT);
        assertThat(LoadtestCli.run("generate", "--no-kafka", "--events", "5")).isEqualTo(LoadtestCli.UNUSABLE_INPUT);
    }

    private static Path generate(final Path file, final Scenario scenario, final int services, final long events,
                                 final double eventTimeRate) throws Exception {
        final List<Generator.Sink> sinks = new ArrayList<>();
        sinks.add(new Generator.NdjsonSink(file));
        new Generator(new Generator.Config(EventFactory.services(services, scenario), 4, 0, events, null, T0,
                eventTimeRate, false, scenario, 9, null)).run(sinks, null, () -> false);
        sinks.get(0).close();
        return file;
    }
}
