package io.burnrate.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.replay.OfflineReplay;
import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.engine.topology.EngineConfig;
import io.burnrate.engine.topology.TopicRole;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.ComplianceSummary;
import io.burnrate.schemas.Json;
import io.burnrate.schemas.StatusSnapshot;
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
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What an uninterrupted run of some input gives: the offline replay of the same SLOs and
 * events, and the check that a live engine's committed output (read with a
 * {@code read_committed} consumer) equals it after whatever fault the test inflicted:
 * every alert transition exactly once and in order per SLO and rule, the same final status, and
 * the summary of every closed compliance period once with the same numbers.
 */
final class ReplayOracle {

    private final List<AlertTransition> alerts;
    private final List<StatusSnapshot> status;
    private final List<ComplianceSummary> closed;

    private ReplayOracle(final List<AlertTransition> alerts, final List<StatusSnapshot> status,
                         final List<ComplianceSummary> closed) {
        this.alerts = alerts;
        this.status = status;
        this.closed = closed;
    }

    /** Replays {@code events} into {@code dir/replay} (one partition: the replay's order is the topic's). */
    static ReplayOracle replay(final Path dir, final String slosYaml, final List<Traffic.Event> events)
            throws Exception {
        return replay(dir, "replay", slosYaml, events);
    }

    /**
     * The replay of a topic with {@code partitions} partitions keyed by service: each
     * partition is a task with its own event-time clock, so each partition's services are
     * replayed on their own (into {@code dir/replay-<p>}) and the outputs put together.
     */
    static ReplayOracle replayByPartition(final Path dir, final Function<List<String>, String> slosFor,
                                          final List<Traffic.Event> events, final int partitions) throws Exception {
        final Map<Integer, List<Traffic.Event>> byPartition = new TreeMap<>();
        events.forEach(e -> byPartition.computeIfAbsent(KafkaTestSupport.partition(e.service(), partitions),
                k -> new ArrayList<>()).add(e));
        final List<AlertTransition> alerts = new ArrayList<>();
        final List<StatusSnapshot> status = new ArrayList<>();
        final List<ComplianceSummary> closed = new ArrayList<>();
        for (final Map.Entry<Integer, List<Traffic.Event>> e : byPartition.entrySet()) {
            final List<String> services = e.getValue().stream().map(Traffic.Event::service).distinct().sorted()
                    .toList();
            final ReplayOracle one = replay(dir, "replay-" + e.getKey(), slosFor.apply(services), e.getValue());
            alerts.addAll(one.alerts);
            status.addAll(one.status);
            closed.addAll(one.closed);
        }
        return new ReplayOracle(alerts, status, closed);
    }

    private static ReplayOracle replay(final Path dir, final String name, final String slosYaml,
                                       final List<Traffic.Event> events) throws Exception {
        final Path out = dir.resolve(name);
        Files.createDirectories(out);
        final Path eventsFile = out.resolve("events.ndjson");
        Files.write(eventsFile, events.stream().map(Traffic.Event::json).toList(), StandardCharsets.UTF_8);
        final Path slosFile = Files.writeString(out.resolve("slos.yaml"), slosYaml);
        OfflineReplay.run(SloSpecParser.parseFile(slosFile), eventsFile, out.resolve("out"),
                EngineConfig.defaults());
        // the replay closes every period at the end of its input, the live engine (idle
        // advance off) only those that ended a grace period before the partition's last event
        final long lastEvent = events.stream().mapToLong(Traffic.Event::timestamp).max().orElse(0);
        final List<ComplianceSummary> closed = readNdjson(out.resolve("out/compliance.ndjson"),
                ComplianceSummary.class).stream().filter(s -> s.period().end().plus(EngineConfig.defaults().grace())
                .toEpochMilli() <= lastEvent).toList();
        return new ReplayOracle(readNdjson(out.resolve("out/alerts.ndjson"), AlertTransition.class),
                readNdjson(out.resolve("out/status.ndjson"), StatusSnapshot.class), closed);
    }

    List<AlertTransition> alerts() {
        return alerts;
    }

    List<AlertTransition> alerts(final String sloId) {
        return alerts.stream().filter(a -> a.sloId().equals(sloId)).toList();
    }

    /** The final status of every SLO, by SLO id. */
    Map<String, StatusSnapshot> status() {
        final Map<String, StatusSnapshot> out = new TreeMap<>();
        status.forEach(s -> out.put(s.sloId(), s));
        return out;
    }

