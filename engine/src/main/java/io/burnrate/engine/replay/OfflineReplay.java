package io.burnrate.engine.replay;

import io.burnrate.engine.ingest.EventParser;
import io.burnrate.engine.ingest.Rejection;
import io.burnrate.engine.ingest.RequestRecord;
import io.burnrate.engine.monitor.EngineCounters;
import io.burnrate.engine.otlp.DelimitedMessages;
import io.burnrate.engine.otlp.OtlpDecoder;
import io.burnrate.engine.otlp.OtlpEncoding;
import io.burnrate.engine.otlp.SpanMapping;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.engine.topology.BurnRateTopology;
import io.burnrate.engine.topology.DeadLetters;
import io.burnrate.engine.topology.EngineConfig;
import io.burnrate.engine.topology.ErrorHandlers;
import io.burnrate.engine.topology.Names;
import io.burnrate.schemas.DeadLetter;
import io.burnrate.schemas.Json;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Runs the production topology offline over an NDJSON file, deterministically: no
 * broker, no wall clock (event time drives everything), SLOs applied before the first
 * event. Writes {@code alerts.ndjson} (every transition, in order), {@code status.ndjson}
 * (the final snapshot per SLO, by id), {@code dlq.ndjson} (rejected lines with their
 * reason), {@code budget-policy.ndjson} (budget threshold crossings) and
 * {@code compliance.ndjson} (compliance summaries in the order periods closed; at the end
 * of the input every period still open closes, covering the events up to then).
 *
 * <p>The input is request events (one JSON object per line), or OTLP trace data
 * ({@link Format}): each {@code TracesData} is decoded once by {@link OtlpDecoder}, and
 * each span it maps to an event is fed exactly as that event's request JSON line would be
 * (so the outputs equal those of a replay of the equivalent events), under the line (or
 * message) number of its record; refused spans and records go to {@code dlq.ndjson} with
 * that number, in input order.
 */
public final class OfflineReplay {

    public static final String ALERTS_FILE = "alerts.ndjson";
    public static final String STATUS_FILE = "status.ndjson";
    public static final String DLQ_FILE = "dlq.ndjson";
    public static final String BUDGET_POLICY_FILE = "budget-policy.ndjson";
    public static final String COMPLIANCE_FILE = "compliance.ndjson";
    static final String LINE_HEADER = "burnrate.replay.line";
    private static final int DRAIN_EVERY = 10_000;

    /**
     * What a replay did. {@code lines} counts input lines (OTLP messages); for OTLP input,
     * {@code spans} counts the spans read and {@code spansNotRequests} those of a kind that
     * is no request (client, internal, producer by default); both are 0 for events.
     */
    public record Summary(long lines, long accepted, long unmatched, Map<String, Long> rejected, long transitions,
                          int slos, long spans, long spansNotRequests) {
    }

    /** What the input file holds. */
    public enum Format {
        /** Request events, one JSON object per line. */
        EVENTS,
        /** OTLP/JSON {@code TracesData}, one per line (as the Collector's Kafka exporter writes {@code otlp_json}). */
        OTLP_JSON,
        /** OTLP protobuf {@code TracesData}, length-delimited (varint length, then the message). */
        OTLP_PROTO
    }

    private OfflineReplay() {
    }

    public static Summary run(final List<SloSpecParser.Parsed> slos, final Path events, final Path outDir,
                              final EngineConfig baseConfig) throws IOException {
        return run(slos, events, outDir, baseConfig, Format.EVENTS, SpanMapping.DEFAULTS);
    }

