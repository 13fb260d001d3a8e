package io.burnrate.engine.topology;

import io.burnrate.engine.slo.SloSpecParser;
import io.burnrate.schemas.DeadLetter;
import io.burnrate.schemas.Json;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Runs the production topology offline over an NDJSON file, deterministically: no
 * broker, no wall clock (event time drives everything), SLOs applied before the first
 * event. Writes {@code alerts.ndjson} (every transition, in order), {@code status.ndjson}
 * (the final snapshot per SLO, by id), {@code dlq.ndjson} (rejected lines with their
 * reason), {@code budget-policy.ndjson} (budget threshold crossings) and
 * {@code compliance.ndjson} (compliance summaries in the order periods closed; at the end
 * of the input every period still open closes, covering the events up to then).
 */
public final class OfflineReplay {

    public static final String ALERTS_FILE = "alerts.ndjson";
    public static final String STATUS_FILE = "status.ndjson";
    public static final String DLQ_FILE = "dlq.ndjson";
    public static final String BUDGET_POLICY_FILE = "budget-policy.ndjson";
    public static final String COMPLIANCE_FILE = "compliance.ndjson";
    static final String LINE_HEADER = "burnrate.replay.line";
    private static final int DRAIN_EVERY = 10_000;

    /** What a replay did. */
    public record Summary(long lines, long accepted, long unmatched, Map<String, Long> rejected, long transitions,
                          int slos) {
    }

    private OfflineReplay() {
    }

