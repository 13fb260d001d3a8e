package io.burnrate.engine.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.testing.Cli;
import io.burnrate.engine.testing.Specs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code burnrate backtest} refuses unusable input with exit code 2 and one line, before replaying anything. */
class BacktestCommandTest {

    @TempDir
    Path dir;
    Path slos;
    Path events;

    @BeforeEach
    void files() throws Exception {
        slos = dir.resolve("slos.yaml");
        Files.writeString(slos, Specs.availabilityYaml("api-availability", "api", 0));
        events = dir.resolve("events.ndjson");
        Files.writeString(events, "{\"service\":\"api\",\"timestamp\":\"2026-03-02T00:00:00Z\",\"status\":200}\n");
    }

    @Test
    void shouldRefuseAnUnknownPolicyName() {
        final Cli.Run r = Cli.run("backtest", "--slos", slos.toString(), "--events", events.toString(), "--policy",
                "google-31d", "--out", dir.resolve("out").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("burnrate backtest: --policy google-31d: neither 'own', a named policy")
                .doesNotContain("Exception");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void shouldRefuseABadIncidentLineNamingIt() throws Exception {
        final Path incidents = dir.resolve("incidents.ndjson");
        Files.writeString(incidents, "{\"service\":\"api\",\"start\":\"2026-03-02T00:00:00Z\",\"end\":\"2026-03-02T01:00:00Z\"}\n"
                + "{\"service\":\"api\",\"start\":\"yesterday\",\"end\":\"2026-03-02T01:00:00Z\"}\n");
        final Cli.Run r = Cli.run("backtest", "--slos", slos.toString(), "--events", events.toString(), "--incidents",
                incidents.toString(), "--out", dir.resolve("out").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("incidents.ndjson line 2: start: must be an RFC 3339 time").doesNotContain("Exception");
    }

    @Test
    void shouldRefuseTheSamePolicyTwice() {
        final Cli.Run r = Cli.run("backtest", "--slos", slos.toString(), "--events", events.toString(), "--policy",
                "sloth-7d", "--policy", "sloth-7d", "--out", dir.resolve("out").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("a policy named sloth-7d is already listed");
    }

    @Test
    void shouldRunWithTheSlosOwnPolicyByDefault() {
        final Cli.Run r = Cli.run("backtest", "--slos", slos.toString(), "--events", events.toString(), "--out",
                dir.resolve("out").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("own").contains("no incidents (derived)");
        assertThat(dir.resolve("out").resolve(Backtest.JSON_FILE)).isNotEmptyFile();
        assertThat(dir.resolve("out").resolve("replay").resolve("alerts.ndjson")).exists();
    }
}
