package io.burnrate.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.monitor.SloMonitor;
import io.burnrate.engine.testing.Drivers;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.BudgetPolicyEvent;
import io.burnrate.schemas.JsonSerde;
import io.burnrate.schemas.StatusSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The production topology under {@link TopologyTestDriver}, with explicit event times. */
class BurnRateTopologyTest {

    private static final EngineConfig CONFIG = Drivers.CONFIG;

    @TempDir
    Path stateDir;

    private Drivers.Rig rig;
    private TopologyTestDriver driver;
    private BurnRateTopology.Built built;
    private TestInputTopic<String, byte[]> slos;
    private TestInputTopic<String, byte[]> requests;
    private TestOutputTopic<String, AlertTransition> alerts;
    private TestOutputTopic<String, StatusSnapshot> status;
    private TestOutputTopic<String, byte[]> dlq;

    @BeforeEach
    void start() {
        rig = new Drivers.Rig(stateDir);
        built = rig.built;
        driver = rig.driver;
        slos = rig.slos;
        requests = rig.requests;
        alerts = rig.output(CONFIG.alertsTopic(), AlertTransition.class);
        status = rig.output(CONFIG.statusTopic(), StatusSnapshot.class);
        dlq = driver.createOutputTopic(CONFIG.dlqTopic(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    private void apply(final String yaml) {
        rig.apply(yaml);
    }

    private void send(final Traffic traffic, final Duration d, final LongPredicate bad) {
        traffic.forEach(d, bad, e -> requests.pipeInput(e.service(), e.json().getBytes(StandardCharsets.UTF_8),
                e.timestamp()));
    }

    private void sendRaw(final String key, final String value) {
        requests.pipeInput(key, value.getBytes(StandardCharsets.UTF_8), 0L);
    }

    @Test
    void shouldPublishOneFiringTransitionAndAStatusSnapshot() {
        apply(Specs.availabilityYaml("checkout-availability", "checkout", 0));
        final Traffic traffic = Traffic.of("checkout", 2, Traffic.T0);
        send(traffic, Duration.ofHours(1), Traffic.none());
        final Instant outage = Instant.ofEpochMilli(traffic.now());
        send(traffic, Duration.ofMinutes(3), Traffic.all());

        final List<TestRecord<String, AlertTransition>> out = alerts.readRecordsToList();
        assertThat(out).extracting(TestRecord::key).contains("checkout-availability/page-1h-5m");
        final AlertTransition page = out.stream().map(TestRecord::value)
                .filter(a -> a.rule().equals("page-1h-5m")).findFirst().orElseThrow();
        assertThat(page.state()).isEqualTo("firing");
        // 1h of 7,200 events: bad share above 1.44 % after 7,200 * 0.0144 / 2 = 51.8 s
        assertThat(Duration.between(outage, page.at()).toSeconds()).isBetween(42L, 62L);
        assertThat(out).filteredOn(r -> r.value().rule().equals("page-1h-5m")).hasSize(1);

        final Map<String, StatusSnapshot> latest = status.readKeyValuesToMap();
        assertThat(latest.get("checkout-availability").firing()).contains("page-1h-5m");
    }

    @Test
    void shouldDeadLetterEachBadLineWithItsReasonAndKeepCounting() {
        apply(Specs.availabilityYaml("checkout-availability", "checkout", 0));
        final long t = Traffic.T0.toEpochMilli();
        sendRaw("checkout", "{\"service\":\"checkout\",\"timestamp\":" + t + ",\"latencyMs\":5,\"status\":200}");
        sendRaw("checkout", "{not json");
        sendRaw("checkout", "{\"service\":\"checkout\",\"latencyMs\":5,\"status\":200}");
        sendRaw("checkout", "{\"service\":\"checkout\",\"timestamp\":" + t + ",\"latencyMs\":-4,\"status\":200}");
        sendRaw("checkout", "{\"service\":\"checkout\",\"timestamp\":\"yesterday\",\"latencyMs\":5,\"status\":200}");
        sendRaw("checkout", "{\"service\":\"checkout\",\"timestamp\":\"2026-03-02T00:00:01Z\",\"latencyMs\":5,"
                + "\"outcome\":\"error\"}");

        final List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).extracting(r -> header(r.headers(), Names.HEADER_REASON))
                .containsExactly("malformed-json", "missing-field", "invalid-field", "invalid-timestamp");
        assertThat(dead).extracting(r -> header(r.headers(), Names.HEADER_DETAIL)).contains(
                "missing field: timestamp", "latencyMs must be >= 0, got -4");
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(dead.get(0).key()).isEqualTo("checkout");
        assertThat(header(dead.get(0).headers(), Names.HEADER_TOPIC)).isEqualTo(CONFIG.requestsTopic());

        driver.advanceWallClockTime(CONFIG.statusInterval());
        final StatusSnapshot s = status.readKeyValuesToMap().get("checkout-availability");
        final StatusSnapshot.WindowStatus fiveMin = s.windows().get(0);
        assertThat(fiveMin.window()).isEqualTo(Duration.ofMinutes(5));
        assertThat(fiveMin.total()).isEqualTo(2);
        assertThat(fiveMin.bad()).isEqualTo(1);
        assertThat(built.counters().accepted.sum()).isEqualTo(2);
        assertThat(built.counters().rejectedTotal()).isEqualTo(4);
    }

    @Test
    void shouldDeadLetterEventsOlderThanTheGracePeriod() {
        apply(Specs.availabilityYaml("checkout-availability", "checkout", 0));
        final long t = Traffic.T0.toEpochMilli();
        sendRaw("checkout", event(t + 600_000, 200));
        sendRaw("checkout", event(t + 600_000 - 299_000, 500));   // 4m59s late: counts
        // 5m01s late: dead-lettered, keyed by service and not (re-keyed), each keeping its own headers
        final Headers traced = new RecordHeaders().add("traceparent", "00-abc-01".getBytes(StandardCharsets.UTF_8));
        requests.pipeInput(new TestRecord<>("checkout", event(t + 600_000 - 301_000, 500)
                .getBytes(StandardCharsets.UTF_8), traced, 0L));
        final Headers rekeyed = new RecordHeaders().add("traceparent", "00-def-01".getBytes(StandardCharsets.UTF_8));
        requests.pipeInput(new TestRecord<>("req-7", event(t + 600_000 - 302_000, 500)
                .getBytes(StandardCharsets.UTF_8), rekeyed, 0L));

        final List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).hasSize(2);
        assertThat(header(dead.get(0).headers(), Names.HEADER_REASON)).isEqualTo("late");
        assertThat(header(dead.get(0).headers(), "traceparent")).isEqualTo("00-abc-01");
        assertThat(header(dead.get(1).headers(), Names.HEADER_REASON)).isEqualTo("late");
        assertThat(header(dead.get(1).headers(), "traceparent")).isEqualTo("00-def-01");
        driver.advanceWallClockTime(CONFIG.statusInterval());
        final StatusSnapshot s = status.readKeyValuesToMap().get("checkout-availability");
        assertThat(s.windows().get(0).total()).isEqualTo(2);
        assertThat(s.windows().get(0).bad()).isEqualTo(1);
    }

    @Test
    void shouldCountAndDropEventsThatMatchNoSlo() {
        apply(Specs.availabilityYaml("checkout-availability", "checkout", 0));
        sendRaw("search", event(Traffic.T0.toEpochMilli(), 500).replace("checkout", "search"));
        assertThat(dlq.isEmpty()).isTrue();
        assertThat(alerts.isEmpty()).isTrue();
        assertThat(built.counters().unmatched.sum()).isEqualTo(1);
    }

    @Test
    void shouldRekeyEventsNotKeyedByService() {
        apply(Specs.availabilityYaml("checkout-availability", "checkout", 0));
        final long t = Traffic.T0.toEpochMilli();
        sendRaw(null, event(t, 200));
        sendRaw("some-request-id", event(t + 1_000, 500));
        driver.advanceWallClockTime(CONFIG.statusInterval());
        final StatusSnapshot s = status.readKeyValuesToMap().get("checkout-availability");
        assertThat(s.windows().get(0).total()).isEqualTo(2);
        assertThat(s.windows().get(0).bad()).isEqualTo(1);
    }

    @Test
    void shouldResolveFiringAlertsOfADeletedSlo() {
        apply(Specs.availabilityYaml("checkout-availability", "checkout", 0));
        final Traffic traffic = Traffic.of("checkout", 1, Traffic.T0);
        send(traffic, Duration.ofMinutes(30), Traffic.none());
        send(traffic, Duration.ofMinutes(5), Traffic.all());
        assertThat(alerts.readValuesToList()).extracting(AlertTransition::rule).contains("page-1h-5m");

        slos.pipeInput("checkout-availability", (byte[]) null);
        send(traffic, Duration.ofSeconds(10), Traffic.all());

        final List<AlertTransition> after = alerts.readValuesToList();
        assertThat(after).isNotEmpty().allMatch(a -> a.state().equals("resolved"));
        assertThat(after).extracting(AlertTransition::rule).contains("page-1h-5m");
        assertThat(store().storedEntries("checkout-availability")).isZero();
    }

    @Test
    void shouldKeepTheSameNumberOfStoredBucketsWhenTrafficGrowsTenfold() {
        apply(Specs.availabilityYaml("slow", "slow", 0) + "---\n" + Specs.availabilityYaml("fast", "fast", 0));
        // same two hours, interleaved in time order as a real partition would carry them
        final List<Traffic.Event> events = new ArrayList<>(
                Traffic.of("slow", 1, Traffic.T0).next(Duration.ofHours(2), Traffic.everyNth(100)));
        events.addAll(Traffic.of("fast", 10, Traffic.T0).next(Duration.ofHours(2), Traffic.everyNth(100)));
        events.sort(Comparator.comparingLong(Traffic.Event::timestamp));
        events.forEach(e -> requests.pipeInput(e.service(), e.json().getBytes(StandardCharsets.UTF_8), e.timestamp()));
        assertThat(dlq.isEmpty()).isTrue();

        final int slow = store().storedEntries("slow");
        final int fast = store().storedEntries("fast");
        assertThat(fast).isEqualTo(slow);
        // bounded by the layout: one header plus at most every chunk of 2,532 buckets
        final int chunks = (int) Math.ceil(300 / 64.0) + (int) Math.ceil(720 / 64.0) + (int) Math.ceil(360 / 64.0)
                + (int) Math.ceil(432 / 64.0) + (int) Math.ceil(720 / 64.0);
        assertThat(fast).isPositive().isLessThanOrEqualTo(1 + chunks);
        final SloMonitor m = store().monitor(Specs.availability("fast", "fast", 0));
        assertThat(m.counts().total(m.counts().layout().indexOf(Duration.ofHours(1)))).isEqualTo(36_000);
    }

    @Test
    void shouldDeadLetterEventsStampedFarAheadOfTheWallClock() {
        rig.close();
        rig = new Drivers.Rig(CONFIG.withMaxFutureSkew(Duration.ofHours(1)), stateDir.resolve("guarded"), Traffic.T0);
        final BurnRateTopology.Built guarded = rig.built;
        requests = rig.requests;
        dlq = rig.driver.createOutputTopic(CONFIG.dlqTopic(), new StringDeserializer(), new ByteArrayDeserializer());
        apply(Specs.availabilityYaml("checkout-availability", "checkout", 0));
        final long t = Traffic.T0.toEpochMilli();
        sendRaw("checkout", event(t + 59 * 60_000, 200));            // 59 min ahead: accepted
        sendRaw("checkout", event(t + 365L * 24 * 3_600_000, 200));  // a broken clock, a year ahead
        sendRaw("checkout", event(t + 59 * 60_000 + 30_000, 500));   // and the clock was not moved by it
        final List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).extracting(r -> header(r.headers(), Names.HEADER_REASON)).containsExactly("invalid-timestamp");
        assertThat(header(dead.get(0).headers(), Names.HEADER_DETAIL)).contains("ahead of the wall clock");
        assertThat(guarded.counters().accepted.sum()).isEqualTo(2);
    }

