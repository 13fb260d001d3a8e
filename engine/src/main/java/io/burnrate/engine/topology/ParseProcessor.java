package io.burnrate.engine.topology;

import io.burnrate.engine.ingest.EventParser;
import io.burnrate.engine.ingest.InputLimits;
import io.burnrate.engine.ingest.Rejection;
import io.burnrate.engine.monitor.EngineCounters;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Step 1: validates raw request bytes. Accepted events move on with their event time as
 * the record timestamp; rejected ones carry the dead-letter headers (reason, detail and
 * where the record came from) and keep their original bytes.
 */
final class ParseProcessor implements FixedKeyProcessor<String, byte[], EventParser.Result> {

    private final EngineCounters counters;
    private final InputLimits limits;
    private FixedKeyProcessorContext<String, EventParser.Result> context;

    ParseProcessor(final EngineCounters counters, final InputLimits limits) {
        this.counters = counters;
        this.limits = limits;
    }

    @Override
    public void init(final FixedKeyProcessorContext<String, EventParser.Result> context) {
        this.context = context;
    }

    @Override
    public void process(final FixedKeyRecord<String, byte[]> record) {
        final EventParser.Result result = EventParser.parse(record.value(), limits);
        if (result instanceof EventParser.Accepted accepted) {
            context.forward(record.withValue(result).withTimestamp(accepted.event().timestamp()));
        } else {
            final EventParser.Rejected rejected = (EventParser.Rejected) result;
            final Rejection r = rejected.rejection();
            counters.rejected(r.reason());
            context.forward(record.withValue(new EventParser.Rejected(r, DeadLetters.value(rejected.raw(), limits)))
                    .withHeaders(DeadLetters.headers(record.headers(), record.key(), rejected.raw(), r, context,
                            limits)));
        }
    }
}