    /** A replay of {@code input} in {@code format}; {@code mapping} maps OTLP spans (unused for events). */
    public static Summary run(final List<SloSpecParser.Parsed> slos, final Path input, final Path outDir,
                              final EngineConfig baseConfig, final Format format, final SpanMapping mapping)
            throws IOException {
        // no wall clock here: the time guard judges events against the input's own time
        final ReplayTimeGuard guard = new ReplayTimeGuard(baseConfig.maxFutureSkew(), baseConfig.maxEventAge(),
                baseConfig.grace());
        final EngineConfig config = baseConfig.withIdleAdvanceAfter(null).withInMemoryState(true)
                .withMaxFutureSkew(null).withMaxEventAge(null);
        final BurnRateTopology.Built built = BurnRateTopology.build(config);
        Files.createDirectories(outDir);
        final Path stateDir = Files.createTempDirectory(outDir, ".replay-state");
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "burnrate-replay");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "replay:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.putAll(ErrorHandlers.configure(config.dlqTopic()));
        final TreeMap<String, byte[]> finalStatus = new TreeMap<>();
        final long[] read;
        try (TopologyTestDriver driver = new TopologyTestDriver(built.topology(), props, Instant.EPOCH);
             BufferedWriter alerts = Files.newBufferedWriter(outDir.resolve(ALERTS_FILE), StandardCharsets.UTF_8);
             BufferedWriter dlq = Files.newBufferedWriter(outDir.resolve(DLQ_FILE), StandardCharsets.UTF_8);
             BufferedWriter policy = Files.newBufferedWriter(outDir.resolve(BUDGET_POLICY_FILE), StandardCharsets.UTF_8);
             BufferedWriter compliance = Files.newBufferedWriter(outDir.resolve(COMPLIANCE_FILE),
                     StandardCharsets.UTF_8)) {
            final TestInputTopic<String, byte[]> sloTopic = driver.createInputTopic(config.slosTopic(),
                    new StringSerializer(), new ByteArraySerializer());
            for (final SloSpecParser.Parsed p : slos) {
                sloTopic.pipeInput(p.spec().id(), SloSpecParser.toJson(p.document()), 0L);
            }
            final Feed feed = new Feed(driver, config, guard, built.counters(),
                    new Outputs(driver, config), alerts, dlq, policy, compliance, finalStatus);
            read = format == Format.EVENTS ? feedLines(input, feed, config)
                    : OtlpInput.feed(input, feed, format, new OtlpDecoder(mapping), config);
            feed.finish();
            built.inputEnd().reach();
            driver.advanceWallClockTime(config.statusInterval());
            feed.drain();
        } finally {
            deleteRecursively(stateDir);
        }
        try (BufferedWriter status = Files.newBufferedWriter(outDir.resolve(STATUS_FILE), StandardCharsets.UTF_8)) {
            for (final byte[] s : finalStatus.values()) {
                status.write(new String(s, StandardCharsets.UTF_8));
                status.write('\n');
            }
        }
        final EngineCounters c = built.counters();
        final Map<String, Long> rejected = new TreeMap<>();
        c.rejectedByReason().forEach((k, v) -> rejected.put(k, v.sum()));
        return new Summary(read[0], c.accepted.sum(), c.unmatched.sum(), rejected, c.transitions.sum(),
                slos.size(), read[1], read[2]);
    }

    /** Request events, one per line; returns {lines, 0, 0}. */
    private static long[] feedLines(final Path events, final Feed feed, final EngineConfig config) throws IOException {
        try (LineReader in = new LineReader(Files.newInputStream(events),
                Math.max(config.limits().maxRecordBytes(), config.limits().maxDeadLetterBytes()))) {
            while (in.next()) {
                if (!in.blank()) {
                    feed.add(in.number(), in.bytes(), in.length());
                }
                if (in.number() % DRAIN_EVERY == 0) {
                    feed.drain();
                }
            }
            return new long[] {in.number(), 0, 0};
        }
    }

    /**
     * OTLP input: each line (OTLP/JSON) or length-delimited message (protobuf) is one
     * {@code TracesData}, decoded once; its events enter the feed as their request JSON,
     * its refused spans (or the refused record) as dead letters, all under its number.
     */
    private static final class OtlpInput {
        private OtlpInput() {
        }

        /** Returns {records, spans, spans that are no requests}. */
        static long[] feed(final Path input, final Feed feed, final Format format, final OtlpDecoder decoder,
                           final EngineConfig config) throws IOException {
            final int max = decoder.mapping().maxRecordBytes();
            final long[] counts = new long[3];
            if (format == Format.OTLP_JSON) {
                try (LineReader in = new LineReader(Files.newInputStream(input),
                        Math.max(max, config.limits().maxDeadLetterBytes()))) {
                    while (in.next()) {
                        if (!in.blank()) {
                            record(in.number(), in.bytes(), in.length(), OtlpEncoding.OTLP_JSON, decoder, feed, counts);
                        }
                        if (in.number() % DRAIN_EVERY == 0) {
                            feed.drain();
                        }
                    }
                    counts[0] = in.number();
                }
                return counts;
            }
            try (DelimitedMessages in = new DelimitedMessages(Files.newInputStream(input), max)) {
                DelimitedMessages.Message m;
                while ((m = in.next()) != null) {
                    if (m.problem() != null) {
                        feed.refuse(m.number(), m.bytes() == null ? new byte[0] : m.bytes(), m.length(),
                                new Rejection(OtlpDecoder.MALFORMED_OTLP, "message " + m.number() + ": " + m.problem()));
                    } else {
                        record(m.number(), m.bytes(), m.length(), OtlpEncoding.OTLP_PROTO, decoder, feed, counts);
                    }
                    if (m.number() % DRAIN_EVERY == 0) {
                        feed.drain();
                    }
                }
                counts[0] = in.count();
            }
            return counts;
        }

        private static void record(final long number, final byte[] bytes, final long length, final OtlpEncoding encoding,
                                   final OtlpDecoder decoder, final Feed feed, final long[] counts) throws IOException {
            final int max = decoder.mapping().maxRecordBytes();
            if (bytes == null || length > max) {
                feed.refuse(number, bytes == null ? new byte[0] : bytes, length, new Rejection(Rejection.TOO_LARGE,
                        "record is " + length + " bytes, over the limit of " + max + " (" + SpanMapping.RECORD_BYTES + ")"));
                return;
            }
            final OtlpDecoder.Decoded d = decoder.decode(bytes, encoding);
            if (d.refused() != null) {
                feed.refuse(number, bytes, length, d.refused().rejection());
                return;
            }
            counts[1] += d.spans().size() + d.unmatched();
            counts[2] += d.unmatched();
            for (final EventParser.Result r : d.spans()) {
                if (r instanceof EventParser.Accepted a) {
                    feed.addEvent(number, a.event());
                } else {
                    final EventParser.Rejected x = (EventParser.Rejected) r;
                    feed.refuse(number, x.raw(), x.raw().length, x.rejection());
                }
            }
        }
    }

    /**
     * An input line waiting for its turn: parsed once, here, and again by the topology as live
     * traffic is; or, with {@code refused} set, a rejection decided before the topology (an OTLP span
     * or record) to write in its place.
     */
    private record Line(long number, byte[] bytes, long length, EventParser.Result parsed, Rejection refused) {
    }

    /**
     * Feeds lines to the topology in file order, holding an event back while the time
     * guard needs the events after it; lines refused before the topology (too large, a
     * broken clock) are written to the dead-letter file in the same order.
     */
    private static final class Feed {
        /** Bound on the lines held back for the time guard's lookahead. */
        private static final int MAX_PENDING = 10_000;
        private final TestInputTopic<String, byte[]> requests;
        private final EngineConfig config;
        private final ReplayTimeGuard guard;
        private final EngineCounters counters;
        private final Outputs outputs;
        private final BufferedWriter alerts;
        private final BufferedWriter dlq;
        private final BufferedWriter policy;
        private final BufferedWriter compliance;
        private final Map<String, byte[]> finalStatus;
        private final ArrayDeque<Line> pending = new ArrayDeque<>();
        private final long[] next = new long[ReplayTimeGuard.LOOKAHEAD];

        Feed(final TopologyTestDriver driver, final EngineConfig config, final ReplayTimeGuard guard,
             final EngineCounters counters, final Outputs outputs, final BufferedWriter alerts,
             final BufferedWriter dlq, final BufferedWriter policy, final BufferedWriter compliance,
             final Map<String, byte[]> finalStatus) {
            this.requests = driver.createInputTopic(config.requestsTopic(), new StringSerializer(),
                    new ByteArraySerializer());
            this.config = config;
            this.guard = guard;
            this.counters = counters;
            this.outputs = outputs;
            this.alerts = alerts;
            this.dlq = dlq;
            this.policy = policy;
            this.compliance = compliance;
            this.finalStatus = finalStatus;
        }

        void add(final long number, final byte[] bytes, final long length) throws IOException {
            final EventParser.Result parsed = length > config.limits().maxRecordBytes() ? null
                    : EventParser.parse(bytes, config.limits());
            pending.addLast(new Line(number, bytes, length, parsed, null));
            release(false);
        }

        /** An event decoded from another input (an OTLP span), fed as its request JSON line would be. */
        void addEvent(final long number, final RequestRecord event) throws IOException {
            pending.addLast(new Line(number, event.raw(), event.raw().length, new EventParser.Accepted(event), null));
            release(false);
        }

        /** A rejection decided before the topology, written to the dead letters in input order. */
        void refuse(final long number, final byte[] bytes, final long length, final Rejection why) throws IOException {
            pending.addLast(new Line(number, bytes, length, null, why));
            release(false);
        }

        void finish() throws IOException {
            release(true);
        }

        void drain() throws IOException {
            outputs.drain(alerts, dlq, policy, compliance, finalStatus);
        }

        private void release(final boolean end) throws IOException {
            while (!pending.isEmpty()) {
                final Line head = pending.peekFirst();
                if (head.refused() != null) {
                    refuse(head, head.refused());
                } else if (head.parsed() instanceof EventParser.Accepted a) {
                    final long ts = a.event().timestamp();
                    int n = 0;
                    if (guard.needsLookahead(ts)) {
                        final Iterator<Line> it = pending.iterator();
                        it.next();
                        while (it.hasNext() && n < next.length) {
                            if (it.next().parsed() instanceof EventParser.Accepted f) {
                                next[n++] = f.event().timestamp();
                            }
                        }
                        if (n < next.length && !end && pending.size() < MAX_PENDING) {
                            return; // wait for more of the input
                        }
                    }
                    final Rejection clock = guard.check(ts, next, n);
                    if (clock != null) {
                        refuse(head, clock);
                    } else {
                        pipe(head, a.event().service());
                    }
                } else if (head.parsed() == null) {
                    refuse(head, new Rejection(Rejection.TOO_LARGE, "line is " + head.length()
                            + " bytes, over the limit of " + config.limits().maxRecordBytes() + " (limits.record.bytes)"));
                } else {
                    pipe(head, null);
                }
                pending.removeFirst();
            }
        }

        private void pipe(final Line line, final String key) {
            final Headers headers = new RecordHeaders();
            headers.add(LINE_HEADER, Long.toString(line.number()).getBytes(StandardCharsets.UTF_8));
            // key by service as producers should, so replay takes the same path as keyed live traffic
            requests.pipeInput(new TestRecord<>(key, line.bytes(), headers, 0L));
        }

        /** A line the topology never sees: written after everything the topology put out before it. */
        private void refuse(final Line line, final Rejection why) throws IOException {
            counters.rejected(why.reason());
            drain();
            final byte[] kept = DeadLetters.value(line.bytes(), config.limits());
            final boolean cut = line.length() > kept.length;
            dlq.write(Json.MAPPER.writeValueAsString(new DeadLetter(line.number(), why.reason(), why.detail(),
                    new String(kept, StandardCharsets.UTF_8), cut ? line.length() : null)));
            dlq.write('\n');
        }
    }

    /**
     * Reads an input file as lines of bytes: a line ends at LF (a CR before it is dropped,
     * a CR anywhere else is part of the line, as {@code wc -l} counts), bytes need not be
     * UTF-8 (the parser refuses such a line, the rest of the file goes on), and a line
     * longer than {@code keep} bytes is kept only up to there, its length still counted.
     */
    static final class LineReader implements Closeable {
        private final InputStream in;
        private final int keep;
        private final byte[] buf = new byte[1 << 16];
        private int pos;
        private int limit;
        private byte[] line = new byte[256];
        private int kept;
        private long length;
        private long number;
        private boolean eof;

        LineReader(final InputStream in, final int keep) {
            this.in = in;
            this.keep = keep;
        }

        /** Reads the next line; false at the end of the input. */
        boolean next() throws IOException {
            if (eof) {
                return false;
            }
            kept = 0;
            length = 0;
            byte last = 0;
            boolean any = false;
            while (true) {
                if (pos == limit) {
                    limit = in.read(buf, 0, buf.length);
                    pos = 0;
                    if (limit <= 0) {
                        limit = 0;
                        eof = true;
                        if (!any) {
                            return false;
                        }
                        break;
                    }
                }
                any = true;
                final byte b = buf[pos++];
                if (b == '\n') {
                    break;
                }
                last = b;
                length++;
                if (kept < keep) {
                    if (kept == line.length) {
                        line = Arrays.copyOf(line, Math.min(keep, line.length * 2));
                    }
                    line[kept++] = b;
                }
            }
            if (length > 0 && last == '\r') {
                if (kept == length) {
                    kept--;
                }
                length--;
            }
            number++;
            return true;
        }

        long number() {
            return number;
        }

        /** The line's bytes (at most {@code keep} of them). */
        byte[] bytes() {
            return Arrays.copyOf(line, kept);
        }

        /** The line's full length in bytes. */
        long length() {
            return length;
        }

        boolean blank() {
            if (length > kept) {
                return false;
            }
            for (int i = 0; i < kept; i++) {
                final byte b = line[i];
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Reads the five output topics of the driver (alerts, status, DLQ, budget policy, compliance) into the files. */
    private static final class Outputs {
        private final TestOutputTopic<String, byte[]> alerts;
        private final TestOutputTopic<String, byte[]> status;
        private final TestOutputTopic<String, byte[]> dlq;
        private final TestOutputTopic<String, byte[]> policy;
        private final TestOutputTopic<String, byte[]> compliance;

        Outputs(final TopologyTestDriver driver, final EngineConfig config) {
            alerts = driver.createOutputTopic(config.alertsTopic(), new StringDeserializer(), new ByteArrayDeserializer());
            status = driver.createOutputTopic(config.statusTopic(), new StringDeserializer(), new ByteArrayDeserializer());
            dlq = driver.createOutputTopic(config.dlqTopic(), new StringDeserializer(), new ByteArrayDeserializer());
            policy = driver.createOutputTopic(config.budgetPolicyTopic(), new StringDeserializer(),
                    new ByteArrayDeserializer());
            compliance = driver.createOutputTopic(config.complianceTopic(), new StringDeserializer(),
                    new ByteArrayDeserializer());
        }

        void drain(final BufferedWriter alertsOut, final BufferedWriter dlqOut, final BufferedWriter policyOut,
                   final BufferedWriter complianceOut, final Map<String, byte[]> finalStatus) throws IOException {
            for (final TestRecord<String, byte[]> r : compliance.readRecordsToList()) {
                complianceOut.write(new String(r.value(), StandardCharsets.UTF_8));
                complianceOut.write('\n');
            }
            for (final TestRecord<String, byte[]> r : alerts.readRecordsToList()) {
                alertsOut.write(new String(r.value(), StandardCharsets.UTF_8));
                alertsOut.write('\n');
            }
            for (final TestRecord<String, byte[]> r : policy.readRecordsToList()) {
                policyOut.write(new String(r.value(), StandardCharsets.UTF_8));
                policyOut.write('\n');
            }
            for (final TestRecord<String, byte[]> r : status.readRecordsToList()) {
                finalStatus.put(r.key(), r.value());
            }
            for (final TestRecord<String, byte[]> r : dlq.readRecordsToList()) {
                final String cut = header(r.headers(), Names.HEADER_TRUNCATED, null);
                final DeadLetter d = new DeadLetter(Long.parseLong(header(r.headers(), LINE_HEADER, "0")),
                        header(r.headers(), Names.HEADER_REASON, "unknown"),
                        header(r.headers(), Names.HEADER_DETAIL, ""),
                        r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8),
                        cut == null ? null : Long.valueOf(cut));
                dlqOut.write(Json.MAPPER.writeValueAsString(d));
                dlqOut.write('\n');
            }
        }
    }

    private static String header(final Headers headers, final String name, final String dflt) {
        final Header h = headers.lastHeader(name);
        return h == null ? dflt : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void deleteRecursively(final Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a leftover temp dir is not worth failing a finished replay for
        }
    }
}
