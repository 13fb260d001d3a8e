package io.burnrate.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.testing.Drivers;
import io.burnrate.schemas.ComplianceSummary;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An incident declared planned after the fact ({@code burnrate slo adjust}): the SLO's
 * document comes again with a one-off adjustment appended, and the summaries of the
 * periods it corrects are published again with the corrected numbers and revision 1.
 *
 * <pre>
 * SLO: rolling 2d, objective 99 (error budget 1 %): day parts, counts in 10-minute buckets
 * 2026-03-02, one request per minute: 1,440 requests; 10:00-10:30 all bad: 30 bad
 * first publication (after 03-03T00:10, past the 5-minute grace):
 *   day 03-02          total 1,440, bad 30, allowedBad 14.4, remaining 1 - 30 / 14.4 = -1.0833..
 *   rolling to 03-03   the same (the only part), revision 0
 * adjustment: exclude [10:00, 10:30)          -> 30 requests, 30 bad leave
 *   day 03-02          total 1,410, bad 0, sli 1, met, allowedBad 14.1, remaining 1, revision 1
 *   rolling to 03-03   the same, revision 1
 * markGood instead:                           -> 30 bad turn good
 *   day 03-02          total 1,440, bad 0, allowedBad 14.4, revision 1
 * </pre>
 */
class RetroactiveAdjustmentTopologyTest {

    @TempDir
    Path dir;

    private static final Instant DAY = Instant.parse("2026-03-02T00:00:00Z");

    private static String slo(final String adjustments) {
        return String.join("\n",
                "apiVersion: burnrate/v1",
                "kind: SLO",
                "metadata: {name: api-availability}",
                "spec:",
                "  service: api",
                "  indicator: {availability: {badStatusMin: 500}}",
                "  objective: 99",
                "  window: 2d",
                "  alerting:",
                "    policy: [{severity: page, budgetPercent: 2, longWindow: 1h, shortWindow: 5m}]",
                adjustments,
                "");
    }

    private static String adjustment(final String kind, final String start, final String duration) {
        return String.join("\n",
                "  budgetAdjustments:",
                "    - {name: planned-migration, kind: " + kind + ", firstEventStart: \"" + start + "\", duration: "
                        + duration + ", timeZone: UTC}");
    }

    private static void send(final Drivers.Rig rig, final Instant at, final int status) {
        rig.send("api", "{\"service\":\"api\",\"timestamp\":\"" + at + "\",\"latencyMs\":10,\"status\":" + status + "}",
                at.toEpochMilli());
    }

    /** The day of traffic, then 03-03T00:10: the day closes. Returns the compliance output. */
    private static TestOutputTopic<String, ComplianceSummary> day(final Drivers.Rig rig) {
        rig.apply(slo(""));
        final var compliance = rig.output(Drivers.CONFIG.complianceTopic(), ComplianceSummary.class);
        for (int k = 0; k < 1440; k++) {
            send(rig, DAY.plusSeconds(60L * k), k >= 600 && k < 630 ? 503 : 200);
        }
        send(rig, Instant.parse("2026-03-03T00:10:00Z"), 200);
        return compliance;
    }

    private static List<ComplianceSummary> kind(final List<ComplianceSummary> all, final String kind) {
        return all.stream().filter(s -> s.period().kind().equals(kind) && s.period().end().toString()
                .equals("2026-03-03T00:00:00Z")).toList();
    }

    @Test
    void shouldPublishTheCorrectedDayAndRollingSummariesAgainWithRevisionOne() {
        try (Drivers.Rig rig = new Drivers.Rig(dir)) {
            final var compliance = day(rig);
            final List<ComplianceSummary> first = compliance.readValuesToList();
            final ComplianceSummary day = kind(first, "day").get(0);
            assertThat(day.total()).isEqualTo(1440);
            assertThat(day.bad()).isEqualTo(30);
            assertThat(day.revision()).isZero();
            assertThat(kind(first, "rolling")).singleElement().satisfies(r -> {
                assertThat(r.bad()).isEqualTo(30);
                assertThat(r.revision()).isZero();
            });

            rig.apply(slo(adjustment("exclude", "2026-03-02T10:00", "30m")));
            send(rig, Instant.parse("2026-03-03T00:11:00Z"), 200); // the task applies the new definition
            final List<ComplianceSummary> again = compliance.readValuesToList();
            assertThat(again).extracting(s -> s.period().kind()).containsExactly("day", "rolling");
            for (final ComplianceSummary s : again) {
                assertThat(s.key()).isEqualTo("api-availability/" + s.period().kind() + "/"
                        + (s.period().kind().equals("day") ? DAY : Instant.parse("2026-03-01T00:00:00Z")));
                assertThat(s.revision()).isEqualTo(1);
                assertThat(s.total()).isEqualTo(1410);
                assertThat(s.good()).isEqualTo(1410);
                assertThat(s.bad()).isZero();
                assertThat(s.sli()).isEqualTo(1.0);
                assertThat(s.met()).isTrue();
                assertThat(s.errorBudget().allowedBad()).isEqualTo(14.1);
                assertThat(s.errorBudget().consumedBad()).isZero();
                assertThat(s.errorBudget().remainingFraction()).isEqualTo(1.0);
            }
        }
    }

    @Test
    void shouldTurnTheBadRequestsGoodForMarkGood() {
        try (Drivers.Rig rig = new Drivers.Rig(dir)) {
            final var compliance = day(rig);
            compliance.readValuesToList();
            rig.apply(slo(adjustment("markGood", "2026-03-02T10:00", "30m")));
            send(rig, Instant.parse("2026-03-03T00:11:00Z"), 200);
            final ComplianceSummary day = kind(compliance.readValuesToList(), "day").get(0);
            assertThat(day.revision()).isEqualTo(1);
            assertThat(day.total()).isEqualTo(1440);
            assertThat(day.bad()).isZero();
            assertThat(day.errorBudget().allowedBad()).isEqualTo(14.4);
        }
    }

    @Test
    void shouldNotTouchThePastForARangeOffTheBucketBoundaries() {
        try (Drivers.Rig rig = new Drivers.Rig(dir)) {
            final var compliance = day(rig);
            compliance.readValuesToList();
            // 10:05 is inside a 10-minute bucket: the counts cannot tell its events apart
            rig.apply(slo(adjustment("exclude", "2026-03-02T10:05", "30m")));
            send(rig, Instant.parse("2026-03-03T00:11:00Z"), 200);
            assertThat(compliance.readValuesToList()).isEmpty();
        }
    }
}
