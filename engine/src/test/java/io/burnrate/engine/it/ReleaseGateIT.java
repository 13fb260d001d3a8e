package io.burnrate.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.burnrate.engine.runtime.Engine;
import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.runtime.SloPublisher;
import io.burnrate.engine.runtime.Topics;
import io.burnrate.engine.testing.Cli;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.engine.topology.TopicRole;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release gate on a real broker, as a pipeline asks it: {@code burnrate gate} exits 3
 * while the SLO's budget is spent and 0 once the bad minutes have left its window.
 */
class ReleaseGateIT {

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path dir;

    @Test
    void shouldDenyWhileAnSloIsUnderItsBlockingThresholdAndAllowAfterTheBudgetRecovers() throws Exception {
        final String prefix = "gate-" + UUID.randomUUID().toString().substring(0, 8);
        final Settings s = KafkaTestSupport.settings(BROKER.bootstrapServers(), prefix, dir.resolve("engine"));
        try (Admin admin = Topics.admin(s)) {
            Topics.ensure(admin, s);
        }
        new SloPublisher(s).apply(Specs.parse(Specs.GATE_SLO));
        try (Engine engine = Engine.start(s)) {
            assertThat(engine.awaitRunning(Duration.ofSeconds(60))).isTrue();
            final String api = "http://127.0.0.1:" + engine.httpPort();
            // 10 minutes at 1/s, the last 10 bad: 1 - 10 / (1 % of 600) = -66.67 % left
            final Traffic t = Traffic.of("checkout", 1, Traffic.T0);
            send(s, t.next(Duration.ofMinutes(10), i -> i >= 590));
            final Cli.Run denied = await().atMost(Duration.ofSeconds(60))
                    .until(() -> Cli.run("gate", "--service", "checkout", "--api", api), r -> r.code() == 3);
            assertThat(denied.out()).startsWith("deny: checkout-availability: -66.67% of the error budget left, at or "
                    + "below the blocking threshold 0% (freeze-releases)");

            // 65 good minutes later the bad requests have left the 1-hour window (on the way the
            // gate opens as soon as the budget is above 0 %, with the 25 % warning while below it)
            send(s, t.next(Duration.ofMinutes(65), Traffic.none()));
            final Cli.Run allowed = await().atMost(Duration.ofSeconds(60))
                    .until(() -> Cli.run("gate", "--service", "checkout", "--api", api), r -> r.out().contains("100%"));
            assertThat(allowed.code()).isEqualTo(0);
            assertThat(allowed.out()).isEqualTo("allow: checkout-availability: 100% of the error budget left\n");
            assertThat(Cli.run("gate", "--service", "nope", "--api", api).code()).as("no such service").isEqualTo(2);
        }
    }

    private static void send(final Settings s, final List<Traffic.Event> events) throws Exception {
        KafkaTestSupport.produce(BROKER.bootstrapServers(), s.topic(TopicRole.REQUESTS),
                events.stream().map(e -> new String[] {e.service(), e.json()}).toList(),
                events.stream().map(Traffic.Event::timestamp).toList());
    }
}
