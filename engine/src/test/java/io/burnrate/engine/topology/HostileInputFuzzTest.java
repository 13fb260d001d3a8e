package io.burnrate.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.ingest.Rejection;
import io.burnrate.engine.testing.Drivers;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.ComplianceSummary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 12,000 adversarial request records (seeded, so a failure reproduces) interleaved with
 * three hours of valid traffic with an outage, through the production topology without
 * any exception handler: a crash fails the test. Every hostile record is dead-lettered
 * with the reason its kind must get, or accepted as documented (for a service without
 * SLOs); the valid events give exactly the alerts and compliance summaries they give alone.
 */
class HostileInputFuzzTest {

    private static final long T0 = Traffic.T0.toEpochMilli();
    private static final int HOSTILE = 12_000;
    private static final String CASE = "fuzz.case";
    private static final Set<String> DOCUMENTED = Set.of(Rejection.MALFORMED_JSON, Rejection.MISSING_FIELD,
            Rejection.INVALID_FIELD, Rejection.INVALID_TIMESTAMP, Rejection.LATE, Rejection.TOO_LARGE,
            Rejection.LIMIT_EXCEEDED);

    @TempDir
    Path stateDir;

    /** One kind of hostile record: how to make one, and what must become of it (null: accepted). */
    private record Kind(String name, String reason, BiFunction<Random, Long, byte[]> make) {
    }

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String ok(final long ts) {
        return "\"timestamp\":" + ts + ",\"latencyMs\":3,\"status\":200";
    }

