package io.burnrate.engine.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.testing.Cli;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.schemas.BacktestReport;
import io.burnrate.schemas.Json;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backtest --guard-cost}: what the history guard costs in time to detect.
 *
 * <pre>
 * SLO 99.9 % (budget 0.1 %), 30d, one rule: page 2 % over 1h / 5m, threshold 2 % x 720 h / 1 h = 14.4
 * traffic: 1 request/s from 00:00; 00:00-00:10 all bad (the incident), then 50 min good
 * without the guard: the first request (00:00:00) burns 1 / 1 / 0.001 = 1,000 in both windows: page at 0 s
 * with the guard: the rule may start firing once the SLO has 5 min (its short window) of history:
 *                 the request at 00:05:00 fires it: 300 s
 * both resolve at the same time (the short window falls below 14.4 % x 0.1 %), one page each, none false
 * guardCost = {delayed 1, missed 0, meanDelay 300, maxDelay 300, pages without 1, false pages without 0}
 * </pre>
 */
class GuardCostTest {

    @TempDir
    Path dir;

    @Test
    void shouldShowTheGuardsDelayPerPolicy() throws Exception {
        final Path slos = dir.resolve("slos.yaml");
        Files.writeString(slos, Specs.availabilityYaml("api-availability", "api", 0).replace("policy: google-30d",
                "policy: [{severity: page, budgetPercent: 2, longWindow: 1h, shortWindow: 5m}]"));
        final Path events = dir.resolve("events.ndjson");
        final Traffic api = Traffic.of("api", 1.0, Traffic.T0);
        final List<Traffic.Event> list = new ArrayList<>(api.next(Duration.ofMinutes(10), Traffic.all()));
        list.addAll(api.next(Duration.ofMinutes(50), Traffic.none()));
        try (BufferedWriter w = Files.newBufferedWriter(events, StandardCharsets.UTF_8)) {
            for (final Traffic.Event e : list) {
                w.write(e.json());
                w.write('\n');
            }
        }
        final Path incidents = dir.resolve("incidents.ndjson");
        Files.writeString(incidents, "{\"service\":\"api\",\"start\":\"" + Traffic.T0 + "\",\"end\":\""
                + Traffic.T0.plus(Duration.ofMinutes(10)) + "\",\"label\":\"outage\"}\n");
        final Path out = dir.resolve("out");
        final Cli.Run run = Cli.run("backtest", "--slos", slos.toString(), "--events", events.toString(),
                "--incidents", incidents.toString(), "--guard-cost", "--out", out.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err()).contains("x 2 (with and without the history guard) = 2 SLOs");
        assertThat(run.out()).contains("GUARD COST").contains("+5m00s, 1 delayed, 0 false pages off");

        final BacktestReport report = Json.MAPPER.readValue(out.resolve(Backtest.JSON_FILE).toFile(),
                BacktestReport.class);
        final BacktestReport.Policy own = report.policies().get(0);
        assertThat(report.policies()).hasSize(1);
        assertThat(own.pages()).isEqualTo(1);
        assertThat(own.timeToDetect().mean()).isEqualTo(300.0);
        assertThat(own.guardCost()).isEqualTo(new BacktestReport.GuardCost(1, 0, 300.0, 300.0, 1, 0));
        assertThat(report.incidents().get(0).detections()).singleElement()
                .satisfies(d -> assertThat(d.timeToDetect()).isEqualTo(300.0));
        assertThat(Files.readString(out.resolve(Backtest.HTML_FILE))).contains("<th>guard cost");

        // without the flag: not measured, no column
        final Cli.Run plain = Cli.run("backtest", "--slos", slos.toString(), "--events", events.toString(),
                "--incidents", incidents.toString(), "--out", dir.resolve("plain").toString());
        assertThat(plain.code()).isZero();
        assertThat(plain.out()).doesNotContain("GUARD COST");
        assertThat(Json.MAPPER.readValue(dir.resolve("plain").resolve(Backtest.JSON_FILE).toFile(),
                BacktestReport.class).policies().get(0).guardCost()).isNull();
    }
}
