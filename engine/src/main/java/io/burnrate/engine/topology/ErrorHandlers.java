package io.burnrate.engine.topology;

import io.burnrate.engine.ingest.EventParser;
import io.burnrate.engine.ingest.InputLimits;
import io.burnrate.engine.ingest.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine does when one record cannot be processed or written: set it aside on
 * the dead-letter topic with the reason, log one line, count it, and go on. One record
 * must never stop a partition (it would fail again at the same offset after every
 * restart). The dead-letter topic is {@value StreamsConfig#ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG}
 * ({@link #configure}).
 */
public final class ErrorHandlers {

    /** Records that failed in a processor (a bug: one line each in the log), JVM-wide. */
    public static final LongAdder PROCESSING_ERRORS = new LongAdder();
    /** Output records that could not be written (too large, not serializable), JVM-wide. */
    public static final LongAdder OUTPUT_DROPPED = new LongAdder();
    /** The first write that stopped the engine ({@code cannot write to <topic>: <why>}), JVM-wide; null if none. */
    public static final AtomicReference<String> OUTPUT_FAILURE =
            new AtomicReference<>();
    /** Reason of an output record that could not be written. */
    public static final String OUTPUT_FAILED = "output-failed";

    private static final Logger LOG = LoggerFactory.getLogger(ErrorHandlers.class);

    private ErrorHandlers() {
    }

    /**
     * Streams settings that install both handlers, dead-lettering to {@code dlqTopic}. The
     * global-thread switch is deprecated only because Kafka 5.0 turns it on for good.
     */
    @SuppressWarnings("deprecation")
    public static Map<String, String> configure(final String dlqTopic) {
        return Map.of(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, Processing.class.getName(),
                StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, Production.class.getName(),
                StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, dlqTopic,
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
    }

    private static String dlq(final Map<String, ?> configs) {
        final Object t = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        return t == null ? null : t.toString();
    }

    /** A processor threw: the source record goes to the dead-letter topic as {@code processing-error}. */
    public static final class Processing implements ProcessingExceptionHandler {
        private String dlqTopic;

        @Override
        public void configure(final Map<String, ?> configs) {
            dlqTopic = dlq(configs);
        }

        @Override
        public Response handleError(final ErrorHandlerContext context, final Record<?, ?> record,
                                    final Exception exception) {
            if (exception instanceof StreamsException) {
                // not this record's fault: a write that failed (the production handler said
                // fail) or a broken store; dead-lettering would only hide the cause
                return Response.fail();
            }
            PROCESSING_ERRORS.increment();
            LOG.error("processing failed in {} at {}-{} offset {}: {}; the record goes to {} as {}",
                    context.processorNodeId(), context.topic(), context.partition(), context.offset(),
                    describe(exception), dlqTopic, Rejection.PROCESSING_ERROR);
            LOG.debug("processing failure", exception);
            if (dlqTopic == null) {
                return Response.resume();
            }
            final byte[] raw = context.sourceRawValue();
            final Rejection why = new Rejection(Rejection.PROCESSING_ERROR, "processing failed in "
                    + context.processorNodeId() + ": " + describe(exception));
            final Headers h = headers(context.headers(), why, raw, context.topic(), context.partition(),
                    context.offset());
            return Response.resume(List.of(new ProducerRecord<>(dlqTopic, null, key(context.sourceRawKey()),
                    DeadLetters.value(raw, InputLimits.DEFAULTS), h)));
        }
    }

    /**
     * An output record could not be written. Too large or invalid records are dropped with
     * a dead letter naming the topic (their content is not copied: it is what did not fit);
     * everything else (the broker, authorization, a deleted topic) stops the engine, since
     * every later record would fail the same way; the first such failure is kept in
     * {@link #OUTPUT_FAILURE} for the stop message.
     */
    public static final class Production implements ProductionExceptionHandler {
        private String dlqTopic;

        @Override
        public void configure(final Map<String, ?> configs) {
            dlqTopic = dlq(configs);
        }

        @Override
        public Response handleError(final ErrorHandlerContext context, final ProducerRecord<byte[], byte[]> record,
                                    final Exception exception) {
            if (!(exception instanceof RecordTooLargeException) && !(exception instanceof InvalidRecordException)) {
                final String why = "cannot write to " + record.topic() + ": " + describe(exception);
                OUTPUT_FAILURE.compareAndSet(null, why);
                LOG.error("{}; stopping", why);
                return Response.fail();
            }
            return drop(record.topic(), record.key(), record.value(), exception, context);
        }

        @Override
        @SuppressWarnings("rawtypes") // the interface's own signature
        public Response handleSerializationError(final ErrorHandlerContext context, final ProducerRecord record,
                                                 final Exception exception,
                                                 final SerializationExceptionOrigin origin) {
            return drop(record.topic(), null, null, exception, context);
        }

        private Response drop(final String topic, final byte[] key, final byte[] value, final Exception exception,
                              final ErrorHandlerContext context) {
            OUTPUT_DROPPED.increment();
            LOG.error("dropped a record for {} ({} bytes): {}", topic, value == null ? 0 : value.length,
                    describe(exception));
            if (dlqTopic == null || dlqTopic.equals(topic)) {
                return Response.resume();
            }
            final Rejection why = new Rejection(OUTPUT_FAILED, "could not write a record of "
                    + (value == null ? 0 : value.length) + " bytes to " + topic + ": " + describe(exception));
            final Headers h = headers(new RecordHeaders(), why, null, context.topic(), context.partition(),
                    context.offset());
            return Response.resume(List.of(new ProducerRecord<>(dlqTopic, null, key(key), null, h)));
        }
    }

    private static Headers headers(final Headers original, final Rejection why, final byte[] raw, final String topic,
                                   final int partition, final long offset) {
        final Headers h = DeadLetters.headers(original == null ? new RecordHeaders() : original, null, raw, why,
                (RecordMetadata) null, InputLimits.DEFAULTS);
        if (topic != null && !h.headers(Names.HEADER_TOPIC).iterator().hasNext()) {
            h.add(Names.HEADER_TOPIC, topic.getBytes(StandardCharsets.UTF_8));
            h.add(Names.HEADER_PARTITION, Integer.toString(partition).getBytes(StandardCharsets.UTF_8));
            h.add(Names.HEADER_OFFSET, Long.toString(offset).getBytes(StandardCharsets.UTF_8));
        }
        return h;
    }

    private static byte[] key(final byte[] key) {
        if (key == null || key.length <= DeadLetters.MAX_KEY_BYTES) {
            return key;
        }
        return DeadLetters.key(new String(key, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }

    private static String describe(final Throwable e) {
        final String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + EventParser.abbreviate(m.replace('\n', ' ')));
    }
}
