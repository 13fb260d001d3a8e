package io.burnrate.engine.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.burnrate.engine.testing.Chromium;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance back-test, every number worked out by hand.
 *
 * <p>Two 99.9 % / 30d availability SLOs (error budget 0.001, so burn rate = bad ratio /
 * 0.001), each service one request every 10 s from T0 = 2026-03-02T00:00Z (360 an hour,
 * 8,640 a day) until T0 + 4d22h, interleaved by time:
 * <ul>
 *   <li>{@code api-availability} (service api): a 10-minute 100 % outage at 1d00:00
 *       (labelled), 2 % errors for 2 hours at 4d06:00 (labelled; the first of every 50
 *       requests fails: bad at +0 s, +500 s, ..., +7000 s, 15 in all), and a 3-minute
 *       100 % blip at 4d20:00 that no incident lists.</li>
 *   <li>{@code web-availability} (service web): a 3-day slow burn at 1.5x from 1d12:00
 *       (labelled): 3 bad in every 2,000 requests (indices 0, 666 and 1333 of each 2,000),
 *       0.15 % = 1.5 x 0.001.</li>
 * </ul>
 *
 * <p>Thresholds are derived from the SLO's own 30d window (as the engine does):
 * google-30d 14.4 (page 1h/5m), 6 (page 6h/30m), 3 (ticket 1d/2h), 1 (ticket 3d/6h);
 * sloth-7d (budget shares 8, 12.5, 20, 42 %) 0.08x720 = 57.6, 0.125x120 = 15,
 * 0.2x30 = 6, 0.42x10 = 4.2; page-only (a file) 14.4 and 6. A rule fires at the first
 * event after which its long and short windows both burn above the threshold. Window
 * contents at an event at time t (docs/architecture.md): 1h = 5-s buckets, [t-3595 s, t]
 * = 360 requests; 5m = 1-s buckets, [t-299 s, t] = 30 requests; 30m = [t-1795 s, t] =
 * 180; 6h = 1-min buckets, about 2,160; 1d and 3d = 10-min buckets.
 */
class BacktestAcceptanceTest {

    static final Instant T0 = Traffic.T0;
    static final Instant OUTAGE = T0.plus(Duration.ofDays(1));
    static final Instant TWO_PERCENT = T0.plus(Duration.ofDays(4)).plus(Duration.ofHours(6));
    static final Instant BLIP = T0.plus(Duration.ofDays(4)).plus(Duration.ofHours(20));
    static final Instant SLOW = T0.plus(Duration.ofDays(1)).plus(Duration.ofHours(12));
    static final Instant END = T0.plus(Duration.ofDays(4)).plus(Duration.ofHours(22));
    static final String PAGE_ONLY = """
            # the Workbook's two page rules, no tickets
            sloWindow: 30d
            windows:
              - {severity: page, budgetPercent: 2, longWindow: 1h, shortWindow: 5m}
              - {severity: page, budgetPercent: 5, longWindow: 6h, shortWindow: 30m}
            """;

    @TempDir
    static Path dir;
    static Cli.Run run;
    static BacktestReport report;

    @BeforeAll
    static void runTheBacktest() throws Exception {
        Files.writeString(dir.resolve("slos.yaml"), Specs.availabilityYaml("api-availability", "api", 0) + "---\n"
                + Specs.availabilityYaml("web-availability", "web", 0));
        Files.writeString(dir.resolve("page-only.yaml"), PAGE_ONLY);
        writeEvents(dir.resolve("events.ndjson"));
        Files.writeString(dir.resolve("incidents.ndjson"), String.join("\n",
                "{\"service\":\"api\",\"start\":\"" + OUTAGE + "\",\"end\":\"" + OUTAGE.plus(Duration.ofMinutes(10))
                        + "\",\"label\":\"outage\"}",
                "{\"service\":\"api\",\"sloId\":\"api-availability\",\"start\":\"" + TWO_PERCENT + "\",\"end\":\""
                        + TWO_PERCENT.plus(Duration.ofHours(2)) + "\",\"label\":\"2pct\"}",
                "{\"service\":\"web\",\"start\":\"" + SLOW + "\",\"end\":\"" + SLOW.plus(Duration.ofDays(3))
                        + "\",\"label\":\"slow-burn\"}") + "\n");
        run = Cli.run("backtest", "--slos", dir.resolve("slos.yaml").toString(), "--events",
                dir.resolve("events.ndjson").toString(), "--policy", "google-30d", "--policy", "sloth-7d",
                "--policy", dir.resolve("page-only.yaml").toString(), "--incidents",
                dir.resolve("incidents.ndjson").toString(), "--out", dir.resolve("out").toString());
        report = Json.MAPPER.readValue(dir.resolve("out").resolve(Backtest.JSON_FILE).toFile(), BacktestReport.class);
    }

