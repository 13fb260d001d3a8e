package io.burnrate.engine.topology;

import io.burnrate.engine.ingest.AcceptedEvent;
import io.burnrate.engine.ingest.CountRecord;
import io.burnrate.engine.monitor.EngineCounters;
import io.burnrate.engine.monitor.StatusBoard;
import io.burnrate.engine.slo.SloRegistry;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.BudgetPolicyEvent;
import io.burnrate.schemas.ComplianceSummary;
import io.burnrate.schemas.JsonSerde;
import io.burnrate.schemas.StatusSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The burnrate topology, a pure function of its configuration.
 *
 * <pre>
 * burnrate.requests (key: service, value: request event JSON)
 *   -> parse-request (parse and route in one node) ------------ rejected -> dlq-sink -> burnrate.dlq
 *        | key == service                 | other key
 *        |                                rekey-by-service -> requests-by-service (repartition)
 *        |                                  -> parse-rekeyed-request ---- rejected -> dlq-sink
 *        +------------------------------------+ (both call the task's evaluator in their own node)
 *   => match (SLO index) + count + evaluate (BurnRateProcessor, one per task, no node of its own)
 *        [slo-state and count-ids stores; slo-definitions global store]; every parser is the
 *        parent of these sinks:
 *        -> burnrate.alerts (key: sloId/rule, value: alert transition JSON)
 *        -> burnrate.status (key: sloId, value: status snapshot JSON; compacted)
 *        -> burnrate.budget-policy (key: sloId, value: budget threshold crossing JSON)
 *        -> burnrate.compliance (key: sloId/kind/start, value: compliance summary JSON; compacted)
 *        -> burnrate.dlq    (late events: original bytes + error headers)
 * otlp_spans (OTLP TracesData, key: none or trace id; only when otlp.topic is on)
 *   -> decode-spans (decode once, map each span) --- rejected span or record -> dlq-sink
 *        -> merge-spans (with rekey-by-service) -> requests-by-service: counted as JSON events
 * burnrate.counts (key: service, value: count record JSON)
 *   -> parse-counts (parse, validate, route) ---------------- rejected -> counts-dlq-sink -> burnrate.dlq
 *        | key == service                 | other key
 *        |                                rekey-counts-by-service -> counts-by-service (repartition)
 *        |                                  -> parse-rekeyed-counts ---- rejected -> counts-dlq-sink
 *        +------------------------------------+
 *   => the task's evaluator, called by both count parsers too [count-ids store: idempotence by id]
 * burnrate.slos (key: SLO id, value: SLO document JSON, null = delete; compacted)
 *   -> slos-source -> slo-definitions (global store) + in-memory registry
 * </pre>
 *
 * <p>Dead letters keep the original key and bytes; headers {@code burnrate.error.reason}
 * (a stable code), {@code burnrate.error.detail}, and the source topic, partition and
 * offset say why and where from.
 */
public final class BurnRateTopology {

    /** How long count ids are kept when no {@code max.event.age} is set (replay). */
    static final Duration COUNT_IDS_RETENTION = Duration.ofDays(7);

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

        // every parser calls its task's evaluator (shared through the slo-state store): an
        // event passes one processor node
        final BurnRateProcessor.Factory evaluators = new BurnRateProcessor.Factory(config, registry, counters, board,
                inputEnd);
        final String[] stores = {Names.STATE_STORE, Names.COUNT_IDS_STORE};
        builder.addStateStore(countIdsStore(config));
        // keys stay bytes: the parser compares them with the service's bytes (no String per record)
        final KStream<Object, Object> parsed = builder
                .stream(config.requestsTopic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withName(Names.REQUESTS_SOURCE))
                .process(() -> new ParseProcessor(evaluators, false), Named.as(Names.PARSE), stores);

        KStream<byte[], byte[]> toRekey = parsed
                .map((k, v) -> KeyValue.pair(((AcceptedEvent) v).service().getBytes(StandardCharsets.UTF_8),
                        ((AcceptedEvent) v).raw()), Named.as(Names.REKEY));
        final OtlpInput otlp = config.otlp();
        if (otlp != null) {
            // OTLP records are keyed by nothing or by trace id: each span's event is re-keyed by service
            final KStream<byte[], byte[]> spans = builder
                    .stream(otlp.topic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(Names.OTLP_SOURCE))
                    .process(() -> new OtlpSpansProcessor(counters, config.limits(), otlp), Named.as(Names.DECODE_SPANS));
            toRekey = toRekey.merge(spans, Named.as(Names.MERGE_SPANS));
        }
        toRekey
                .repartition(Repartitioned.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(Names.BY_SERVICE))
                .process(() -> new ParseProcessor(evaluators, true), Named.as(Names.PARSE_REKEYED), stores);

        // pre-aggregated counts: the same routing by service, through their own repartition topic
        final KStream<Object, Object> counts = builder
                .stream(config.countsTopic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withName(Names.COUNTS_SOURCE))
                .process(() -> new CountParseProcessor(evaluators, false), Named.as(Names.PARSE_COUNTS), stores);
        counts.map((k, v) -> KeyValue.pair(((CountRecord) v).service().getBytes(StandardCharsets.UTF_8),
                        ((CountRecord) v).raw()), Named.as(Names.REKEY_COUNTS))
                .repartition(Repartitioned.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(Names.COUNTS_BY_SERVICE))
                .process(() -> new CountParseProcessor(evaluators, true), Named.as(Names.PARSE_REKEYED_COUNTS), stores);

        // the evaluator forwards each output to its sink by name through the parser that called
        // it (BurnRateProcessor implements the typed Emitter: a new output is a compile error
        // until it is routed here); each sink is a child of all four parsers
        final Topology topology = builder.build();
        final String[] parsers = {Names.PARSE, Names.PARSE_REKEYED, Names.PARSE_COUNTS, Names.PARSE_REKEYED_COUNTS};
        final StringSerializer keys = new StringSerializer();
        topology.addSink(Names.ALERTS_SINK, config.alertsTopic(), keys,
                JsonSerde.of(AlertTransition.class).serializer(), parsers);
        topology.addSink(Names.STATUS_SINK, config.statusTopic(), keys,
                JsonSerde.of(StatusSnapshot.class).serializer(), parsers);
        topology.addSink(Names.POLICY_SINK, config.budgetPolicyTopic(), keys,
                JsonSerde.of(BudgetPolicyEvent.class).serializer(), parsers);
        topology.addSink(Names.COMPLIANCE_SINK, config.complianceTopic(), keys,
                JsonSerde.of(ComplianceSummary.class).serializer(), parsers);
        topology.addSink(Names.LATE_DLQ_SINK, config.dlqTopic(), keys, new ByteArraySerializer(), parsers);
        // the parsers dead-letter what they reject (original key and bytes, cut to fit)
        topology.addSink(Names.DLQ_SINK, config.dlqTopic(), new ByteArraySerializer(), new ByteArraySerializer(),
                otlp == null ? new String[] {Names.PARSE, Names.PARSE_REKEYED}
                        : new String[] {Names.PARSE, Names.PARSE_REKEYED, Names.DECODE_SPANS});
        topology.addSink(Names.COUNTS_DLQ_SINK, config.dlqTopic(), new ByteArraySerializer(), new ByteArraySerializer(),
                Names.PARSE_COUNTS, Names.PARSE_REKEYED_COUNTS);
        return new Built(topology, registry, counters, board, inputEnd);
    }

    /**
     * Ids of the count records counted, by interval start ({@link CountIds}): a retried
     * record (same id, same start) counts once. A key-value store: a segmented window store
     * that never held a record has no committed changelog offset, which under exactly-once
     * made every restart of its task restore all of the task's state from scratch.
     */
    static StoreBuilder<KeyValueStore<Bytes, Long>> countIdsStore(final EngineConfig config) {
        if (config.inMemoryState()) {
            // replay: nothing needs to survive the process (as for slo-state)
            return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Names.COUNT_IDS_STORE),
                    Serdes.Bytes(), Serdes.Long()).withLoggingDisabled();
        }
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(Names.COUNT_IDS_STORE),
                Serdes.Bytes(), Serdes.Long());
    }

    /**
     * How long counted ids are kept: {@code max.event.age} (7 d), and at least grace plus
     * {@code counts.max.interval}. A copy older than that is refused as late or too old
     * anyway, so it can never count twice.
     */
    static Duration countIdsRetention(final EngineConfig config) {
        final Duration floor = config.grace().plus(config.countsMaxInterval());
        final Duration age = config.maxEventAge() == null ? COUNT_IDS_RETENTION : config.maxEventAge();
        return age.compareTo(floor) > 0 ? age : floor;
    }
}
