package io.burnrate.engine.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.testing.Specs;
import io.burnrate.schemas.ComplianceSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ComplianceTracker#correct}: an adjustment after the fact, on an SLO whose parts
 * are hours (a 6h window).
 *
 * <pre>
 * one request per minute 00:00-02:30 (151), bad 00:10-00:20 (10); at 02:30 hours 00 and 01
 * are closed (absorbed into the open day), hour 02 is open
 * correction buckets: [00:10, 00:20) 10 requests, 10 bad; [02:00, 02:10) 10 requests, 0 bad
 *   hour 00 (a closed part): re-published, total 60 - 10 = 50, bad 0, revision 1
 *   hour 02 (open): 31 - 10 = 21 at its close, revision 0
 *   day (open): takes the 00:10 bucket only (02:00 is in the open hour, which the day
 *     absorbs at its close): 151 - 10 - 10 = 131, bad 0, revision 0
 * no rolling summary is re-published: none was published yet (no day closed)
 * </pre>
 */
class ComplianceCorrectionTest {

    private static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");

    private static long at(final int minute) {
        return T0.plus(Duration.ofMinutes(minute)).toEpochMilli();
    }

    @Test
    void shouldCorrectTheHeldPeriodsOnceEach() {
        final SloSpec spec = Specs.parse(Specs.availabilityYaml("api-availability", "api", 0)
                .replace("window: 30d", "window: 6h")
                .replace("policy: google-30d", "policy: [{severity: page, budgetPercent: 2, longWindow: 1h, "
                        + "shortWindow: 5m}]")).get(0).spec();
        final ComplianceTracker tracker = new ComplianceTracker(spec, Duration.ofMinutes(5));
        final List<ComplianceSummary> out = new ArrayList<>();
        for (int m = 0; m <= 150; m++) {
            tracker.record(at(m), 1, m >= 10 && m < 20 ? 1 : 0, 10);
            tracker.advanceTo(at(m), out::add);
        }
        assertThat(out).extracting(s -> s.period().kind()).containsExactly("hour", "hour");
        assertThat(out.get(0).bad()).isEqualTo(10);
        out.clear();

        final String refused = tracker.correct(new long[][] {{at(10), at(20), 10, 10}, {at(120), at(130), 10, 0}},
                out::add);
        assertThat(refused).isNull();
        assertThat(out).singleElement().satisfies(h -> {
            assertThat(h.period().kind()).isEqualTo("hour");
            assertThat(h.period().start()).isEqualTo(T0);
            assertThat(h.total()).isEqualTo(50);
            assertThat(h.bad()).isZero();
            assertThat(h.revision()).isEqualTo(1);
        });
        out.clear();

        tracker.advanceTo(at(24 * 60 + 6), out::add);
        final ComplianceSummary hour2 = out.stream().filter(s -> s.period().kind().equals("hour")
                && s.period().start().equals(T0.plus(Duration.ofHours(2)))).findFirst().orElseThrow();
        assertThat(hour2.total()).isEqualTo(21);
        assertThat(hour2.revision()).isZero();
        final ComplianceSummary day = out.stream().filter(s -> s.period().kind().equals("day")).findFirst()
                .orElseThrow();
        assertThat(day.total()).isEqualTo(131);
        assertThat(day.bad()).isZero();
        assertThat(day.revision()).isZero();
    }

    @Test
    void shouldRefuseABucketStraddlingAPeriodAndChangeNothing() {
        final SloSpec spec = Specs.availability("api-availability", "api", 0);
        final ComplianceTracker tracker = new ComplianceTracker(spec, Duration.ofMinutes(5));
        final List<ComplianceSummary> out = new ArrayList<>();
        for (int m = 0; m <= 90; m++) {
            tracker.record(at(m), 1, 0, 10);
            tracker.advanceTo(at(m), out::add);
        }
        assertThat(tracker.correct(new long[][] {{at(30), at(90), 60, 0}}, out::add))
                .startsWith("a bucket of the counts [2026-03-02T00:30:00Z, 2026-03-02T01:30:00Z) straddles the hour");
    }
}
