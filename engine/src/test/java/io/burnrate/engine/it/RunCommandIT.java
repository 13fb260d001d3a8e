package io.burnrate.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.testing.Cli;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code burnrate run} against brokers that are not there. */
class RunCommandIT {

    @Test
    void shouldFailWithinThirtySecondsNamingAnUnreachableBroker() {
        // run gives up after 15 s (its message says so); 30 s leaves room for start-up on a busy machine
        final long start = System.nanoTime();
        // nothing listens on port 1 of loopback
        final Cli.Run run = Cli.run("run", "--bootstrap-servers", "127.0.0.1:1", "--http-port", "-1");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("burnrate run: cannot reach Kafka at 127.0.0.1:1 within 15 s");
    }

    @Test
    void shouldRefuseAnUnresolvableBrokerAtOnce() {
        final Cli.Run run = Cli.run("run", "--bootstrap-servers", "no-such-broker.invalid:9092", "--http-port", "-1");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("cannot connect to Kafka at no-such-broker.invalid:9092");
    }
}
