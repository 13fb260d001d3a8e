package io.burnrate.engine.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Step 1: validates raw request bytes. Accepted events move on with their event time as
 * the record timestamp; rejected ones carry the dead-letter headers (reason, detail and
 * where the record came from) and keep their original bytes.
 */
final class ParseProcessor implements FixedKeyProcessor<String, byte[], EventParser.Result> {

    private final EngineCounters counters;
    private FixedKeyProcessorContext<String, EventParser.Result> context;

    ParseProcessor(final EngineCounters counters) {
        this.counters = counters;
    }

    @Override
    public void init(final FixedKeyProcessorContext<String, EventParser.Result> context) {
        this.context = context;
    }

    @Override
    public void process(final FixedKeyRecord<String, byte[]> record) {
        final EventParser.Result result = EventParser.parse(record.value());
        if (result instanceof EventParser.Accepted accepted) {
            context.forward(record.withValue(result).withTimestamp(accepted.event().timestamp()));
        } else {
            final Rejection r = ((EventParser.Rejected) result).rejection();
            counters.rejected(r.reason());
            context.forward(record.withValue(result).withHeaders(deadLetterHeaders(record.headers(), r, context)));
        }
    }

    static Headers deadLetterHeaders(final Headers original, final Rejection r,
                                     final org.apache.kafka.streams.processor.api.ProcessingContext context) {
        final Headers h = new RecordHeaders(original.toArray());
        h.remove(Names.HEADER_REASON);
        h.remove(Names.HEADER_DETAIL);
        h.add(Names.HEADER_REASON, r.reason().getBytes(StandardCharsets.UTF_8));
        h.add(Names.HEADER_DETAIL, r.detail().getBytes(StandardCharsets.UTF_8));
        final RecordMetadata meta = context.recordMetadata().orElse(null);
        if (meta != null && !h.headers(Names.HEADER_TOPIC).iterator().hasNext()) {
            h.add(Names.HEADER_TOPIC, meta.topic().getBytes(StandardCharsets.UTF_8));
            h.add(Names.HEADER_PARTITION, Integer.toString(meta.partition()).getBytes(StandardCharsets.UTF_8));
            h.add(Names.HEADER_OFFSET, Long.toString(meta.offset()).getBytes(StandardCharsets.UTF_8));
        }
        return h;
    }
}
