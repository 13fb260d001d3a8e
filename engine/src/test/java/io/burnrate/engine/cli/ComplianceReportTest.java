package io.burnrate.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.burnrate.engine.testing.Cli;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.ComplianceSummary;
import io.burnrate.schemas.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 31 days of synthetic traffic with known counts through {@code burnrate replay}, then
 * {@code burnrate report}: the January summaries against numbers computed here.
 *
 * <p>Traffic: January 2026 (UTC), one {@code checkout} request every 30 s, 2,880 a day,
 * 89,280 in all (index i = 0 .. 89,279). Bad: every i divisible by 250 (0, 250, ..., 89,250:
 * 358 requests) and a 30-minute outage on January 20 from 10:00 (i = 19 x 2,880 + 1,200 =
 * 55,920 to 55,979: 60 requests, none divisible by 250). Latency: 1 + (i x 7,919 mod 2,000)
 * ms, plus 5,000 ms for every 97th request.
 *
 * <pre>
 * checkout-monthly (calendar month, UTC, 99.5 %): total 89,280, bad 418, good 88,862
 *   sli = 88,862 / 89,280 = 0.995318 (6 decimals): met
 *   allowedBad = 446.4; remainingFraction = 1 - 418 / 446.4 = 0.063620
 * checkout-30d (rolling 30d, 99.5 %): the rolling summary as January 31 closes covers
 *   [Jan 2, Feb 1): January 1 (2,880 requests, 12 bad: i = 0 .. 2,750) left out:
 *   total 86,400, bad 406
 * </pre>
 */
class ComplianceReportTest {

    private static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
    private static final int EVENTS = 31 * 2880;

    @TempDir
    static Path dir;

    private static List<ComplianceSummary> summaries;
    private static List<AlertTransition> alerts;
    private static double[] latencies;
    private static String replayErr;

