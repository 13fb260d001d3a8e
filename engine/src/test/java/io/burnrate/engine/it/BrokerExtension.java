package io.burnrate.engine.it;

import io.burnrate.engine.runtime.EmbeddedKafka;
import java.nio.file.Files;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Apache Kafka broker (KRaft) in the test JVM, one per test class:
 * {@code @RegisterExtension static final BrokerExtension BROKER = new BrokerExtension();}
 */
public final class BrokerExtension implements BeforeAllCallback, AfterAllCallback {

    private EmbeddedKafka broker;

    @Override
    public void beforeAll(final ExtensionContext context) throws Exception {
        broker = EmbeddedKafka.start(Files.createTempDirectory("burnrate-it-kafka"), 0);
    }

    @Override
    public void afterAll(final ExtensionContext context) {
        if (broker != null) {
            broker.close();
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }
}
