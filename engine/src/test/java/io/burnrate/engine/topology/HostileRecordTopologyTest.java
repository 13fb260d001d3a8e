package io.burnrate.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.testing.Drivers;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.schemas.AlertTransition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single records that stopped the engine for good (found by a hostile tester), through
 * the production topology: each now goes to the dead-letter topic, small enough to send,
 * and the traffic after it counts.
 */
class HostileRecordTopologyTest {

    private static final long T0 = Traffic.T0.toEpochMilli();

    @TempDir
    Path stateDir;

    private Drivers.Rig rig;

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    private TestOutputTopic<String, byte[]> start(final EngineConfig config, final long wallMs) {
        rig = new Drivers.Rig(config, stateDir, Instant.ofEpochMilli(wallMs));
        rig.apply(Specs.availabilityYaml("checkout-availability", "checkout", 0));
        return rig.driver.createOutputTopic(config.dlqTopic(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Test
    void shouldDeadLetterATimestampBefore1970AndGoOn() {
        final TestOutputTopic<String, byte[]> dlq = start(Drivers.CONFIG, 0);
        rig.send("checkout", "{\"service\":\"checkout\",\"timestamp\":\"1969-12-31T23:59:59Z\",\"latencyMs\":1,"
                + "\"status\":200}", 0);
        rig.send("checkout", event("checkout", T0, 200), 0);
        final List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).extracting(r -> header(r.headers(), Names.HEADER_REASON)).containsExactly("invalid-timestamp");
        assertThat(rig.built.counters().accepted.sum()).isEqualTo(1);
    }

    @Test
    void shouldCutADeadLetterToFitWhateverTheRecordHeld() {
        final TestOutputTopic<String, byte[]> dlq = start(Drivers.CONFIG, 0);
        // 1,048,400 bytes of non-JSON: the broker takes it, its dead letter used to exceed max.request.size
        final byte[] huge = new byte[1_048_400];
        Arrays.fill(huge, (byte) 'x');
        final Headers many = new RecordHeaders();
        for (int i = 0; i < 100; i++) {
            many.add("h" + i, new byte[1000]);
        }
        final String longKey = "k".repeat(5000);
        rig.requests.pipeInput(new TestRecord<>(longKey, huge, many, T0));
        rig.send("checkout", event("checkout", T0, 200), T0);
        final List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).hasSize(1);
        final TestRecord<String, byte[]> d = dead.get(0);
        assertThat(header(d.headers(), Names.HEADER_REASON)).isEqualTo("too-large");
        assertThat(header(d.headers(), Names.HEADER_DETAIL))
                .isEqualTo("record is 1048400 bytes, over the limit of 65536 (limits.record.bytes)");
        assertThat(d.value()).hasSize(65_536);
        assertThat(header(d.headers(), Names.HEADER_TRUNCATED)).isEqualTo("1048400");
        assertThat(d.key()).hasSize(1024);
        assertThat(header(d.headers(), Names.HEADER_KEY_TRUNCATED)).isEqualTo("5000");
        // 100 kB of original headers are not copied; the dead letter says how many were dropped
        assertThat(header(d.headers(), Names.HEADER_HEADERS_DROPPED)).isEqualTo("100");
        assertThat(d.headers().lastHeader("h0")).isNull();
        long size = d.key().length() + d.value().length;
        for (final var h : d.headers()) {
            size += h.key().length() + h.value().length;
        }
        assertThat(size).isLessThan(70_000);
        assertThat(rig.built.counters().accepted.sum()).isEqualTo(1);
    }

    @Test
    void shouldNotLetAnEventForNoSloMoveThePartitionsClock() {
        final TestOutputTopic<String, byte[]> dlq = start(Drivers.CONFIG, 0);
        final TestOutputTopic<String, AlertTransition> alerts = rig.output(Drivers.CONFIG.alertsTopic(),
                AlertTransition.class);
        rig.send("checkout", event("checkout", T0, 200), T0);
        // a broken clock on a service without SLOs, 50 years ahead (replay and tests have no wall-clock guard)
        rig.send("search", event("search", T0 + 50L * 365 * 86_400_000, 200), T0);
        // checkout's outage after it still counts and pages
        for (long t = T0 + 60_000; t < T0 + 10 * 60_000; t += 1000) {
            rig.send("checkout", event("checkout", t, 500), t);
        }
        assertThat(dlq.readRecordsToList()).isEmpty();
        assertThat(rig.built.counters().unmatched.sum()).isEqualTo(1);
        assertThat(alerts.readValuesToList()).extracting(AlertTransition::rule, AlertTransition::state)
                .contains(Tuple.tuple("page-1h-5m", "firing"));
    }

    @Test
    void shouldDeadLetterEventsOlderThanMaxEventAgeInRun() {
        final long wall = T0 + 30L * 86_400_000;
        final TestOutputTopic<String, byte[]> dlq = start(Drivers.CONFIG.withMaxEventAge(Duration.ofDays(7)), wall);
        rig.send("checkout", event("checkout", wall - 8L * 86_400_000, 200), wall); // first of the partition: refused
        rig.send("checkout", event("checkout", wall - 6L * 86_400_000, 200), wall); // within 7 days: counts
        final List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).extracting(r -> header(r.headers(), Names.HEADER_REASON)).containsExactly("invalid-timestamp");
        assertThat(header(dead.get(0).headers(), Names.HEADER_DETAIL))
                .endsWith("is more than PT168H behind the wall clock (max.event.age)");
        assertThat(rig.built.counters().accepted.sum()).isEqualTo(1);
    }

    private static String event(final String service, final long ts, final int status) {
        return "{\"service\":\"" + service + "\",\"timestamp\":" + ts + ",\"latencyMs\":5,\"status\":" + status + "}";
    }

    private static String header(final Headers headers, final String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
