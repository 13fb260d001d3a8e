package io.burnrate.engine.http;

import io.burnrate.engine.testing.Drivers;
import io.burnrate.engine.topology.BurnRateTopology;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/** A {@link StatusServer} on a free loopback port without a broker: Kafka Streams created, never started. */
final class Servers {

    private Servers() {
    }

    /** A Kafka Streams client that is never started (state CREATED: alive, not ready). */
    static KafkaStreams idleStreams(final Path stateDir) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "burnrate-http-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        return new KafkaStreams(BurnRateTopology.build(Drivers.CONFIG).topology(), props);
    }
}
