package io.burnrate.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.runtime.SloPublisher;
import io.burnrate.engine.runtime.Topics;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.engine.topology.TopicRole;
import io.burnrate.schemas.AlertTransition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover: three instances of the engine (child JVMs, one application id) share a
 * 6-partition requests topic, one service per partition. In the middle of the incident
 * service's outage (its page committed, the outage not over) the instance that owns that
 * service's partition (found from the consumer group's assignment) is SIGKILLed; the rest
 * of the input arrives at once. A survivor takes the partition over: the page fired once,
 * the resolve comes, and every SLO's transitions, final status and closed summaries equal
 * the offline replay. Printed: the takeover time, kill → the new owner's first committed
 * offset on the partition and kill → its first committed output for the SLO, with one
 * standby replica and with none.
 *
 * <p>{@code session.timeout.ms} is 6 s (the broker's minimum) rather than the 45 s default,
 * which would otherwise dominate the takeover; the transaction timeout is the Streams
 * default (10 s): the killed instance's open transaction holds back read_committed
 * readers of the partitions it wrote until then.
 */
class FailoverIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int PARTITIONS = 6;
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path dir;

    @Test
    void shouldFailOverToTheStandbyWithNothingLostOrDuplicated() throws Exception {
        failover("standby", 1);
    }

    @Test
    void shouldFailOverWithoutStandbyWithNothingLostOrDuplicated() throws Exception {
        failover("nostandby", 0);
    }

    private void failover(final String prefix, final int standbys) throws Exception {
        final String bootstrap = BROKER.bootstrapServers();
        final Settings settings = KafkaTestSupport.settings(bootstrap, prefix, dir.resolve("unused"))
                .with(Settings.PARTITIONS, PARTITIONS);
        try (Admin admin = Topics.admin(settings)) {
            Topics.ensure(admin, settings);
        }
        final List<String> services = onePerPartition();
        final String incident = services.get(0);
        final String incidentSlo = incident + "-availability";
        final int partition = KafkaTestSupport.partition(incident, PARTITIONS);
        new SloPublisher(settings).apply(Specs.parse(Incidents.slos(services)));

        // 3 h at 0.5 req/s per service; the incident service fails for 20 min from 01:30,
        // another one for 10 min from 01:00 (transitions on other partitions too)
        final List<Traffic.Event> all = new ArrayList<>();
        all.addAll(Incidents.outage(incident, 0.5, Duration.ofMinutes(90), Duration.ofMinutes(20),
                Duration.ofHours(3)));
        all.addAll(Incidents.outage(services.get(1), 0.5, Duration.ofMinutes(60), Duration.ofMinutes(10),
                Duration.ofHours(3)));
        for (final String s : services.subList(2, services.size())) {
            all.addAll(Traffic.of(s, 0.5, Traffic.T0).next(Duration.ofHours(3), Traffic.none()));
        }
        final List<Traffic.Event> events = ReplayOracle.sorted(all);
        final ReplayOracle replay = ReplayOracle.replayByPartition(dir, Incidents::slos, events, PARTITIONS);
        final long pages = replay.alerts(incidentSlo).stream().filter(a -> a.severity().equals("page")
                && a.state().equals("firing")).count();
        assertThat(pages).as("the incident pages").isPositive();
        // the kill lands 10 min into the 20 min outage
        final long cut = Traffic.T0.plus(Duration.ofMinutes(100)).toEpochMilli();
        final List<Traffic.Event> before = events.stream().filter(e -> e.timestamp() < cut).toList();
        final List<Traffic.Event> after = events.stream().filter(e -> e.timestamp() >= cut).toList();

        final Map<String, EngineProcess> engines = new TreeMap<>();
        try (Admin admin = Topics.admin(settings)) {
            for (final String name : List.of("a", "b", "c")) {
                final String id = prefix + "-" + name;
                engines.put(id, EngineProcess.start("failover-" + id, settings, dir.resolve("state-" + name),
                        "--set", "client.id=" + id,
                        "--set", "num.standby.replicas=" + standbys,
                        "--set", "commit.interval.ms=100",
                        "--set", "session.timeout.ms=6000",
                        "--set", "heartbeat.interval.ms=1000"));
            }
            final String group = settings.get(Settings.APPLICATION_ID);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() ->
                    engines.values().stream().allMatch(EngineProcess::ready) && owners(admin, group, settings).size()
                            == PARTITIONS && members(admin, group) == 3);
            send(settings, before);
            KafkaTestSupport.readUntil(bootstrap, settings.topic(TopicRole.ALERTS), KafkaTestSupport.alerts(),
                    seen -> seen.stream().anyMatch(r -> r.value().sloId().equals(incidentSlo)
                            && r.value().severity().equals("page") && r.value().state().equals("firing")), WAIT);
            final String owner = owners(admin, group, settings).get(partition);
            final EngineProcess victim = engines.get(owner);
            assertThat(victim).as("owner %s of partition %d", owner, partition).isNotNull();

            final long killed = System.nanoTime();
            victim.kill();
            final TopicPartition input = new TopicPartition(settings.topic(TopicRole.REQUESTS), partition);
            final long committedAtKill = committed(admin, group, input);
            final Map<TopicPartition, Long> outputEnds = ends(admin, settings.topic(TopicRole.ALERTS),
                    settings.topic(TopicRole.STATUS));
            send(settings, after);
            final long[] took = takeover(admin, group, input, committedAtKill, outputEnds, incidentSlo, killed);
            final String newOwner = await().atMost(WAIT).until(() -> owners(admin, group, settings).get(partition),
                    o -> o != null);
            System.out.printf("FailoverIT (%d standby replica%s): killed %s (owner of partition %d, SLO %s) mid-"
                            + "outage; new owner %s: first committed offset on the partition %d ms after the kill, "
                            + "first committed output for the SLO %d ms after%n", standbys, standbys == 1 ? "" : "s",
                    owner, partition, incidentSlo, newOwner, took[0], took[1]);
            assertThat(newOwner).isNotEqualTo(owner);

            try {
                replay.assertLiveOutputEquals(bootstrap, settings, WAIT, "failover-" + prefix);
            } catch (AssertionError e) {
                engines.values().stream().filter(EngineProcess::alive).forEach(EngineProcess::threadDump);
                throw e;
            }
            final List<AlertTransition> live = KafkaTestSupport.readAll(bootstrap, settings.topic(TopicRole.ALERTS),
                    KafkaTestSupport.alerts()).stream().map(ConsumerRecord::value)
                    .filter(a -> a.sloId().equals(incidentSlo)).toList();
            assertThat(live.stream().filter(a -> a.severity().equals("page") && a.state().equals("firing")).count())
                    .as("each page rule fired once").isEqualTo(pages);
            assertThat(live.stream().filter(a -> a.severity().equals("page") && a.state().equals("resolved"))
                    .count()).as("and resolved once").isEqualTo(pages);
            System.out.printf("FailoverIT (%d standby replica%s): %d events, %d transitions (%d of %s) equal the "
                            + "replay's, each once%n", standbys, standbys == 1 ? "" : "s", events.size(),
                    replay.alerts().size(), live.size(), incidentSlo);
        } finally {
            for (final EngineProcess e : engines.values()) {
                e.close();
            }
        }
    }

    /** Service names, one on each partition of the requests topic. */
    private static List<String> onePerPartition() {
        final Map<Integer, String> byPartition = new TreeMap<>();
        for (int i = 0; byPartition.size() < PARTITIONS; i++) {
            byPartition.putIfAbsent(KafkaTestSupport.partition("svc-" + i, PARTITIONS), "svc-" + i);
        }
        return new ArrayList<>(byPartition.values());
    }

    private static void send(final Settings settings, final List<Traffic.Event> events) throws Exception {
        KafkaTestSupport.produce(BROKER.bootstrapServers(), settings.topic(TopicRole.REQUESTS),
                events.stream().map(e -> new String[] {e.service(), e.json()}).toList(),
                events.stream().map(Traffic.Event::timestamp).toList());
    }

    /**
     * Polls until the new owner has committed an offset past {@code committedAtKill} on the
     * partition and a committed output for the SLO appeared past the ends at the kill;
     * returns both delays from {@code killed} in ms.
     */
    private static long[] takeover(final Admin admin, final String group, final TopicPartition input,
                                   final long committedAtKill, final Map<TopicPartition, Long> outputEnds,
                                   final String sloId, final long killed) throws Exception {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long processed = -1;
        long output = -1;
        final long deadline = killed + WAIT.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(outputEnds.keySet());
            outputEnds.forEach(consumer::seek);
            while (processed < 0 || output < 0) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no takeover within " + WAIT.toSeconds() + " s (processed: "
                            + processed + ", output: " + output + ")");
                }
                for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    if (output < 0 && (r.key().equals(sloId) || r.key().startsWith(sloId + "/"))) {
                        output = (System.nanoTime() - killed) / 1_000_000;
                    }
                }
                if (processed < 0 && committed(admin, group, input) > committedAtKill) {
                    processed = (System.nanoTime() - killed) / 1_000_000;
                }
            }
        }
        return new long[] {processed, output};
    }

    private static long committed(final Admin admin, final String group, final TopicPartition tp) throws Exception {
        final OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS).get(tp);
        return o == null ? 0 : o.offset();
    }

    private static Map<TopicPartition, Long> ends(final Admin admin, final String... topics) throws Exception {
        final Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        for (final String t : topics) {
            for (int p = 0; p < PARTITIONS; p++) {
                query.put(new TopicPartition(t, p), OffsetSpec.latest());
            }
        }
        final Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(query).all().get(10, TimeUnit.SECONDS).forEach((tp, r) -> out.put(tp, r.offset()));
        return out;
    }

    private static int members(final Admin admin, final String group) throws Exception {
        final ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(10,
                TimeUnit.SECONDS).get(group);
        return d.groupState() == GroupState.STABLE ? d.members().size() : -1;
    }

    /** Which instance (client.id) has each requests partition, from the consumer group's assignment. */
    private static Map<Integer, String> owners(final Admin admin, final String group, final Settings settings)
            throws Exception {
        final ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get(10,
                TimeUnit.SECONDS).get(group);
        final Map<Integer, String> out = new TreeMap<>();
        if (d.groupState() != GroupState.STABLE) {
            return out;
        }
        for (final MemberDescription m : d.members()) {
            final String instance = m.clientId().replaceAll("-StreamThread-\\d+-consumer$", "");
            for (final TopicPartition tp : m.assignment().topicPartitions()) {
                if (tp.topic().equals(settings.topic(TopicRole.REQUESTS))) {
                    out.put(tp.partition(), instance);
                }
            }
        }
        return out;
    }

}
