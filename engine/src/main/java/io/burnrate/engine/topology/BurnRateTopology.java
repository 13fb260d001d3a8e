package io.burnrate.engine.topology;

import io.burnrate.engine.ingest.EventParser;
import io.burnrate.engine.monitor.EngineCounters;
import io.burnrate.engine.monitor.StatusBoard;
import io.burnrate.engine.slo.SloRegistry;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.BudgetPolicyEvent;
import io.burnrate.schemas.ComplianceSummary;
import io.burnrate.schemas.JsonSerde;
import io.burnrate.schemas.StatusSnapshot;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The burnrate topology, a pure function of its configuration.
 *
 * <pre>
 * burnrate.requests (key: service, value: request event JSON)
 *   -> parse-request ----------------------------------------- rejected -> burnrate.dlq
 *        | key == service                 | other key
 *        |                                rekey-by-service -> requests-by-service (repartition) -> parse
 *        +------------------ merge --------+
 *   -> evaluate-burn-rates [slo-state store; slo-definitions global store]
 *        -> burnrate.alerts (key: sloId/rule, value: alert transition JSON)
 *        -> burnrate.status (key: sloId, value: status snapshot JSON; compacted)
 *        -> burnrate.budget-policy (key: sloId, value: budget threshold crossing JSON)
 *        -> burnrate.compliance (key: sloId/kind/start, value: compliance summary JSON; compacted)
 *        -> burnrate.dlq    (late events: original bytes + error headers)
 * burnrate.slos (key: SLO id, value: SLO document JSON, null = delete; compacted)
 *   -> slos-source -> slo-definitions (global store) + in-memory registry
 * </pre>
 *
 * <p>Dead letters keep the original key and bytes; headers {@code burnrate.error.reason}
 * (a stable code), {@code burnrate.error.detail}, and the source topic, partition and
 * offset say why and where from.
 */
public final class BurnRateTopology {

    private BurnRateTopology() {
    }

    /** The topology plus the objects its processors share with the application. */
    public record Built(Topology topology, SloRegistry registry, EngineCounters counters, StatusBoard board,
                        InputEnd inputEnd) {
    }

    public static Built build(final EngineConfig config) {
        final SloRegistry registry = new SloRegistry();
        final EngineCounters counters = new EngineCounters();
        final StatusBoard board = new StatusBoard();
        final InputEnd inputEnd = new InputEnd();
        final StreamsBuilder builder = new StreamsBuilder();

        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Names.SLO_STORE), Serdes.String(),
                        Serdes.ByteArray()).withLoggingDisabled(),
                config.slosTopic(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(Names.SLO_SOURCE),
                () -> new SloRegistryProcessor(registry, config.slosTopic()));
        builder.addStateStore(config.inMemoryState()
                ? SloStateStore.inMemoryBuilder(Names.STATE_STORE)
                : SloStateStore.builder(Names.STATE_STORE));

        final KStream<String, EventParser.Result> parsed = builder
                .stream(config.requestsTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray())
                        .withName(Names.REQUESTS_SOURCE))
                .processValues(() -> new ParseProcessor(counters, config.limits()), Named.as(Names.PARSE));

        final Map<String, KStream<String, EventParser.Result>> routes = parsed.split(Named.as(Names.ROUTE))
                .branch((k, v) -> v instanceof EventParser.Rejected, Branched.as(Names.ROUTE_REJECTED))
                .branch((k, v) -> ((EventParser.Accepted) v).event().service().equals(k), Branched.as(Names.ROUTE_KEYED))
                .defaultBranch(Branched.as(Names.ROUTE_REKEY));

        routes.get(Names.ROUTE + Names.ROUTE_REJECTED)
                // the key too must fit (the value and headers are cut in ParseProcessor)
                .map((k, v) -> KeyValue.pair(DeadLetters.key(k), ((EventParser.Rejected) v).raw()),
                        Named.as(Names.REJECTED_TO_BYTES))
                .to(config.dlqTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName(Names.DLQ_SINK));

        final KStream<String, EventParser.Result> rekeyed = routes.get(Names.ROUTE + Names.ROUTE_REKEY)
                .map((k, v) -> KeyValue.pair(((EventParser.Accepted) v).event().service(),
                        ((EventParser.Accepted) v).event().raw()), Named.as(Names.REKEY))
                .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName(Names.BY_SERVICE))
                .processValues(() -> new ParseProcessor(counters, config.limits()), Named.as(Names.PARSE_REKEYED));

        routes.get(Names.ROUTE + Names.ROUTE_KEYED)
                .merge(rekeyed, Named.as(Names.MERGE))
                .process(() -> new BurnRateProcessor(config, registry, counters, board, inputEnd), Named.as(Names.EVALUATE),
                        Names.STATE_STORE);

        // the evaluator forwards each output to its sink by name (BurnRateProcessor implements
        // the typed Emitter: a new output is a compile error until it is routed here)
        final Topology topology = builder.build();
        final StringSerializer keys = new StringSerializer();
        topology.addSink(Names.ALERTS_SINK, config.alertsTopic(), keys,
                JsonSerde.of(AlertTransition.class).serializer(), Names.EVALUATE);
        topology.addSink(Names.STATUS_SINK, config.statusTopic(), keys,
                JsonSerde.of(StatusSnapshot.class).serializer(), Names.EVALUATE);
        topology.addSink(Names.POLICY_SINK, config.budgetPolicyTopic(), keys,
                JsonSerde.of(BudgetPolicyEvent.class).serializer(), Names.EVALUATE);
        topology.addSink(Names.COMPLIANCE_SINK, config.complianceTopic(), keys,
                JsonSerde.of(ComplianceSummary.class).serializer(), Names.EVALUATE);
        topology.addSink(Names.LATE_DLQ_SINK, config.dlqTopic(), keys, new ByteArraySerializer(), Names.EVALUATE);
        return new Built(topology, registry, counters, board, inputEnd);
    }
}
