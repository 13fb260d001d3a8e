package io.burnrate.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.cli.BurnrateCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code burnrate run} against brokers that are not there. */
class RunCommandIT {

    @Test
    void shouldFailWithinThirtySecondsNamingAnUnreachableBroker() {
        final PrintStream oldErr = System.err;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        final long start = System.nanoTime();
        final int code;
        try {
            // nothing listens on port 1 of loopback
            code = BurnrateCli.run("run", "--bootstrap-servers", "127.0.0.1:1", "--http-port", "-1");
        } finally {
            System.setErr(oldErr);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("burnrate run: cannot reach Kafka at 127.0.0.1:1 within 15 s");
    }

    @Test
    void shouldRefuseAnUnresolvableBrokerAtOnce() {
        final PrintStream oldErr = System.err;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        final int code;
        try {
            code = BurnrateCli.run("run", "--bootstrap-servers", "no-such-broker.invalid:9092", "--http-port", "-1");
        } finally {
            System.setErr(oldErr);
        }
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot connect to Kafka at no-such-broker.invalid:9092");
    }
}
