package io.burnrate.engine.it;

import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker scenarios on a real Apache Kafka broker (KRaft) started in this JVM. */
class EmbeddedBrokerIT extends BrokerScenarios {

    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @Override
    protected String bootstrapServers() {
        return BROKER.bootstrapServers();
    }
}
