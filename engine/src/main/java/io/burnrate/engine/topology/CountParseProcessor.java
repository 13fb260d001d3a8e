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
 *       to the task's {@link BurnRateProcessor} (count-id check, match, count, evaluate),
 *       called in this node;
 *   <li>accepted, any other key: to {@value Names#REKEY_COUNTS} (then the
 *       {@value Names#COUNTS_BY_SERVICE} repartition topic, keyed by service, and parsed again);
 *   <li>rejected ({@code invalid-counts}, {@code invalid-interval}, {@code invalid-timestamp}, ...):
 *       to {@value Names#COUNTS_DLQ_SINK}, original key and bytes (cut to fit), headers saying why.
 * </ul>
 */
final class CountParseProcessor implements Processor<byte[], byte[], Object, Object> {

    private final EngineCounters counters;
    private final InputLimits limits;
    private final CountParser.Options options;
    /** Reads the re-key topic: every record is keyed by its service already. */
    private final boolean rekeyed;
    private final BurnRateProcessor.Factory evaluators;
    private ProcessorContext<Object, Object> context;
    private BurnRateProcessor evaluator;

    CountParseProcessor(final BurnRateProcessor.Factory evaluators, final boolean rekeyed) {
        this.counters = evaluators.counters();
        this.limits = evaluators.config().limits();
        this.options = evaluators.config().countOptions();
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
        final CountParser.Result result = CountParser.parse(record.value(), limits, options, context.currentSystemTimeMs());
        if (result instanceof CountParser.Accepted accepted) {
            final CountRecord c = accepted.record();
            final boolean keyedByService = rekeyed || record.key() != null
                    && Arrays.equals(record.key(), c.service().getBytes(StandardCharsets.UTF_8));
            if (keyedByService) {
                evaluator.onCounts(record.key(), c, record.headers());
            } else {
                context.forward(new Record<Object, Object>(record.key(), c, c.endMs() - 1, record.headers()),
                        Names.REKEY_COUNTS);
            }
            return;
        }
        final CountParser.Rejected rejected = (CountParser.Rejected) result;
        final Rejection r = rejected.rejection();
        counters.rejected(r.reason());
        final String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        context.forward(new Record<Object, Object>(DeadLetters.key(record.key()),
                DeadLetters.value(rejected.raw(), limits), record.timestamp(),
                DeadLetters.headers(record.headers(), key, rejected.raw(), r, context, limits)), Names.COUNTS_DLQ_SINK);
    }
}
