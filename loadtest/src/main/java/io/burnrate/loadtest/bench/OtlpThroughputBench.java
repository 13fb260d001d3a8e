package io.burnrate.loadtest.bench;

import com.google.protobuf.ByteString;
import io.burnrate.engine.ingest.RequestRecord;
import io.burnrate.engine.otlp.OtlpDecoder;
import io.burnrate.engine.otlp.OtlpEncoding;
import io.burnrate.engine.otlp.SpanMapping;
import io.burnrate.engine.topology.Names;
import io.burnrate.engine.topology.OtlpInput;
import io.burnrate.loadtest.gen.EventFactory;
import io.burnrate.loadtest.gen.Generator;
import io.burnrate.loadtest.gen.Scenario;
import io.burnrate.loadtest.gen.SloSet;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Throughput of the OTLP input against its ceiling, in spans/s: one pre-filled OTLP
 * topic of {@code otlp_proto} {@code TracesData} records (as the Collector's Kafka exporter
 * writes them: unkeyed, {@link Options#spansPerRecord} spans of one service each); a plain
 * consumer that reads every record and protobuf-parses it, walking every span (the
 * ceiling, {@link CeilingConsumer} in OTLP mode), and the engine with exactly-once v2,
 * which decodes each record once, re-keys every span's event by service through the
 * by-service repartition topic and counts it. Each run in a fresh JVM, alternately,
 * {@code repeat} times; the medians and their ratio. The engine counts as caught up once
 * it has committed the end of the OTLP topic and of the repartition topic, so its rate
 * covers decoding, the re-key round trip through Kafka and the counting. With
 * {@link Options#jsonComparison} each round also runs the engine on the same events as
 * unkeyed request-event JSON (the same re-key path): the cost of OTLP against JSON.
 */
public final class OtlpThroughputBench {

    /** Knobs of this benchmark. */
    public static final class Options {
        public long spans = 2_000_000;
        public int spansPerRecord = 100;
        public int services = 50;
        public int slosPerService = 1;
        /** Spans per second of event time: the pre-filled spans span spans / rate seconds. */
        public double eventTimeRate = 100_000;
        public int repeat = 3;
        public Duration timeout = Duration.ofMinutes(20);
        /**
         * Also run the engine on the same events as request-event JSON, unkeyed (so they take
         * the same re-key path), in every round: what the OTLP decoding costs against JSON.
         */
        public boolean jsonComparison = true;
    }

    public record Result(long records, long spans, long avgRecordBytes, List<Ceiling.Result> ceilings,
                         List<EngineRun.Result> engines, List<EngineRun.Result> jsonEngines, double ceilingRate,
                         double engineRate, double ratio, double jsonRate, String markdown) {
    }

    private OtlpThroughputBench() {
    }

    public static Result run(final BenchEnv env, final BenchOptions common, final Options o) throws Exception {
        final String prefix = env.name("otlp");
        final String requests = prefix + ".requests";
        final String topic = prefix + "." + OtlpInput.DEFAULT_TOPIC;
        // the JSON comparison's input: not the requests topic, which the OTLP engine reads too (empty there)
        final String jsonTopic = prefix + ".json-events";
        final List<String> services = EventFactory.services(o.services, Scenario.STEADY);
        final Map<String, String> base = common.engine(env, prefix, requests, "unused");
        base.put(OtlpInput.TOPIC, topic);
        // unlimited retention, any timestamp, before the engine's topic check would create it plain
        env.createRequestsTopic(topic, common.partitions);
        env.createRequestsTopic(jsonTopic, common.partitions);
        env.createTopics(base, common.partitions);
        final int slos = SloSet.publish(BenchEnv.toSettings(base), SloSet.yaml(services, o.services * o.slosPerService));
        final long records = (o.spans + o.spansPerRecord - 1) / o.spansPerRecord;
        env.log().printf(Locale.ROOT, "bench otlp: pre-filling %s with %,d spans in %,d TracesData records (%d services, "
                + "%d partitions)%n", topic, records * o.spansPerRecord, records, o.services, common.partitions);
        final long bytes = prefill(env, topic, o.jsonComparison ? jsonTopic : null, services, records, o.spansPerRecord,
                o.eventTimeRate);
        final long spans = records * o.spansPerRecord;

        final List<Ceiling.Result> ceilings = new ArrayList<>();
        final List<EngineRun.Result> engines = new ArrayList<>();
        final List<EngineRun.Result> jsonEngines = new ArrayList<>();
        for (int r = 1; r <= o.repeat; r++) {
            final Ceiling.Result c = Ceiling.run(env, topic, common.heap, List.of(), prefix + "-ceiling-" + r, true);
            env.log().printf(Locale.ROOT, "bench otlp: run %d ceiling %,.0f spans/s (%,d spans in %.2f s)%n", r,
                    c.rate(), c.measuredEvents(), c.seconds());
            ceilings.add(c);
            final Map<String, String> s = common.engine(env, prefix, requests, env.nextEngineId(prefix));
            s.put(OtlpInput.TOPIC, topic);
            final String repartition = s.get("application.id") + "-" + Names.BY_SERVICE + "-repartition";
            final EngineRun.Result e = EngineRun.catchUp(env, s, common.heap, common.engineJvmArgs, o.timeout, topic,
                    repartition, o.spansPerRecord);
            env.log().printf(Locale.ROOT, "bench otlp: run %d engine %,.0f spans/s (%,d spans in %.2f s; %s)%n", r,
                    e.rate(), e.measuredEvents(), e.seconds(), e.method());
            ThroughputBench.check(e, spans);
            engines.add(e);
            if (o.jsonComparison) {
                final Map<String, String> js = common.engine(env, prefix, jsonTopic, env.nextEngineId(prefix));
                final EngineRun.Result j = EngineRun.catchUp(env, js, common.heap, common.engineJvmArgs, o.timeout,
                        jsonTopic, js.get("application.id") + "-" + Names.BY_SERVICE + "-repartition", 1);
                env.log().printf(Locale.ROOT, "bench otlp: run %d engine on the same events as unkeyed JSON %,.0f ev/s "
                        + "(%,d events in %.2f s)%n", r, j.rate(), j.measuredEvents(), j.seconds());
                ThroughputBench.check(j, spans);
                jsonEngines.add(j);
            }
        }
        final double ceiling = Table.median(ceilings.stream().map(Ceiling.Result::rate).toList());
        final double engine = Table.median(engines.stream().map(EngineRun.Result::rate).toList());
        final double json = Table.median(jsonEngines.stream().map(EngineRun.Result::rate).toList());
        final List<String> header = new ArrayList<>(List.of("run", "(a) ceiling spans/s", "(b) engine spans/s",
                "ratio b/a", "CPU µs/span: ceiling", "engine", "CPU ratio"));
        if (o.jsonComparison) {
            header.addAll(List.of("(c) engine, same events as unkeyed JSON, events/s", "b/c", "CPU µs/event"));
        }
        final Table t = new Table(header.toArray(new String[0]));
        for (int i = 0; i < o.repeat; i++) {
            final Ceiling.Result c = ceilings.get(i);
            final EngineRun.Result e = engines.get(i);
            final List<Object> row = new ArrayList<>(List.of(i + 1, Table.count(c.rate()), Table.count(e.rate()),
                    Table.ratio(e.rate() / c.rate()), ThroughputBench.micros(c.cpuNsPerEvent()),
                    ThroughputBench.micros(e.cpuNsPerEvent()), Table.ratio(c.cpuNsPerEvent() / e.cpuNsPerEvent())));
            if (o.jsonComparison) {
                final EngineRun.Result j = jsonEngines.get(i);
                row.addAll(List.of(Table.count(j.rate()), Table.ratio(e.rate() / j.rate()),
                        ThroughputBench.micros(j.cpuNsPerEvent())));
            }
            t.row(row.toArray());
        }
        final double ceilingCpu = Table.median(ceilings.stream().map(Ceiling.Result::cpuNsPerEvent).toList());
        final double engineCpu = Table.median(engines.stream().map(EngineRun.Result::cpuNsPerEvent).toList());
        final List<Object> med = new ArrayList<>(List.of("**median**", "**" + Table.count(ceiling) + "**",
                "**" + Table.count(engine) + "**", "**" + Table.ratio(engine / ceiling) + "**",
                "**" + ThroughputBench.micros(ceilingCpu) + "**", "**" + ThroughputBench.micros(engineCpu) + "**",
                "**" + Table.ratio(ceilingCpu / engineCpu) + "**"));
        if (o.jsonComparison) {
            final double jsonCpu = Table.median(jsonEngines.stream().map(EngineRun.Result::cpuNsPerEvent).toList());
            med.addAll(List.of("**" + Table.count(json) + "**", "**" + Table.ratio(engine / json) + "**",
                    "**" + ThroughputBench.micros(jsonCpu) + "**"));
        }
        t.row(med.toArray());
        final StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%,d spans in %,d OTLP `otlp_proto` TracesData records (%d SERVER spans of "
                        + "one service per record, %,d bytes avg. record, unkeyed as the Collector's exporter writes "
                        + "them), %d partitions, %d services, %d SLOs (google-30d, %d per service), event time "
                        + "spanning %.0f s.%n"
                        + "Ceiling: plain KafkaConsumer (read_committed, client defaults) + `TracesData.parseFrom` of "
                        + "every record and a walk over every span (service.name, end − start, status attribute). "
                        + "Engine: exactly_once_v2, %d stream thread(s), -Xmx%s: decode once, map each span, re-key "
                        + "by service through the by-service repartition topic, count; caught up = the end of the "
                        + "OTLP topic and of the repartition topic committed. Engine rate: %s. CPU µs/span as in the "
                        + "throughput benchmark (whole JVM).%n%n",
                spans, records, o.spansPerRecord, bytes, common.partitions, o.services, slos, o.slosPerService,
                spans / o.eventTimeRate, common.threads, common.heap, engines.get(0).method()));
        md.append(t);
        md.append(String.format(Locale.ROOT, "%nMedian ratio %.2f: the engine's spans/s over a plain consumer's that "
                + "only parses the same records.%n", engine / ceiling));
        if (o.jsonComparison) {
            md.append(String.format(Locale.ROOT, "(c): the engine on the same events as request-event JSON, one per record "
                    + "and unkeyed, so they take the same re-key path through the repartition topic; b/c %.2f is what "
                    + "reading spans from OTLP records costs against reading the equivalent JSON.%n", engine / json));
        }
        return new Result(records, spans, bytes, ceilings, engines, jsonEngines, ceiling, engine, engine / ceiling, json,
                md.toString());
    }

    /**
     * Writes {@code records} TracesData records of {@code perRecord} SERVER spans each, the
     * services in turn, event times paced at {@code rate} spans/s and ending about now;
     * about 1 % of spans with status 500, 2 % slower than 300 ms. Returns the average record size.
     */
    static long prefill(final BenchEnv env, final String topic, final String jsonTopic, final List<String> services,
                        final long records, final int perRecord, final double rate) throws Exception {
        final OtlpDecoder decoder = new OtlpDecoder(SpanMapping.DEFAULTS);
        final long spans = records * perRecord;
        final long spanMs = (long) (spans * 1000.0 / rate);
        final long start = System.currentTimeMillis() - spanMs;
        final SplittableRandom random = new SplittableRandom(7);
        long bytes = 0;
        long seq = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Generator.bulkProducer(env.bootstrap()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long r = 0; r < records; r++) {
                final String service = services.get((int) (r % services.size()));
                final ScopeSpans.Builder scope = ScopeSpans.newBuilder()
                        .setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.tomcat"));
                for (int i = 0; i < perRecord; i++) {
                    final long endNs = (start + (long) (seq * 1000.0 / rate)) * 1_000_000L + random.nextInt(1_000_000);
                    final long latencyNs = (random.nextDouble() < 0.02 ? 300 + random.nextInt(700) : 5 + random.nextInt(100))
                            * 1_000_000L + random.nextInt(1_000_000);
                    final ByteBuffer id = ByteBuffer.allocate(16).putLong(0x5b8efff798038103L).putLong(seq);
                    scope.addSpans(Span.newBuilder()
                            .setTraceId(ByteString.copyFrom(id.array()))
                            .setSpanId(ByteString.copyFrom(id.array(), 8, 8))
                            .setName("GET /api/" + (seq % 8))
                            .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                            .setStartTimeUnixNano(endNs - latencyNs)
                            .setEndTimeUnixNano(endNs)
                            .addAttributes(attribute("http.route",
                                    AnyValue.newBuilder().setStringValue("GET /api/" + (seq % 8))))
                            .addAttributes(attribute("http.request.method", AnyValue.newBuilder().setStringValue("GET")))
                            .addAttributes(attribute("http.response.status_code",
                                    AnyValue.newBuilder().setIntValue(random.nextDouble() < 0.01 ? 500 : 200))));
                    seq++;
                }
                final byte[] value = TracesData.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                        .setResource(Resource.newBuilder()
                                .addAttributes(attribute("service.name", AnyValue.newBuilder().setStringValue(service)))
                                .addAttributes(attribute("deployment.environment",
                                        AnyValue.newBuilder().setStringValue("prod")))
                                .addAttributes(attribute("host.name",
                                        AnyValue.newBuilder().setStringValue("node-" + (r % 16)))))
                        .addScopeSpans(scope)).build().toByteArray();
                bytes += value.length;
                final long ts = start + (long) (seq * 1000.0 / rate);
                producer.send(new ProducerRecord<>(topic, null, ts, null, value));
                if (jsonTopic != null) {
                    // the equivalent request events (the decoder's own JSON of each span), unkeyed
                    for (final RequestRecord e : decoder.decode(value, OtlpEncoding.OTLP_PROTO).events()) {
                        producer.send(new ProducerRecord<>(jsonTopic, null, e.timestamp(), null, e.raw()));
                    }
                }
            }
            producer.flush();
        }
        env.log().printf(Locale.ROOT, "bench otlp: pre-filled %,d records%n", records);
        return records == 0 ? 0 : bytes / records;
    }

    private static KeyValue attribute(final String key, final AnyValue.Builder value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }
}
