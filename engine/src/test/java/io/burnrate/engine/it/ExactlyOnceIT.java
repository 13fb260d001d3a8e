package io.burnrate.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.runtime.SloPublisher;
import io.burnrate.engine.runtime.Topics;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.engine.topology.TopicRole;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
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
        final String slosYaml = Incidents.slos(List.of("alpha", "beta"));
        new SloPublisher(settings).apply(Specs.parse(slosYaml));

        final List<Traffic.Event> events = Incidents.alphaBeta(10);
        final List<String[]> kv = events.stream().map(e -> new String[] {e.service(), e.json()}).toList();
        KafkaTestSupport.produce(BROKER.bootstrapServers(), settings.topic(TopicRole.REQUESTS), kv,
                events.stream().map(Traffic.Event::timestamp).toList());

        // the uninterrupted run of the same input
        final ReplayOracle replay = ReplayOracle.replay(dir, slosYaml, events);
        assertThat(replay.alerts()).hasSizeGreaterThanOrEqualTo(8);
        assertThat(replay.closedSummaries()).as("hours 00, 01 and 02 of two SLOs").hasSize(6);

        // first run: killed once a few transitions are written but before the input is done
        final Path state = dir.resolve("state");
        final EngineProcess first = EngineProcess.start("eos-engine-first", settings, state,
                "--processing-guarantee", guarantee, "--set", "commit.interval.ms=" + commitInterval);
        KafkaTestSupport.read(BROKER.bootstrapServers(), settings.topic(TopicRole.ALERTS), KafkaTestSupport.alerts(),
                seen -> seen.size() >= 3, WAIT, "read_uncommitted");
        first.kill();
        final long committedAtKill = committedOffset(settings);
        assertThat(committedAtKill).as("the hard stop landed mid-stream").isLessThan(events.size());

        // second run: picks up from the last commit
        try (EngineProcess second = EngineProcess.start("eos-engine-second", settings, state,
                "--processing-guarantee", guarantee, "--set", "commit.interval.ms=" + commitInterval)) {
            replay.assertLiveOutputEquals(BROKER.bootstrapServers(), settings, WAIT, "eos");
            assertThat(second.alive()).as("the restarted engine still runs").isTrue();
        }
    }

    private long committedOffset(final Settings settings) throws Exception {
        try (Admin admin = Topics.admin(settings)) {
            final Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(
                    settings.get(Settings.APPLICATION_ID)).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            final OffsetAndMetadata o = offsets.get(new TopicPartition(settings.topic(TopicRole.REQUESTS), 0));
            return o == null ? 0 : o.offset();
        }
    }
}
