package io.burnrate.engine.it;

import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.topology.TopicRole;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.ComplianceSummary;
import io.burnrate.schemas.JsonSerde;
import io.burnrate.schemas.StatusSnapshot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/** Producing to and reading from a real broker in tests, without sleeps. */
public final class KafkaTestSupport {

    private KafkaTestSupport() {
    }

    /** Engine settings with every topic and the application id under {@code prefix}. */
    public static Settings settings(final String bootstrap, final String prefix, final Path stateDir) {
        final Settings s = new Settings()
                .with(Settings.BOOTSTRAP, bootstrap)
                .with(Settings.APPLICATION_ID, prefix + "-engine")
                .with(Settings.STATE_DIR, stateDir.toAbsolutePath())
                .with(Settings.PARTITIONS, 2)
                .with(Settings.IDLE_ADVANCE, "off")
                .with(Settings.MAX_EVENT_AGE, "off")
                .with(Settings.HTTP_PORT, 0)
                .with(Settings.HTTP_BIND, "127.0.0.1");
        for (final TopicRole role : TopicRole.values()) {
            s.withTopic(role, prefix + "." + role.role());
        }
        return s;
    }

    /** Sends (key, value, timestamp) triples and waits for every acknowledgement. */
    public static void produce(final String bootstrap, final String topic, final List<String[]> keyValues,
                               final List<Long> timestamps) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 10,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < keyValues.size(); i++) {
                final Long ts = timestamps == null ? null : timestamps.get(i);
                producer.send(new ProducerRecord<>(topic, null, ts, keyValues.get(i)[0], keyValues.get(i)[1]));
            }
            producer.flush();
        }
    }

    /**
     * Sends records in order from a background thread at about {@code perSecond}, so that
     * a fault lands while the engine is busy; an idempotent producer with retries, so a
     * broker restart neither loses nor duplicates input.
     */
    public static final class PacedProducer implements AutoCloseable {
        private final Thread thread;
        private final AtomicInteger sent = new AtomicInteger();
        private final KafkaProducer<String, String> producer;
        private volatile Throwable failure;
        private final CountDownLatch released = new CountDownLatch(1);

        public PacedProducer(final String bootstrap, final String topic, final List<String[]> keyValues,
                             final List<Long> timestamps, final int perSecond) {
            this(bootstrap, topic, keyValues, timestamps, perSecond, -1);
        }

        /**
         * As above, holding record {@code holdAt} (and the rest) back until {@link #release}: a
         * fault the test injects after an output then lands mid-stream however slow the engine.
         */
        public PacedProducer(final String bootstrap, final String topic, final List<String[]> keyValues,
                             final List<Long> timestamps, final int perSecond, final int holdAt) {
            producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.LINGER_MS_CONFIG, 5,
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
            thread = new Thread(() -> {
                final long start = System.nanoTime();
                try {
                    for (int i = 0; i < keyValues.size(); i++) {
                        if (i == holdAt) {
                            released.await();
                        }
                        final long due = start + i * 1_000_000_000L / perSecond;
                        final long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        producer.send(new ProducerRecord<>(topic, null, timestamps.get(i), keyValues.get(i)[0],
                                keyValues.get(i)[1]), (m, e) -> {
                                    if (e != null) {
                                        failure = e;
                                    }
                                });
                        sent.incrementAndGet();
                    }
                    producer.flush();
                } catch (RuntimeException e) {
                    failure = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "paced-producer");
            thread.setDaemon(true);
            thread.start();
        }

        /** Lets a held producer go on. */
        public void release() {
            released.countDown();
        }

        /** Records handed to the producer so far. */
        public int sent() {
            return sent.get();
        }

        /** Waits until every record is acknowledged; fails if one was not. */
        public void awaitDone(final Duration timeout) throws InterruptedException {
            thread.join(timeout.toMillis());
            if (thread.isAlive()) {
                throw new AssertionError("producer still sending after " + timeout.toSeconds() + " s, sent " + sent());
            }
            if (failure != null) {
                throw new AssertionError("producer failed: " + failure, failure);
            }
        }

        @Override
        public void close() {
            thread.interrupt();
            producer.close(Duration.ofSeconds(10));
        }
    }

    /** Reads a topic from the beginning (committed records only) until {@code done} holds. */
    public static <V> List<ConsumerRecord<String, V>> readUntil(final String bootstrap, final String topic,
                                                               final Deserializer<V> values,
                                                               final Predicate<List<ConsumerRecord<String, V>>> done,
                                                               final Duration timeout) {
        return read(bootstrap, topic, values, done, timeout, "read_committed");
    }

    /** Everything committed on a topic now (reads until no record arrives for a second). */
    public static <V> List<ConsumerRecord<String, V>> readAll(final String bootstrap, final String topic,
                                                             final Deserializer<V> values) {
        final int[] lastSize = {-1};
        final long[] lastChange = {System.nanoTime()};
        return read(bootstrap, topic, values, seen -> {
            if (seen.size() != lastSize[0]) {
                lastSize[0] = seen.size();
                lastChange[0] = System.nanoTime();
                return false;
            }
            return System.nanoTime() - lastChange[0] > 1_000_000_000L;
        }, Duration.ofSeconds(60), "read_committed");
    }

    public static <V> List<ConsumerRecord<String, V>> read(final String bootstrap, final String topic,
                                                          final Deserializer<V> values,
                                                          final Predicate<List<ConsumerRecord<String, V>>> done,
                                                          final Duration timeout, final String isolation) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final List<ConsumerRecord<String, V>> seen = new ArrayList<>();
        final long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, new StringDeserializer(), values)) {
            final List<TopicPartition> parts = new ArrayList<>();
            for (final PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                parts.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            while (!done.test(seen)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("gave up after " + timeout.toSeconds() + " s reading " + topic
                            + "; saw " + seen.size() + " records: " + summary(seen));
                }
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
        }
        return seen;
    }

    private static <V> String summary(final List<ConsumerRecord<String, V>> records) {
        final StringBuilder b = new StringBuilder();
        for (int i = Math.max(0, records.size() - 5); i < records.size(); i++) {
            b.append(records.get(i).key()).append(' ');
        }
        return b.toString();
    }

    /** The partition the default partitioner gives {@code key} among {@code partitions}. */
    public static int partition(final String key, final int partitions) {
        return Utils.toPositive(Utils.murmur2(
                key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Sum of the end offsets of a topic's partitions (its record count when nothing was transactional). */
    public static long endOffsets(final Admin admin, final String topic)
            throws Exception {
        final Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> query.put(new TopicPartition(topic, p.partition()),
                        OffsetSpec.latest()));
        long sum = 0;
        for (final var e : admin.listOffsets(query).all().get().values()) {
            sum += e.offset();
        }
        return sum;
    }

    public static Deserializer<AlertTransition> alerts() {
        return JsonSerde.of(AlertTransition.class).deserializer();
    }

    public static Deserializer<StatusSnapshot> status() {
        return JsonSerde.of(StatusSnapshot.class).deserializer();
    }

    public static Deserializer<ComplianceSummary> compliance() {
        return JsonSerde.of(ComplianceSummary.class).deserializer();
    }

    public static Deserializer<byte[]> bytes() {
        return new ByteArrayDeserializer();
    }

    public static boolean hasTransition(final List<ConsumerRecord<String, AlertTransition>> records,
                                        final String slo, final String rule, final String state) {
        return records.stream().anyMatch(r -> r.value().sloId().equals(slo) && r.value().rule().equals(rule)
                && r.value().state().equals(state));
    }
}
