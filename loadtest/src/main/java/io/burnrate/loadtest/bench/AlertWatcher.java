package io.burnrate.loadtest.bench;

import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.JsonSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the alerts topic as an alert router would (read_committed) and notes the wall
 * clock at which each transition became readable, from the end of the topic at the time
 * it starts. Fetches wait at most 5 ms on the broker, so the watcher adds at most that to
 * what it measures.
 */
public final class AlertWatcher implements AutoCloseable {

    /** A transition and when this consumer got it. */
    public record Seen(AlertTransition alert, long readWallMs) {
    }

    private final KafkaConsumer<String, AlertTransition> consumer;
    private final List<Seen> seen = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Exception failure;

    public AlertWatcher(final String bootstrap, final String topic) {
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                JsonSerde.of(AlertTransition.class).deserializer());
        final List<TopicPartition> parts = new ArrayList<>();
        for (final PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            parts.add(new TopicPartition(topic, p.partition()));
        }
        consumer.assign(parts);
        // from the end: transitions already on the topic are not this engine's (the latency benchmark's
        // calibration engine shares the topic and fires on its pre-filled, past-dated traffic)
        consumer.seekToEnd(parts);
        // position now, so the first fetch is not part of the first measurement
        parts.forEach(consumer::position);
        thread = new Thread(this::loop, "alert-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (running) {
                for (final ConsumerRecord<String, AlertTransition> r : consumer.poll(Duration.ofMillis(100))) {
                    final long now = System.currentTimeMillis();
                    synchronized (seen) {
                        seen.add(new Seen(r.value(), now));
                        seen.notifyAll();
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Exception e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }

    public List<Seen> seen() {
        synchronized (seen) {
            return new ArrayList<>(seen);
        }
    }

    /** Waits until {@code done} holds for what was read; false on timeout. */
    public boolean await(final Predicate<List<Seen>> done, final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (seen) {
            while (!done.test(seen)) {
                if (failure != null) {
                    throw new IllegalStateException("reading alerts failed", failure);
                }
                final long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                seen.wait(Math.min(left, 200));
            }
            return true;
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
