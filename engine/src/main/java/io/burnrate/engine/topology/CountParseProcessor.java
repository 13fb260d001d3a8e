package io.burnrate.engine.topology;

import io.burnrate.engine.ingest.CountParser;
import io.burnrate.engine.ingest.CountRecord;
import io.burnrate.engine.ingest.InputLimits;
import io.burnrate.engine.ingest.Rejection;
import io.burnrate.engine.monitor.EngineCounters;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Validates pre-aggregated count records ({@code burnrate.counts}, {@link CountParser}) and
 * routes them, in one node, as {@link ParseProcessor} does for request events:
 *
 * <ul>
 *   <li>accepted, record key = the record's service (or read back from the re-key topic):
 *       to {@value Names#EVALUATE}, as a {@link CountRecord},
 *       with the interval's last millisecond as the record timestamp;
 *   <li>accepted, any other key: to {@value Names#REKEY_COUNTS} (then the
 *       {@value Names#COUNTS_BY_SERVICE} repartition topic, keyed by service, and parsed again);
 *   <li>rejected ({@code invalid-counts}, {@code invalid-interval}, {@code invalid-timestamp}, ...):
 *       to {@value Names#COUNTS_DLQ_SINK}, original key and bytes (cut to fit), headers saying why.
 * </ul>
 */
final class CountParseProcessor implements Processor<byte[], byte[], byte[], Object> {

    private final EngineCounters counters;
    private final InputLimits limits;
    private final CountParser.Options options;
    /** Reads the re-key topic: every record is keyed by its service already. */
    private final boolean rekeyed;
    private ProcessorContext<byte[], Object> context;

    CountParseProcessor(final EngineCounters counters, final EngineConfig config, final boolean rekeyed) {
        this.counters = counters;
        this.limits = config.limits();
        this.options = config.countOptions();
        this.rekeyed = rekeyed;
    }

    @Override
    public void init(final ProcessorContext<byte[], Object> ctx) {
        this.context = ctx;
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        final CountParser.Result result = CountParser.parse(record.value(), limits, options, context.currentSystemTimeMs());
        if (result instanceof CountParser.Accepted accepted) {
            final CountRecord c = accepted.record();
            final boolean keyedByService = rekeyed || record.key() != null
                    && Arrays.equals(record.key(), c.service().getBytes(StandardCharsets.UTF_8));
            context.forward(new Record<byte[], Object>(record.key(), c, c.endMs() - 1, record.headers()),
                    keyedByService ? Names.EVALUATE : Names.REKEY_COUNTS);
            return;
        }
        final CountParser.Rejected rejected = (CountParser.Rejected) result;
        final Rejection r = rejected.rejection();
        counters.rejected(r.reason());
        final String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        context.forward(new Record<byte[], Object>(DeadLetters.key(record.key()),
                DeadLetters.value(rejected.raw(), limits), record.timestamp(),
                DeadLetters.headers(record.headers(), key, rejected.raw(), r, context, limits)), Names.COUNTS_DLQ_SINK);
    }
}
