package io.burnrate.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.runtime.Topics;
import io.burnrate.engine.testing.Cli;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.topology.TopicRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code burnrate slo adjust} against a real broker: the SLO applied with {@code slo apply}
 * is published again with the range appended (the same range a second time is refused,
 * which it can only be once the first one is on the topic); an SLO that is not on the topic
 * is refused with exit 2.
 */
class SloAdjustIT {

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path dir;

    @Test
    void shouldPublishTheAdjustedSloAndRefuseUnknownOnesAndRepeats() throws Exception {
        final String bootstrap = BROKER.bootstrapServers();
        final Settings settings = KafkaTestSupport.settings(bootstrap, "adjust", dir.resolve("engine"));
        try (Admin admin = Topics.admin(settings)) {
            Topics.ensure(admin, settings);
        }
        final String topic = "slos=" + settings.topic(TopicRole.SLOS);
        final Path file = Files.writeString(dir.resolve("slos.yaml"),
                Specs.availabilityYaml("checkout-availability", "checkout", 0));
        final Cli.Run applied = Cli.run("slo", "apply", "-f", file.toString(), "--bootstrap-servers", bootstrap,
                "--topic", topic);
        assertThat(applied.code()).as(applied.err()).isZero();

        // the last whole hour: on a bucket boundary of the 30d window's hour buckets, within them
        final Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
        final String[] adjust = {"slo", "adjust", "--slo", "checkout-availability", "--start", start.toString(),
            "--end", start.plus(Duration.ofHours(1)).toString(), "--reason", "planned failover test",
            "--bootstrap-servers", bootstrap, "--topic", topic,
        };
        final Cli.Run adjusted = Cli.run(adjust);
        assertThat(adjusted.code()).as(adjusted.err()).isZero();
        assertThat(adjusted.out()).startsWith("adjusted checkout-availability: exclude [" + start + ", "
                + start.plus(Duration.ofHours(1)) + ") (planned failover test)");

        final Cli.Run again = Cli.run(adjust);
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err().strip()).isEqualTo(
                "burnrate slo: SLO checkout-availability already has this adjustment; nothing was published");

        final Cli.Run unknown = Cli.run("slo", "adjust", "--slo", "nope", "--start", start.toString(), "--end",
                start.plus(Duration.ofHours(1)).toString(), "--bootstrap-servers", bootstrap, "--topic", topic);
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err().strip()).isEqualTo("burnrate slo: no SLO named nope on the SLO topic");
    }
}
