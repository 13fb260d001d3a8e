package io.burnrate.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.runtime.Engine;
import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.runtime.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarting {@code run} on the same state: the stopped engine leaves its consumer group,
 * so the new one does not sit in REBALANCING (readyz 503) for the old member's 45 s
 * session timeout (issue 13).
 */
class EngineRestartIT {

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path stateDir;

    @Test
    void aRestartedEngineIsRunningWellWithinTheOldMembersSessionTimeout() throws Exception {
        final String prefix = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        final Settings first = KafkaTestSupport.settings(BROKER.bootstrapServers(), prefix, stateDir)
                .with(Settings.HTTP_PORT, -1);
        try (Admin admin = Topics.admin(first)) {
            Topics.ensure(admin, first);
        }
        final Engine a = Engine.start(first);
        try {
            assertThat(a.awaitRunning(Duration.ofSeconds(60))).as("first engine RUNNING").isTrue();
        } finally {
            a.close();
        }
        final Settings second = KafkaTestSupport.settings(BROKER.bootstrapServers(), prefix, stateDir)
                .with(Settings.HTTP_PORT, -1);
        final long start = System.nanoTime();
        final Engine b = Engine.start(second);
        try {
            // the session timeout is 45 s: without leaving the group the second start waits it out
            assertThat(b.awaitRunning(Duration.ofSeconds(30))).as("restarted engine RUNNING within 30 s").isTrue();
            System.out.printf("EngineRestartIT: restarted engine RUNNING after %.1f s%n",
                    (System.nanoTime() - start) / 1e9);
        } finally {
            b.close();
        }
    }
}
