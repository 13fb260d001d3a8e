package io.burnrate.loadtest.bench;

import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.topology.TopicRole;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The Kafka Streams floor: what any engine built on Kafka Streams pays before it does any
 * work of its own. The engine's own Kafka Streams settings (exactly_once_v2, stream
 * threads, commit interval, max.task.idle.ms = -1) over the same requests topic, with one
 * processor that only counts the records and their bytes: no parsing, no state store, no
 * output. Run by {@link EngineHost} when {@link #SETTING} is true; its rate is measured
 * exactly like the engine's (committed offsets of its application id).
 */
final class StreamsFloor {

    /** Engine-host argument that runs the floor instead of the engine (never an engine setting). */
    static final String SETTING = "bench.floor";

    private final KafkaStreams streams;
    private final LongAdder records = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final CountDownLatch running = new CountDownLatch(1);

    StreamsFloor(final Settings settings) {
        final Properties props = new Properties();
        props.putAll(settings.kafkaProperties());
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
        props.putIfAbsent(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "-1");
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream(settings.topic(TopicRole.REQUESTS), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .process(() -> new Processor<byte[], byte[], Void, Void>() {
                    @Override
                    public void process(final Record<byte[], byte[]> record) {
                        records.increment();
                        bytes.add(record.value() == null ? 0 : record.value().length);
                    }
                });
        streams = new KafkaStreams(builder.build(), props);
        streams.setStateListener((next, previous) -> {
            if (next == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
    }

    boolean start(final Duration timeout) throws InterruptedException {
        streams.start();
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    long records() {
        return records.sum();
    }

    long bytes() {
        return bytes.sum();
    }

    String state() {
        return streams.state().toString();
    }

    void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