    /** The summaries the live engine writes too: those of periods closed a grace period before the last event. */
    List<ComplianceSummary> closedSummaries() {
        return closed;
    }

    /**
     * Waits (up to {@code wait} per topic) until the engine's committed output holds what
     * the replay gives and asserts it equals it: final status, every transition exactly
     * once, every closed period's summary once. {@code name} names the files written under
     * {@code target/} for a failed comparison.
     */
    void assertLiveOutputEquals(final String bootstrap, final Settings settings, final Duration wait,
                                final String name) throws Exception {
        final Map<String, StatusSnapshot> expectedStatus = status();
        final List<ConsumerRecord<String, StatusSnapshot>> statusRecords = new ArrayList<>();
        try {
            statusRecords.addAll(KafkaTestSupport.readUntil(bootstrap, settings.topic(TopicRole.STATUS),
                    KafkaTestSupport.status(), seen -> latest(seen).equals(expectedStatus), wait));
        } catch (AssertionError timedOut) {
            statusRecords.addAll(KafkaTestSupport.readAll(bootstrap, settings.topic(TopicRole.STATUS),
                    KafkaTestSupport.status()));
        }
        final String actual = pretty(latest(statusRecords));
        Files.writeString(Path.of("target", name + "-status-actual.json"), actual);
        assertThat(actual).as("final status equals the uninterrupted run's").isEqualTo(pretty(expectedStatus));

        final List<AlertTransition> live = KafkaTestSupport.readUntil(bootstrap, settings.topic(TopicRole.ALERTS),
                KafkaTestSupport.alerts(), seen -> seen.size() >= alerts.size(), wait).stream()
                .map(ConsumerRecord::value).toList();
        // nothing more arrives late (a duplicate written after the others)
        final List<AlertTransition> all = KafkaTestSupport.readAll(bootstrap, settings.topic(TopicRole.ALERTS),
                KafkaTestSupport.alerts()).stream().map(ConsumerRecord::value).toList();
        assertThat(all).hasSameSizeAs(live);
        if (settings.partitions() == 1) {
            assertThat(all).as("every transition exactly once, as in an uninterrupted run")
                    .containsExactlyElementsOf(alerts);
        } else {
            // order is kept per partition, so per record key (SLO and rule); across keys there is none
            assertThat(byKey(all)).as("every transition exactly once and in order per SLO and rule, as in an "
                    + "uninterrupted run").isEqualTo(byKey(alerts));
        }

        final List<ComplianceSummary> expectedSummaries = closedSummaries();
        final List<ComplianceSummary> summaries = KafkaTestSupport.readUntil(bootstrap, settings.topic(TopicRole.COMPLIANCE),
                KafkaTestSupport.compliance(), seen -> seen.size() >= expectedSummaries.size(), wait).stream()
                .map(ConsumerRecord::value).toList();
        assertThat(summaries).as("each closed period's summary once, with the uninterrupted run's numbers")
                .containsExactlyInAnyOrderElementsOf(expectedSummaries);
    }

    /** Transitions by their key on the alerts topic, {@code <sloId>/<rule>}, in order. */
    static Map<String, List<AlertTransition>> byKey(final List<AlertTransition> transitions) {
        final Map<String, List<AlertTransition>> out = new TreeMap<>();
        transitions.forEach(t -> out.computeIfAbsent(t.sloId() + "/" + t.rule(), k -> new ArrayList<>()).add(t));
        return out;
    }

    static Map<String, StatusSnapshot> latest(final List<ConsumerRecord<String, StatusSnapshot>> records) {
        final Map<String, StatusSnapshot> out = new LinkedHashMap<>();
        records.forEach(r -> out.put(r.key(), r.value()));
        return new TreeMap<>(out);
    }

    private static String pretty(final Object o) throws Exception {
        return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o);
    }

    static <T> List<T> readNdjson(final Path file, final Class<T> type) throws Exception {
        final List<T> out = new ArrayList<>();
        for (final String line : Files.readAllLines(file)) {
            out.add(Json.MAPPER.readValue(line, type));
        }
        return out;
    }

    /** Time-ordered, as a producer sends them. */
    static List<Traffic.Event> sorted(final List<Traffic.Event> events) {
        final List<Traffic.Event> all = new ArrayList<>(events);
        all.sort(Comparator.comparingLong(Traffic.Event::timestamp).thenComparing(Traffic.Event::service));
        return all;
    }
}
