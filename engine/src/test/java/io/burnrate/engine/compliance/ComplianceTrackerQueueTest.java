package io.burnrate.engine.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.engine.slo.Severity;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.testing.Specs;
import io.burnrate.schemas.ComplianceSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The queue of single requests in {@link ComplianceTracker#record} cannot be seen from
 * outside: a tracker that queues and one that counts every request at once
 * (capacity 0), given the same random calls, give the same answers to every call
 * (summaries, pending writes byte for byte, due times, the calendar budget) and end
 * equal. The calls: single requests (in order, late within and past grace, some bad,
 * some without latency), pre-aggregated counts, time moving on by seconds and by hours
 * (closing hours and days), alert transitions, and the persistence reads.
 */
class ComplianceTrackerQueueTest {

    private static final long T0 = Instant.parse("2026-03-30T21:00:00Z").toEpochMilli();
    private static final Duration GRACE = Duration.ofMinutes(5);

    private static SloSpec spec(final String kind) {
        final String yaml = Specs.availabilityYaml("api-availability", "api", 0);
        return Specs.parse(switch (kind) {
            case "rolling" -> yaml;
            case "calendar" -> yaml.replace("window: 30d", "window: {calendar: month, timeZone: UTC}");
            case "timeslices" -> yaml + "  budgetingMethod: Timeslices\n  timeSliceTarget: 0.95\n"
                    + "  timeSliceWindow: 1m\n";
            default -> throw new IllegalArgumentException(kind);
        }).get(0).spec();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rolling", "calendar", "timeslices"})
    void shouldAnswerEveryCallAsATrackerWithoutAQueue(final String kind) {
        final SloSpec spec = spec(kind);
        for (int run = 0; run < 40; run++) {
            final Random rnd = new Random(run * 31L + kind.hashCode());
            final ComplianceTracker queued = new ComplianceTracker(spec, GRACE, ComplianceTracker.QUEUE);
            final ComplianceTracker direct = new ComplianceTracker(spec, GRACE, 0);
            final List<ComplianceSummary> outQueued = new ArrayList<>();
            final List<ComplianceSummary> outDirect = new ArrayList<>();
            long clock = T0;
            boolean firing = false;
            int recorded = 0;
            for (int op = 0; op < 1_500; op++) {
                final int r = rnd.nextInt(100);
                final String at = "run " + run + " op " + op;
                if (r < 80) {
                    // a single request, mostly in order, some up to twice the grace late
                    final long ts = rnd.nextInt(10) == 0 ? clock - rnd.nextInt((int) GRACE.toMillis() * 2) : clock;
                    final long bad = rnd.nextInt(20) == 0 ? 1 : 0;
                    final double latency = rnd.nextInt(10) == 0 ? ComplianceAccumulator.NO_LATENCY
                            : 1 + rnd.nextInt(2_000) / 7.0;
                    queued.record(ts, 1, bad, latency);
                    direct.record(ts, 1, bad, latency);
                    recorded++;
                } else if (r < 83) {
                    final long count = 2 + rnd.nextInt(50);
                    final long bad = rnd.nextInt((int) count + 1);
                    queued.record(clock, count, bad, ComplianceAccumulator.NO_LATENCY);
                    direct.record(clock, count, bad, ComplianceAccumulator.NO_LATENCY);
                } else if (r < 90) {
                    queued.advanceTo(clock, outQueued::add);
                    direct.advanceTo(clock, outDirect::add);
                    assertThat(outQueued).as(at).isEqualTo(outDirect);
                } else if (r < 92) {
                    firing = !firing;
                    final Severity severity = rnd.nextBoolean() ? Severity.PAGE : Severity.TICKET;
                    queued.onAlert(severity, firing, Instant.ofEpochMilli(clock));
                    direct.onAlert(severity, firing, Instant.ofEpochMilli(clock));
                } else if (r < 96) {
                    assertThat(bytes(queued.pendingWrites())).as(at).isEqualTo(bytes(direct.pendingWrites()));
                } else if (r < 97) {
                    assertThat(queued.hasPendingWrites()).as(at).isEqualTo(direct.hasPendingWrites());
                } else if (r < 98) {
                    assertThat(queued.nextDue()).as(at).isEqualTo(direct.nextDue());
                } else {
                    // boxed: NaN (a rolling SLO) equals NaN
                    assertThat(Double.valueOf(queued.calendarBudgetRemaining(clock))).as(at)
                            .isEqualTo(Double.valueOf(direct.calendarBudgetRemaining(clock)));
                }
                // time moves by up to 20 s, and now and then by up to 3 hours (hours and days close)
                clock += rnd.nextInt(50) == 0 ? rnd.nextInt(3 * 3_600_000) : rnd.nextInt(20_000);
            }
            queued.closeAll(clock, outQueued::add);
            direct.closeAll(clock, outDirect::add);
            assertThat(outQueued).as("run %d: summaries", run).isEqualTo(outDirect);
            assertThat(bytes(queued.pendingWrites())).as("run %d: writes", run).isEqualTo(bytes(direct.pendingWrites()));
            // the run counted something: the hours' summaries hold requests
            assertThat(recorded).isGreaterThan(1_000);
            assertThat(outDirect.stream().mapToLong(ComplianceSummary::total).sum()).as("run %d", run).isPositive();
        }
    }

    /**
     * A latency the sketch refuses (negative, infinite) is refused by the call that brings
     * it, as without a queue, and the requests queued before it still count: 3 good
     * requests at 10:00:01-03, then -1 ms refused, then a summary of the hour holds 3.
     */
    @Test
    void shouldRefuseABadLatencyAtItsOwnCallAndKeepTheQueuedRequests() {
        final ComplianceTracker tracker = new ComplianceTracker(spec("rolling"), GRACE, ComplianceTracker.QUEUE);
        final long ten = Instant.parse("2026-03-31T10:00:00Z").toEpochMilli();
        for (int s = 1; s <= 3; s++) {
            tracker.record(ten + s * 1_000L, 1, 0, 12.5);
        }
        assertThatThrownBy(() -> tracker.record(ten + 4_000, 1, 0, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("latency");
        assertThatThrownBy(() -> tracker.record(ten + 4_000, 1, 0, Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class);
        final List<ComplianceSummary> out = new ArrayList<>();
        tracker.closeAll(ten + 5_000, out::add);
        final ComplianceSummary hour = out.stream().filter(x -> x.period().kind().equals("hour")).findFirst()
                .orElseThrow();
        assertThat(hour.total()).isEqualTo(3);
        assertThat(hour.bad()).isZero();
    }

    /** Pending writes with their bytes as lists, so that equal contents compare equal (null: a delete). */
    private static Map<String, List<Byte>> bytes(final Map<String, byte[]> writes) {
        final Map<String, List<Byte>> out = new TreeMap<>();
        writes.forEach((k, v) -> {
            if (v == null) {
                out.put(k, null);
            } else {
                final List<Byte> b = new ArrayList<>(v.length);
                for (final byte x : v) {
                    b.add(x);
                }
                out.put(k, b);
            }
        });
        return out;
    }
}
