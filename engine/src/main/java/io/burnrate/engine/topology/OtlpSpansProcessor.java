package io.burnrate.engine.topology;

import io.burnrate.engine.ingest.AcceptedEvent;
import io.burnrate.engine.ingest.EventParser;
import io.burnrate.engine.ingest.InputLimits;
import io.burnrate.engine.monitor.EngineCounters;
import io.burnrate.engine.otlp.OtlpDecoder;
import io.burnrate.engine.otlp.OtlpEncoding;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Decodes each record of the OTLP topic once ({@link OtlpDecoder}: OTLP {@code TracesData}
 * as the OpenTelemetry Collector's Kafka exporter writes it) and routes what its spans give:
 *
 * <ul>
 *   <li>a request event (a server or consumer span by default): its request-event JSON,
 *       with the other events of its service from the same record (one per line, header
 *       {@value Names#HEADER_EVENTS} = how many; a single event goes alone, without it; at
 *       most {@code limits.record.bytes} per record), keyed by the service and stamped with
 *       the newest event time, to {@value Names#MERGE_SPANS} and on to the
 *       {@value Names#BY_SERVICE} repartition topic, where {@value Names#PARSE_REKEYED}
 *       reads each line exactly as a re-keyed JSON event (the exporter keys records by
 *       nothing or by trace id, never by service);
 *   <li>a span of another kind (client, internal, producer): counted as unmatched, nothing sent;
 *   <li>a rejected span: its own dead letter to {@value Names#DLQ_SINK} (the value names the
 *       span, the reason header says why); the other spans of the record still count;
 *   <li>a record that is not OTLP trace data at all: dead-lettered whole, its bytes cut to fit.
 * </ul>
 *
 * <p>The events carry none of the record's headers: one record fans out to many events,
 * and the record's headers stay with its dead letters only.
 */
final class OtlpSpansProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private final EngineCounters counters;
    private final InputLimits limits;
    private final OtlpDecoder decoder;
    private final OtlpEncoding encoding;
    private ProcessorContext<byte[], byte[]> context;

    OtlpSpansProcessor(final EngineCounters counters, final InputLimits limits, final OtlpInput input) {
        this.counters = counters;
        this.limits = limits;
        this.decoder = new OtlpDecoder(input.mapping());
        this.encoding = input.encoding();
    }

    @Override
    public void init(final ProcessorContext<byte[], byte[]> ctx) {
        this.context = ctx;
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        final OtlpDecoder.Decoded decoded = decoder.decode(record.value(), encoding);
        if (decoded.refused() != null) {
            deadLetter(record, decoded.refused());
            return;
        }
        counters.unmatched.add(decoded.unmatched());
        // one repartition record per service (and at most limits.record.bytes) rather than per span: the
        // round trip through the repartition topic costs per record, and a Collector batch groups spans by resource
        final Map<String, Batch> batches = new LinkedHashMap<>();
        for (final EventParser.Result span : decoded.spans()) {
            if (span instanceof EventParser.Accepted accepted) {
                final AcceptedEvent e = accepted.event();
                final Batch b = batches.computeIfAbsent(e.service(), s -> new Batch());
                if (b.count > 0 && b.bytes.size() + 1 + e.raw().length > limits.maxRecordBytes()) {
                    forward(e.service(), b);
                    b.reset();
                }
                b.add(e);
            } else {
                deadLetter(record, (EventParser.Rejected) span);
            }
        }
        batches.forEach(this::forward);
    }

    /** Events of one service, newline-separated. */
    private static final class Batch {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        int count;
        long timestamp = Long.MIN_VALUE;

        void add(final AcceptedEvent e) {
            if (count > 0) {
                bytes.write('\n');
            }
            bytes.writeBytes(e.raw());
            count++;
            timestamp = Math.max(timestamp, e.timestamp());
        }

        void reset() {
            bytes.reset();
            count = 0;
            timestamp = Long.MIN_VALUE;
        }
    }

    private void forward(final String service, final Batch b) {
        if (b.count == 0) {
            return;
        }
        final RecordHeaders headers = new RecordHeaders();
        if (b.count > 1) {
            headers.add(Names.HEADER_EVENTS, Integer.toString(b.count).getBytes(StandardCharsets.UTF_8));
        }
        context.forward(new Record<>(service.getBytes(StandardCharsets.UTF_8), b.bytes.toByteArray(), b.timestamp, headers),
                Names.MERGE_SPANS);
    }

    private void deadLetter(final Record<byte[], byte[]> record, final EventParser.Rejected rejected) {
        counters.rejected(rejected.rejection().reason());
        final String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        context.forward(new Record<>(DeadLetters.key(record.key()), DeadLetters.value(rejected.raw(), limits),
                record.timestamp(), DeadLetters.headers(record.headers(), key, rejected.raw(), rejected.rejection(),
                context, limits)), Names.DLQ_SINK);
    }
}
