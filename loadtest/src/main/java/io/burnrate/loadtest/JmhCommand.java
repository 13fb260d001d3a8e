package io.burnrate.loadtest;

import io.burnrate.loadtest.bench.Report;
import io.burnrate.loadtest.jmh.JmhRun;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jmh}: the hot-path micro-benchmarks. */
@Command(name = "jmh", mixinStandardHelpOptions = true, sortOptions = false,
        description = "JMH micro-benchmarks of the engine's hot path: parse, SLO match, bucket update, window "
                + "evaluation, and all of them for one event (ns/op).")
final class JmhCommand implements Callable<Integer> {

    @Option(names = "--include", paramLabel = "REGEX", description = "benchmarks to run (default: all of HotPathBenchmark)")
    private String include;

    @Option(names = {"-wi", "--warmup-iterations"}, paramLabel = "N", defaultValue = "3")
    private int warmupIterations;

    @Option(names = {"-w", "--warmup-time"}, paramLabel = "TIME", defaultValue = "1s")
    private String warmupTime;

    @Option(names = {"-i", "--iterations"}, paramLabel = "N", defaultValue = "5")
    private int iterations;

    @Option(names = {"-r", "--time"}, paramLabel = "TIME", defaultValue = "1s")
    private String time;

    @Option(names = {"-f", "--forks"}, paramLabel = "N", defaultValue = "1")
    private int forks;

    @Option(names = "--heap", paramLabel = "SIZE", defaultValue = "512m")
    private String heap;

    @Option(names = "--results", paramLabel = "FILE", description = "append the results to FILE (RESULTS.md)")
    private Path results;

    @Override
    public Integer call() throws Exception {
        final JmhRun.Options o = new JmhRun.Options();
        if (include != null) {
            o.include = include;
        }
        o.warmupIterations = warmupIterations;
        o.warmupTime = TimeValue.fromString(warmupTime);
        o.iterations = iterations;
        o.time = TimeValue.fromString(time);
        o.forks = forks;
        o.heap = heap;
        final JmhRun.Outcome r = JmhRun.run(o);
        Report.publish(System.out, results, "JMH: hot path", "none (in-memory)", LoadtestCli.args, r.markdown());
        return 0;
    }
}
