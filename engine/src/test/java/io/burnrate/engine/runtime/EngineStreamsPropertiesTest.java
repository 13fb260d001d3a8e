package io.burnrate.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class EngineStreamsPropertiesTest {

    private static Properties props(final Settings s) {
        return Engine.streamsProperties(s, s.engineConfig());
    }

    @Test
    void shouldGiveTheStreamsProducerLargeBatchesByDefault() {
        final Properties p = props(new Settings());
        assertThat(p.getProperty("producer.batch.size")).isEqualTo("262144");
        assertThat(p.getProperty("batch.size")).isNull();
        // and Streams hands them to its producer
        assertThat(new StreamsConfig(withBootstrap(p)).getProducerConfigs("c").get("batch.size")).isEqualTo("262144");
    }

    @Test
    void shouldLeaveABatchSizeTheUserSetInEitherForm() {
        final Properties plain = props(new Settings().with("batch.size", "65536"));
        assertThat(plain.getProperty("producer.batch.size")).isNull();
        assertThat(new StreamsConfig(withBootstrap(plain)).getProducerConfigs("c").get("batch.size")).isEqualTo("65536");
        final Properties prefixed = props(new Settings().with("producer.batch.size", "32768"));
        assertThat(prefixed.getProperty("producer.batch.size")).isEqualTo("32768");
    }

    @Test
    void shouldKeepTheOtherDefaults() {
        final Properties p = props(new Settings());
        assertThat(p.getProperty(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo("-1");
        assertThat(p.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
    }

    private static Properties withBootstrap(final Properties p) {
        final Properties q = new Properties();
        q.putAll(p);
        q.putIfAbsent(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        return q;
    }
}
