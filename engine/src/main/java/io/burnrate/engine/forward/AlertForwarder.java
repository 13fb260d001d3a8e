package io.burnrate.engine.forward;

import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.JsonSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code burnrate forward}: reads alert transitions from the alerts topic
 * ({@code burnrate.alerts}, key {@code <slo>/<rule>}, value {@link AlertTransition} JSON;
 * {@code read_committed}, its own consumer group {@code burnrate-forward}) and hands each to
 * every receiver through the {@link Dispatcher}.
 *
 * <p>At least once: a record's offset is committed only after every receiver accepted it
 * (2xx) or, having kept refusing it, the record went to the delivery dead-letter topic
 * ({@code burnrate.delivery-dlq}: key and value as read, headers {@code burnrate.error.reason}
 * = {@code rejected|retries-exhausted|unreadable-transition}, {@code burnrate.error.detail},
 * {@code burnrate.delivery.receiver}, {@code burnrate.delivery.attempts} and the source topic,
 * partition and offset). A crash between delivery and commit delivers again; receivers
 * deduplicate by fingerprint (PagerDuty's {@code dedup_key}, Alertmanager's label set).
 */
public final class AlertForwarder implements AutoCloseable {

    public static final String HEADER_REASON = "burnrate.error.reason";
    public static final String HEADER_DETAIL = "burnrate.error.detail";
    public static final String HEADER_TOPIC = "burnrate.error.topic";
    public static final String HEADER_PARTITION = "burnrate.error.partition";
    public static final String HEADER_OFFSET = "burnrate.error.offset";
    public static final String HEADER_RECEIVER = "burnrate.delivery.receiver";
    public static final String HEADER_ATTEMPTS = "burnrate.delivery.attempts";
    /** A record that is not an alert transition. */
    public static final String UNREADABLE = "unreadable-transition";

    private static final Logger LOG = LoggerFactory.getLogger(AlertForwarder.class);
    private static final JsonSerde<AlertTransition> SERDE = JsonSerde.of(AlertTransition.class);
    /** At most this long to read assigned partitions back at start or after a rebalance. */
    private static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(60);

    private final ForwardConfig config;
    private final String topic;
    private final Dispatcher dispatcher;
    private final DeliveryMetrics metrics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    /** Settings of the consumer that reads partitions back to rebuild the re-send set (no group). */
    private final Map<String, Object> restoreProperties;
    private final KafkaProducer<byte[], byte[]> deadLetters;
    private final ScheduledExecutorService resender;
    /** The partition each alert (by fingerprint) was read from: a revoked partition's alerts leave the re-send set. */
    private final Map<String, TopicPartition> owners = new ConcurrentHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile Throwable failure;
    private Thread thread;

