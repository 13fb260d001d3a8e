package io.burnrate.engine.runtime;

import io.burnrate.engine.ingest.InputLimits;
import io.burnrate.engine.slo.SloRegistry;
import io.burnrate.engine.topology.DeadLetters;
import io.burnrate.engine.topology.Names;
import io.burnrate.engine.topology.TopicRole;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead-letters SLO documents the registry refused (read straight from the SLO topic,
 * bypassing {@code slo apply}): original key and bytes with the usual
 * {@code burnrate.error.*} headers, once per document and process (a restore that
 * re-reads the topic does not repeat them). Every instance reads the whole SLO topic, so
 * with several instances each sends its own copy.
 */
final class SloDeadLetters implements SloRegistry.RejectionListener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SloDeadLetters.class);

    private final KafkaProducer<String, byte[]> producer;
    private final String dlqTopic;
    private final String slosTopic;
    private final Set<String> sent = ConcurrentHashMap.newKeySet();

    SloDeadLetters(final Settings settings) {
        final Map<String, Object> props = new HashMap<>(settings.clientProperties());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, settings.get(Settings.APPLICATION_ID) + "-slo-dlq");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.dlqTopic = settings.topic(TopicRole.DLQ);
        this.slosTopic = settings.topic(TopicRole.SLOS);
    }

    @Override
    public void rejected(final String key, final byte[] value, final SloRegistry.Invalid why) {
        if (!sent.add(why.id() + "@" + why.offset())) {
            return;
        }
        final Headers h = new RecordHeaders();
        h.add(Names.HEADER_REASON, utf8(why.reason()));
        h.add(Names.HEADER_DETAIL, utf8(why.detail() == null ? "" : why.detail()));
        if (value != null && value.length > InputLimits.DEFAULTS.maxDeadLetterBytes()) {
            h.add(Names.HEADER_TRUNCATED, utf8(Integer.toString(value.length)));
        }
        h.add(Names.HEADER_TOPIC, utf8(slosTopic));
        h.add(Names.HEADER_OFFSET, utf8(Long.toString(why.offset())));
        producer.send(new ProducerRecord<>(dlqTopic, null, DeadLetters.key(key),
                DeadLetters.value(value, InputLimits.DEFAULTS), h), (meta, e) -> {
                    if (e != null) {
                        LOG.warn("could not dead-letter the refused SLO document {} to {}: {}", why.id(), dlqTopic,
                                e.getMessage());
                    }
                });
    }

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
