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
 *       topic): to {@value Names#EVALUATE}, with the event time as
 *       the record timestamp;
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
 * {@code String} is built. The value handed downstream is that reused event, valid until
 * this processor reads the next record (Streams forwards synchronously, and nothing
 * between here and the evaluator buffers).
 */
final class ParseProcessor implements Processor<byte[], byte[], byte[], Object> {

    private final EngineCounters counters;
    private final InputLimits limits;
    /** Reads the re-key topic: every record is keyed by its service already. */
    private final boolean rekeyed;
    private final EventParser.Reader reader = new EventParser.Reader();
    private final Parsed carrier = new Parsed();
    private ProcessorContext<byte[], Object> context;

    ParseProcessor(final EngineCounters counters, final InputLimits limits, final boolean rekeyed) {
        this.counters = counters;
        this.limits = limits;
        this.rekeyed = rekeyed;
    }

    @Override
    public void init(final ProcessorContext<byte[], Object> ctx) {
        this.context = ctx;
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
            context.forward(new Record<byte[], Object>(DeadLetters.key(record.key()),
                    DeadLetters.value(rejected.raw(), limits), record.timestamp(),
                    DeadLetters.headers(record.headers(), key, rejected.raw(), r, context, limits)), Names.DLQ_SINK);
        }
    }

    private void route(final Record<byte[], byte[]> record, final AcceptedEvent e, final boolean keyedByService) {
        if (keyedByService) {
            // to the evaluator: the original headers ride in the reused carrier (a Record copies
            // the headers it is given, for every event; the evaluator needs them only for a late one)
            carrier.event = e;
            carrier.headers = record.headers();
            context.forward(new Record<byte[], Object>(record.key(), carrier, e.timestamp()), Names.EVALUATE);
        } else {
            // to the re-key topic: the headers go along, except a producer's own batch marker (only
            // decode-spans may say that a re-keyed record holds several events)
            Headers headers = record.headers();
            if (headers.lastHeader(Names.HEADER_EVENTS) != null) {
                headers = new RecordHeaders(headers.toArray());
                headers.remove(Names.HEADER_EVENTS);
            }
            context.forward(new Record<byte[], Object>(record.key(), e, e.timestamp(), headers), Names.REKEY);
        }
    }

    /**
     * What the parsers hand the evaluator: the accepted event and the original record's
     * headers. One per parser, reused from record to record (Streams forwards synchronously).
     */
    static final class Parsed {
        AcceptedEvent event;
        Headers headers;
    }
}
