package io.burnrate.loadtest.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.management.OperatingSystemMXBean;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Child-JVM main, the ceiling: a plain {@link KafkaConsumer} (client defaults, no
 * group, read_committed like the engine) that reads every partition of a topic from
 * the beginning to its end offsets and Jackson-databinds every value into a record.
 *
 * <p>With a third argument {@value #OTLP} the records are OTLP {@code TracesData}: each is
 * parsed with the published protobuf classes ({@code TracesData.parseFrom}) and every span
 * walked (its resource's {@code service.name}, end − start, its status attribute), and
 * the events counted are spans.
 *
 * <p>Arguments: {@code bootstrap topic [otlp]}. Reports {@code @@result} with the events read
 * and the rate between the first non-empty poll and the last record (JVM start and
 * metadata lookups excluded, as for the engine).
 */
public final class CeilingConsumer {

    /** The event as a naive consumer would bind it. */
    public record Event(String service, long timestamp, double latencyMs, Integer status, String outcome,
                        String operation, Map<String, String> attributes) {
    }

    /** The third argument that makes the records OTLP {@code TracesData}. */
    public static final String OTLP = "otlp";

    private CeilingConsumer() {
    }

    public static void main(final String[] args) {
        try {
            ChildJvm.emit("result", run(args[0], args[1], args.length > 2 && args[2].equals(OTLP)));
            System.exit(0);
        } catch (Exception e) {
            ChildJvm.emit("error", e.toString());
            System.exit(1);
        }
    }

    static Map<String, Object> run(final String bootstrap, final String topic, final boolean otlp) throws IOException {
        final ObjectReader reader = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build().readerFor(Event.class);
        final Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> parts = new ArrayList<>();
            for (final PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            final Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            final long total = end.values().stream().mapToLong(Long::longValue).sum();
            long records = 0;
            long count = 0;
            long firstBatch = -1;
            long firstNs = 0;
            long lastNs = 0;
            long firstWall = 0;
            long lastWall = 0;
            long firstCpu = 0;
            long lastCpu = 0;
            final OperatingSystemMXBean os = (OperatingSystemMXBean)
                    ManagementFactory.getOperatingSystemMXBean();
            long checksum = 0;
            final long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            while (records < total) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("read only " + records + " of " + total + " records in 30 min");
                }
                final ConsumerRecords<String, byte[]> batch = consumer.poll(Duration.ofMillis(500));
                if (batch.isEmpty()) {
                    continue;
                }
                for (final ConsumerRecord<String, byte[]> r : batch) {
                    if (otlp) {
                        final long[] spans = spans(r.value());
                        checksum += spans[1];
                        count += spans[0];
                    } else {
                        final Event e = reader.readValue(r.value());
                        checksum += e.timestamp() + e.service().length();
                        count++;
                    }
                    records++;
                }
                final long now = System.nanoTime();
                if (firstBatch < 0) {
                    firstBatch = count;
                    firstNs = now;
                    firstWall = System.currentTimeMillis();
                    firstCpu = os.getProcessCpuTime();
                }
                lastNs = now;
                lastWall = System.currentTimeMillis();
                if (records >= total) {
                    lastCpu = os.getProcessCpuTime();
                }
            }
            final Map<String, Object> out = new LinkedHashMap<>();
            out.put("records", records);
            final double seconds = (lastNs - firstNs) / 1e9;
            out.put("events", count);
            out.put("measuredEvents", count - firstBatch);
            out.put("seconds", seconds);
            out.put("rate", seconds > 0 ? (count - firstBatch) / seconds : 0);
            out.put("checksum", checksum);
            out.put("firstWallMs", firstWall);
            out.put("lastWallMs", lastWall);
            out.put("cpuNsPerEvent", count > firstBatch ? (double) (lastCpu - firstCpu) / (count - firstBatch) : -1);
            return out;
        }
    }

    /**
     * What a plain consumer of OTLP does with a record: parse it and read, per span, what
     * a request needs (service, duration, status). Returns {spans, checksum}.
     */
    static long[] spans(final byte[] value) throws InvalidProtocolBufferException {
        final TracesData data = TracesData.parseFrom(value);
        long spans = 0;
        long checksum = 0;
        for (final ResourceSpans rs : data.getResourceSpansList()) {
            String service = "";
            for (final KeyValue kv : rs.getResource().getAttributesList()) {
                if (kv.getKey().equals("service.name")) {
                    service = kv.getValue().getStringValue();
                }
            }
            for (final ScopeSpans ss : rs.getScopeSpansList()) {
                for (final Span span : ss.getSpansList()) {
                    long status = 0;
                    for (final KeyValue kv : span.getAttributesList()) {
                        if (kv.getKey().equals("http.response.status_code")) {
                            status = kv.getValue().getIntValue();
                        }
                    }
                    checksum += span.getEndTimeUnixNano() - span.getStartTimeUnixNano() + status + service.length()
                            + span.getKindValue();
                    spans++;
                }
            }
        }
        return new long[] {spans, checksum};
    }
}
