package io.burnrate.engine.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same broker scenarios on Testcontainers Kafka. Runs only where a Docker engine
 * answers; build machines without one skip it with that reason.
 */
@EnabledIf(value = "dockerAvailable",
        disabledReason = "no Docker engine here: Testcontainers cannot start Kafka; EmbeddedBrokerIT runs these "
                + "scenarios on an in-process broker instead")
class ContainerBrokerIT extends BrokerScenarios {

    private static KafkaContainer kafka;

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @BeforeAll
    static void startBroker() {
        kafka = new KafkaContainer(DockerImageName.parse("apache/kafka:4.1.0"));
        kafka.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Override
    protected String bootstrapServers() {
        return kafka.getBootstrapServers();
    }
}
