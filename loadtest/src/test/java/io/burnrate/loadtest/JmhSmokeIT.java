package io.burnrate.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.loadtest.jmh.JmhRun;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.options.TimeValue;

/** The JMH benchmarks run (in-process, a few hundred milliseconds each) and report ns/op. */
class JmhSmokeIT {

    @Test
    void everyHotPathBenchmarkReportsNanosecondsPerEvent() throws Exception {
        final JmhRun.Options o = new JmhRun.Options();
        o.forks = 0;
        o.warmupIterations = 1;
        o.warmupTime = TimeValue.milliseconds(100);
        o.iterations = 1;
        o.time = TimeValue.milliseconds(200);
        o.quiet = true;
        final JmhRun.Outcome r = JmhRun.run(o);
        assertThat(r.rows()).extracting(JmhRun.Row::benchmark)
                .contains("parse", "sloMatch", "bucketUpdate", "windowEvaluation", "perEvent");
        assertThat(r.rows()).allSatisfy(row -> assertThat(row.nsPerOp()).isPositive().isLessThan(1e7));
        assertThat(r.markdown()).contains("| `parse`", "ns/op", "slosPerService=10");
    }
}
