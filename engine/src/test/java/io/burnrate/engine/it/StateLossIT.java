package io.burnrate.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.runtime.SloPublisher;
import io.burnrate.engine.runtime.Topics;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.engine.topology.TopicRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * State loss: the engine processes the input up to the middle of beta's outage (its page
 * firing), is stopped, and its whole state directory is deleted, as when a pod comes back
 * on a fresh volume. Restarted on the empty directory it rebuilds its state store from
 * the changelog topic and goes on with the rest of the input: every transition once (the
 * firing page is not fired again, the resolve comes), the final status and the closed
 * summaries equal the offline replay. Printed: records and bytes restored, and the time.
 *
 * <p>A stopped Kafka Streams member does not leave its group, so the restarted one waits
 * for the old member's session to expire before it gets its partition back:
 * {@code session.timeout.ms} is 6 s here (the default 45 s would dominate the test).
 */
class StateLossIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern RESTORED = Pattern.compile(
            "restored (\\S+) from (\\S+): (\\d+) records in (\\d+) ms");
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path dir;

    @Test
    void shouldRestoreADeletedStateDirectoryFromTheChangelogAndContinueAsIfNothingHappened() throws Exception {
        final String bootstrap = BROKER.bootstrapServers();
        final Settings settings = KafkaTestSupport.settings(bootstrap, "stateloss", dir.resolve("unused"))
                .with(Settings.PARTITIONS, 1);
        try (Admin admin = Topics.admin(settings)) {
            Topics.ensure(admin, settings);
        }
        final String slosYaml = Incidents.slos(List.of("alpha", "beta"));
        new SloPublisher(settings).apply(Specs.parse(slosYaml));
        final List<Traffic.Event> events = Incidents.alphaBeta(0.5);
        final ReplayOracle replay = ReplayOracle.replay(dir, slosYaml, events);
        // 02:05: alpha's first outage is over, beta's (02:00 to 02:15) under way
        final long cut = Traffic.T0.plus(Duration.ofMinutes(125)).toEpochMilli();
        final List<Traffic.Event> before = events.stream().filter(e -> e.timestamp() < cut).toList();
        final List<Traffic.Event> after = events.stream().filter(e -> e.timestamp() >= cut).toList();
        assertThat(replay.alerts().stream().filter(a -> a.service().equals("beta") && a.state().equals("firing")
                && a.at().toEpochMilli() < cut)).as("beta pages before the cut").isNotEmpty();

        final Path state = dir.resolve("state");
        final String group = settings.get(Settings.APPLICATION_ID);
        final TopicPartition input = new TopicPartition(settings.topic(TopicRole.REQUESTS), 0);
        try (Admin admin = Topics.admin(settings)) {
            try (EngineProcess first = EngineProcess.start("state-loss-first", settings, state,
                    "--set", "commit.interval.ms=100", "--set", "session.timeout.ms=6000")) {
                send(settings, before);
                await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                        .until(() -> committed(admin, group, input) == before.size());
                // a JVM ended by SIGTERM exits 143 once its shutdown hooks ran
                assertThat(first.stop(WAIT)).as("clean stop").isIn(0, 143);
                assertThat(first.logText()).contains("PENDING_SHUTDOWN -> NOT_RUNNING");
            }
            final long stateBytes = sizeOf(state);
            deleteRecursively(state);
            assertThat(state).doesNotExist();
            final String changelog = group + "-slo-state-changelog";
            final long changelogRecords = KafkaTestSupport.endOffsets(admin, changelog);
            final long changelogBytes = logSize(admin, changelog);

            final long started = System.nanoTime();
            try (EngineProcess second = EngineProcess.start("state-loss-second", settings, state,
                    "--set", "commit.interval.ms=100", "--set", "session.timeout.ms=6000")) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(second::ready);
                final long ready = (System.nanoTime() - started) / 1_000_000;
                final Matcher m = RESTORED.matcher(second.logText());
                long restoredRecords = -1;
                long restoreMs = -1;
                while (m.find()) {
                    if (m.group(2).startsWith(changelog)) {
                        restoredRecords = Long.parseLong(m.group(3));
                        restoreMs = Long.parseLong(m.group(4));
                    }
                }
                assertThat(restoredRecords).as("the store was rebuilt from the changelog (log: %s)", second.log())
                        .isPositive();
                send(settings, after);
                replay.assertLiveOutputEquals(bootstrap, settings, WAIT, "state-loss");
                System.out.printf("StateLossIT: deleted a %d-byte state directory after %d of %d events; restored "
                                + "%d records (changelog: %d records, %d bytes) in %d ms, ready %d ms after the "
                                + "restart began (JVM start included); then %d transitions and %d closed-period "
                                + "summaries equal the replay's%n", stateBytes, before.size(), events.size(),
                        restoredRecords, changelogRecords, changelogBytes, restoreMs, ready,
                        replay.alerts().size(), replay.closedSummaries().size());
            }
        }
    }

    /**
     * The opposite case: a clean stop and a restart on the same state directory restore
     * nothing, because every store of the task has a committed changelog offset. Before the
     * {@code count-ids} store was a key-value store, that store, empty without count records,
     * had none, so under exactly-once Kafka Streams called the task corrupted ("did not find
     * checkpoint offsets while stores are not empty", an ERROR with a stack trace), wiped it
     * and restored every store from its changelog at every restart and rebalance.
     */
    @Test
    void shouldRestoreNothingAfterACleanStopOnTheSameStateDirectory() throws Exception {
        final String bootstrap = BROKER.bootstrapServers();
        final Settings settings = KafkaTestSupport.settings(bootstrap, "cleanrestart", dir.resolve("unused"))
                .with(Settings.PARTITIONS, 1);
        try (Admin admin = Topics.admin(settings)) {
            Topics.ensure(admin, settings);
        }
        new SloPublisher(settings).apply(Specs.parse(Incidents.slos(List.of("alpha", "beta"))));
        final List<Traffic.Event> events = Incidents.alphaBeta(0.5);
        final long cut = Traffic.T0.plus(Duration.ofMinutes(30)).toEpochMilli();
        final List<Traffic.Event> before = events.stream().filter(e -> e.timestamp() < cut).toList();
        final Path state = dir.resolve("state");
        final String group = settings.get(Settings.APPLICATION_ID);
        final TopicPartition input = new TopicPartition(settings.topic(TopicRole.REQUESTS), 0);
        try (Admin admin = Topics.admin(settings)) {
            try (EngineProcess first = EngineProcess.start("clean-restart-first", settings, state,
                    "--set", "commit.interval.ms=100", "--set", "session.timeout.ms=6000")) {
                send(settings, before);
                await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                        .until(() -> committed(admin, group, input) == before.size());
                assertThat(first.stop(WAIT)).as("clean stop").isIn(0, 143);
            }
            final String changelog = group + "-slo-state-changelog";
            assertThat(KafkaTestSupport.endOffsets(admin, changelog)).as("slo-state changelog records").isPositive();
            try (EngineProcess second = EngineProcess.start("clean-restart-second", settings, state,
                    "--set", "commit.interval.ms=100", "--set", "session.timeout.ms=6000")) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(second::ready);
                final String log = second.logText();
                assertThat(log).as("restart log (%s)", second.log()).doesNotContain("TaskCorruptedException")
                        .doesNotContain("did not find checkpoint offsets");
                final Matcher m = RESTORED.matcher(log);
                while (m.find()) {
                    assertThat(Long.parseLong(m.group(3))).as("records restored into %s from %s", m.group(1),
                            m.group(2)).isZero();
                }
            }
        }
    }

    private static void send(final Settings settings, final List<Traffic.Event> events) throws Exception {
        KafkaTestSupport.produce(BROKER.bootstrapServers(), settings.topic(TopicRole.REQUESTS),
                events.stream().map(e -> new String[] {e.service(), e.json()}).toList(),
                events.stream().map(Traffic.Event::timestamp).toList());
    }

    private static long committed(final Admin admin, final String group, final TopicPartition tp) throws Exception {
        final OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS).get(tp);
        return o == null ? 0 : o.offset();
    }

    /** Bytes of a topic on the broker's disk (all partitions, from describeLogDirs). */
    private static long logSize(final Admin admin, final String topic) throws Exception {
        long bytes = 0;
        final Map<Integer, Map<String, LogDirDescription>> dirs = admin.describeLogDirs(
                admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList()).allDescriptions().get();
        for (final Map<String, LogDirDescription> byDir : dirs.values()) {
            for (final LogDirDescription d : byDir.values()) {
                for (final Map.Entry<TopicPartition, ReplicaInfo> e : d.replicaInfos().entrySet()) {
                    if (e.getKey().topic().equals(topic)) {
                        bytes += e.getValue().size();
                    }
                }
            }
        }
        return bytes;
    }

    private static long sizeOf(final Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteRecursively(final Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            for (final Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
