package io.burnrate.engine.testing;

import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.engine.topology.BurnRateTopology;
import io.burnrate.engine.topology.EngineConfig;
import io.burnrate.schemas.JsonSerde;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** {@link TopologyTestDriver}s for the production topology, with a deterministic wall clock. */
public final class Drivers {

    /** The engine's defaults without the wall clock: event time comes from the test alone. */
    public static final EngineConfig CONFIG = EngineConfig.defaults().withIdleAdvanceAfter(null).withMaxFutureSkew(null)
            .withMaxEventAge(null);

    private Drivers() {
    }

    public static TopologyTestDriver of(final BurnRateTopology.Built built, final Path stateDir) {
        return of(built, stateDir, Instant.EPOCH);
    }

    public static TopologyTestDriver of(final BurnRateTopology.Built built, final Path stateDir, final Instant wall) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "burnrate-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return new TopologyTestDriver(built.topology(), props, wall);
    }

    /** The production topology under a driver, with its SLO and request input topics. */
    public static final class Rig implements AutoCloseable {
        public final BurnRateTopology.Built built;
        public final TopologyTestDriver driver;
        public final TestInputTopic<String, byte[]> slos;
        public final TestInputTopic<String, byte[]> requests;

        /** With {@link #CONFIG}, the wall clock at the epoch. */
        public Rig(final Path stateDir) {
            this(CONFIG, stateDir, Instant.EPOCH);
        }

        public Rig(final EngineConfig config, final Path stateDir, final Instant wall) {
            built = BurnRateTopology.build(config);
            driver = of(built, stateDir, wall);
            slos = driver.createInputTopic(config.slosTopic(), new StringSerializer(), new ByteArraySerializer());
            requests = driver.createInputTopic(config.requestsTopic(), new StringSerializer(), new ByteArraySerializer());
        }

        /** Publishes the SLO documents of {@code yaml} on the SLO topic. */
        public void apply(final String yaml) {
            for (final SloSpecParser.Parsed p : Specs.parse(yaml)) {
                slos.pipeInput(p.spec().id(), SloSpecParser.toJson(p.document()));
            }
        }

        /** A raw request event keyed by {@code key}, stamped {@code timestampMs} on the record too. */
        public void send(final String key, final String json, final long timestampMs) {
            requests.pipeInput(key, json.getBytes(StandardCharsets.UTF_8), timestampMs);
        }

        /** An output topic whose values are JSON records of {@code type}. */
        public <T> TestOutputTopic<String, T> output(final String topic, final Class<T> type) {
            return driver.createOutputTopic(topic, new StringDeserializer(), JsonSerde.of(type).deserializer());
        }

        @Override
        public void close() {
            driver.close();
        }
    }
}
