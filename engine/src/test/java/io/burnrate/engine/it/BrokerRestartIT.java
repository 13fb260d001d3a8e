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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away under a running engine and comes back on the same data directory
 * and address, twice: a clean stop (SIGTERM) during alpha's first outage and a hard kill
 * (SIGKILL, logs recovered at start) during beta's. Input keeps arriving throughout (an
 * idempotent producer buffers it while the broker is down), so the engine has open
 * transactions each time. The engine is the same process from start to end, and its
 * committed output equals the offline replay of the input: every alert transition once,
 * the same final status, each closed period's summary once.
 */
class BrokerRestartIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void shouldRideOutBrokerRestartsWithTheOutputOfAnUninterruptedRun() throws Exception {
        try (BrokerProcess broker = new BrokerProcess(dir.resolve("kafka"), Path.of("target", "broker-restart-kafka.log"))
                .start(WAIT)) {
            final String bootstrap = broker.bootstrapServers();
            final Settings settings = KafkaTestSupport.settings(bootstrap, "restart", dir.resolve("unused"))
                    .with(Settings.PARTITIONS, 1);
            try (Admin admin = Topics.admin(settings)) {
                Topics.ensure(admin, settings);
            }
            final String slosYaml = Incidents.slos(List.of("alpha", "beta"));
            new SloPublisher(settings).apply(Specs.parse(slosYaml));
            final List<Traffic.Event> events = Incidents.alphaBeta(0.5);
            final ReplayOracle replay = ReplayOracle.replay(dir, slosYaml, events);
            assertThat(replay.alerts(Specs.parse(slosYaml).get(0).spec().id())).isNotEmpty();

            try (EngineProcess engine = EngineProcess.start("broker-restart-engine", settings, dir.resolve("state"),
                    "--set", "commit.interval.ms=100");
                 KafkaTestSupport.PacedProducer producer = new KafkaTestSupport.PacedProducer(bootstrap,
                         settings.topic(TopicRole.REQUESTS), events.stream().map(e -> new String[] {e.service(), e.json()})
                         .toList(), events.stream().map(Traffic.Event::timestamp).toList(), 1000,
                         events.size() * 5 / 8)) {
                // the producer holds after 150 of the 240 minutes until both restarts happened
                restartWhen(broker, settings, "alpha", false, engine, producer, events.size());
                restartWhen(broker, settings, "beta", true, engine, producer, events.size());
                producer.release();
                producer.awaitDone(WAIT);
                // the oracle is the replay of the input as the broker stored it: a producer retrying
                // across a SIGKILLed broker may store a batch twice (a fault of the test's producer,
                // not the engine's), and the engine must then count it twice as well
                final Map<String, Traffic.Event> byJson = new HashMap<>();
                events.forEach(e -> byJson.put(e.json(), e));
                final List<Traffic.Event> stored = KafkaTestSupport.readAll(bootstrap, settings.topic(TopicRole.REQUESTS),
                        new StringDeserializer()).stream().map(r -> byJson.get(r.value())).toList();
                assertThat(stored).doesNotContainNull().hasSizeGreaterThanOrEqualTo(events.size());
                System.out.printf("BrokerRestartIT: %d events sent, %d stored (the test producer's duplicates "
                        + "across the broker kill)%n", events.size(), stored.size());
                final ReplayOracle asStored = stored.size() == events.size() ? replay
                        : ReplayOracle.replay(dir.resolve("as-stored"), slosYaml, stored);
                asStored.assertLiveOutputEquals(bootstrap, settings, WAIT, "broker-restart");
                assertThat(engine.alive()).as("the engine never stopped").isTrue();
                assertThat(engine.logText()).doesNotContain("stream thread failed");
                final long noticed = engine.logText().lines().filter(l -> l.contains("could not be established"))
                        .count();
                System.out.printf("BrokerRestartIT: %d events, %d transitions and %d closed-period summaries equal "
                                + "the replay's across 2 broker restarts; engine pid %d ran throughout "
                                + "(%d connection failures logged while the broker was down)%n",
                        events.size(), asStored.alerts().size(), asStored.closedSummaries().size(), engine.pid(),
                        noticed);
            }
        }
    }

    /** Once {@code service}'s first page is committed, stops (or kills) the broker and starts it again. */
    private static void restartWhen(final BrokerProcess broker, final Settings settings, final String service,
                                    final boolean kill, final EngineProcess engine,
                                    final KafkaTestSupport.PacedProducer producer, final int total) throws Exception {
        KafkaTestSupport.readUntil(broker.bootstrapServers(), settings.topic(TopicRole.ALERTS), KafkaTestSupport.alerts(),
                seen -> seen.stream().anyMatch(r -> r.value().service().equals(service)), WAIT);
        final int sentAtStop = producer.sent();
        final long down = System.nanoTime();
        if (kill) {
            broker.kill();
        } else {
            broker.stop();
        }
        final long stopped = System.nanoTime();
        broker.start(WAIT);
        final long up = System.nanoTime();
        assertThat(engine.alive()).as("the engine is still running after the broker came back").isTrue();
        assertThat(sentAtStop).as("the restart lands mid-stream").isLessThan(total);
        System.out.printf("BrokerRestartIT: broker %s during %s's outage after %d of %d events sent: "
                        + "%d ms to stop, down %d ms in all%n", kill ? "SIGKILLed" : "stopped (SIGTERM)", service,
                sentAtStop, total, (stopped - down) / 1_000_000, (up - down) / 1_000_000);
    }
}
