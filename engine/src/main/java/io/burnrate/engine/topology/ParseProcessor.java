package io.burnrate.engine.topology;

import io.burnrate.engine.ingest.AcceptedEvent;
import io.burnrate.engine.ingest.EventParser;
import io.burnrate.engine.ingest.InputLimits;
import io.burnrate.engine.ingest.Rejection;
import io.burnrate.engine.ingest.ScannedEvent;
import io.burnrate.engine.monitor.EngineCounters;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Step 1: validates raw request bytes and routes them, in one node.
 *
 * <ul>
 *   <li>accepted, record key = the event's service (or read back from the re-key
 *       topic): to the task's {@link BurnRateProcessor} (match, count, evaluate), called
 *       in this node;
 *   <li>accepted, any other key: to {@value Names#REKEY} (then the
 *       {@value Names#BY_SERVICE} repartition topic, keyed by service);
 *   <li>rejected: straight to the dead-letter sink {@value Names#DLQ_SINK}, original key
 *       and bytes (cut to fit), headers saying why and where from.
 * </ul>
 *
 * <p>A re-keyed record with header {@value Names#HEADER_EVENTS} (from
 * {@value Names#DECODE_SPANS}) holds several events of its service, one per line; each is
 * parsed and routed as if it had come alone.
 *
 * <p>The common event shape takes the byte scanner into one reused {@link ScannedEvent}
 * and the key is compared as bytes with the service's bytes: nothing is allocated and no
 * {@code String} is built. The evaluator reads that reused event before this processor
 * reads the next record, and keeps nothing of it.
 */
final class ParseProcessor implements Processor<byte[], byte[], Object, Object> {

    private final EngineCounters counters;
    private final InputLimits limits;
    /** Reads the re-key topic: every record is keyed by its service already. */
    private final boolean rekeyed;
    private final BurnRateProcessor.Factory evaluators;
    private final EventParser.Reader reader = new EventParser.Reader();
    private ProcessorContext<Object, Object> context;
    private BurnRateProcessor evaluator;

    ParseProcessor(final BurnRateProcessor.Factory evaluators, final boolean rekeyed) {
        this.counters = evaluators.counters();
        this.limits = evaluators.config().limits();
        this.evaluators = evaluators;
        this.rekeyed = rekeyed;
    }

    @Override
    public void init(final ProcessorContext<Object, Object> ctx) {
        this.context = ctx;
        this.evaluator = BurnRateProcessor.of(ctx, evaluators);
    }

    @Override
    public void close() {
        BurnRateProcessor.release(context);
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        final Header batch = rekeyed ? record.headers().lastHeader(Names.HEADER_EVENTS) : null;
        if (batch == null) {
            process(record, record.value());
            return;
        }
        // the events of one service from one OTLP record, one per line: each counts on its own
        final Record<byte[], byte[]> one = record.withHeaders(new RecordHeaders());
        final byte[] value = record.value();
        int from = 0;
        for (int i = 0; i <= value.length; i++) {
            if (i == value.length || value[i] == '\n') {
                if (i > from) {
                    process(one, Arrays.copyOfRange(value, from, i));
                }
                from = i + 1;
            }
        }
    }

    private void process(final Record<byte[], byte[]> record, final byte[] raw) {
        if (EventParser.scan(raw, limits, reader)) {
            final ScannedEvent e = reader.event();
            route(record, e, rekeyed || e.serviceEquals(record.key()));
            return;
        }
        final EventParser.Result result = EventParser.parse(raw, limits);
        if (result instanceof EventParser.Accepted accepted) {
            final AcceptedEvent e = accepted.event();
            route(record, e, rekeyed || (record.key() != null
                    && Arrays.equals(record.key(), e.service().getBytes(StandardCharsets.UTF_8))));
        } else {
            final EventParser.Rejected rejected = (EventParser.Rejected) result;
            final Rejection r = rejected.rejection();
            counters.rejected(r.reason());
            final String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            // the key too must fit (DeadLetters cuts value and headers)
            context.forward(new Record<Object, Object>(DeadLetters.key(record.key()),
                    DeadLetters.value(rejected.raw(), limits), record.timestamp(),
                    DeadLetters.headers(record.headers(), key, rejected.raw(), r, context, limits)), Names.DLQ_SINK);
        }
    }

    private void route(final Record<byte[], byte[]> record, final AcceptedEvent e, final boolean keyedByService) {
        if (keyedByService) {
            // match, count and evaluate right here: no second node, no Record for it
            evaluator.onEvent(record.key(), e, record.headers());
        } else {
            // to the re-key topic: the headers go along, except a producer's own batch marker (only
            // decode-spans may say that a re-keyed record holds several events)
            Headers headers = record.headers();
            if (headers.lastHeader(Names.HEADER_EVENTS) != null) {
                headers = new RecordHeaders(headers.toArray());
                headers.remove(Names.HEADER_EVENTS);
            }
            context.forward(new Record<Object, Object>(record.key(), e, e.timestamp(), headers), Names.REKEY);
        }
    }
}