    public static Summary run(final List<SloSpecParser.Parsed> slos, final Path events, final Path outDir,
                              final EngineConfig baseConfig) throws IOException {
        final EngineConfig config = baseConfig.withIdleAdvanceAfter(null).withInMemoryState(true).withMaxFutureSkew(null);
        final BurnRateTopology.Built built = BurnRateTopology.build(config);
        Files.createDirectories(outDir);
        final Path stateDir = Files.createTempDirectory(outDir, ".replay-state");
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "burnrate-replay");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "replay:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put("processing.exception.handler.global.enabled", "true");
        long lines = 0;
        final TreeMap<String, byte[]> finalStatus = new TreeMap<>();
        try (TopologyTestDriver driver = new TopologyTestDriver(built.topology(), props, Instant.EPOCH);
             BufferedReader in = Files.newBufferedReader(events, StandardCharsets.UTF_8);
             BufferedWriter alerts = Files.newBufferedWriter(outDir.resolve(ALERTS_FILE), StandardCharsets.UTF_8);
             BufferedWriter dlq = Files.newBufferedWriter(outDir.resolve(DLQ_FILE), StandardCharsets.UTF_8);
             BufferedWriter policy = Files.newBufferedWriter(outDir.resolve(BUDGET_POLICY_FILE), StandardCharsets.UTF_8);
             BufferedWriter compliance = Files.newBufferedWriter(outDir.resolve(COMPLIANCE_FILE),
                     StandardCharsets.UTF_8)) {
            final TestInputTopic<String, byte[]> sloTopic = driver.createInputTopic(config.slosTopic(),
                    new StringSerializer(), new ByteArraySerializer());
            for (final SloSpecParser.Parsed p : slos) {
                sloTopic.pipeInput(p.spec().id(), SloSpecParser.toJson(p.document()), 0L);
            }
            final TestInputTopic<String, byte[]> requests = driver.createInputTopic(config.requestsTopic(),
                    new StringSerializer(), new ByteArraySerializer());
            final Outputs outputs = new Outputs(driver, config);
            String line;
            while ((line = in.readLine()) != null) {
                lines++;
                if (line.isBlank()) {
                    continue;
                }
                final Headers headers = new RecordHeaders();
                headers.add(LINE_HEADER, Long.toString(lines).getBytes(StandardCharsets.UTF_8));
                final byte[] value = line.getBytes(StandardCharsets.UTF_8);
                // key by service as producers should, so replay takes the same path as keyed live traffic
                final EventParser.Result parsed = EventParser.parse(value);
                final String key = parsed instanceof EventParser.Accepted a ? a.event().service() : null;
                requests.pipeInput(new TestRecord<>(key, value, headers, 0L));
                if (lines % DRAIN_EVERY == 0) {
                    outputs.drain(alerts, dlq, policy, compliance, finalStatus);
                }
            }
            built.inputEnd().reach();
            driver.advanceWallClockTime(config.statusInterval());
            outputs.drain(alerts, dlq, policy, compliance, finalStatus);
        } finally {
            deleteRecursively(stateDir);
        }
        try (BufferedWriter status = Files.newBufferedWriter(outDir.resolve(STATUS_FILE), StandardCharsets.UTF_8)) {
            for (final byte[] s : finalStatus.values()) {
                status.write(new String(s, StandardCharsets.UTF_8));
                status.write('\n');
            }
        }
        final EngineCounters c = built.counters();
        final Map<String, Long> rejected = new TreeMap<>();
        c.rejectedByReason().forEach((k, v) -> rejected.put(k, v.sum()));
        return new Summary(lines, c.accepted.sum(), c.unmatched.sum(), rejected, c.transitions.sum(), slos.size());
    }

    /** Reads the three output topics of the driver into the files. */
    private static final class Outputs {
        private final TestOutputTopic<String, byte[]> alerts;
        private final TestOutputTopic<String, byte[]> status;
        private final TestOutputTopic<String, byte[]> dlq;
        private final TestOutputTopic<String, byte[]> policy;
        private final TestOutputTopic<String, byte[]> compliance;

        Outputs(final TopologyTestDriver driver, final EngineConfig config) {
            alerts = driver.createOutputTopic(config.alertsTopic(), new StringDeserializer(), new ByteArrayDeserializer());
            status = driver.createOutputTopic(config.statusTopic(), new StringDeserializer(), new ByteArrayDeserializer());
            dlq = driver.createOutputTopic(config.dlqTopic(), new StringDeserializer(), new ByteArrayDeserializer());
            policy = driver.createOutputTopic(config.budgetPolicyTopic(), new StringDeserializer(),
                    new ByteArrayDeserializer());
            compliance = driver.createOutputTopic(config.complianceTopic(), new StringDeserializer(),
                    new ByteArrayDeserializer());
        }

        void drain(final BufferedWriter alertsOut, final BufferedWriter dlqOut, final BufferedWriter policyOut,
                   final BufferedWriter complianceOut, final Map<String, byte[]> finalStatus) throws IOException {
            for (final TestRecord<String, byte[]> r : compliance.readRecordsToList()) {
                complianceOut.write(new String(r.value(), StandardCharsets.UTF_8));
                complianceOut.write('\n');
            }
            for (final TestRecord<String, byte[]> r : alerts.readRecordsToList()) {
                alertsOut.write(new String(r.value(), StandardCharsets.UTF_8));
                alertsOut.write('\n');
            }
            for (final TestRecord<String, byte[]> r : policy.readRecordsToList()) {
                policyOut.write(new String(r.value(), StandardCharsets.UTF_8));
                policyOut.write('\n');
            }
            for (final TestRecord<String, byte[]> r : status.readRecordsToList()) {
                finalStatus.put(r.key(), r.value());
            }
            for (final TestRecord<String, byte[]> r : dlq.readRecordsToList()) {
                final DeadLetter d = new DeadLetter(Long.parseLong(header(r.headers(), LINE_HEADER, "0")),
                        header(r.headers(), Names.HEADER_REASON, "unknown"),
                        header(r.headers(), Names.HEADER_DETAIL, ""),
                        r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8));
                dlqOut.write(Json.MAPPER.writeValueAsString(d));
                dlqOut.write('\n');
            }
        }
    }

    private static String header(final Headers headers, final String name, final String dflt) {
        final Header h = headers.lastHeader(name);
        return h == null ? dflt : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void deleteRecursively(final Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a leftover temp dir is not worth failing a finished replay for
        }
    }
}
