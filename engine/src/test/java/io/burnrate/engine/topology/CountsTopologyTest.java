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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
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
        assertThat(fromCounts).isEqualTo(fromEvents);
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
}
