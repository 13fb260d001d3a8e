package io.burnrate.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 13: "partitons: 3" in a settings file was accepted silently and the default stayed in force. */
class SettingKeysTest {

    @Test
    void shouldKnowBurnratesKafkasAndPrefixedKeys() {
        for (final String k : List.of("partitions", "grace", "max.event.age", "limits.record.bytes", "topic.requests",
                "http.threads", "http.auth.token.file", "slos", "bootstrap.servers", "num.stream.threads",
                "commit.interval.ms", "security.protocol", "sasl.jaas.config", "ssl.truststore.location",
                "session.timeout.ms", "producer.max.block.ms", "main.consumer.max.poll.records",
                "config.providers", "config.providers.file.class", "slo.max-slos")) {
            assertThat(SettingKeys.known(k)).as(k).isTrue();
        }
        assertThat(SettingKeys.known("partitons")).isFalse();
        assertThat(SettingKeys.known("producer.")).isFalse();
    }

    @Test
    void shouldRefuseUnknownKeysWithTheNearestKnownOne() {
        assertThatThrownBy(() -> SettingKeys.check(List.of("partitons", "grace", "zzz.qqq"), "burnrate.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown setting 'partitons' in burnrate.yaml (did you mean 'partitions'?); "
                        + "unknown setting 'zzz.qqq' in burnrate.yaml");
        SettingKeys.check(List.of("grace", "security.protocol"), "burnrate.yaml");
    }
}
