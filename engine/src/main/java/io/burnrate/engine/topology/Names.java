package io.burnrate.engine.topology;

/** Every processor, store and internal topic name of the topology, in one place. */
public final class Names {

    public static final String REQUESTS_SOURCE = "requests-source";
    /** Parses and routes (keyed by service / needs re-key / rejected) in one node. */
    public static final String PARSE = "parse-request";
    public static final String REKEY = "rekey-by-service";
    /** Internal repartition topic for events whose record key is not their service. */
    public static final String BY_SERVICE = "requests-by-service";
    public static final String PARSE_REKEYED = "parse-rekeyed-request";
    /** OTLP trace data (the OpenTelemetry Collector's Kafka exporter), when {@code otlp.topic} is on. */
    public static final String OTLP_SOURCE = "otlp-source";
    /** Decodes each OTLP record once and maps its spans to request events keyed by service. */
    public static final String DECODE_SPANS = "decode-spans";
    /** The events of spans join the events to re-key on their way to {@value #BY_SERVICE}. */
    public static final String MERGE_SPANS = "merge-spans";
    /** Rejected requests (both parsers) and rejected OTLP records and spans. */
    public static final String DLQ_SINK = "dlq-sink";

    public static final String COUNTS_SOURCE = "counts-source";
    /** Parses, validates and routes pre-aggregated count records (keyed by service / needs re-key / rejected). */
    public static final String PARSE_COUNTS = "parse-counts";
    public static final String REKEY_COUNTS = "rekey-counts-by-service";
    /** Internal repartition topic for count records whose record key is not their service. */
    public static final String COUNTS_BY_SERVICE = "counts-by-service";
    public static final String PARSE_REKEYED_COUNTS = "parse-rekeyed-counts";
    /** Rejected count records (both count parsers). */
    public static final String COUNTS_DLQ_SINK = "counts-dlq-sink";
    /** Ids of counted count records by interval start (idempotence of retried records; windowed, changelogged). */
    public static final String COUNT_IDS_STORE = "count-ids";

    public static final String SLO_SOURCE = "slos-source";
    /** Global store of SLO documents by id, from {@code burnrate.slos}. */
    public static final String SLO_STORE = "slo-definitions";

    // match, count and evaluate (BurnRateProcessor) have no node of their own: each parser calls
    // its task's evaluator, so an event passes one processor node; the output sinks below are
    // children of all four parsers

    /** Per-SLO bucketed counts and alert states (RocksDB, changelogged). */
    public static final String STATE_STORE = "slo-state";
    public static final String POLICY_SINK = "budget-policy-sink";
    public static final String COMPLIANCE_SINK = "compliance-sink";
    public static final String ALERTS_SINK = "alerts-sink";
    public static final String STATUS_SINK = "status-sink";
    public static final String LATE_DLQ_SINK = "late-dlq-sink";

    /**
     * On a {@value #BY_SERVICE} record from {@value #DECODE_SPANS}: the value holds this many
     * request events of one service, one JSON object per line ({@code \n}-separated).
     */
    public static final String HEADER_EVENTS = "burnrate.events";

    /** Dead-letter headers. */
    public static final String HEADER_REASON = "burnrate.error.reason";
    public static final String HEADER_DETAIL = "burnrate.error.detail";
    public static final String HEADER_TOPIC = "burnrate.error.topic";
    public static final String HEADER_PARTITION = "burnrate.error.partition";
    public static final String HEADER_OFFSET = "burnrate.error.offset";
    /** Set when the dead letter holds only the first bytes of the value: the original size in bytes. */
    public static final String HEADER_TRUNCATED = "burnrate.error.truncated";
    /** Set when the key was cut to fit: the original key's size in bytes. */
    public static final String HEADER_KEY_TRUNCATED = "burnrate.error.key.truncated";
    /** Set when the original headers were too large to copy: how many were dropped. */
    public static final String HEADER_HEADERS_DROPPED = "burnrate.error.headers.dropped";

    private Names() {
    }
}
