package io.burnrate.engine.testing;

import io.burnrate.engine.topology.BurnRateTopology;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;

/** {@link TopologyTestDriver}s for the production topology, with a deterministic wall clock. */
public final class Drivers {

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
}
