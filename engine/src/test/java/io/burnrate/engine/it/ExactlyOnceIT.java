package io.burnrate.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.replay.OfflineReplay;
import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.runtime.SloPublisher;
import io.burnrate.engine.runtime.Topics;
import io.burnrate.engine.slo.SloSpecParser;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.engine.topology.EngineConfig;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.ComplianceSummary;
import io.burnrate.schemas.Json;
import io.burnrate.schemas.StatusSnapshot;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once under a hard stop: the engine runs in a child JVM, is killed with
 * SIGKILL mid-stream (after it has written alert transitions that are not yet
 * committed), and restarted. A read_committed consumer must then see every alert
 * transition exactly once, and the final status must equal an uninterrupted run of
 * the same input (the offline replay). The compliance summaries of the periods that
 * closed (hours ending a grace period before the last event) are the replay's, once each:
 * the open periods' accumulators survive the kill in the state store.
 *
 * <p>Sensitivity check: {@code -Dburnrate.it.guarantee=at_least_once} runs the same
 * test with at-least-once and a 60 s commit interval; it then fails on duplicates.
 */
class ExactlyOnceIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path dir;

    @Test
    void shouldPublishEveryTransitionExactlyOnceAcrossAHardStop() throws Exception {
        final String guarantee = System.getProperty("burnrate.it.guarantee", "exactly_once_v2");
        final String commitInterval = guarantee.equals("exactly_once_v2") ? "100" : "60000";
        final Settings settings = KafkaTestSupport.settings(BROKER.bootstrapServers(), "eos", dir.resolve("unused"))
                .with(Settings.PARTITIONS, 1);
        try (Admin admin = Topics.admin(settings)) {
            Topics.ensure(admin, settings);
        }
        final String slosYaml = Specs.availabilityYaml("alpha-availability", "alpha", 0) + "---\n"
                + Specs.availabilityYaml("beta-availability", "beta", 0);
        new SloPublisher(settings).apply(Specs.parse(slosYaml));

        final List<Traffic.Event> events = incidents();
        final Path eventsFile = dir.resolve("events.ndjson");
        Files.write(eventsFile, events.stream().map(Traffic.Event::json).toList(), StandardCharsets.UTF_8);
        final List<String[]> kv = events.stream().map(e -> new String[] {e.service(), e.json()}).toList();
        KafkaTestSupport.produce(BROKER.bootstrapServers(), settings.topic("requests"), kv,
                events.stream().map(Traffic.Event::timestamp).toList());

        // the uninterrupted run of the same input
        final Path slosFile = Files.writeString(dir.resolve("slos.yaml"), slosYaml);
        OfflineReplay.run(SloSpecParser.parseFile(slosFile), eventsFile, dir.resolve("replay"),
                EngineConfig.defaults());
        final List<AlertTransition> expectedAlerts = readNdjson(dir.resolve("replay/alerts.ndjson"), AlertTransition.class);
        final List<StatusSnapshot> expectedStatus = readNdjson(dir.resolve("replay/status.ndjson"), StatusSnapshot.class);
        assertThat(expectedAlerts).hasSizeGreaterThanOrEqualTo(8);

        // first run: killed once a few transitions are written but before the input is done
        final Process first = startEngine(settings, guarantee, commitInterval, "first");
        KafkaTestSupport.read(BROKER.bootstrapServers(), settings.topic("alerts"), KafkaTestSupport.alerts(),
                seen -> seen.size() >= 3, WAIT, "read_uncommitted");
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        final long committedAtKill = committedOffset(settings);
        assertThat(committedAtKill).as("the hard stop landed mid-stream").isLessThan(events.size());

        // second run: picks up from the last commit
        final Process second = startEngine(settings, guarantee, commitInterval, "second");
        try {
            final List<ConsumerRecord<String, StatusSnapshot>> status = new ArrayList<>();
            try {
                status.addAll(KafkaTestSupport.readUntil(BROKER.bootstrapServers(), settings.topic("status"),
                        KafkaTestSupport.status(), seen -> latest(seen).equals(byId(expectedStatus)), WAIT));
            } catch (AssertionError timedOut) {
                status.addAll(KafkaTestSupport.readAll(BROKER.bootstrapServers(), settings.topic("status"),
                        KafkaTestSupport.status()));
            }
            Files.writeString(Path.of("target", "eos-status-actual.json"),
                    Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(latest(status)));
            assertThat(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(latest(status)))
                    .as("final status equals the uninterrupted run's")
                    .isEqualTo(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(byId(expectedStatus)));
            final List<AlertTransition> alerts = KafkaTestSupport.readUntil(BROKER.bootstrapServers(),
                    settings.topic("alerts"), KafkaTestSupport.alerts(),
                    seen -> seen.size() >= expectedAlerts.size(), WAIT).stream().map(ConsumerRecord::value).toList();
            assertThat(alerts).as("every transition exactly once, as in an uninterrupted run")
                    .containsExactlyElementsOf(expectedAlerts);
            // the replay closes every period at the end of its input; the live engine (idle advance
            // off) only those that ended a grace period before the last event
            final long lastEvent = events.get(events.size() - 1).timestamp();
            final List<ComplianceSummary> expectedSummaries = readNdjson(dir.resolve("replay/compliance.ndjson"),
                    ComplianceSummary.class).stream().filter(s -> s.period().end().plus(EngineConfig.defaults().grace())
                    .toEpochMilli() <= lastEvent).toList();
            assertThat(expectedSummaries).as("hours 00, 01 and 02 of two SLOs").hasSize(6);
            final List<ComplianceSummary> summaries = KafkaTestSupport.readUntil(BROKER.bootstrapServers(),
                    settings.topic("compliance"), KafkaTestSupport.compliance(),
                    seen -> seen.size() >= expectedSummaries.size(), WAIT).stream().map(ConsumerRecord::value).toList();
            assertThat(summaries).as("each closed period's summary once, with the uninterrupted run's numbers")
                    .containsExactlyInAnyOrderElementsOf(expectedSummaries);
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** Two services, 4 h at 10 req/s each, with outages that make several rules fire and resolve. */
    private static List<Traffic.Event> incidents() {
        final List<Traffic.Event> all = new ArrayList<>();
        final Traffic alpha = Traffic.of("alpha", 10, Traffic.T0);
        all.addAll(alpha.next(Duration.ofMinutes(90), Traffic.none()));
        all.addAll(alpha.next(Duration.ofMinutes(10), Traffic.all()));
        all.addAll(alpha.next(Duration.ofMinutes(60), Traffic.none()));
        all.addAll(alpha.next(Duration.ofMinutes(10), Traffic.everyNth(5)));
        all.addAll(alpha.next(Duration.ofMinutes(70), Traffic.none()));
        final Traffic beta = Traffic.of("beta", 10, Traffic.T0);
        all.addAll(beta.next(Duration.ofMinutes(120), Traffic.none()));
        all.addAll(beta.next(Duration.ofMinutes(15), Traffic.all()));
        all.addAll(beta.next(Duration.ofMinutes(105), Traffic.none()));
        all.sort(Comparator.comparingLong(Traffic.Event::timestamp).thenComparing(Traffic.Event::service));
        return all;
    }

    private Process startEngine(final Settings settings, final String guarantee, final String commitInterval,
                                final String name) throws Exception {
        final List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.burnrate.engine.cli.BurnrateCli", "run",
                "--bootstrap-servers", BROKER.bootstrapServers(),
                "--application-id", settings.get(Settings.APPLICATION_ID),
                "--state-dir", dir.resolve("state").toString(),
                "--processing-guarantee", guarantee,
                "--partitions", "1",
                "--http-port", "0", "--http-bind", "127.0.0.1",
                "--set", "commit.interval.ms=" + commitInterval,
                "--set", "idle.advance.after=off",
                "--set", "max.event.age=off"));
        for (final String role : List.of("requests", "slos", "alerts", "status", "dlq", "budget-policy",
                "compliance")) {
            cmd.add("--topic");
            cmd.add(role + "=" + settings.topic(role));
        }
        final File log = Path.of("target", "eos-engine-" + name + ".log").toFile();
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    }

    private long committedOffset(final Settings settings) throws Exception {
        try (Admin admin = Topics.admin(settings)) {
            final Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(
                    settings.get(Settings.APPLICATION_ID)).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            final OffsetAndMetadata o = offsets.get(new TopicPartition(settings.topic("requests"), 0));
            if (o == null) {
                return 0;
            }
            admin.listOffsets(Map.of(new TopicPartition(settings.topic("requests"), 0), OffsetSpec.latest()));
            return o.offset();
        }
    }

    private static Map<String, StatusSnapshot> latest(final List<ConsumerRecord<String, StatusSnapshot>> records) {
        final Map<String, StatusSnapshot> out = new LinkedHashMap<>();
        records.forEach(r -> out.put(r.key(), r.value()));
        return new TreeMap<>(out);
    }

    private static Map<String, StatusSnapshot> byId(final List<StatusSnapshot> snapshots) {
        final Map<String, StatusSnapshot> out = new TreeMap<>();
        snapshots.forEach(s -> out.put(s.sloId(), s));
        return out;
    }

    private static <T> List<T> readNdjson(final Path file, final Class<T> type) throws Exception {
        final List<T> out = new ArrayList<>();
        for (final String line : Files.readAllLines(file)) {
            out.add(Json.MAPPER.readValue(line, type));
        }
        return out;
    }
}
