package io.burnrate.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code burnrate demo} end to end in this JVM: a real embedded broker, the engine and the traffic. */
class DemoCommandIT {

    /** The demo quiets loggers through system properties; keep them from leaking into later tests. */
    private static final List<String> LOGGER_PROPERTIES = List.of(
            "org.slf4j.simpleLogger.log.io.burnrate.engine.topology",
            "org.slf4j.simpleLogger.log.io.burnrate.engine.runtime",
            "org.slf4j.simpleLogger.log.org.apache.kafka", "org.slf4j.simpleLogger.log.kafka");
    private final Map<String, String> saved = new HashMap<>();

    @BeforeEach
    void saveLoggerProperties() {
        LOGGER_PROPERTIES.forEach(p -> saved.put(p, System.getProperty(p)));
    }

    @AfterEach
    void restoreLoggerProperties() {
        saved.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    /** Issue 13: {@code --http-port -1} crashed with "Port value out of range: -1"; the README says it turns HTTP off. */
    @Test
    void httpPortMinusOneTurnsHttpOffAndTheTemporaryDataDirectoryIsRemovedAtExit() {
        final Cli.Run run = Cli.run("demo", "--http-port", "-1", "--duration", "4s");
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.err()).doesNotContain("Exception", "\tat ");
        assertThat(run.out()).contains("HTTP off (--http-port -1)", "--duration 4s reached").doesNotContain(
                "status page http");
        final Matcher data = Pattern.compile("data in (\\S+) \\(removed at exit\\)").matcher(run.out());
        assertThat(data.find()).as(run.out()).isTrue();
        assertThat(Files.exists(Path.of(data.group(1)))).as("temporary demo directory " + data.group(1)).isFalse();
    }

    /**
     * {@code --input otlp}: the same incident arrives as OTLP spans on {@code otlp_spans} and
     * pages. At --speed 600 and 2 requests/s per service, checkout's 25 % failures start at
     * minute 30 of event time, 3 s after start; the 1h/5m page needs a bad share over
     * 14.4 x 0.1 % = 1.44 % of the hour so far, reached within seconds of event time.
     */
    @Test
    void otlpInputPagesForTheSameIncident() {
        final Cli.Run run = Cli.run("demo", "--input", "otlp", "--http-port", "-1", "--speed", "600", "--rate", "2",
                "--duration", "25s");
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.err()).doesNotContain("Exception", "\tat ");
        assertThat(run.out()).contains("input: OpenTelemetry spans (otlp_proto TracesData) on otlp_spans");
        assertThat(run.out()).containsPattern("FIRING +page +checkout-availability");
    }

    @Test
    void anUnknownInputIsRefused() {
        final Cli.Run run = Cli.run("demo", "--input", "csv", "--duration", "1s");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("--input must be 'json' or 'otlp', not 'csv'");
    }
}
