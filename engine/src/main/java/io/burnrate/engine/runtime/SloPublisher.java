package io.burnrate.engine.runtime;

import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.slo.SloValidationException;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.engine.topology.TopicRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes and reads the compacted SLO topic: apply, publish one document, delete (tombstone), list. */
public final class SloPublisher {

    private final Settings settings;

    public SloPublisher(final Settings settings) {
        this.settings = settings;
    }

    /** Publishes validated SLOs, keyed by id; waits for the broker to acknowledge each. */
    public void apply(final List<SloSpecParser.Parsed> slos) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            // send all, then wait: 10,000 SLOs in one file are one batch, not 10,000 round trips
            final List<Future<?>> sent = new ArrayList<>(slos.size());
            for (final SloSpecParser.Parsed p : slos) {
                sent.add(producer.send(new ProducerRecord<>(settings.topic(TopicRole.SLOS), p.spec().id(),
                        SloSpecParser.toJson(p.document()))));
            }
            for (final Future<?> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
    }

    /** Writes a tombstone; the engine resolves the SLO's firing alerts. */
    public void delete(final String id) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(settings.topic(TopicRole.SLOS), id, null)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Publishes one SLO document (JSON bytes, validated by the caller) under {@code id}. */
    public void publish(final String id, final byte[] document) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(settings.topic(TopicRole.SLOS), id, document)).get(30, TimeUnit.SECONDS);
        }
    }

    /** The current definitions: the topic read to its end, last value per key, tombstones applied. */
    public Map<String, SloSpec> list() throws Exception {
        final Map<String, SloSpec> out = new TreeMap<>();
        for (final Map.Entry<String, byte[]> e : documents().entrySet()) {
            try {
                out.put(e.getKey(), SloSpecParser.parseJson(e.getValue(), "topic key " + e.getKey()));
            } catch (SloValidationException ex) {
                // shown as invalid by the caller
                out.put(e.getKey(), null);
            }
        }
        return out;
    }

    /** The current documents as stored (JSON bytes), by key: the topic read to its end, tombstones applied. */
    public Map<String, byte[]> documents() throws Exception {
        final Map<String, Object> props = new HashMap<>(settings.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        final Map<String, byte[]> latest = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> parts = new ArrayList<>();
            for (final PartitionInfo p : consumer.partitionsFor(settings.topic(TopicRole.SLOS), Duration.ofSeconds(15))) {
                parts.add(new TopicPartition(p.topic(), p.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            final Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() == null) {
                        latest.remove(r.key());
                    } else {
                        latest.put(r.key(), r.value());
                    }
                }
            }
        }
        return latest;
    }

    private KafkaProducer<String, byte[]> producer() {
        final Map<String, Object> props = new HashMap<>(settings.clientProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }
}
