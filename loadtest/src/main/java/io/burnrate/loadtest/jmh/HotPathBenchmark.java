package io.burnrate.loadtest.jmh;

import io.burnrate.engine.ingest.EventParser;
import io.burnrate.engine.ingest.InputLimits;
import io.burnrate.engine.ingest.RequestRecord;
import io.burnrate.engine.ingest.ScannedEvent;
import io.burnrate.engine.monitor.Emitter;
import io.burnrate.engine.monitor.EngineCounters;
import io.burnrate.engine.monitor.HeapMonitorStore;
import io.burnrate.engine.monitor.SloMonitor;
import io.burnrate.engine.monitor.TaskEvaluator;
import io.burnrate.engine.sli.BucketLayout;
import io.burnrate.engine.sli.WindowedCounts;
import io.burnrate.engine.slo.SloIndex;
import io.burnrate.engine.slo.SloRegistry;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.loadtest.gen.EventFactory;
import io.burnrate.loadtest.gen.Scenario;
import io.burnrate.loadtest.gen.SloSet;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.BudgetPolicyEvent;
import io.burnrate.schemas.ComplianceSummary;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The engine's per-event hot path, piece by piece, with the same inputs as the
 * benchmarks: parse one event, find its SLOs, count it, evaluate the rules.
 *
 * <p>Time per benchmark invocation; every invocation is one event. Counting advances
 * event time by 10 ms per event (100 events/s per SLO), so bucket rotation and window
 * eviction are amortized into the numbers as they are in a real stream.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathBenchmark {

    static final long T0 = 1_767_225_600_000L;

    /** 1,024 distinct events as the generator writes them (~135 bytes). */
    @State(Scope.Thread)
    public static class Events {
        byte[][] events;
        final EventParser.Reader reader = new EventParser.Reader();
        int i;

        @Setup
        public void setUp() {
            final List<String> services = EventFactory.services(50, Scenario.STEADY);
            final EventFactory f = new EventFactory(services, 8, Scenario.STEADY);
            final SplittableRandom r = new SplittableRandom(1);
            events = new byte[1024][];
            for (int k = 0; k < events.length; k++) {
                events[k] = f.next(r.nextInt(services.size()), T0 + k, k, r);
            }
        }

        byte[] next() {
            return events[i++ & 1023];
        }
    }

    /** A registry of 10,000 SLOs, {@code slosPerService} per service. */
    @State(Scope.Thread)
    public static class Registry {
        @Param({"1", "10"})
        public int slosPerService;

        SloRegistry registry;
        RequestRecord[] events;
        byte[][] raw;
        final EventParser.Reader reader = new EventParser.Reader();
        int i;

        @Setup
        public void setUp() throws Exception {
            final int slos = 10_000;
            final List<String> services = EventFactory.services(slos / slosPerService, Scenario.STEADY);
            registry = new SloRegistry();
            registry.loadOnce(SloSpecParser.parseYaml(SloSet.yaml(services, slos), "jmh").stream()
                    .map(SloSpecParser.Parsed::spec).toList());
            final EventFactory f = new EventFactory(services, 8, Scenario.STEADY);
            final SplittableRandom r = new SplittableRandom(2);
            events = new RequestRecord[1024];
            raw = new byte[1024][];
            for (int k = 0; k < events.length; k++) {
                raw[k] = f.next(r.nextInt(services.size()), T0 + k, k, r);
                events[k] = ((EventParser.Accepted) EventParser.parse(raw[k])).event();
            }
        }

        RequestRecord next() {
            return events[i++ & 1023];
        }

        byte[] nextRaw() {
            return raw[i++ & 1023];
        }
    }

    /** One SLO's counts and monitor (30d, google-30d: 8 windows, 5 tiers, 2,532 buckets). */
    @State(Scope.Thread)
    public static class Counting {
        WindowedCounts counts;
        SloMonitor monitor;
        long ts;
        long n;
        final Consumer<AlertTransition> sink = t -> { };

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            final SloSpec spec = SloSpecParser.parseYaml(SloSet.yaml(List.of("svc-00000"), 1), "jmh").get(0).spec();
            counts = new WindowedCounts(BucketLayout.of(spec.windows()));
            monitor = new SloMonitor(spec);
            ts = T0;
        }

        long nextTs() {
            ts += 10;
            if (ts % 1000 == 0) {
                // as the processor's sweep does once per second of event time: close ended periods
                monitor.settleCompliance(summary -> { });
            }
            return ts;
        }

        /** One bad event in 1,000 (burn rate 1: no alert fires, every rule is evaluated in full). */
        long nextBad() {
            return ++n % 1000 == 0 ? 1 : 0;
        }
    }

    @Benchmark
    public EventParser.Result parse(final Events e) {
        return EventParser.parse(e.next());
    }

    /** Jackson's streaming parser alone: the engine's path for anything its byte scanner does not take. */
    @Benchmark
    public EventParser.Result parseJackson(final Events e) {
        return EventParser.parseWithJackson(e.next());
    }

    /**
     * The SLOs of one event by its strings (the path of events Jackson read): service, then
     * operation, in the registry's index.
     */
    @Benchmark
    public int sloMatch(final Registry r) {
        final RequestRecord ev = r.next();
        return r.registry.snapshot().index().match(ev.service(), ev.operation(), ev.attributes()).size();
    }

    /**
     * The engine's hot path before counting: scan the bytes into the reused event, look
     * the service and operation bytes up in the index (nothing allocated).
     */
    @Benchmark
    public int parseAndMatch(final Registry r) {
        final byte[] raw = r.nextRaw();
        if (!EventParser.scan(raw, InputLimits.DEFAULTS, r.reader)) {
            throw new IllegalStateException("not of the common shape");
        }
        final ScannedEvent e = r.reader.event();
        final SloIndex.ServiceSlos slos = r.registry.snapshot().index().service(e.raw(), e.serviceStart(),
                e.serviceLength());
        return slos == null ? 0 : slos.forOperation(e.raw(), e.operationStart(), e.operationLength()).size();
    }

    /** The scanner into the reused event alone (what the engine's parser node does per event). */
    /**
     * {@code slos} monitors of one SLO per service, taking events in random order at the
     * scaling benchmark's pace: 100,000 events per second of event time over all of them.
     * At 10 SLOs each monitor's objects stay in cache; at 10,000 every event reaches another
     * monitor's, so {@link #recordAtScale} at 10,000 against 10 is what the engine's own
     * per-SLO code loses to cold state (no Kafka, no store, no index lookup).
     */
    @State(Scope.Thread)
    public static class Fleet {
        @Param({"10", "10000"})
        public int slos;

        SloMonitor[] monitors;
        int[] order;
        double[] latencies;
        long n;
        final Consumer<AlertTransition> sink = t -> { };

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            final List<String> services = EventFactory.services(slos, Scenario.STEADY);
            final List<SloSpec> specs = SloSpecParser.parseYaml(SloSet.yaml(services, slos), "jmh").stream()
                    .map(SloSpecParser.Parsed::spec).toList();
            monitors = specs.stream().map(SloMonitor::new).toArray(SloMonitor[]::new);
            final SplittableRandom r = new SplittableRandom(3);
            order = new int[1 << 20];
            latencies = new double[1 << 10];
            for (int k = 0; k < order.length; k++) {
                order[k] = r.nextInt(slos);
            }
            for (int k = 0; k < latencies.length; k++) {
                latencies[k] = 5 + r.nextInt(400);
            }
        }
    }

    @Benchmark
    public void recordAtScale(final Fleet f) {
        final long k = f.n++;
        final SloMonitor m = f.monitors[f.order[(int) (k & ((1 << 20) - 1))]];
        m.record(T0 + k / 100, 1, k % 1000 == 0 ? 1 : 0, f.latencies[(int) (k & 1023)]);
        m.evaluate(f.sink);
    }

    /**
     * A task with {@code slos} SLOs, {@code perService} per service (10: selectors on the
     * operation, as the scaling benchmark's 1,000 × 10 shape), as the engine's stream thread runs it
     * without Kafka: events of random services at 100,000 per second of event time, each
     * scanned from its bytes (its timestamp rewritten in place), matched and counted by a
     * {@link TaskEvaluator} over a {@link HeapMonitorStore} (monitors by id and by the spec's
     * identity, as the state store keeps them). {@link #eventAtScaleListed} is the index's
     * match and the lookup per spec; {@link #eventAtScaleRouted} the route by service and
     * operation ({@code MonitorRoutes}), what the engine runs.
     */
    @State(Scope.Thread)
    public static class Task {
        @Param({"10", "10000"})
        public int slos;

        @Param({"1", "10"})
        public int perService;

        TaskEvaluator evaluator;
        byte[][] pool;
        int[] tsAt;
        final EventParser.Reader reader = new EventParser.Reader();
        long n;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            final List<String> services = EventFactory.services(slos / perService, Scenario.STEADY);
            final SloRegistry registry = new SloRegistry();
            registry.loadOnce(SloSpecParser.parseYaml(SloSet.yaml(services, slos), "jmh").stream()
                    .map(SloSpecParser.Parsed::spec).toList());
            final EventFactory f = new EventFactory(services, 8, Scenario.STEADY);
            final SplittableRandom r = new SplittableRandom(4);
            pool = new byte[1 << 16][];
            tsAt = new int[pool.length];
            final byte[] marker = ("\"timestamp\":" + T0).getBytes(StandardCharsets.US_ASCII);
            for (int k = 0; k < pool.length; k++) {
                pool[k] = f.next(r.nextInt(services.size()), T0, 0, r);
                tsAt[k] = indexOf(pool[k], marker) + marker.length - Long.toString(T0).length();
            }
            final TaskEvaluator.Rules rules = new TaskEvaluator.Rules(Duration.ofMinutes(5), Duration.ofSeconds(1),
                    Duration.ofSeconds(5), null, null, null);
            final HeapMonitorStore store = new HeapMonitorStore(Duration.ofMinutes(5));
            evaluator = new TaskEvaluator(rules, registry::snapshot, store, new Emitter() {
                @Override
                public void alert(final AlertTransition transition) {
                }

                @Override
                public void status(final SloMonitor monitor) {
                }

                @Override
                public void policy(final BudgetPolicyEvent event) {
                }

                @Override
                public void summary(final ComplianceSummary summary) {
                }

                @Override
                public void removed(final String sloId) {
                }
            }, new EngineCounters());
            evaluator.start(T0);
        }

        private static int indexOf(final byte[] b, final byte[] what) {
            outer:
            for (int i = 0; i + what.length <= b.length; i++) {
                for (int j = 0; j < what.length; j++) {
                    if (b[i + j] != what[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            throw new IllegalStateException("no timestamp in " + new String(b, StandardCharsets.UTF_8));
        }

        /** The next event, scanned, its timestamp 10 µs after the previous one's (13 digits rewritten). */
        ScannedEvent next() {
            final long k = n++;
            final int at = (int) (k & (pool.length - 1));
            final byte[] b = pool[at];
            long ts = T0 + k / 100;
            for (int d = tsAt[at] + 12; d >= tsAt[at]; d--) {
                b[d] = (byte) ('0' + ts % 10);
                ts /= 10;
            }
            if (!EventParser.scan(b, InputLimits.DEFAULTS, reader)) {
                throw new IllegalStateException("not scanned: " + new String(b, StandardCharsets.UTF_8));
            }
            return reader.event();
        }
    }

    @Benchmark
    public Object eventAtScaleListed(final Task t) {
        final ScannedEvent e = t.next();
        final SloIndex index = t.evaluator.registry().index();
        final SloIndex.ServiceSlos slos = index.service(e.raw(), e.serviceStart(), e.serviceLength());
        final List<SloSpec> matched = slos == null ? List.of()
                : slos.forOperation(e.raw(), e.operationStart(), e.operationLength());
        return t.evaluator.onEvent(e, matched, T0);
    }

    @Benchmark
    public Object eventAtScaleRouted(final Task t) {
        final ScannedEvent e = t.next();
        return t.evaluator.onEvent(e, t.evaluator.registry().index(), e.raw(), e.serviceStart(), e.serviceLength(),
                e.operationStart(), e.operationLength(), T0);
    }

    @Benchmark
    public boolean scan(final Events e) {
        return EventParser.scan(e.next(), InputLimits.DEFAULTS, e.reader);
    }

    @Benchmark
    public void bucketUpdate(final Counting c) {
        c.counts.add(c.nextTs(), 1, c.nextBad());
    }

    /**
     * SloMonitor.record + evaluate: what the processor does per matching SLO (counts,
     * the compliance periods' accumulators, every rule).
     */
    @Benchmark
    public void windowEvaluation(final Counting c) {
        c.monitor.record(c.nextTs(), 1, c.nextBad());
        c.monitor.evaluate(c.sink);
    }

    /** Everything the engine's own code does for one event with one matching SLO (no Kafka Streams). */
    @Benchmark
    public void perEvent(final Events e, final Counting c, final Blackhole bh) {
        final EventParser.Result r = EventParser.parse(e.next());
        final RequestRecord ev = ((EventParser.Accepted) r).event();
        final boolean bad = c.monitor.spec().indicator().isBad(ev.status(), ev.errorOutcome(), ev.latencyMs());
        c.monitor.record(c.nextTs(), 1, bad ? 1 : 0);
        c.monitor.evaluate(c.sink);
        bh.consume(ev);
    }
}