    private static final List<Kind> KINDS = List.of(
            new Kind("random bytes", Rejection.MALFORMED_JSON, (r, ts) -> {
                final byte[] b = new byte[1 + r.nextInt(200)];
                r.nextBytes(b);
                b[0] = (byte) ('#' + r.nextInt(3)); // never '{', '[' or whitespace
                return b;
            }),
            new Kind("invalid UTF-8", Rejection.MALFORMED_JSON, (r, ts) -> {
                final byte[] b = utf8("{\"service\":\"fuzz-X\"," + ok(ts) + "}");
                b[16] = (byte) (0x80 + r.nextInt(0x40)); // a continuation byte without a lead
                return b;
            }),
            new Kind("BOM", null, (r, ts) -> utf8("\uFEFF{\"service\":\"fuzz\"," + ok(ts) + "}")),
            new Kind("NUL in a string", Rejection.MALFORMED_JSON,
                    (r, ts) -> utf8("{\"service\":\"fu\u0000zz\"," + ok(ts) + "}")),
            new Kind("NUL bytes", Rejection.MALFORMED_JSON, (r, ts) -> new byte[1 + r.nextInt(64)]),
            new Kind("deep nesting", Rejection.TOO_LARGE,
                    (r, ts) -> utf8("{\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}")),
            new Kind("nesting within size", Rejection.MALFORMED_JSON,
                    (r, ts) -> utf8("{\"service\":\"fuzz\",\"x\":" + "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000)
                            + "," + ok(ts) + "}")),
            new Kind("10 MB value", Rejection.TOO_LARGE, (r, ts) -> {
                final byte[] b = new byte[10 << 20];
                Arrays.fill(b, (byte) 'a');
                return b;
            }),
            new Kind("1e400 latency", Rejection.INVALID_FIELD,
                    (r, ts) -> utf8("{\"service\":\"fuzz\",\"timestamp\":" + ts + ",\"latencyMs\":1e400,\"status\":200}")),
            new Kind("NaN latency", Rejection.MALFORMED_JSON,
                    (r, ts) -> utf8("{\"service\":\"fuzz\",\"timestamp\":" + ts + ",\"latencyMs\":NaN,\"status\":200}")),
            new Kind("Infinity latency", Rejection.MALFORMED_JSON,
                    (r, ts) -> utf8("{\"service\":\"fuzz\",\"timestamp\":" + ts
                            + ",\"latencyMs\":-Infinity,\"status\":200}")),
            new Kind("status overflow", Rejection.INVALID_FIELD,
                    (r, ts) -> utf8("{\"service\":\"fuzz\",\"timestamp\":" + ts + ",\"latencyMs\":1,\"status\":"
                            + "9".repeat(19 + r.nextInt(30)) + "}")),
            new Kind("timestamp overflow", Rejection.INVALID_TIMESTAMP,
                    (r, ts) -> utf8("{\"service\":\"checkout\",\"timestamp\":" + "9".repeat(20 + r.nextInt(30))
                            + ",\"latencyMs\":1,\"status\":200}")),
            new Kind("timestamp Long.MAX", Rejection.INVALID_TIMESTAMP,
                    (r, ts) -> utf8("{\"service\":\"checkout\",\"timestamp\":9223372036854775807,\"latencyMs\":1,"
                            + "\"status\":200}")),
            new Kind("year 0", Rejection.INVALID_TIMESTAMP,
                    (r, ts) -> utf8("{\"service\":\"checkout\",\"timestamp\":\"0000-01-01T00:00:00Z\",\"latencyMs\":1,"
                            + "\"status\":500}")),
            new Kind("1970", Rejection.INVALID_TIMESTAMP,
                    (r, ts) -> utf8("{\"service\":\"checkout\",\"timestamp\":" + r.nextInt(1_000_000)
                            + ",\"latencyMs\":1,\"status\":500}")),
            new Kind("before 1970", Rejection.INVALID_TIMESTAMP,
                    (r, ts) -> utf8("{\"service\":\"checkout\",\"timestamp\":\"1969-12-31T23:59:59Z\",\"latencyMs\":1,"
                            + "\"status\":200}")),
            new Kind("year 9999", Rejection.INVALID_TIMESTAMP,
                    (r, ts) -> utf8("{\"service\":\"checkout\",\"timestamp\":\"9999-12-31T23:59:59Z\",\"latencyMs\":1,"
                            + "\"status\":500}")),
            new Kind("duplicate keys", Rejection.INVALID_FIELD,
                    (r, ts) -> utf8("{\"service\":\"checkout\",\"status\":200," + ok(ts) + "}")),
            new Kind("wrong types", Rejection.INVALID_FIELD, (r, ts) -> utf8(switch (r.nextInt(4)) {
                case 0 -> "{\"service\":5," + ok(ts) + "}";
                case 1 -> "{\"service\":\"checkout\",\"timestamp\":" + ts + ",\"latencyMs\":\"x\",\"status\":500}";
                case 2 -> "{\"service\":\"checkout\",\"timestamp\":" + ts + ",\"latencyMs\":1,\"status\":\"500\"}";
                default -> "{\"service\":\"checkout\"," + ok(ts) + ",\"attributes\":[1]}";
            })),
            new Kind("wrong timestamp type", Rejection.INVALID_TIMESTAMP,
                    (r, ts) -> utf8("{\"service\":\"checkout\",\"timestamp\":true,\"latencyMs\":1,\"status\":500}")),
            new Kind("missing fields", Rejection.MISSING_FIELD,
                    (r, ts) -> utf8("{\"service\":\"checkout\",\"latencyMs\":1,\"status\":500}")),
            new Kind("100,000-character service", Rejection.TOO_LARGE,
                    (r, ts) -> utf8("{\"service\":\"" + "s".repeat(100_000) + "\"," + ok(ts) + "}")),
            new Kind("1,000-character service", Rejection.LIMIT_EXCEEDED,
                    (r, ts) -> utf8("{\"service\":\"" + "s".repeat(1_000) + "\"," + ok(ts) + "}")),
            new Kind("10,000 attributes", Rejection.TOO_LARGE, (r, ts) -> attributes(ts, 10_000)),
            new Kind("1,000 attributes", Rejection.LIMIT_EXCEEDED, (r, ts) -> attributes(ts, 1_000)),
            new Kind("top-level array", Rejection.MALFORMED_JSON,
                    (r, ts) -> utf8("[{\"service\":\"checkout\"," + ok(ts) + "}]")),
            new Kind("empty", Rejection.MALFORMED_JSON, (r, ts) -> new byte[0]),
            new Kind("whitespace only", Rejection.MALFORMED_JSON, (r, ts) -> utf8(" \t\r\n ".repeat(1 + r.nextInt(5)))),
            new Kind("CRLF", null, (r, ts) -> utf8("{\"service\":\"fuzz\"," + ok(ts) + "}\r\n")),
            new Kind("unknown fields", null,
                    (r, ts) -> utf8("{\"service\":\"fuzz\"," + ok(ts) + ",\"extra\":{\"n\":[1,2,{}]},\"z\":null}")),
            new Kind("late", Rejection.LATE,
                    (r, ts) -> utf8("{\"service\":\"checkout\",\"timestamp\":" + (ts - 3_600_000) + ","
                            + "\"latencyMs\":1,\"status\":500}")));

    private static byte[] attributes(final long ts, final int n) {
        final StringBuilder a = new StringBuilder();
        for (int i = 0; i < n; i++) {
            a.append(i == 0 ? "" : ",").append("\"a").append(i).append("\":\"v\"");
        }
        return utf8("{\"service\":\"checkout\"," + ok(ts) + ",\"attributes\":{" + a + "}}");
    }

    /** Kinds that would be heavy 12,000 times over: every 500th record is one of them, in turn. */
    private static final List<String> RARE = List.of("10 MB value", "deep nesting", "100,000-character service",
            "10,000 attributes");

