package io.burnrate.engine.it;

import io.burnrate.engine.runtime.EmbeddedKafka;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The broker scenarios on a real Apache Kafka broker (KRaft) started in this JVM. */
class EmbeddedBrokerIT extends BrokerScenarios {

    private static EmbeddedKafka broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafka.start(Files.createTempDirectory("burnrate-it-kafka"), 0);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    protected String bootstrapServers() {
        return broker.bootstrapServers();
    }
}
