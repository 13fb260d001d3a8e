package io.burnrate.engine.topology;

import io.burnrate.engine.ingest.AcceptedEvent;
import io.burnrate.engine.ingest.CountRecord;
import io.burnrate.engine.ingest.Rejection;
import io.burnrate.engine.ingest.ScannedEvent;
import io.burnrate.engine.monitor.BurnDown;
import io.burnrate.engine.monitor.Emitter;
import io.burnrate.engine.monitor.EngineCounters;
import io.burnrate.engine.monitor.SloMonitor;
import io.burnrate.engine.monitor.StatusBoard;
import io.burnrate.engine.monitor.TaskEvaluator;
import io.burnrate.engine.slo.SloIndex;
import io.burnrate.engine.slo.SloRegistry;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.BudgetPolicyEvent;
import io.burnrate.schemas.ComplianceSummary;
import io.burnrate.schemas.StatusSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Steps 2 to 4 as a Kafka Streams node: a small adapter around the plain-Java
 * {@link TaskEvaluator}. It matches each event against the registry's {@link SloIndex}
 * (step 2) and hands it with its SLOs to the evaluator (count, evaluate), dead-letters what the
 * evaluator refuses, runs its wall-clock work every second, and forwards each output to
 * its sink by name (alerts keyed {@code sloId/rule}, status and budget-policy events keyed
 * {@code sloId}, compliance summaries keyed {@code sloId/kind/start}, late events keyed as
 * they came), keeping the HTTP read model ({@link StatusBoard}) up to date.
 */
final class BurnRateProcessor implements Processor<byte[], Object, String, Object>, Emitter {

    private final EngineConfig config;
    private final SloRegistry registry;
    private final EngineCounters counters;
    private final StatusBoard board;
    private final InputEnd inputEnd;
    private ProcessorContext<String, Object> context;
    private SloStateStore state;
    private CountIds countIds;
    private TaskEvaluator evaluator;

    BurnRateProcessor(final EngineConfig config, final SloRegistry registry, final EngineCounters counters,
                      final StatusBoard board, final InputEnd inputEnd) {
        this.config = config;
        this.registry = registry;
        this.counters = counters;
        this.board = board;
        this.inputEnd = inputEnd;
    }

    static TaskEvaluator.Rules rules(final EngineConfig config) {
        return new TaskEvaluator.Rules(config.grace(), config.evaluationInterval(), config.statusInterval(),
                config.idleAdvanceAfter(), config.maxFutureSkew(), config.maxEventAge());
    }

    @Override
    public void init(final ProcessorContext<String, Object> ctx) {
        this.context = ctx;
        this.state = ctx.getStateStore(Names.STATE_STORE);
        state.useGrace(config.grace());
        countIds = new CountIds(ctx.getStateStore(Names.COUNT_IDS_STORE), BurnRateTopology.countIdsRetention(config));
        if (!registry.loaded()) {
            SloRegistryProcessor.loadInto(registry, ctx.getStateStore(Names.SLO_STORE), config.slosTopic());
        }
        evaluator = new TaskEvaluator(rules(config), registry::snapshot, state, this, counters);
        evaluator.start(ctx.currentSystemTimeMs());
        // every second: SLO changes take effect within seconds even on a silent partition
        ctx.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME,
                wall -> evaluator.onWallClock(wall, inputEnd.reached()));
    }

    @Override
    public void process(final Record<byte[], Object> record) {
        if (record.value() instanceof CountRecord counts) {
            processCounts(record, counts);
            return;
        }
        final ParseProcessor.Parsed parsed = record.value() instanceof ParseProcessor.Parsed p ? p : null;
        final AcceptedEvent event = parsed != null ? parsed.event : (AcceptedEvent) record.value();
        final Rejection refused = evaluator.onEvent(event, match(evaluator.registry().index(), event),
                context.currentSystemTimeMs());
        if (refused != null) {
            final String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            context.forward(new Record<String, Object>(DeadLetters.key(key),
                    DeadLetters.value(event.raw(), config.limits()), record.timestamp(),
                    DeadLetters.headers(parsed != null ? parsed.headers : record.headers(), key, event.raw(), refused,
                            context, config.limits())), Names.LATE_DLQ_SINK);
        }
    }

    /**
     * A pre-aggregated count record: matched like an event (service, operation, attributes),
     * counted once per id and interval start (a retried copy is dropped: the
     * {@value Names#COUNT_IDS_STORE} store), spread and counted by the evaluator; refused ones
     * (late, too old) are dead-lettered as late events are. A record without an id counts
     * every time it arrives.
     */
    private void processCounts(final Record<byte[], Object> record, final CountRecord c) {
        if (c.id() != null && countIds.counted(c.id(), c.startMs())) {
            counters.countDuplicates.increment();
            return;
        }
        final List<SloSpec> slos = evaluator.registry().index().match(c.service(), c.operation(), c.attributes());
        final Rejection refused = evaluator.onCounts(c, slos, context.currentSystemTimeMs());
        if (refused != null) {
            final String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            context.forward(new Record<String, Object>(DeadLetters.key(key),
                    DeadLetters.value(c.raw(), config.limits()), record.timestamp(),
                    DeadLetters.headers(record.headers(), key, c.raw(), refused, context,
                            config.limits())), Names.LATE_DLQ_SINK);
        } else if (c.id() != null) {
            countIds.remember(c.id(), c.startMs(), c.endMs());
        }
    }

    /**
     * Step 2, match: the SLOs the event selects. The common shape is looked up by its
     * service and operation bytes (no String, nothing allocated, the same cost at 10 or
     * 10,000 SLOs); events Jackson read, by their strings.
     */
    static List<SloSpec> match(final SloIndex index, final AcceptedEvent event) {
        if (event instanceof ScannedEvent e) {
            final SloIndex.ServiceSlos slos = index.service(e.raw(), e.serviceStart(), e.serviceLength());
            if (slos == null) {
                return List.of();
            }
            return slos.readsAttributes() ? slos.select(e.operation(), e.attributes())
                    : slos.forOperation(e.raw(), e.operationStart(), e.operationLength());
        }
        return index.match(event.service(), event.operation(), event.attributes());
    }

    /** The task moves elsewhere (or the engine stops): its SLOs are no longer this instance's to show. */
    @Override
    public void close() {
        if (state != null) {
            for (final SloMonitor m : state.monitors()) {
                board.remove(m.spec().id());
            }
        }
    }

    @Override
    public void alert(final AlertTransition t) {
        board.publishAlert(t);
        context.forward(new Record<String, Object>(t.sloId() + "/" + t.rule(), t, t.at().toEpochMilli()),
                Names.ALERTS_SINK);
    }

    @Override
    public void status(final SloMonitor m) {
        final StatusSnapshot s = m.snapshot();
        if (s.at() != null) {
            final BurnDown burnDown = m.burnDown();
            board.publish(s, burnDown.firstStart(), burnDown.step(), burnDown.remaining());
            context.forward(new Record<String, Object>(s.sloId(), s, s.at().toEpochMilli()), Names.STATUS_SINK);
        }
    }

    @Override
    public void policy(final BudgetPolicyEvent e) {
        context.forward(new Record<String, Object>(e.sloId(), e, e.at().toEpochMilli()), Names.POLICY_SINK);
    }

    @Override
    public void summary(final ComplianceSummary s) {
        board.publishCompliance(s);
        context.forward(new Record<String, Object>(s.key(), s, s.period().end().toEpochMilli()),
                Names.COMPLIANCE_SINK);
    }

    @Override
    public void removed(final String sloId) {
        board.remove(sloId);
    }
}