    @Test
    void shouldDeadLetterOrAcceptEveryHostileRecordAndLeaveTheValidTrafficsAlertsAlone() {
        final Outcome alone = run(0);
        final Outcome mixed = run(HOSTILE);
        assertThat(alone.alerts).extracting(AlertTransition::rule).contains("page-1h-5m");
        assertThat(mixed.alerts).isEqualTo(alone.alerts);
        assertThat(mixed.summaries).isEqualTo(alone.summaries);
        assertThat(mixed.accepted - alone.accepted).isEqualTo(mixed.acceptedHostile);
        final StringBuilder report = new StringBuilder("hostile records tried: " + HOSTILE + "; outcome per reason:");
        mixed.perReason.forEach((k, v) -> report.append(' ').append(k).append('=').append(v));
        System.out.println(report);
        System.out.println("heap after the mixed run: " + usedHeapMiB() + " MiB");
        assertThat(mixed.perReason.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(HOSTILE);
    }

    private record Outcome(List<AlertTransition> alerts, List<ComplianceSummary> summaries, long accepted,
                           long acceptedHostile, Map<String, Long> perReason) {
    }

    private Outcome run(final int hostile) {
        final Random random = new Random(20261201L);
        try (Drivers.Rig rig = new Drivers.Rig(Drivers.CONFIG, stateDir.resolve("run-" + hostile), Traffic.T0)) {
            rig.apply(Specs.availabilityYaml("checkout-availability", "checkout", 0));
            final TestOutputTopic<String, AlertTransition> alerts = rig.output(Drivers.CONFIG.alertsTopic(),
                    AlertTransition.class);
            final TestOutputTopic<String, ComplianceSummary> compliance = rig.output(
                    Drivers.CONFIG.complianceTopic(), ComplianceSummary.class);
            final TestOutputTopic<String, byte[]> dlq = rig.driver.createOutputTopic(Drivers.CONFIG.dlqTopic(),
                    new StringDeserializer(), new ByteArrayDeserializer());
            final List<TestRecord<String, byte[]>> dead = new ArrayList<>();
            final Map<Integer, Kind> sent = new TreeMap<>();
            final Traffic traffic = Traffic.of("checkout", 1, Traffic.T0);
            final List<Traffic.Event> valid = new ArrayList<>();
            valid.addAll(traffic.next(Duration.ofHours(1), Traffic.none()));
            valid.addAll(traffic.next(Duration.ofMinutes(10), Traffic.everyNth(2)));
            valid.addAll(traffic.next(Duration.ofMinutes(110), Traffic.none()));
            final double perValid = (double) hostile / valid.size();
            int made = 0;
            double due = 0;
            for (final Traffic.Event e : valid) {
                rig.send("checkout", e.json(), e.timestamp());
                due += perValid;
                while (due >= 1 && made < hostile) {
                    due--;
                    Kind k = KINDS.get(random.nextInt(KINDS.size()));
                    while (RARE.contains(k.name())) {
                        k = KINDS.get(random.nextInt(KINDS.size()));
                    }
                    if (made % 500 == 499) {
                        final String rare = RARE.get((made / 500) % RARE.size());
                        k = KINDS.stream().filter(x -> x.name().equals(rare)).findFirst().orElseThrow();
                    }
                    final Headers h = new RecordHeaders();
                    h.add(CASE, Integer.toString(made).getBytes(StandardCharsets.UTF_8));
                    rig.requests.pipeInput(new TestRecord<>(random.nextBoolean() ? "checkout" : null,
                            k.make().apply(random, e.timestamp()), h, e.timestamp()));
                    sent.put(made++, k);
                }
                if (dead.size() < made) {
                    dead.addAll(dlq.readRecordsToList());
                }
            }
            dead.addAll(dlq.readRecordsToList());
            final Map<String, Long> perReason = new TreeMap<>();
            final Set<Integer> rejected = new HashSet<>();
            for (final TestRecord<String, byte[]> d : dead) {
                final int c = Integer.parseInt(new String(d.headers().lastHeader(CASE).value(), StandardCharsets.UTF_8));
                final String reason = new String(d.headers().lastHeader(Names.HEADER_REASON).value(),
                        StandardCharsets.UTF_8);
                final Kind k = sent.get(c);
                assertThat(reason).as("case %d (%s)", c, k.name()).isIn(DOCUMENTED).isEqualTo(k.reason());
                assertThat(d.value() == null ? 0 : d.value().length).isLessThanOrEqualTo(64 * 1024);
                rejected.add(c);
                perReason.merge(reason, 1L, Long::sum);
            }
            long acceptedHostile = 0;
            for (final Map.Entry<Integer, Kind> s : sent.entrySet()) {
                if (!rejected.contains(s.getKey())) {
                    assertThat(s.getValue().reason()).as("case %d (%s) was accepted", s.getKey(), s.getValue().name())
                            .isNull();
                    acceptedHostile++;
                }
            }
            if (acceptedHostile > 0) {
                perReason.put("accepted", acceptedHostile);
            }
            return new Outcome(alerts.readValuesToList(), compliance.readValuesToList(),
                    rig.built.counters().accepted.sum(), acceptedHostile, perReason);
        }
    }

    private static long usedHeapMiB() {
        final Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }
}