    @Test
    void shouldEmitBudgetPolicyCrossingsDownAndBackUpAsTheWindowSlides() {
        final var policyTopic = driver.createOutputTopic(CONFIG.budgetPolicyTopic(), new StringDeserializer(),
                JsonSerde.of(BudgetPolicyEvent.class).deserializer());
        apply(String.join("\n",
                "apiVersion: burnrate/v1",
                "kind: SLO",
                "metadata: {name: api-availability}",
                "spec:",
                "  service: api",
                "  indicator: {availability: {badStatusMin: 500}}",
                "  objective: 99",
                "  window: 1h",
                "  alerting:",
                "    policy: [{severity: page, budgetPercent: 50, longWindow: 1h, shortWindow: 5m}]",
                "  budgetPolicy:",
                "    thresholds: [{percent: 50}, {percent: 25}, {percent: 0, action: freeze-releases}]",
                ""));
        final Traffic traffic = Traffic.of("api", 1, Traffic.T0);
        send(traffic, Duration.ofMinutes(30), Traffic.none());
        // 1,800 good events allow 18 bad at 99 %: remaining 1 - b / (0.01 (1,800 + b)) falls to
        // 50 % at the 10th bad event, 25 % at the 14th and 0 % at the 19th
        send(traffic, Duration.ofSeconds(20), Traffic.all());
        final List<BudgetPolicyEvent> down = policyTopic.readValuesToList();
        assertThat(down).extracting(e -> e.threshold() + " " + e.direction())
                .containsExactly("50.0 down", "25.0 down", "0.0 down");
        assertThat(down.get(0).at()).isEqualTo(Traffic.T0.plus(Duration.ofMinutes(30)).plusSeconds(9));
        assertThat(down.get(2).action()).isEqualTo("freeze-releases");
        assertThat(down.get(2).remainingFraction()).isLessThanOrEqualTo(0);
        // healthy again: the budget recovers as good traffic grows and the bad minute slides out
        send(traffic, Duration.ofMinutes(70), Traffic.none());
        assertThat(policyTopic.readValuesToList()).extracting(e -> e.threshold() + " " + e.direction())
                .containsExactly("0.0 up", "25.0 up", "50.0 up");
    }

    private SloStateStore store() {
        return (SloStateStore) driver.getStateStore(Names.STATE_STORE);
    }

    private static String event(final long ts, final int status) {
        return "{\"service\":\"checkout\",\"timestamp\":" + ts + ",\"latencyMs\":5,\"status\":" + status + "}";
    }

    private static String header(final Headers headers, final String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
