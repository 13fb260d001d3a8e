package io.burnrate.loadtest.jmh;

import io.burnrate.loadtest.bench.Table;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/** Runs the JMH benchmarks of the hot path and renders ns/op as a table. */
public final class JmhRun {

    /** Knobs; defaults are the full run's (3 x 1 s warm-up, 5 x 1 s measurement, 1 fork). */
    public static final class Options {
        public String include = HotPathBenchmark.class.getName() + ".*";
        public int warmupIterations = 3;
        public TimeValue warmupTime = TimeValue.seconds(1);
        public int iterations = 5;
        public TimeValue time = TimeValue.seconds(1);
        public int forks = 1;
        public String heap = "512m";
        public boolean quiet;
    }

    /** One benchmark's score. */
    public record Row(String benchmark, String params, double nsPerOp, double error) {
    }

    public record Outcome(List<Row> rows, String markdown) {
    }

    private JmhRun() {
    }

    public static Outcome run(final Options o) throws Exception {
        final ChainedOptionsBuilder b = new OptionsBuilder()
                .include(o.include)
                .warmupIterations(o.warmupIterations)
                .warmupTime(o.warmupTime)
                .measurementIterations(o.iterations)
                .measurementTime(o.time)
                .forks(o.forks)
                .jvmArgs("-Xmx" + o.heap, "-Xms" + o.heap)
                .shouldFailOnError(true);
        if (o.quiet) {
            b.verbosity(VerboseMode.SILENT);
        }
        final Collection<RunResult> results = new Runner(b.build()).run();
        final List<Row> rows = new ArrayList<>();
        for (final RunResult r : results) {
            final Result<?> p = r.getPrimaryResult();
            final String name = r.getParams().getBenchmark();
            final StringBuilder params = new StringBuilder();
            for (final String k : r.getParams().getParamsKeys()) {
                params.append(params.length() == 0 ? "" : ", ").append(k).append('=').append(r.getParams().getParam(k));
            }
            rows.add(new Row(name.substring(name.lastIndexOf('.') + 1), params.toString(), p.getScore(),
                    p.getScoreError()));
        }
        final Table t = new Table("benchmark", "params", "ns/op", "± (99.9 %)", "ops/s on one core");
        for (final Row r : rows) {
            t.row("`" + r.benchmark() + "`", r.params().isEmpty() ? "–" : r.params(),
                    String.format(Locale.ROOT, "%.1f", r.nsPerOp()),
                    Double.isNaN(r.error()) ? "–" : String.format(Locale.ROOT, "%.1f", r.error()),
                    Table.count(1e9 / r.nsPerOp()));
        }
        final String md = String.format(Locale.ROOT, "JMH 1.37, mode avgt, %d x %s warm-up, %d x %s measurement, "
                        + "%d fork(s), -Xmx%s. One op = one event (counting: event time +10 ms per op).%n%n",
                o.warmupIterations, o.warmupTime, o.iterations, o.time, o.forks, o.heap) + t;
        return new Outcome(rows, md);
    }
}
