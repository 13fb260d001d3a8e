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
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Steps 2 to 4, match, count and evaluate: a small adapter between Kafka Streams and the
 * plain-Java {@link TaskEvaluator}, one per task. It matches each event against the
 * registry's {@link SloIndex} (step 2) and hands it with its SLOs to the evaluator (count,
 * evaluate), dead-letters what the evaluator refuses, runs its wall-clock work every
 * second, and forwards each output to its sink by name (alerts keyed {@code sloId/rule},
 * status and budget-policy events keyed {@code sloId}, compliance summaries keyed
 * {@code sloId/kind/start}, late events keyed as they came), keeping the HTTP read model
 * ({@link StatusBoard}) up to date.
 *
 * <p>It is not a node of its own: the four parsers ({@value Names#PARSE},
 * {@value Names#PARSE_REKEYED}, {@value Names#PARSE_COUNTS}, {@value Names#PARSE_REKEYED_COUNTS})
 * call it directly with what they accepted, so an event passes one processor node instead
 * of two (a node hop, a {@code Record} and a child lookup by name were about 5 % of the
 * stream thread at 50 SLOs). The parsers of one task share one instance through the task's
 * {@link SloStateStore} ({@link #of}); every output sink is a child of every parser, so
 * whichever parser is processing (or scheduled the punctuation) forwards.
 */
final class BurnRateProcessor implements Emitter {

    private final EngineConfig config;
    private final SloRegistry registry;
    private final EngineCounters counters;
    private final StatusBoard board;
    private final InputEnd inputEnd;
    private ProcessorContext<Object, Object> context;
    private SloStateStore state;
    private CountIds countIds;
    private TaskEvaluator evaluator;

    /** What a parser needs to reach its task's evaluator: the topology's shared objects. */
    record Factory(EngineConfig config, SloRegistry registry, EngineCounters counters, StatusBoard board,
                   InputEnd inputEnd) {
    }

    private BurnRateProcessor(final Factory f) {
        this.config = f.config();
        this.registry = f.registry();
        this.counters = f.counters();
        this.board = f.board();
        this.inputEnd = f.inputEnd();
    }

    /**
     * The evaluator of the task whose parser is being initialized: the one its state store
     * holds, or a new one initialized with this parser's context (which then also runs the
     * wall-clock punctuation). Released by {@link #release}.
     */
    static BurnRateProcessor of(final ProcessorContext<Object, Object> ctx, final Factory factory) {
        final SloStateStore store = ctx.getStateStore(Names.STATE_STORE);
        BurnRateProcessor p = store.evaluator();
        if (p == null) {
            p = new BurnRateProcessor(factory);
            p.init(ctx, store);
            store.evaluator(p);
        }
        return p;
    }

    static TaskEvaluator.Rules rules(final EngineConfig config) {
        return new TaskEvaluator.Rules(config.grace(), config.evaluationInterval(), config.statusInterval(),
                config.idleAdvanceAfter(), config.maxFutureSkew(), config.maxEventAge());
    }

    private void init(final ProcessorContext<Object, Object> ctx, final SloStateStore store) {
        this.context = ctx;
        this.state = store;
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

    /**
     * An accepted request event: matched, counted and evaluated; a refused one (late, too
     * old) is dead-lettered with the original key, bytes and headers.
     */
    void onEvent(final byte[] key, final AcceptedEvent event, final Headers headers) {
        final SloIndex index = evaluator.registry().index();
        final long wall = context.currentSystemTimeMs();
        final Rejection refused = event instanceof ScannedEvent e
                ? evaluator.onEvent(e, index, e.raw(), e.serviceStart(), e.serviceLength(), e.operationStart(),
                        e.operationLength(), wall)
                : evaluator.onEvent(event, match(index, event), wall);
        if (refused != null) {
            lateDeadLetter(key, event.raw(), event.timestamp(), headers, refused);
        }
    }

    private void lateDeadLetter(final byte[] rawKey, final byte[] raw, final long timestamp, final Headers headers,
                                final Rejection refused) {
        final String key = rawKey == null ? null : new String(rawKey, StandardCharsets.UTF_8);
        context.forward(new Record<Object, Object>(DeadLetters.key(key), DeadLetters.value(raw, config.limits()),
                timestamp, DeadLetters.headers(headers, key, raw, refused, context, config.limits())),
                Names.LATE_DLQ_SINK);
    }

    /**
     * A pre-aggregated count record: matched like an event (service, operation, attributes),
     * counted once per id and interval start (a retried copy is dropped: the
     * {@value Names#COUNT_IDS_STORE} store), spread and counted by the evaluator; refused ones
     * (late, too old) are dead-lettered as late events are. A record without an id counts
     * every time it arrives.
     */
    void onCounts(final byte[] key, final CountRecord c, final Headers headers) {
        if (c.id() != null && countIds.counted(c.id(), c.startMs())) {
            counters.countDuplicates.increment();
            return;
        }
        final List<SloSpec> slos = evaluator.registry().index().match(c.service(), c.operation(), c.attributes());
        final Rejection refused = evaluator.onCounts(c, slos, context.currentSystemTimeMs());
        if (refused != null) {
            lateDeadLetter(key, c.raw(), c.endMs() - 1, headers, refused);
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

    /**
     * A parser of the task closes: the task moves elsewhere (or the engine stops), so its
     * SLOs are no longer this instance's to show. The first parser to close does it and
     * takes the evaluator from the store; the others find none.
     */
    static void release(final ProcessorContext<?, ?> ctx) {
        final SloStateStore store = ctx.getStateStore(Names.STATE_STORE);
        final BurnRateProcessor p = store.evaluator();
        if (p != null) {
            store.evaluator(null);
            for (final SloMonitor m : store.monitors()) {
                p.board.remove(m.spec().id());
            }
        }
    }

    @Override
    public void alert(final AlertTransition t) {
        board.publishAlert(t);
        context.forward(new Record<Object, Object>(t.sloId() + "/" + t.rule(), t, t.at().toEpochMilli()),
                Names.ALERTS_SINK);
    }

    @Override
    public void status(final SloMonitor m) {
        final StatusSnapshot s = m.snapshot();
        if (s.at() != null) {
            final BurnDown burnDown = m.burnDown();
            board.publish(s, burnDown.firstStart(), burnDown.step(), burnDown.remaining());
            context.forward(new Record<Object, Object>(s.sloId(), s, s.at().toEpochMilli()), Names.STATUS_SINK);
        }
    }

    @Override
    public void policy(final BudgetPolicyEvent e) {
        context.forward(new Record<Object, Object>(e.sloId(), e, e.at().toEpochMilli()), Names.POLICY_SINK);
    }

    @Override
    public void summary(final ComplianceSummary s) {
        board.publishCompliance(s);
        context.forward(new Record<Object, Object>(s.key(), s, s.period().end().toEpochMilli()),
                Names.COMPLIANCE_SINK);
    }

    @Override
    public void removed(final String sloId) {
        board.remove(sloId);
    }
}
