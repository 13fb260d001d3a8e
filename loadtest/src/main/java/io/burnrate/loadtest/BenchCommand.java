package io.burnrate.loadtest;

import io.burnrate.engine.slo.Durations;
import io.burnrate.loadtest.bench.BenchEnv;
import io.burnrate.loadtest.bench.BenchOptions;
import io.burnrate.loadtest.bench.LatencyBench;
import io.burnrate.loadtest.bench.OtlpThroughputBench;
import io.burnrate.loadtest.bench.Report;
import io.burnrate.loadtest.bench.RestoreBench;
import io.burnrate.loadtest.bench.ScalingBench;
import io.burnrate.loadtest.bench.ThroughputBench;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench throughput|otlp|scaling|latency|restore|all}. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks against the embedded real broker (or --bootstrap-servers). Each prints a results "
                + "table and, with --results, appends it to that file with the machine and the command."},
        subcommands = {BenchCommand.Throughput.class, BenchCommand.Otlp.class, BenchCommand.Scaling.class,
                BenchCommand.Latency.class, BenchCommand.Restore.class, BenchCommand.All.class, CommandLine.HelpCommand.class})
final class BenchCommand {

    /** Options every benchmark takes. */
    static final class Common {
        @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
                description = "Kafka to use (default: an embedded single-node broker in this JVM)")
        String bootstrap;

