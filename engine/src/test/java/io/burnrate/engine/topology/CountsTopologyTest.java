package io.burnrate.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.burnrate.engine.testing.Drivers;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.ComplianceSummary;
import io.burnrate.schemas.JsonSerde;
import io.burnrate.schemas.StatusSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pre-aggregated counts on {@code burnrate.counts}: the same numbers as the equivalent events, and bad input. */
class CountsTopologyTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final String SLOS = String.join("\n",
            "apiVersion: burnrate/v1", "kind: SLO", "metadata: {name: api-availability}", "spec:", "  service: api",
            "  indicator: {availability: {badStatusMin: 500}}", "  objective: 99", "  window: 30d",
            "---",
            "apiVersion: burnrate/v1", "kind: SLO", "metadata: {name: api-latency}", "spec:", "  service: api",
            "  indicator: {latency: {thresholdMs: 300}}", "  objective: 99", "  window: 30d", "");

    @TempDir
    Path eventsDir;
    @TempDir
    Path countsDir;

    private final List<Drivers.Rig> rigs = new ArrayList<>();

    @AfterEach
    void stop() {
        rigs.forEach(Drivers.Rig::close);
    }

    private Drivers.Rig rig(final EngineConfig config, final Path dir, final Instant wall) {
        final Drivers.Rig r = new Drivers.Rig(config, dir, wall);
        rigs.add(r);
        return r;
    }

    private static TestInputTopic<String, byte[]> counts(final Drivers.Rig rig) {
        return rig.driver.createInputTopic(TopicRole.COUNTS.defaultName(),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The incident: per minute m of the run, how many of its 60 requests failed and how many more were slow. */
    private static int failed(final int m) {
        return m >= 10 && m < 15 ? 30 : 0;
    }

    private static int slow(final int m) {
        return m >= 15 && m < 20 ? 30 : 0;
    }

    /**
     * 66 minutes from 10:00:00Z, 60 requests a minute, against an availability SLO and a
     * latency SLO (300 ms), both 99 % over 30 d with the default policy. Minutes 10-14: 30 of
     * 60 failed; minutes 15-19: 30 of 60 took 500 ms; all else good at 20 ms. Published once
     * as one request event per second and once as one count record per minute
     * ({@code "total": 60, "bad": ..., "latencyOverMs": {"300": ...}}).
     *
     * <p>The equivalence: {@code CountSpreader} puts request k of a minute's 60 at (k + 1/2) s,
     * i.e. in the 1-s bucket of second k, counted at the bucket start; the bad subset of 30
     * puts member j on request floor((j + 1/2) x 60 / 30) = 2j + 1: the odd seconds. So the
     * raw events are one per second, failed (status 500) or slow (500 ms) at odd seconds of
     * the incident minutes. Every window sum, evaluation, sweep and output then matches.
     *
     * <p>Hand-computed (x = seconds since 10:10:00; bad at odd x below 300, total grows by
     * one a second):
     * <pre>
     * page 1h/5m (burn 14.4 = bad share 0.144) fires when both windows exceed 0.144:
     *   1h window: bad = floor((x+1)/2), total = 601 + x
     *     x = 242: 121 / 843 = 0.14353 (no);  x = 243: 122 / 844 = 0.14455 (yes) -> 10:14:03
     *   5m window at x = 243: 300 requests, 122 bad = 0.41 (yes)
     * availability page 1h/5m resolves when the 1h window drops to 0.144 (no more bad after x = 299):
     *   x = 440: 150 / 1041 = 0.14409 (holds);  x = 441: 150 / 1042 = 0.14395 (no) -> 10:17:21
     *   (its 5m window would hold until x = 513: at most 43 bad of 300 first when x - 299 = 214)
     * latency page 1h/5m: 300 bad keep the 1h window above 0.144 until x = 1482, so the 5m window
     *   decides: bad until x = 599, 43 of 300 first at x = 513 + 300 = 813 -> 10:23:33
     * page 6h/30m (burn 6 = 0.06) holds from x = 81 (41 / 682 = 0.0601) but the history guard
     *   waits for 30 min of history (from 10:00:00): fires at 10:30:00
     *   (30m window at 5-s buckets from 10:00:05: availability 150 / 1796 = 0.084, latency 300 / 1796 = 0.167)
     * the hour [10:00, 11:00) closes at 11:05:00 (grace 5m):
     *   availability: total 3600, bad 150, sli 3450/3600 = 0.958333, allowedBad 36, badMinutes 5, pages 2
     *   latency:      total 3600, bad 300, sli 3300/3600 = 0.916667, allowedBad 36, badMinutes 10, pages 2
     * window sums at 10:14:59 (end of minute 14): 5m 300 requests, 150 bad; 1h 900 requests, 150 bad
     * </pre>
     * Compliance summaries of counts carry no latency percentiles (a count record has no
     * latency distribution); everything else in them is equal.
     */
    @Test
    void shouldGiveTheSameWindowsAlertsAndComplianceForOneMinuteCountsAsForTheEquivalentEvents() throws Exception {
        final Drivers.Rig events = rig(Drivers.CONFIG, eventsDir, Instant.EPOCH);
        final Drivers.Rig counted = rig(Drivers.CONFIG, countsDir, Instant.EPOCH);
        events.apply(SLOS);
        counted.apply(SLOS);
        final TestInputTopic<String, byte[]> countsIn = counts(counted);
        final List<TestOutputTopic<String, AlertTransition>> alerts = List.of(
                events.output(Drivers.CONFIG.alertsTopic(), AlertTransition.class),
                counted.output(Drivers.CONFIG.alertsTopic(), AlertTransition.class));
        final List<TestOutputTopic<String, StatusSnapshot>> status = List.of(
                events.output(Drivers.CONFIG.statusTopic(), StatusSnapshot.class),
                counted.output(Drivers.CONFIG.statusTopic(), StatusSnapshot.class));
        final List<TestOutputTopic<String, ComplianceSummary>> compliance = List.of(
                events.output(Drivers.CONFIG.complianceTopic(), ComplianceSummary.class),
                counted.output(Drivers.CONFIG.complianceTopic(), ComplianceSummary.class));
        final List<List<StatusSnapshot>> statusSeen = List.of(new ArrayList<>(), new ArrayList<>());
        for (int m = 0; m < 66; m++) {
            final Instant minute = T0.plusSeconds(60L * m);
            for (int k = 0; k < 60; k++) {
                final Instant at = minute.plusSeconds(k);
                final boolean odd = k % 2 == 1;
                final int st = odd && failed(m) > 0 ? 500 : 200;
                final int latency = odd && slow(m) > 0 ? 500 : 20;
                events.send("api", "{\"service\":\"api\",\"timestamp\":\"" + at + "\",\"latencyMs\":" + latency
                        + ",\"status\":" + st + "}", at.toEpochMilli());
            }
            countsIn.pipeInput("api", utf8("{\"service\":\"api\",\"start\":\"" + minute + "\",\"end\":\""
                    + minute.plusSeconds(60) + "\",\"total\":60,\"bad\":" + failed(m) + ",\"latencyOverMs\":{\"300\":"
                    + slow(m) + "}}"), minute.plusSeconds(60).toEpochMilli());
            for (int i = 0; i < 2; i++) {
                (i == 0 ? events : counted).driver.advanceWallClockTime(Duration.ofSeconds(5));
                statusSeen.get(i).addAll(status.get(i).readValuesToList());
            }
        }
        // alerts: the same transitions, numbers and order
        final List<AlertTransition> fromEvents = alerts.get(0).readValuesToList();
        final List<AlertTransition> fromCounts = alerts.get(1).readValuesToList();
        // (contributors and the description text naming them aside: counts carry no operation to attribute)
        assertThat(fromCounts).hasSameSizeAs(fromEvents);
        assertThat(fromCounts).usingRecursiveComparison().ignoringFields("contributors", "description", "annotations.description")
                .isEqualTo(fromEvents);
        // window sums: every status snapshot (one per SLO per minute, one per transition) is the same
        assertThat(statusSeen.get(1).size()).isEqualTo(2 * 66 + fromCounts.size());
        assertThat(statusSeen.get(1).equals(statusSeen.get(0))).as("the same status snapshots").isTrue();
        final StatusSnapshot minute14 = statusSeen.get(1).stream()
                .filter(s -> s.sloId().equals("api-availability") && s.at().equals(Instant.parse("2026-03-02T10:14:59Z")))
                .findFirst().orElseThrow();
        assertThat(minute14.windows().get(0)).extracting(StatusSnapshot.WindowStatus::window,
                StatusSnapshot.WindowStatus::total, StatusSnapshot.WindowStatus::bad)
                .containsExactly(Duration.ofMinutes(5), 300L, 150L);
        assertThat(minute14.windows().stream().filter(w -> w.window().equals(Duration.ofHours(1))).findFirst()
                .orElseThrow()).extracting(StatusSnapshot.WindowStatus::total, StatusSnapshot.WindowStatus::bad)
                .containsExactly(900L, 150L);

        assertThat(fromCounts).filteredOn(a -> a.rule().contains("1h"))
                .extracting(AlertTransition::sloId, AlertTransition::state, a -> a.at().toString())
                .containsExactly(
                        tuple("api-availability", "firing", "2026-03-02T10:14:03Z"),
                        tuple("api-latency", "firing", "2026-03-02T10:14:03Z"),
                        tuple("api-availability", "resolved", "2026-03-02T10:17:21Z"),
                        tuple("api-latency", "resolved", "2026-03-02T10:23:33Z"));
        assertThat(fromCounts).filteredOn(a -> a.rule().contains("6h") && a.state().equals("firing"))
                .extracting(AlertTransition::sloId, a -> a.at().toString())
                .containsExactly(tuple("api-availability", "2026-03-02T10:30:00Z"),
                        tuple("api-latency", "2026-03-02T10:30:00Z"));

        // compliance: the same summaries but for the latency percentiles counts cannot have
        final List<ComplianceSummary> sumEvents = compliance.get(0).readValuesToList();
        final List<ComplianceSummary> sumCounts = compliance.get(1).readValuesToList();
        assertThat(sumCounts).hasSameSizeAs(sumEvents).isNotEmpty();
        for (int i = 0; i < sumCounts.size(); i++) {
            assertThat(withoutLatency(sumCounts.get(i))).isEqualTo(withoutLatency(sumEvents.get(i)));
            assertThat(sumCounts.get(i).latency() == null || sumCounts.get(i).latency().p99Ms() == null).isTrue();
        }
        final ComplianceSummary hour = sumCounts.stream()
                .filter(s -> s.sloId().equals("api-availability") && s.period().kind().equals("hour")).findFirst()
                .orElseThrow();
        assertThat(hour.period().start()).isEqualTo(T0);
        assertThat(hour.total()).isEqualTo(3600);
        assertThat(hour.bad()).isEqualTo(150);
        assertThat(String.format(Locale.ROOT, "%.6f", hour.sli())).isEqualTo("0.958333");
        assertThat(hour.errorBudget().allowedBad()).isEqualTo(36.0);
        assertThat(hour.badMinutes()).isEqualTo(5);
        assertThat(hour.alerts().page()).isEqualTo(2);
        final ComplianceSummary latencyHour = sumCounts.stream()
                .filter(s -> s.sloId().equals("api-latency") && s.period().kind().equals("hour")).findFirst()
                .orElseThrow();
        assertThat(latencyHour.bad()).isEqualTo(300);
        assertThat(String.format(Locale.ROOT, "%.6f", latencyHour.sli())).isEqualTo("0.916667");
        assertThat(latencyHour.badMinutes()).isEqualTo(10);
        assertThat(counted.built.counters().countRecords.sum()).isEqualTo(66);
    }

    private static String withoutLatency(final ComplianceSummary s) throws Exception {
        final ObjectMapper mapper = new ObjectMapper();
        final ObjectNode tree = (ObjectNode) mapper.readTree(JsonSerde.of(ComplianceSummary.class).serializer()
                .serialize("t", s));
        tree.remove("latency");
        return tree.toString();
    }

    // ---- bad input, idempotence, spreading, matching ----

    private static final String AVAILABILITY = String.join("\n",
            "apiVersion: burnrate/v1", "kind: SLO", "metadata: {name: api-availability}", "spec:", "  service: api",
            "  indicator: {availability: {badStatusMin: 500}}", "  objective: 99", "  window: 30d", "");

    private static String record(final Instant start, final Instant end, final long total, final long bad,
                                 final String more) {
        return "{\"service\":\"api\",\"start\":\"" + start + "\",\"end\":\"" + end + "\",\"total\":" + total
                + ",\"bad\":" + bad + more + "}";
    }

    /** The latest status of each SLO after the next status interval. */
    private static Map<String, StatusSnapshot> latestStatus(final Drivers.Rig rig,
                                                                        final TestOutputTopic<String, StatusSnapshot> out) {
        rig.driver.advanceWallClockTime(Duration.ofSeconds(5));
        final Map<String, StatusSnapshot> latest = new TreeMap<>();
        out.readValuesToList().forEach(st -> latest.put(st.sloId(), st));
        return latest;
    }

    private static long[] window(final StatusSnapshot s, final Duration w) {
        final StatusSnapshot.WindowStatus ws = s.windows().stream().filter(x -> x.window().equals(w)).findFirst()
                .orElseThrow();
        return new long[] {ws.total(), ws.bad()};
    }

    private static String header(final Headers headers, final String key) {
        return new String(headers.lastHeader(key).value(), StandardCharsets.UTF_8);
    }

    /**
     * Wall clock 11:00Z, max.future.skew 5m, counts.max.interval 10m. Refused by the parser
     * (counts-dlq-sink): bad over total, a negative total, a negative bad, an interval ending
     * 10 min ahead of the clock, one of 15 min. Refused by the evaluator (late-dlq-sink):
     * after a record of [10:30, 10:31) moved event time to 10:30:59, one starting at 10:20
     * (more than the 5-min grace behind). Each keeps its key and bytes; only the valid record counts.
     */
    @Test
    void shouldDeadLetterInvalidCountsWithTheirReasons() {
        final Instant wall = T0.plusSeconds(3600);
        final Drivers.Rig rig = rig(Drivers.CONFIG.withMaxFutureSkew(Duration.ofMinutes(5))
                .withCountsMaxInterval(Duration.ofMinutes(10)), countsDir, wall);
        rig.apply(AVAILABILITY);
        final TestInputTopic<String, byte[]> in = counts(rig);
        final TestOutputTopic<String, byte[]> dlq = rig.driver.createOutputTopic(Drivers.CONFIG.dlqTopic(),
                new StringDeserializer(), new ByteArrayDeserializer());
        final TestOutputTopic<String, StatusSnapshot> status = rig.output(Drivers.CONFIG.statusTopic(), StatusSnapshot.class);
        final Instant m30 = T0.plusSeconds(30 * 60);
        final List<String> bad = List.of(
                record(m30, m30.plusSeconds(60), 10, 11, ""),
                record(m30, m30.plusSeconds(60), -1, 0, ""),
                record(m30, m30.plusSeconds(60), 10, -2, ""),
                record(wall.plusSeconds(9 * 60), wall.plusSeconds(10 * 60), 10, 0, ""),
                record(m30, m30.plusSeconds(15 * 60), 10, 0, ""));
        for (int i = 0; i < bad.size(); i++) {
            in.pipeInput("api-" + i, utf8(bad.get(i)), wall.toEpochMilli());
        }
        in.pipeInput("api", utf8(record(m30, m30.plusSeconds(60), 60, 6, "")), wall.toEpochMilli());
        final String late = record(T0.plusSeconds(20 * 60), T0.plusSeconds(21 * 60), 60, 60, "");
        in.pipeInput("api", utf8(late), wall.toEpochMilli());

        final List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).extracting(r -> header(r.headers(), Names.HEADER_REASON)).containsExactly(
                "invalid-counts", "invalid-counts", "invalid-counts", "invalid-timestamp", "invalid-interval", "late");
        assertThat(dead).extracting(TestRecord::key).containsExactly("api-0", "api-1", "api-2", "api-3", "api-4", "api");
        assertThat(header(dead.get(0).headers(), Names.HEADER_DETAIL)).isEqualTo("bad (11) is more than total (10)");
        assertThat(header(dead.get(4).headers(), Names.HEADER_DETAIL))
                .isEqualTo("the interval is 900000 ms, wider than 600000 ms (counts.max.interval)");
        assertThat(new String(dead.get(5).value(), StandardCharsets.UTF_8)).isEqualTo(late);
        assertThat(header(dead.get(5).headers(), Names.HEADER_TOPIC)).isEqualTo(TopicRole.COUNTS.defaultName());
        // only [10:30, 10:31) counted: 60 requests, 6 bad
        assertThat(window(latestStatus(rig, status).get("api-availability"), Duration.ofMinutes(5)))
                .containsExactly(60, 6);
        assertThat(rig.built.counters().rejectedCount("invalid-counts")).isEqualTo(3);
        assertThat(rig.built.counters().rejectedCount("late")).isEqualTo(1);
    }

    /**
     * A retried record (same id, same interval) counts once, whether the copy comes keyed by
     * service or re-keyed through counts-by-service; a record without an id counts each time,
     * and the same id for another interval is another record. Per minute [10:00, 10:01) ...:
     * <pre>
     * id a, 10:00, 60 requests / 6 bad, three times (keys api, null, other)   60 /  6
     * no id, 10:01, 10 / 1, twice                                             20 /  2
     * id a, 10:02 (another interval), 30 / 3                                  30 /  3
     * 5m window                                                              110 / 11
     * </pre>
     */
    @Test
    void shouldCountARetriedRecordOnce() {
        final Drivers.Rig rig = rig(Drivers.CONFIG, countsDir, Instant.EPOCH);
        rig.apply(AVAILABILITY);
        final TestInputTopic<String, byte[]> in = counts(rig);
        final TestOutputTopic<String, StatusSnapshot> status = rig.output(Drivers.CONFIG.statusTopic(), StatusSnapshot.class);
        final byte[] a = utf8(record(T0, T0.plusSeconds(60), 60, 6, ",\"id\":\"relay-1/api/a\""));
        in.pipeInput("api", a);
        in.pipeInput((String) null, a);
        in.pipeInput("other", a);
        final byte[] noId = utf8(record(T0.plusSeconds(60), T0.plusSeconds(120), 10, 1, ""));
        in.pipeInput("api", noId);
        in.pipeInput("api", noId);
        in.pipeInput("api", utf8(record(T0.plusSeconds(120), T0.plusSeconds(180), 30, 3, ",\"id\":\"relay-1/api/a\"")));
        assertThat(window(latestStatus(rig, status).get("api-availability"), Duration.ofMinutes(5)))
                .containsExactly(110, 11);
        assertThat(rig.built.counters().countDuplicates.sum()).isEqualTo(2);
        assertThat(rig.built.counters().countRecords.sum()).isEqualTo(4);
    }

    /**
     * The four parsers of a task share one evaluator: events keyed by their service, events
     * re-keyed through requests-by-service, counts keyed by service and counts re-keyed
     * through counts-by-service all land in the same SLO's windows. In the 5m window:
     * <pre>
     * event keyed "api", 10:00:01, 200          1 / 0
     * event keyed "req-7", 10:00:02, 503        1 / 1
     * counts keyed "api", [10:00:10, 10:00:11)  10 / 2
     * counts keyed null, [10:00:20, 10:00:21)   20 / 3
     *                                           32 / 6
     * </pre>
     */
    @Test
    void shouldCountEventsAndCountsFromEveryParserInTheSameSlo() {
        final Drivers.Rig rig = rig(Drivers.CONFIG, countsDir, Instant.EPOCH);
        rig.apply(AVAILABILITY);
        final TestInputTopic<String, byte[]> in = counts(rig);
        final TestOutputTopic<String, StatusSnapshot> status = rig.output(Drivers.CONFIG.statusTopic(), StatusSnapshot.class);
        rig.requests.pipeInput("api", utf8("{\"service\":\"api\",\"timestamp\":" + T0.plusSeconds(1).toEpochMilli()
                + ",\"latencyMs\":12,\"status\":200}"));
        rig.requests.pipeInput("req-7", utf8("{\"service\":\"api\",\"timestamp\":" + T0.plusSeconds(2).toEpochMilli()
                + ",\"latencyMs\":12,\"status\":503}"));
        in.pipeInput("api", utf8(record(T0.plusSeconds(10), T0.plusSeconds(11), 10, 2, "")));
        in.pipeInput((String) null, utf8(record(T0.plusSeconds(20), T0.plusSeconds(21), 20, 3, "")));
        assertThat(window(latestStatus(rig, status).get("api-availability"), Duration.ofMinutes(5)))
                .containsExactly(32, 6);
        assertThat(rig.driver.createOutputTopic(Drivers.CONFIG.dlqTopic(), new StringDeserializer(),
                new ByteArrayDeserializer()).readRecordsToList()).isEmpty();
    }

    /**
     * Intervals wider than a bucket are spread as CountSpreader documents (request k of n at
     * (k + 1/2) x D / n, the bad subset over the requests), so a window edge inside an
     * interval takes the share on its side:
     * <pre>
     * [10:00:00, 10:10:00), 600 requests, 60 bad: request k at k + 0.5 s; bad j = request 10j + 5
     * then one good event at 10:12:00; the 5m window is [10:07:01, 10:12:00]:
     *   requests 421 .. 599 = 179, bad 425, 435, .. 595 = 18; with the event 180 / 18
     *   the 30m window: 601 / 60
     * [10:20:00, 10:21:30), 4 requests, 1 bad: at 11.25, 33.75, 56.25, 78.75 s; the bad one is request
     *   floor(0.5 x 4 / 1) = 2 (56.25 s); then one good event at 10:25:50: 5m window [10:20:51, 10:25:50]
     *   holds 56.25 and 78.75 and the event: 3 / 1
     * </pre>
     */
    @Test
    void shouldSpreadAWideIntervalOverTheBucketsAsDocumented() {
        final Drivers.Rig rig = rig(Drivers.CONFIG, countsDir, Instant.EPOCH);
        rig.apply(AVAILABILITY);
        final TestInputTopic<String, byte[]> in = counts(rig);
        final TestOutputTopic<String, StatusSnapshot> status = rig.output(Drivers.CONFIG.statusTopic(), StatusSnapshot.class);
        in.pipeInput("api", utf8(record(T0, T0.plusSeconds(600), 600, 60, "")));
        final Instant at = T0.plusSeconds(12 * 60);
        rig.send("api", "{\"service\":\"api\",\"timestamp\":\"" + at + "\",\"latencyMs\":5,\"status\":200}",
                at.toEpochMilli());
        final StatusSnapshot s = latestStatus(rig, status).get("api-availability");
        assertThat(s.at()).isEqualTo(at);
        assertThat(window(s, Duration.ofMinutes(5))).containsExactly(180, 18);
        assertThat(window(s, Duration.ofMinutes(30))).containsExactly(601, 60);

        final Instant m20 = T0.plusSeconds(20 * 60);
        in.pipeInput("api", utf8(record(m20, m20.plusSeconds(90), 4, 1, "")));
        final Instant at2 = m20.plusSeconds(5 * 60 + 50);
        rig.send("api", "{\"service\":\"api\",\"timestamp\":\"" + at2 + "\",\"latencyMs\":5,\"status\":200}",
                at2.toEpochMilli());
        assertThat(window(latestStatus(rig, status).get("api-availability"), Duration.ofMinutes(5)))
                .containsExactly(3, 1);
    }

    /**
     * Matching as for events (service, operation, attributes); a latency SLO counts
     * bad + latencyOverMs at its threshold, and one whose threshold the record lacks is
     * skipped and counted:
     * <pre>
     * cart (operation POST /cart, region eu), availability; cart-latency (same selector, 300 ms); api-availability
     * POST /cart eu: 60 / bad 2 / over 300: 5   cart 60/2, cart-latency 60/7, api 60/2
     * GET /       eu: 40 / bad 4                 api 40/4 (cart's selector does not match)
     * POST /cart us: 20 / bad 1                  api 20/1
     * POST /cart eu: 10 / bad 1 / over 500: 3   cart 10/1, cart-latency skipped (no 300), api 10/1
     * cart 70/3, cart-latency 60/7, api 130/8; one skip counted
     * </pre>
     */
    @Test
    void shouldMatchCountsLikeEventsAndTakeLatencyCountsAtTheThreshold() {
        final Drivers.Rig rig = rig(Drivers.CONFIG, countsDir, Instant.EPOCH);
        rig.apply(AVAILABILITY + String.join("\n", "---",
                "apiVersion: burnrate/v1", "kind: SLO", "metadata: {name: cart}", "spec:", "  service: api",
                "  selector: {operation: POST /cart, attributes.region: eu}",
                "  indicator: {availability: {badStatusMin: 500}}", "  objective: 99", "  window: 30d",
                "---",
                "apiVersion: burnrate/v1", "kind: SLO", "metadata: {name: cart-latency}", "spec:", "  service: api",
                "  selector: {operation: POST /cart, attributes.region: eu}",
                "  indicator: {latency: {thresholdMs: 300}}", "  objective: 99", "  window: 30d", ""));
        final TestInputTopic<String, byte[]> in = counts(rig);
        final TestOutputTopic<String, StatusSnapshot> status = rig.output(Drivers.CONFIG.statusTopic(), StatusSnapshot.class);
        final Instant end = T0.plusSeconds(60);
        in.pipeInput("api", utf8(record(T0, end, 60, 2,
                ",\"operation\":\"POST /cart\",\"attributes\":{\"region\":\"eu\"},\"latencyOverMs\":{\"300\":5}")));
        in.pipeInput("api", utf8(record(T0, end, 40, 4, ",\"operation\":\"GET /\",\"attributes\":{\"region\":\"eu\"}")));
        in.pipeInput("api", utf8(record(T0, end, 20, 1,
                ",\"operation\":\"POST /cart\",\"attributes\":{\"region\":\"us\"}")));
        in.pipeInput("api", utf8(record(T0, end, 10, 1,
                ",\"operation\":\"POST /cart\",\"attributes\":{\"region\":\"eu\"},\"latencyOverMs\":{\"500\":3}")));
        final Map<String, StatusSnapshot> latest = latestStatus(rig, status);
        assertThat(window(latest.get("cart"), Duration.ofMinutes(5))).containsExactly(70, 3);
        assertThat(window(latest.get("cart-latency"), Duration.ofMinutes(5))).containsExactly(60, 7);
        assertThat(window(latest.get("api-availability"), Duration.ofMinutes(5))).containsExactly(130, 8);
        assertThat(rig.built.counters().countsWithoutThreshold.sum()).isEqualTo(1);
    }
}