    /** Both services' requests, in time order (one partition: a late one would be dead-lettered). */
    static void writeEvents(final Path file) throws Exception {
        final List<Traffic.Event> events = new ArrayList<>();
        final Traffic api = Traffic.of("api", 0.1, T0);
        events.addAll(api.next(Duration.between(T0, OUTAGE), Traffic.none()));
        events.addAll(api.next(Duration.ofMinutes(10), Traffic.all()));
        events.addAll(api.next(Duration.between(OUTAGE.plus(Duration.ofMinutes(10)), TWO_PERCENT), Traffic.none()));
        events.addAll(api.next(Duration.ofHours(2), i -> i % 50 == 0));
        events.addAll(api.next(Duration.between(TWO_PERCENT.plus(Duration.ofHours(2)), BLIP), Traffic.none()));
        events.addAll(api.next(Duration.ofMinutes(3), Traffic.all()));
        events.addAll(api.next(Duration.between(BLIP.plus(Duration.ofMinutes(3)), END), Traffic.none()));
        final Traffic web = Traffic.of("web", 0.1, T0);
        events.addAll(web.next(Duration.between(T0, SLOW), Traffic.none()));
        final LongPredicate slowBurn = i -> i % 2000 == 0 || i % 2000 == 666 || i % 2000 == 1333;
        events.addAll(web.next(Duration.ofDays(3), slowBurn));
        events.addAll(web.next(Duration.between(SLOW.plus(Duration.ofDays(3)), END), Traffic.none()));
        events.sort(Comparator.comparingLong(Traffic.Event::timestamp)); // stable: api before web at equal times
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (final Traffic.Event e : events) {
                w.write(e.json());
                w.write('\n');
            }
        }
    }

    @Test
    void shouldRunAndPrintTheComparisonTable() {
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("POLICY").contains("google-30d").contains("sloth-7d").contains("page-only");
        assertThat(run.err()).contains("replaying").contains("2 SLOs x 3 policies = 6 SLOs");
        // 2 services x 4d22h x 360 an hour
        assertThat(report.events()).isEqualTo(2L * 118 * 360);
        assertThat(report.policies()).extracting(BacktestReport.Policy::name)
                .containsExactly("google-30d", "sloth-7d", "page-only");
    }

    /**
     * The outage (all of api's requests fail from 1d00:00, one every 10 s: the k-th bad at
     * +10(k-1) s; the windows before it are clean).
     * <ul>
     *   <li>google-30d and page-only, page 1h/5m: 1h burn > 14.4 means bad/360 > 0.0144, bad > 5.184,
     *       so the 6th bad request, at +50 s (5m: 6/30 > 0.0144). Continuous: 0.0144 x 3600 s = 51.8 s.
     *       That is the first alert (the 3d/6h ticket needs bad/(8,640+bad) > 0.001, the 9th bad, +80 s).
     *       Budget spent before it: burn 1000 for 50/60 min of 43,200 = 1.929 %.</li>
     *   <li>sloth-7d, page 1h/5m at 57.6: bad/360 > 0.0576, bad > 20.7, the 21st bad, at +200 s
     *       (before its 3d/6h ticket at 4.2: bad/(8,640+bad) > 0.0042, the 37th bad, +360 s).
     *       Budget: 1000 x (200/60) / 43,200 = 7.716 %.</li>
     * </ul>
     */
    @Test
    void shouldDetectTheOutageAsHandComputed() {
        final BacktestReport.Incident outage = incident("outage");
        assertDetection(outage, "google-30d", 50.0, 50.0);
        assertDetection(outage, "sloth-7d", 200.0, 200.0);
        assertDetection(outage, "page-only", 50.0, 50.0);
        assertThat(detection(outage, "google-30d").firstAlert()).isEqualTo("api-availability.google-30d/page-1h-5m");
        assertThat(detection(outage, "google-30d").budgetConsumedPercent()).isCloseTo(100.0 * 1000 * 50 / 60 / 43_200,
                within(0.001));
        assertThat(detection(outage, "sloth-7d").budgetConsumedPercent()).isCloseTo(100.0 * 1000 * 200 / 60 / 43_200,
                within(0.001));
    }

    /**
     * 2 % errors on api: bad at +0, +500, ..., +7000 s (15). The outage left the 3d window at
     * 4d00:10, so every window is clean before it.
     * <ul>
     *   <li>google-30d and page-only, page 1h/5m: bad/360 > 0.0144 needs 6 bad in the hour: the
     *       6th, at +2,500 s (5m holds it). No ticket before: 3d/6h needs bad > 25.9, the incident has
     *       15; 1d/2h needs bad/8,640 > 0.003. Continuous: 0.02 t / 1 h > 0.0144 at t = 43.2 min.</li>
     *   <li>sloth-7d: page 1h/5m needs 21 bad in an hour (at most 8 here), page 6h/30m bad/2,160 >
     *       0.015 (33), tickets 52 and 109: missed.</li>
     * </ul>
     */
    @Test
    void shouldDetectTheTwoPercentIncidentAsHandComputed() {
        final BacktestReport.Incident twoPercent = incident("2pct");
        assertDetection(twoPercent, "google-30d", 2500.0, 2500.0);
        assertDetection(twoPercent, "page-only", 2500.0, 2500.0);
        assertMissed(twoPercent, "sloth-7d");
    }

    /**
     * The slow burn on web: 3 bad in 2,000 from 1d12:00 (36 h of clean history). Only the
     * 3d/6h ticket of google-30d can fire (threshold 1; 1h holds at most 1 bad: 2.8 < 14.4,
     * 6h at most 4: 1.85 < 6, 1d about 13: 1.5 < 3, 2h at most 2: 2.8 < 3).
     * 3d window (10-min buckets) once full (t >= 36 h into the incident): 25,860 + a few
     * requests, so it needs bad > 25.87: the 26th bad request, index 8 x 2,000 + 666 =
     * 16,666, at +166,660 s = 46.3 h (continuous: 1.5 t / 72 h > 1 at 48 h; before 36 h the
     * window is not full and 1.5 t / (36 h + t) < 1). The 6h window always holds 3 or 4 bad
     * (gaps of 6,660-6,670 s): 3 / 2,160 > 0.001. sloth-7d (4.2) and page-only (no ticket)
     * miss it; spent while missed: 39 bad in 3 days (12 x 3 + 3) / (0.001 x 259,200 requests
     * in 30 days) = 15.05 %.
     */
    @Test
    void shouldDetectTheSlowBurnOnlyWithTheThreeDayTicket() {
        final BacktestReport.Incident slow = incident("slow-burn");
        assertDetection(slow, "google-30d", 166_660.0, null);
        assertThat(detection(slow, "google-30d").firstAlert()).isEqualTo("web-availability.google-30d/ticket-3d-6h");
        assertMissed(slow, "sloth-7d");
        assertMissed(slow, "page-only");
        assertThat(detection(slow, "page-only").budgetConsumedPercent()).isCloseTo(100.0 * 39 / 259.2, within(0.001));
    }

    /**
     * Pages, false pages, misses, tickets and flaps per policy.
     * <ul>
     *   <li>google-30d and page-only pages: outage 2 (1h/5m at +50 s, 6h/30m at +130 s: bad/2,160 >
     *       0.006 needs 13); the 2 % incident 11: 6h/30m once (the 13th bad, +6,000 s) and 1h/5m ten
     *       times, because its 5m window (30 requests) empties 300 s after each bad request (it resolves
     *       at +2,800 s and fires again with the next bad at +3,000 s, ... up to +7,000 s): 9 flaps
     *       within the 15m gap; the blip 2 (1h/5m at its 6th bad, 6h/30m at its 13th): false,
     *       no incident. 15 pages, 2 false, actionable 13/15.</li>
     *   <li>sloth-7d: only the outage pages (1h/5m at +200 s, 6h/30m at +320 s: 33 / 2,157 > 0.015);
     *       the blip's 18 bad stay under 21 in an hour. Tickets: the outage's 3d/6h (+360 s) and 1d/2h
     *       (bad/(8,580+bad) > 0.006, the 52nd bad, +510 s).</li>
     *   <li>google-30d tickets: outage 3d/6h (+80 s) and 1d/2h (bad/(8,580+bad) > 0.003, the 26th bad,
     *       +250 s); blip 3d/6h and 1d/2h ((15 + bad) over the 3d and 1d totals: the 11th blip request);
     *       slow burn 3d/6h: 5.</li>
     * </ul>
     */
    @Test
    void shouldCountPagesFalsePagesAndMissesAsHandComputed() {
        final BacktestReport.Policy google = policy("google-30d");
        assertThat(google.pages()).isEqualTo(15);
        assertThat(google.falsePages()).isEqualTo(2);
        assertThat(google.tickets()).isEqualTo(5);
        assertThat(google.detectedIncidents()).isEqualTo(3);
        assertThat(google.pagedIncidents()).isEqualTo(2);
        assertThat(google.missedIncidents()).isZero();
        assertThat(google.actionableShare()).isCloseTo(13.0 / 15, within(1e-9));
        assertThat(google.flaps()).isEqualTo(9);
        // times to detect 50, 2,500 and 166,660 s: mean 56,403.3, nearest-rank p50 2,500, p90 166,660
        assertTime(google.timeToDetect().mean(), (50 + 2500 + 166_660) / 3.0);
        assertTime(google.timeToDetect().p50(), 2500.0);
        assertTime(google.timeToDetect().p90(), 166_660.0);
        assertTime(google.timeToPage().p50(), 50.0);
        assertTime(google.timeToPage().p90(), 2500.0);

        final BacktestReport.Policy sloth = policy("sloth-7d");
        assertThat(sloth.pages()).isEqualTo(2);
        assertThat(sloth.falsePages()).isZero();
        assertThat(sloth.tickets()).isEqualTo(2);
        assertThat(sloth.detectedIncidents()).isEqualTo(1);
        assertThat(sloth.missedIncidents()).isEqualTo(2);
        assertThat(sloth.actionableShare()).isEqualTo(1.0);
        assertThat(sloth.flaps()).isZero();
        assertTime(sloth.timeToDetect().p50(), 200.0);

        final BacktestReport.Policy pageOnly = policy("page-only");
        assertThat(pageOnly.pages()).isEqualTo(15);
        assertThat(pageOnly.falsePages()).isEqualTo(2);
        assertThat(pageOnly.tickets()).isZero();
        assertThat(pageOnly.detectedIncidents()).isEqualTo(2);
        assertThat(pageOnly.missedIncidents()).isEqualTo(1);
        assertThat(pageOnly.flaps()).isEqualTo(9);
        assertTime(pageOnly.timeToDetect().mean(), (50 + 2500) / 2.0);
        // history from the first request to the last, 10 s before 4d22h: (118 h - 10 s) / 168 h weeks
        assertThat(pageOnly.pagesPerWeek()).isCloseTo(15 / ((118 * 3600.0 - 10) / (168 * 3600)), within(1e-9));
    }

    @Test
    void shouldWriteAPageChromiumRenders() throws Exception {
        final Path html = dir.resolve("out").resolve(Backtest.HTML_FILE);
        final String text = Files.readString(html);
        // self-contained: nothing to fetch, no script
        assertThat(text.contains("http://") || text.contains("https://") || text.contains("<script")).as("fetches or runs")
                .isFalse();
        assertThat(text).contains("<svg").contains("<polyline");
        assumeTrue(Chromium.available(), Chromium.SKIP_REASON + "; the page's markup is still checked above");
        final String dom = Chromium.run(dir, List.of("--dump-dom", html.toUri().toString()));
        // the browser's DOM: both charts, the three policies' rows, incident and alert spans drawn
        assertThat(dom).contains("data-chart=\"api-availability\"").contains("data-chart=\"web-availability\"")
                .contains("data-policy=\"google-30d\"").contains("data-policy=\"sloth-7d\"")
                .contains("data-policy=\"page-only\"").contains("class=\"incident\"").contains("class=\"alert page\"")
                .contains("class=\"threshold\"");
        final Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        Chromium.run(dir, List.of("--screenshot=" + target.resolve("backtest.png"), "--window-size=1100,1400",
                html.toUri().toString()));
        assertThat(target.resolve("backtest.png")).isNotEmptyFile();
    }

    private static void assertDetection(final BacktestReport.Incident i, final String policy, final Double detect,
                                        final Double page) {
        final BacktestReport.Detection d = detection(i, policy);
        assertThat(d.detected()).as(policy + " detects " + i.label()).isTrue();
        assertTime(d.timeToDetect(), detect);
        if (page == null) {
            assertThat(d.paged()).as(policy + " pages for " + i.label()).isFalse();
            assertThat(d.timeToPage()).isNull();
        } else {
            assertThat(d.paged()).as(policy + " pages for " + i.label()).isTrue();
            assertTime(d.timeToPage(), page);
        }
    }

    private static void assertMissed(final BacktestReport.Incident i, final String policy) {
        final BacktestReport.Detection d = detection(i, policy);
        assertThat(d.detected()).as(policy + " misses " + i.label() + " (first alert " + d.firstAlert() + ")").isFalse();
        assertThat(d.timeToDetect()).isNull();
    }

    /** Within max(10 s, 2 %) of the hand-computed time, as the issue allows. */
    private static void assertTime(final Double actual, final double expected) {
        assertThat(actual).isNotNull();
        assertThat(actual).isCloseTo(expected, within(Math.max(10, 0.02 * expected)));
    }

    private static BacktestReport.Incident incident(final String label) {
        return report.incidents().stream().filter(i -> label.equals(i.label())).findFirst().orElseThrow();
    }

    private static BacktestReport.Detection detection(final BacktestReport.Incident i, final String policy) {
        return i.detections().stream().filter(d -> d.policy().equals(policy)).findFirst().orElseThrow();
    }

    private static BacktestReport.Policy policy(final String name) {
        return report.policies().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }
}
