package io.burnrate.loadtest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a profiled JVM spent its CPU: JFR execution samples of the threads that matter
 * (the stream thread; the ceiling's main thread) within the measured interval, by
 * category (the innermost frame that belongs to a known component wins, so a
 * {@code HashMap.get} called by the processor counts for the processor), by
 * self method, and by inclusive method. GC pauses are summed over the same interval.
 */
public final class JfrSummary {

    /** The JFR settings: Java execution samples every 1 ms plus GC events. */
    public static final String JFC = """
            <?xml version="1.0" encoding="UTF-8"?>
            <configuration version="2.0" label="burnrate-bench" description="CPU samples for the benchmarks">
              <event name="jdk.ExecutionSample">
                <setting name="enabled">true</setting>
                <setting name="period">1 ms</setting>
              </event>
              <event name="jdk.GarbageCollection">
                <setting name="enabled">true</setting>
                <setting name="threshold">0 ms</setting>
              </event>
              <event name="jdk.GCHeapSummary">
                <setting name="enabled">true</setting>
              </event>
            </configuration>
            """;

    /** Rules: class-name prefix → category, checked on each frame from the top of the stack down. */
    private static final String[][] RULES = {
        {"io.burnrate.engine.ingest.EventScanner", "parse: EventScanner (byte scanner)"},
        {"io.burnrate.engine.ingest.EventParser", "parse: EventParser (Jackson streaming)"},
        {"com.fasterxml.jackson.databind", "Jackson databind"},
        {"com.fasterxml.jackson", "Jackson core"},
        {"io.burnrate.loadtest.bench.CeilingConsumer", "ceiling loop"},
        {"io.burnrate.engine.sli.", "SLO: bucket update + window sums (sli)"},
        {"io.burnrate.engine.alert.", "SLO: rule evaluation (alert)"},
        {"io.burnrate.engine.compliance.", "SLO: compliance periods, sketch, slices (compliance)"},
        {"io.burnrate.engine.slo.SloRegistry", "SLO matching (registry)"},
        {"io.burnrate.engine.slo.", "SLO matching (slo)"},
        {"io.burnrate.engine.monitor.SloStateCodec", "state: encode SLO state"},
        {"io.burnrate.engine.topology.SloStateStore", "state: persist dirty SLOs at commit"},
        {"io.burnrate.engine.topology.BurnRateProcessor", "BurnRateProcessor (own code)"},
        {"io.burnrate.engine.topology.ParseProcessor", "ParseProcessor (own code)"},
        {"io.burnrate.engine.topology.BurnRateTopology", "topology lambdas (split predicates, mapValues)"},
        {"io.burnrate.engine.monitor.EngineCounters", "engine counters"},
        {"io.burnrate.engine.monitor.", "SLO aggregate and task evaluator (monitor)"},
        {"io.burnrate.schemas", "output serialization (JsonSerde)"},
        {"io.burnrate.", "burnrate (other)"},
        {"org.rocksdb", "RocksDB"},
        {"org.apache.kafka.streams.state", "Kafka Streams state-store layers"},
        {"org.apache.kafka.streams.processor.internals.metrics", "metrics"},
        {"org.apache.kafka.common.metrics", "metrics"},
        {"org.apache.kafka.streams.processor.internals.RecordCollector", "Streams: producing outputs/changelog"},
        {"org.apache.kafka.clients.producer", "producer (send, transactions)"},
        {"org.apache.kafka.common.compress", "fetch: decompression"},
        {"net.jpountz", "fetch: decompression"},
        {"org.apache.kafka.common.record", "fetch: record batches"},
        {"org.apache.kafka.clients.consumer", "consumer (poll, fetch)"},
        {"org.apache.kafka.common.serialization", "key/value deserializers"},
        {"org.apache.kafka.streams.processor.internals.RecordQueue", "Streams: record queue, timestamps"},
        {"org.apache.kafka.streams.processor.internals.PartitionGroup",
            "Streams: PartitionGroup (readyToProcess, nextRecord)"},
        {"org.apache.kafka.streams.processor.internals.StreamTask", "Streams: task loop"},
        {"org.apache.kafka.streams.processor.internals.ProcessorNode", "Streams: processor nodes"},
        {"org.apache.kafka.streams.processor.internals.ProcessorContextImpl", "Streams: forward / context"},
        {"org.apache.kafka.streams.processor.internals.AbstractProcessorContext", "Streams: forward / context"},
        {"org.apache.kafka.streams.processor.internals.TaskExecutor", "Streams: task loop"},
        {"org.apache.kafka.streams.processor.internals.TaskManager", "Streams: task manager, commit"},
        {"org.apache.kafka.streams.processor.internals.StreamThread", "Streams: thread loop"},
        {"org.apache.kafka.streams.processor.internals", "Streams: other internals"},
        {"org.apache.kafka.streams.kstream", "Streams DSL nodes (split, merge, mapValues)"},
        {"org.apache.kafka.streams", "Streams: other"},
        {"org.apache.kafka", "Kafka clients: other"},
    };

    /** One row: a name, its samples, its share. */
    public record Entry(String name, long samples, double share) {
    }

    public record Summary(String threads, long samples, List<Entry> categories, List<Entry> self,
                          List<Entry> inclusive, long gcCount, double gcPauseMs, double intervalSeconds) {

        public String markdown(final int top) {
            final StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "%,d samples of %s over %.1f s; GC: %d pauses, %.0f ms in total "
                    + "(%.1f %% of the interval)%n%n", samples, threads, intervalSeconds, gcCount, gcPauseMs,
                    intervalSeconds > 0 ? gcPauseMs / 10 / intervalSeconds : 0));
            final Table cat = new Table("category (innermost known frame)", "samples", "share");
            categories.forEach(e -> cat.row(e.name(), e.samples(), pct(e.share())));
            b.append(cat).append('\n');
            final Table s = new Table("top methods, self", "samples", "share");
            self.stream().limit(top).forEach(e -> s.row("`" + e.name() + "`", e.samples(), pct(e.share())));
            b.append(s).append('\n');
            final Table inc = new Table("burnrate methods, inclusive", "samples", "share");
            inclusive.stream().filter(e -> e.name().startsWith("io.burnrate.engine")).limit(top)
                    .forEach(e -> inc.row("`" + e.name() + "`", e.samples(), pct(e.share())));
            if (inc.size() > 0) {
                b.append(inc);
            }
            return b.toString();
        }
    }

    private JfrSummary() {
    }

    public static Path writeJfc(final Path dir) throws IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("burnrate-bench.jfc"), JFC);
    }

    /** JVM flags that record to {@code file}. */
    public static List<String> flags(final Path jfc, final Path file) {
        return List.of("-XX:StartFlightRecording=filename=" + file.toAbsolutePath() + ",settings="
                + jfc.toAbsolutePath() + ",dumponexit=true");
    }

    /**
     * @param threads      only samples of threads whose name matches this regular expression
     * @param from         start of the measured interval (null: from the start)
     * @param to           end of the measured interval (null: to the end)
     */
    public static Summary summarize(final Path jfr, final String threads, final Instant from, final Instant to)
            throws IOException {
        final Pattern threadPattern = Pattern.compile(threads);
        long samples = 0;
        final Map<String, Long> categories = new HashMap<>();
        final Map<String, Long> self = new HashMap<>();
        final Map<String, Long> inclusive = new HashMap<>();
        final Set<String> threadNames = new HashSet<>();
        long gcCount = 0;
        double gcMs = 0;
        Instant first = null;
        Instant last = null;
        for (final RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            final Instant t = e.getStartTime();
            if ((from != null && t.isBefore(from)) || (to != null && t.isAfter(to))) {
                continue;
            }
            final String type = e.getEventType().getName();
            if (type.equals("jdk.GarbageCollection")) {
                gcCount++;
                gcMs += e.getDuration("sumOfPauses").toNanos() / 1e6;
                continue;
            }
            if (!type.equals("jdk.ExecutionSample")) {
                continue;
            }
            final RecordedThread thread = e.getThread("sampledThread");
            final String tn = thread == null ? "" : thread.getJavaName();
            if (tn == null || !threadPattern.matcher(tn).matches()) {
                continue;
            }
            final RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            threadNames.add(tn.replaceAll("^.*(StreamThread-\\d+)$", "$1"));
            first = first == null || t.isBefore(first) ? t : first;
            last = last == null || t.isAfter(last) ? t : last;
            samples++;
            final List<RecordedFrame> frames = st.getFrames();
            self.merge(name(frames.get(0)), 1L, Long::sum);
            final Set<String> seen = new HashSet<>();
            String category = null;
            for (final RecordedFrame f : frames) {
                final String n = name(f);
                if (seen.add(n)) {
                    inclusive.merge(n, 1L, Long::sum);
                }
                if (category == null) {
                    category = categorize(f.getMethod().getType().getName());
                }
            }
            if (category == null) {
                category = "JDK / other: " + pkg(frames.get(0).getMethod().getType().getName());
            }
            categories.merge(category, 1L, Long::sum);
        }
        final double interval = from != null && to != null ? (to.toEpochMilli() - from.toEpochMilli()) / 1000.0
                : first == null ? 0 : (last.toEpochMilli() - first.toEpochMilli()) / 1000.0;
        return new Summary(threadNames.isEmpty() ? "(no thread)" : String.join(", ", threadNames), samples,
                sorted(categories, samples), sorted(self, samples), sorted(inclusive, samples), gcCount, gcMs,
                interval);
    }

    private static String categorize(final String className) {
        for (final String[] r : RULES) {
            if (className.startsWith(r[0])) {
                return r[1];
            }
        }
        return null;
    }

    private static String pkg(final String className) {
        final int dot = className.lastIndexOf('.');
        return dot < 0 ? className : className.substring(0, dot);
    }

    private static String name(final RecordedFrame f) {
        final String cls = f.getMethod().getType().getName();
        return cls + "." + f.getMethod().getName();
    }

    private static List<Entry> sorted(final Map<String, Long> counts, final long total) {
        final List<Entry> out = new ArrayList<>();
        counts.forEach((k, v) -> out.add(new Entry(k, v, total == 0 ? 0 : (double) v / total)));
        out.sort((a, b) -> Long.compare(b.samples(), a.samples()));
        return out;
    }

    static String pct(final double share) {
        return String.format(Locale.ROOT, "%.1f %%", share * 100);
    }

    /** Stream threads of the engine (not the global thread, not the producer's network thread). */
    public static final String STREAM_THREADS = "^(?!.*Global).*-StreamThread-\\d+$";

    /** For ad-hoc use: {@code JfrSummary file.jfr [thread-regex [top]]}. */
    public static void main(final String[] args) throws IOException {
        final Summary s = summarize(Path.of(args[0]), args.length > 1 ? args[1] : STREAM_THREADS, null, null);
        System.out.println(s.markdown(args.length > 2 ? Integer.parseInt(args[2]) : 25));
    }
}
