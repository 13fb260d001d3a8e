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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison output: a topic the engine writes to ({@code alerts}) is deleted while it runs,
 * and the next transition has nowhere to go. The engine must stop with a non-zero exit
 * code and one line that names that topic (not a consequence such as the dead letter of
 * the aborted transaction), rather than retrying for ever; and it must not commit past
 * the transition it could not write: restarted (which creates the topic again), its
 * output equals the offline replay's.
 *
 * <p>The producer waits {@code max.block.ms} for the topic's metadata before it gives up:
 * 60 s by default, 15 s here to keep the test short.
 */
class PoisonOutputIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path dir;

    @Test
    void shouldStopWithALineNamingADeletedOutputTopic() throws Exception {
        final String bootstrap = BROKER.bootstrapServers();
        final Settings settings = KafkaTestSupport.settings(bootstrap, "poison", dir.resolve("unused"))
                .with(Settings.PARTITIONS, 1);
        try (Admin admin = Topics.admin(settings)) {
            Topics.ensure(admin, settings);
        }
        final String slosYaml = Incidents.slos(List.of("alpha", "beta"));
        new SloPublisher(settings).apply(Specs.parse(slosYaml));
        final List<Traffic.Event> events = Incidents.alphaBeta(0.5);
        final ReplayOracle replay = ReplayOracle.replay(dir, slosYaml, events);
        // before alpha's outage at 01:30: status, no transition yet
        final long cut = Traffic.T0.plus(Duration.ofMinutes(80)).toEpochMilli();
        final List<Traffic.Event> before = events.stream().filter(e -> e.timestamp() < cut).toList();
        final List<Traffic.Event> after = events.stream().filter(e -> e.timestamp() >= cut).toList();

        try (Admin admin = Topics.admin(settings);
             EngineProcess engine = EngineProcess.start("poison-engine", settings, dir.resolve("state"),
                     "--set", "commit.interval.ms=100", "--set", "producer.max.block.ms=15000",
                     "--set", "session.timeout.ms=6000")) {
            send(settings, before);
            KafkaTestSupport.readUntil(bootstrap, settings.topic(TopicRole.STATUS), KafkaTestSupport.status(),
                    seen -> seen.size() >= 2, WAIT);
            admin.deleteTopics(List.of(settings.topic(TopicRole.ALERTS))).all().get(30, TimeUnit.SECONDS);
            final long deleted = System.nanoTime();
            send(settings, after);
            final int code = engine.awaitExit(Duration.ofSeconds(180));
            final long took = (System.nanoTime() - deleted) / 1_000_000;
            final String log = engine.logText();
            final List<String> ours = log.lines().filter(l -> l.startsWith("burnrate run:")).toList();
            System.out.printf("PoisonOutputIT: exit %d, %d ms after the alerts topic was deleted; says: %s%n", code,
                    took, ours);
            assertThat(code).as("stopped, with a failure code (log: %s)", engine.log()).isPositive();
            assertThat(ours).as("one line for the operator").hasSize(1);
            assertThat(ours.get(0)).startsWith("burnrate run: the engine stopped: topic " + settings.topic(TopicRole.ALERTS)
                    + " does not exist").contains("cannot write to " + settings.topic(TopicRole.ALERTS));
        }
        // nothing was committed past the transition that could not be written
        try (EngineProcess again = EngineProcess.start("poison-engine-restarted", settings, dir.resolve("state"),
                "--set", "commit.interval.ms=100", "--set", "session.timeout.ms=6000")) {
            replay.assertLiveOutputEquals(bootstrap, settings, WAIT, "poison");
            System.out.printf("PoisonOutputIT: restarted, the alerts topic is created again and the output equals "
                    + "the replay's (%d transitions)%n", replay.alerts().size());
        }
    }

    private static void send(final Settings settings, final List<Traffic.Event> events) throws Exception {
        KafkaTestSupport.produce(BROKER.bootstrapServers(), settings.topic(TopicRole.REQUESTS),
                events.stream().map(e -> new String[] {e.service(), e.json()}).toList(),
                events.stream().map(Traffic.Event::timestamp).toList());
    }
}