    @BeforeAll
    static void replay() throws IOException {
        Files.writeString(dir.resolve("slos.yaml"), String.join("\n",
                "apiVersion: burnrate/v1", "kind: SLO", "metadata: {name: checkout-monthly}", "spec:",
                "  service: checkout", "  indicator: {availability: {badStatusMin: 500}}", "  objective: 99.5",
                "  window: {calendar: month, timeZone: UTC}", "---",
                "apiVersion: burnrate/v1", "kind: SLO", "metadata: {name: checkout-30d}", "spec:",
                "  service: checkout", "  indicator: {availability: {badStatusMin: 500}}", "  objective: 99.5",
                "  window: 30d", ""));
        latencies = new double[EVENTS];
        try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("events.ndjson"))) {
            for (int i = 0; i < EVENTS; i++) {
                final boolean outage = i >= 55_920 && i < 55_980;
                final boolean bad = i % 250 == 0 || outage;
                final long latency = 1 + (i * 7_919L) % 2_000 + (i % 97 == 0 ? 5_000 : 0);
                latencies[i] = latency;
                w.write("{\"service\":\"checkout\",\"timestamp\":\"" + JAN.plusSeconds(30L * i) + "\",\"latencyMs\":"
                        + latency + ",\"status\":" + (bad ? 503 : 200) + "}\n");
            }
        }
        Arrays.sort(latencies);
        final Cli.Run run = Cli.run("replay", "--slos", dir.resolve("slos.yaml").toString(), "--events",
                dir.resolve("events.ndjson").toString(), "--out", dir.resolve("out").toString());
        assertThat(run.code()).as(run.err()).isZero();
        replayErr = run.err();
        summaries = new ArrayList<>();
        for (final String line : Files.readAllLines(dir.resolve("out/compliance.ndjson"))) {
            summaries.add(Json.MAPPER.readValue(line, ComplianceSummary.class));
        }
        alerts = new ArrayList<>();
        for (final String line : Files.readAllLines(dir.resolve("out/alerts.ndjson"))) {
            alerts.add(Json.MAPPER.readValue(line, AlertTransition.class));
        }
    }

    private static List<ComplianceSummary> of(final String slo, final String kind) {
        return summaries.stream().filter(s -> s.sloId().equals(slo) && s.period().kind().equals(kind)).toList();
    }

    @Test
    void shouldSummarizeTheMonthExactly() {
        assertThat(replayErr).contains("89280 accepted");
        final List<ComplianceSummary> months = of("checkout-monthly", "month");
        assertThat(months).hasSize(1);
        final ComplianceSummary jan = months.get(0);
        assertThat(jan.period()).isEqualTo(new ComplianceSummary.Period("month", JAN,
                Instant.parse("2026-02-01T00:00:00Z")));
        assertThat(jan.total()).isEqualTo(89_280);
        assertThat(jan.bad()).isEqualTo(418);
        assertThat(jan.good()).isEqualTo(88_862);
        assertThat(String.format(Locale.ROOT, "%.6f", jan.sli())).isEqualTo("0.995318");
        assertThat(jan.met()).isTrue();
        assertThat(jan.errorBudget().allowedBad()).isCloseTo(446.4, within(1e-9));
        assertThat(String.format(Locale.ROOT, "%.6f", jan.errorBudget().remainingFraction())).isEqualTo("0.063620");
        for (final double[] q : new double[][] {{0.50, jan.latency().p50Ms()}, {0.95, jan.latency().p95Ms()},
                {0.99, jan.latency().p99Ms()}}) {
            final double exact = latencies[(int) Math.floor(q[0] * (EVENTS - 1))];
            assertThat(q[1]).as("p%s (exact %s)", q[0], exact).isCloseTo(exact, within(exact * 0.01));
        }
    }

    @Test
    void shouldCountTheOutagesAlertsAndTimeInAlertAsTheAlertTopicSaysThem() {
        final ComplianceSummary jan = of("checkout-monthly", "month").get(0);
        final List<AlertTransition> monthly = alerts.stream().filter(a -> a.sloId().equals("checkout-monthly")).toList();
        final long pages = monthly.stream().filter(a -> a.severity().equals("page") && a.state().equals("firing")).count();
        final long tickets = monthly.stream().filter(a -> a.severity().equals("ticket") && a.state().equals("firing"))
                .count();
        assertThat(pages).as("the outage pages").isPositive();
        assertThat(jan.alerts()).isEqualTo(new ComplianceSummary.Alerts(pages, tickets));
        // union of the intervals during which any rule fires
        Instant since = null;
        int firing = 0;
        Duration union = Duration.ZERO;
        for (final AlertTransition a : monthly) {
            if (a.state().equals("firing")) {
                if (firing++ == 0) {
                    since = a.at();
                }
            } else if (--firing == 0) {
                union = union.plus(Duration.between(since, a.at()));
            }
        }
        if (firing > 0) {
            union = union.plus(Duration.between(since, JAN.plusSeconds(30L * (EVENTS - 1))));
        }
        assertThat(jan.timeInAlert()).isEqualTo(union);
        // customer-impact minutes: the outage's 30, and each minute with one of the 358 scattered bad
        // requests (1 bad of 2: 50 % bad against a 0.5 % budget, burn 100)
        assertThat(jan.badMinutes()).isEqualTo(30 + 358);
    }

    @Test
    void shouldSummarizeEveryHourAndDayAndTheRollingWindow() {
        assertThat(of("checkout-30d", "hour")).hasSize(31 * 24);
        final List<ComplianceSummary> days = of("checkout-30d", "day");
        assertThat(days).hasSize(31);
        assertThat(days.stream().mapToLong(ComplianceSummary::total).sum()).isEqualTo(89_280);
        assertThat(days.stream().mapToLong(ComplianceSummary::bad).sum()).isEqualTo(418);
        final List<ComplianceSummary> rolling = of("checkout-30d", "rolling");
        assertThat(rolling).hasSize(31);
        final ComplianceSummary last = rolling.get(30);
        assertThat(last.period()).isEqualTo(new ComplianceSummary.Period("rolling",
                Instant.parse("2026-01-02T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z")));
        assertThat(last.total()).isEqualTo(86_400);
        assertThat(last.bad()).isEqualTo(406);
        assertThat(of("checkout-monthly", "rolling")).as("calendar SLOs summarize periods, not a trailing window")
                .isEmpty();
    }

    @Test
    void shouldPrintATableForATerminal() {
        final Cli.Run run = Cli.run("report", "--in", dir.resolve("out").toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("checkout-monthly").contains("month")
                .contains("0.995318 (88862 good / 89280 requests; 418 bad of 446.4 allowed)")
                .contains("[#...................]").contains("6.4%");
        assertThat(run.out().lines().filter(l -> l.startsWith("checkout-monthly ") && l.contains(" hour "))).isEmpty();
        final Cli.Run hours = Cli.run("report", "--in", dir.resolve("out").toString(), "--kind", "hour",
                "--slo", "checkout-30d");
        assertThat(hours.out().lines().filter(l -> l.startsWith("checkout-30d "))).hasSize(744);
        final Cli.Run missing = Cli.run("report", "--in", dir.resolve("nowhere").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read").contains("compliance.ndjson");
    }
}