        @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "target/bench-work",
                description = "broker data, engine state and logs (default ${DEFAULT-VALUE}); deleted afterwards")
        Path workDir;

        @Option(names = "--keep-work-dir", description = "keep the work directory (logs, state) afterwards")
        boolean keep;

        @Option(names = "--results", paramLabel = "FILE",
                description = "append the results to FILE (bench.sh: loadtest/results/<date>.md, ignored by git; the "
                        + "run of record in RESULTS.md is edited by hand)")
        Path results;

        @Option(names = "--heap", paramLabel = "SIZE", defaultValue = "512m",
                description = "-Xmx/-Xms of the engine and ceiling JVMs (default ${DEFAULT-VALUE})")
        String heap;

        @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
                description = "engine stream threads (default ${DEFAULT-VALUE})")
        int threads;

        @Option(names = "--partitions", paramLabel = "N", defaultValue = "6",
                description = "partitions of the requests topics (default ${DEFAULT-VALUE})")
        int partitions;

        @Option(names = "--engine-set", paramLabel = "KEY=VALUE",
                description = "extra engine setting, e.g. commit.interval.ms=100")
        Map<String, String> engineSettings = new LinkedHashMap<>();

        @Option(names = "--engine-jvm-arg", paramLabel = "FLAG", description = "extra JVM flag for the engine JVM")
        List<String> engineJvmArgs = new ArrayList<>();

        @Option(names = "--profile-dir", paramLabel = "DIR", defaultValue = "target/profiles",
                description = "where JFR recordings of profiled runs go (default ${DEFAULT-VALUE})")
        Path profileDir;

        BenchOptions options() {
            final BenchOptions o = new BenchOptions();
            o.bootstrapServers = bootstrap;
            o.workDir = workDir;
            o.keep = keep;
            o.results = results;
            o.heap = heap;
            o.threads = threads;
            o.partitions = partitions;
            o.engineSettings.putAll(engineSettings);
            o.engineJvmArgs.addAll(engineJvmArgs);
            o.profileDir = profileDir;
            o.args = LoadtestCli.args;
            return o;
        }

        BenchEnv open(final BenchOptions o) throws Exception {
            return BenchEnv.open(o.bootstrapServers, o.workDir, o.keep, o.out);
        }
    }

    /** Throughput options, shared by {@code throughput} and {@code all}. */
    static final class ThroughputOpts {
        @Option(names = "--events", paramLabel = "N", defaultValue = "5000000",
                description = "events pre-filled for the throughput run (default ${DEFAULT-VALUE})")
        long events;

        @Option(names = "--services", paramLabel = "S", defaultValue = "50", description = "(default ${DEFAULT-VALUE})")
        int services;

        @Option(names = "--slos-per-service", paramLabel = "N", defaultValue = "1",
                description = "SLOs per service, each event counts in all of them (default ${DEFAULT-VALUE})")
        int slosPerService;

        @Option(names = "--event-time-rate", paramLabel = "EVENTS_PER_S", defaultValue = "100000",
                description = "events per second of event time in pre-filled topics (default ${DEFAULT-VALUE})")
        double eventTimeRate;

        @Option(names = "--repeat", paramLabel = "N", defaultValue = "3",
                description = "ceiling and engine runs, alternating; medians reported (default ${DEFAULT-VALUE})")
        int repeat;

        @Option(names = "--profile", description = "one more ceiling and engine run under JFR, summarized")
        boolean profile;

        @Option(names = "--variant", paramLabel = "KEY=VALUE",
                description = "also measure the engine with these settings in every round (before/after of a "
                        + "proposed setting), e.g. --variant max.task.idle.ms=-1")
        Map<String, String> variant = new LinkedHashMap<>();

        @Option(names = "--floor", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "also measure the Kafka Streams floor in every round: the engine's Streams settings "
                        + "with a processor that only counts records (no parsing, no state): the most any "
                        + "engine on Kafka Streams can reach (default on; --no-floor skips it)")
        boolean floor;

        ThroughputBench.Options options() {
            final ThroughputBench.Options o = new ThroughputBench.Options();
            o.events = events;
            o.services = services;
            o.slosPerService = slosPerService;
            o.eventTimeRate = eventTimeRate;
            o.repeat = repeat;
            o.profile = profile;
            o.variant.putAll(variant);
            o.floor = floor;
            return o;
        }
    }

    @Command(name = "throughput", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Engine (exactly_once_v2) vs the ceiling (plain consumer + Jackson parse) on one pre-filled "
                    + "topic; events/s and the ratio, measured in the same run.")
    static final class Throughput implements Callable<Integer> {
        @Mixin
        Common common;
        @Mixin
        ThroughputOpts t;

        @Override
        public Integer call() throws Exception {
            final BenchOptions o = common.options();
            try (BenchEnv env = common.open(o)) {
                final ThroughputBench.Result r = ThroughputBench.run(env, o, t.options());
                Report.publish(o.out, o.results, "Throughput vs ceiling", o.brokerDescription(env), o.args,
                        r.markdown());
            }
            return 0;
        }
    }

    @Command(name = "otlp", mixinStandardHelpOptions = true, sortOptions = false,
            description = "The OTLP input (otlp_proto TracesData records on the OTLP topic, re-keyed by service) vs the "
                    + "ceiling (plain consumer + protobuf parse of the same records); spans/s and the ratio, measured in "
                    + "the same run.")
    static final class Otlp implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--spans", paramLabel = "N", defaultValue = "2000000",
                description = "SERVER spans pre-filled (default ${DEFAULT-VALUE})")
        long spans;

        @Option(names = "--spans-per-record", paramLabel = "N", defaultValue = "100",
                description = "spans per TracesData record, one service per record (default ${DEFAULT-VALUE})")
        int spansPerRecord;

        @Option(names = "--services", paramLabel = "S", defaultValue = "50", description = "(default ${DEFAULT-VALUE})")
        int services;

        @Option(names = "--repeat", paramLabel = "N", defaultValue = "3",
                description = "ceiling and engine runs, alternating; medians reported (default ${DEFAULT-VALUE})")
        int repeat;

        @Override
        public Integer call() throws Exception {
            final BenchOptions o = common.options();
            final OtlpThroughputBench.Options t = new OtlpThroughputBench.Options();
            t.spans = spans;
            t.spansPerRecord = spansPerRecord;
            t.services = services;
            t.repeat = repeat;
            try (BenchEnv env = common.open(o)) {
                final OtlpThroughputBench.Result r = OtlpThroughputBench.run(env, o, t);
                Report.publish(o.out, o.results, "OTLP spans vs ceiling", o.brokerDescription(env), o.args,
                        r.markdown());
            }
            return 0;
        }
    }

    /** Scaling options, shared by {@code scaling} and {@code all}. */
    static final class ScalingOpts {
        @Option(names = {"--slo-counts", "--points"}, paramLabel = "POINT,POINT,...", split = ",",
                defaultValue = "10,1000,10000,1000x10,100000@2g",
                description = {"points (default ${DEFAULT-VALUE}): K = K SLOs, one per service (or "
                        + "--scaling-slos-per-service); SxN = S services x N SLOs each (selectors on operation); "
                        + "@HEAP = that point's engine heap (default --heap). Drops are against the 10-SLO point."})
        List<String> points;

        @Option(names = "--scaling-events", paramLabel = "N", defaultValue = "5000000",
                description = "events per point, the same for every point (default ${DEFAULT-VALUE})")
        long events;

        @Option(names = "--scaling-slos-per-service", paramLabel = "N", defaultValue = "1",
                description = "SLOs per service of the plain K points (default ${DEFAULT-VALUE}): services = K / N")
        int slosPerService;

        @Option(names = "--fallback-heap", paramLabel = "SIZE", defaultValue = "2g",
                description = "a point without its own heap that fails with --heap is measured again with this heap "
                        + "(default ${DEFAULT-VALUE}; 'none' to skip)")
        String fallbackHeap;

        @Option(names = "--scaling-profile", description = "record every scaling run with JFR and summarize")
        boolean profile;

        ScalingBench.Options options(final double eventTimeRate) {
            final ScalingBench.Options o = new ScalingBench.Options();
            o.points = points;
            o.events = events;
            o.slosPerService = slosPerService;
            o.eventTimeRate = eventTimeRate;
            o.fallbackHeap = "none".equals(fallbackHeap) ? null : fallbackHeap;
            o.profile = profile;
            return o;
        }
    }

    @Command(name = "scaling", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Throughput, RocksDB state per SLO and heap after GC at several SLO counts.")
    static final class Scaling implements Callable<Integer> {
        @Mixin
        Common common;
        @Mixin
        ScalingOpts s;

        @Option(names = "--event-time-rate", paramLabel = "EVENTS_PER_S", defaultValue = "100000",
                description = "events per second of event time (default ${DEFAULT-VALUE})")
        double eventTimeRate;

        @Override
        public Integer call() throws Exception {
            final BenchOptions o = common.options();
            try (BenchEnv env = common.open(o)) {
                final ScalingBench.Result r = ScalingBench.run(env, o, s.options(eventTimeRate));
                Report.publish(o.out, o.results, "SLO-count scaling", o.brokerDescription(env), o.args, r.markdown());
            }
            return 0;
        }
    }

    /** Latency options, shared by {@code latency} and {@code all}. */
    static final class LatencyOpts {
        @Option(names = "--incidents", paramLabel = "N", defaultValue = "24", description = "(default ${DEFAULT-VALUE})")
        int incidents;

        @Option(names = {"--slos", "--latency-services"}, paramLabel = "N", defaultValue = "50",
                description = "SLOs, one per service; the live traffic goes to all of them (default ${DEFAULT-VALUE})")
        int services;

        @Option(names = "--baseline-error-rate", paramLabel = "F", defaultValue = "0",
                description = "errors outside incidents (default ${DEFAULT-VALUE}: none, so no rule can fire outside "
                        + "an incident; a rule that does fails the run)")
        double baselineErrorRate;

        @Option(names = "--calibration-events", paramLabel = "N", defaultValue = "1000000",
                description = "events of the catch-up that measures the maximum rate when none is given "
                        + "(default ${DEFAULT-VALUE})")
        long calibrationEvents;

        @Option(names = "--rate-fraction", paramLabel = "F", defaultValue = "0.5",
                description = "live rate as a fraction of the maximum (default ${DEFAULT-VALUE})")
        double rateFraction;

        @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "20s", description = "(default ${DEFAULT-VALUE})")
        String warmup;

        @Option(names = "--spacing", paramLabel = "DURATION", defaultValue = "2s",
                description = "time between incident starts (default ${DEFAULT-VALUE})")
        String spacing;

        @Option(names = "--incident-duration", paramLabel = "DURATION", defaultValue = "auto",
                description = "how long each incident lasts (default ${DEFAULT-VALUE}: the shortest whole seconds that "
                        + "burn twice the fastest page's share of the service's traffic so far, 5s with the defaults)")
        String incidentDuration;

        @Option(names = "--incident-error-rate", paramLabel = "F", defaultValue = "0.5",
                description = "(default ${DEFAULT-VALUE})")
        double incidentErrorRate;

        LatencyBench.Options options(final Double maxRate) {
            final LatencyBench.Options o = new LatencyBench.Options();
            o.incidents = incidents;
            o.services = services;
            o.maxRate = maxRate;
            o.calibrationEvents = calibrationEvents;
            o.rateFraction = rateFraction;
            o.warmup = Durations.parse(warmup);
            o.spacing = Durations.parse(spacing);
            o.incidentDuration = "auto".equals(incidentDuration) ? null : Durations.parse(incidentDuration);
            o.incidentErrorRate = incidentErrorRate;
            o.baselineErrorRate = baselineErrorRate;
            return o;
        }
    }

    @Command(name = "latency", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Detection latency under live traffic at half the engine's maximum rate, p50/p99 over "
                    + "the incidents.")
    static final class Latency implements Callable<Integer> {
        @Mixin
        Common common;
        @Mixin
        LatencyOpts l;

        @Option(names = "--max-rate", paramLabel = "EVENTS_PER_S",
                description = "the engine's maximum rate (default: measured first with a catch-up run)")
        Double maxRate;

        @Override
        public Integer call() throws Exception {
            final BenchOptions o = common.options();
            try (BenchEnv env = common.open(o)) {
                final LatencyBench.Result r = LatencyBench.run(env, o, l.options(maxRate));
                Report.publish(o.out, o.results, "Detection latency", o.brokerDescription(env), o.args, r.markdown());
            } catch (LatencyBench.OutsideIncident e) {
                return failed(o, e);
            }
            return 0;
        }
    }

    /** Publishes a failed latency run's report (the evidence), says why on stderr, exit code 2. */
    static int failed(final BenchOptions o, final LatencyBench.OutsideIncident e) throws IOException {
        Report.publish(o.out, o.results, "Detection latency (FAILED)", "", o.args, e.markdown());
        System.err.println(e.getMessage());
        return 2;
    }

    /** Restore options. */
    static final class RestoreOpts {
        @Option(names = "--restore-slos", paramLabel = "N", defaultValue = "10000",
                description = "SLOs, one per service, all with live traffic (default ${DEFAULT-VALUE})")
        int slos;

        @Option(names = "--rate", paramLabel = "EVENTS_PER_S",
                description = "live rate (default: --rate-fraction of a measured catch-up rate at these SLOs)")
        Double rate;

        @Option(names = "--restore-rate-fraction", paramLabel = "F", defaultValue = "0.5",
                description = "(default ${DEFAULT-VALUE})")
        double rateFraction;

        @Option(names = "--restore-warmup", paramLabel = "DURATION", defaultValue = "30s",
                description = "traffic before the kill, at least (default ${DEFAULT-VALUE})")
        String warmup;

        @Option(names = "--restore-calibration-events", paramLabel = "N", defaultValue = "1000000",
                description = "(default ${DEFAULT-VALUE})")
        long calibrationEvents;

        RestoreBench.Options options() {
            final RestoreBench.Options o = new RestoreBench.Options();
            o.slos = slos;
            o.rate = rate;
            o.rateFraction = rateFraction;
            o.warmup = Durations.parse(warmup);
            o.calibrationEvents = calibrationEvents;
            return o;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true, sortOptions = false,
            description = "SIGKILL the engine JVM under live traffic, restart it at once: seconds from the kill to "
                    + "RUNNING and to caught up.")
    static final class Restore implements Callable<Integer> {
        @Mixin
        Common common;
        @Mixin
        RestoreOpts r;

        @Override
        public Integer call() throws Exception {
            final BenchOptions o = common.options();
            try (BenchEnv env = common.open(o)) {
                final RestoreBench.Result res = RestoreBench.run(env, o, r.options());
                Report.publish(o.out, o.results, "Restore after SIGKILL", o.brokerDescription(env), o.args,
                        res.markdown());
            }
            return 0;
        }
    }

    @Command(name = "all", mixinStandardHelpOptions = true, sortOptions = false,
            description = "throughput, then scaling, then latency (at half the throughput run's engine rate), on one "
                    + "broker (restore runs on its own: bench restore).")
    static final class All implements Callable<Integer> {
        @Mixin
        Common common;
        @Mixin
        ThroughputOpts t;
        @Mixin
        ScalingOpts s;
        @Mixin
        LatencyOpts l;

        @Override
        public Integer call() throws Exception {
            final BenchOptions o = common.options();
            final long t0 = System.nanoTime();
            try (BenchEnv env = common.open(o)) {
                final ThroughputBench.Result tr = ThroughputBench.run(env, o, t.options());
                Report.publish(o.out, o.results, "Throughput vs ceiling", o.brokerDescription(env), o.args,
                        tr.markdown());
                final ScalingBench.Result sr = ScalingBench.run(env, o, s.options(t.eventTimeRate));
                Report.publish(o.out, o.results, "SLO-count scaling", o.brokerDescription(env), o.args, sr.markdown());
                final LatencyBench.Result lr;
                try {
                    lr = LatencyBench.run(env, o, l.options(tr.engineRate()));
                } catch (LatencyBench.OutsideIncident e) {
                    return failed(o, e);
                }
                Report.publish(o.out, o.results, "Detection latency", o.brokerDescription(env), o.args, lr.markdown());
                o.out.printf(Locale.ROOT, "%nbench all: done in %.1f min: ratio %.2f, scaling %s, detection p50 %.0f "
                                + "ms / p99 %.0f ms%n", (System.nanoTime() - t0) / 60e9, tr.ratio(),
                        String.format(Locale.ROOT, "%+.1f %%", sr.throughputChange() * 100), lr.p50(), lr.p99());
            }
            return 0;
        }
    }
}