    /**
     * @param clientProperties Kafka client settings (bootstrap servers, security); the
     *                         forwarder adds its consumer and producer settings to them
     */
    public AlertForwarder(final ForwardConfig config, final Map<String, Object> clientProperties, final String alertsTopic,
                          final Dispatcher dispatcher, final DeliveryMetrics metrics) {
        this.config = config;
        this.topic = alertsTopic;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        final Map<String, Object> c = new HashMap<>(clientProperties);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10);
        // ten records, each waiting at worst for every retry of its slowest receiver
        final ForwardConfig.Retry r = config.retry();
        final long worst = r.attempts() * (r.max().toMillis() + config.requestTimeout().toMillis());
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, Math.max(300_000L,
                10 * worst + 60_000L)));
        consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        restoreProperties = new HashMap<>(clientProperties);
        restoreProperties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        restoreProperties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        restoreProperties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        restoreProperties.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        final Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        deadLetters = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        resender = Executors.newSingleThreadScheduledExecutor(x -> {
            final Thread t = new Thread(x, "burnrate-forward-resend");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the consumer thread and the periodic re-sends. */
    public AlertForwarder start() {
        final long every = config.resendInterval().toMillis();
        resender.scheduleAtFixedRate(dispatcher::tick, every, every, TimeUnit.MILLISECONDS);
        thread = new Thread(this::loop, "burnrate-forward");
        thread.start();
        LOG.info("forwarding {} to {}; dead letters to {}", topic, dispatcher.receivers().stream()
                .map(Receiver::name).collect(Collectors.joining(", ")), config.deadLetterTopic());
        return this;
    }

    /** Waits until the forwarder stops ({@link #close}, or a failure: see {@link #failure}). */
    public boolean awaitStop(final Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What stopped the forwarder, or null. */
    public Throwable failure() {
        return failure;
    }

    private void loop() {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
                    // their new owner re-sends them from now on; re-sent from here too, a firing alert would outlive
                    // its resolve, which only the new owner reads
                    final Set<String> gone = new HashSet<>();
                    owners.entrySet().removeIf(e -> partitions.contains(e.getValue()) && gone.add(e.getKey()));
                    dispatcher.forget(gone);
                }

                @Override
                public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
                    restore(partitions);
                }
            });
            while (running) {
                for (final ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
                    if (!handle(rec)) {
                        return;
                    }
                    consumer.commitSync(Map.of(new TopicPartition(rec.topic(), rec.partition()),
                            new OffsetAndMetadata(rec.offset() + 1)));
                }
            }
        } catch (WakeupException e) {
            if (running) {
                failure = e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (running) {
                failure = e;
                LOG.error("the forwarder stopped: {}", e.getMessage() == null ? e.toString() : e.getMessage());
            }
        } finally {
            running = false;
            Thread.interrupted();
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            } catch (InterruptException e) {
                // stopped while closing: the group notices the departure by the session timeout
                Thread.interrupted();
            }
            stopped.countDown();
        }
    }

    /**
     * Rebuilds the re-send set of newly assigned partitions: reads each from its beginning up to
     * the group's committed offset (what earlier runs delivered) and hands the latest transition of
     * every alert to the receivers ({@link Receiver#restore}). Without it an alert that was firing
     * when the forwarder restarted would not be re-sent until its next transition, and Alertmanager
     * would resolve it after its {@code resolve_timeout} while it still burns. A resolve is not
     * restored: it was delivered before the restart, and when is not known.
     */
    private void restore(final Collection<TopicPartition> partitions) {
        final Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
        final Map<TopicPartition, Long> upTo = new HashMap<>();
        committed.forEach((tp, o) -> {
            if (o != null && o.offset() > 0) {
                upTo.put(tp, o.offset());
            }
        });
        if (upTo.isEmpty()) {
            return;
        }
        final Map<String, AlertTransition> latest = new LinkedHashMap<>();
        final Map<String, Object> c = new HashMap<>(restoreProperties);
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            reader.assign(upTo.keySet());
            reader.seekToBeginning(upTo.keySet());
            final long deadline = System.nanoTime() + RESTORE_TIMEOUT.toNanos();
            final Set<TopicPartition> open = new HashSet<>(upTo.keySet());
            open.removeIf(tp -> reader.position(tp) >= upTo.get(tp));
            while (!open.isEmpty() && running && System.nanoTime() < deadline) {
                for (final ConsumerRecord<byte[], byte[]> rec : reader.poll(Duration.ofMillis(200))) {
                    final TopicPartition tp = new TopicPartition(rec.topic(), rec.partition());
                    if (rec.offset() < upTo.getOrDefault(tp, 0L)) {
                        readable(rec).ifPresent(t -> {
                            latest.put(t.fingerprint(), t);
                            owners.put(t.fingerprint(), tp);
                        });
                    }
                }
                open.removeIf(tp -> reader.position(tp) >= upTo.get(tp));
            }
            if (!open.isEmpty()) {
                LOG.warn("re-send set: {} not read up to the committed offset within {}; alerts firing there are re-sent "
                        + "from their next transition", open, RESTORE_TIMEOUT.toSeconds() + "s");
            }
        } catch (RuntimeException e) {
            LOG.warn("re-send set: cannot read {} back ({}); alerts firing there are re-sent from their next transition",
                    upTo.keySet(), e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        final List<AlertTransition> firing = latest.values().stream().filter(t -> AlertTransition.FIRING.equals(t.state()))
                .toList();
        dispatcher.restore(firing);
        if (!firing.isEmpty()) {
            LOG.info("re-send set: {} alert(s) still firing from before the restart ({})", firing.size(),
                    firing.stream().map(t -> t.sloId() + "/" + t.rule()).collect(Collectors.joining(", ")));
        }
    }

    private static Optional<AlertTransition> readable(final ConsumerRecord<byte[], byte[]> rec) {
        try {
            final AlertTransition t = SERDE.read(rec.topic(), rec.value());
            return t == null || t.sloId() == null || t.rule() == null || t.state() == null || t.fingerprint() == null
                    ? Optional.empty() : Optional.of(t);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** False when stopped mid-delivery (the record is not committed). */
    private boolean handle(final ConsumerRecord<byte[], byte[]> rec) throws InterruptedException {
        final AlertTransition t;
        try {
            t = SERDE.read(rec.topic(), rec.value());
            if (t == null || t.sloId() == null || t.rule() == null || t.state() == null || t.fingerprint() == null) {
                throw new IllegalArgumentException(rec.value() == null ? "empty record" : "sloId, rule, state and "
                        + "fingerprint are required");
            }
        } catch (RuntimeException e) {
            metrics.read(false);
            LOG.warn("{}-{}@{} is not an alert transition ({}); dead-lettered", rec.topic(), rec.partition(),
                    rec.offset(), UNREADABLE);
            deadLetter(rec, null, UNREADABLE, e.getMessage(), 0);
            return true;
        }
        metrics.read(true);
        owners.put(t.fingerprint(), new TopicPartition(rec.topic(), rec.partition()));
        final List<Dispatcher.Failure> failed;
        try {
            failed = dispatcher.deliver(t);
        } catch (InterruptedException e) {
            if (running) {
                throw e;
            }
            return false;
        }
        for (final Dispatcher.Failure f : failed) {
            LOG.warn("{} {}/{}: {} gave up after {} attempt(s) ({}: {}); dead-lettered to {}", t.state(), t.sloId(),
                    t.rule(), f.receiver().name(), f.attempts(), f.reason(), f.detail(), config.deadLetterTopic());
            deadLetter(rec, f.receiver().name(), f.reason(), f.detail(), f.attempts());
        }
        if (failed.size() < dispatcher.receivers().size()) {
            LOG.info("{} {}/{} delivered to {}", t.state(), t.sloId(), t.rule(), dispatcher.receivers().stream()
                    .filter(r -> failed.stream().noneMatch(f -> f.receiver() == r)).map(Receiver::name)
                    .collect(Collectors.joining(", ")));
        }
        return true;
    }

    private void deadLetter(final ConsumerRecord<byte[], byte[]> rec, final String receiver, final String reason,
                            final String detail, final int attempts) throws InterruptedException {
        final ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(config.deadLetterTopic(), rec.key(), rec.value());
        out.headers().add(HEADER_REASON, bytes(reason));
        out.headers().add(HEADER_DETAIL, bytes(detail == null ? "" : detail));
        out.headers().add(HEADER_TOPIC, bytes(rec.topic()));
        out.headers().add(HEADER_PARTITION, bytes(Integer.toString(rec.partition())));
        out.headers().add(HEADER_OFFSET, bytes(Long.toString(rec.offset())));
        if (receiver != null) {
            out.headers().add(HEADER_RECEIVER, bytes(receiver));
            out.headers().add(HEADER_ATTEMPTS, bytes(Integer.toString(attempts)));
        }
        try {
            deadLetters.send(out).get();
        } catch (ExecutionException e) {
            // not committed: the transition is read and delivered again after a restart
            throw new IllegalStateException("cannot write to the delivery dead-letter topic " + config.deadLetterTopic()
                    + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Creates the delivery dead-letter topic unless it exists (broker defaults for partitions;
     * {@code replication} if given); true when it created it.
     */
    public static boolean createDeadLetterTopic(final Admin admin, final String topic, final Optional<Short> replication)
            throws ExecutionException, InterruptedException, TimeoutException {
        if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
            return false;
        }
        try {
            admin.createTopics(Set.of(new NewTopic(topic, Optional.empty(), replication))).all().get(30, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return false;
            }
            throw e;
        }
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        if (thread != null) {
            try {
                // a poll ends at the wakeup; only a delivery in its retry pauses needs the interrupt, which
                // would otherwise also reach the consumer's own close (an InterruptException and stack traces)
                thread.join(Duration.ofSeconds(1).toMillis());
                if (thread.isAlive()) {
                    thread.interrupt();
                    thread.join(Duration.ofSeconds(10).toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        resender.shutdownNow();
        dispatcher.close();
        deadLetters.close(Duration.ofSeconds(5));
    }
}
