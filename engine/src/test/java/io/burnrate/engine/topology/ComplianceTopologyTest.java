package io.burnrate.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.testing.Drivers;
import io.burnrate.schemas.ComplianceSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.streams.TestOutputTopic;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compliance summaries on {@code burnrate.compliance}: when periods close and what they count. */
class ComplianceTopologyTest {

    @TempDir
    Path stateDir;

    private Drivers.Rig rig;
    private TestOutputTopic<String, ComplianceSummary> compliance;

    @BeforeEach
    void start() {
        rig = new Drivers.Rig(stateDir);
        compliance = rig.output(Drivers.CONFIG.complianceTopic(), ComplianceSummary.class);
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    private void apply(final String... yaml) {
        rig.apply(String.join("\n", yaml) + "\n");
    }

    private void send(final Instant at, final int status, final double latencyMs) {
        rig.send("api", "{\"service\":\"api\",\"timestamp\":\"" + at + "\",\"latencyMs\":" + latencyMs
                + ",\"status\":" + status + "}", at.toEpochMilli());
    }

    private List<ComplianceSummary> summaries(final String kind) {
        return ofKind(compliance.readValuesToList(), kind);
    }

    private static List<ComplianceSummary> ofKind(final List<ComplianceSummary> all, final String kind) {
        return all.stream().filter(s -> s.period().kind().equals(kind)).toList();
    }

    /**
     * A calendar month in America/New_York. March 2026 starts at local midnight,
     * 2026-03-01T05:00Z (EST, UTC-5), and ends at local midnight on April 1,
     * 2026-04-01T04:00Z (EDT, UTC-4): clocks sprang forward on March 8, so the month is
     * 31 x 24 - 1 = 743 hours. One request per minute from 04:50Z on March 1 (still
     * February locally) to 04:10Z on April 1; every 1,000th minute of the run is bad.
     *
     * <pre>
     * minutes in March (local) = 743 x 60 = 44,580; run minute index k = 10 .. 44,589
     * bad = k in [10, 44,589] divisible by 1,000 = 1,000 .. 44,000 = 44
     * sli = 44,536 / 44,580 = 0.999013 (6 decimals)     objective 99.9: met
     * allowedBad = 44.58; remainingFraction = 1 - 44 / 44.58 = 0.013010
     * </pre>
     * The month closes when event time reaches its end plus the 5-minute grace,
     * 2026-04-01T04:05Z, and not a minute before. The local day of the DST change,
     * March 8, is 23 hours: [2026-03-08T05:00Z, 2026-03-09T04:00Z), 1,380 requests.
     */
    @Test
    void shouldCloseANewYorkCalendarMonthAtLocalMidnightAcrossTheDaylightSavingChange() {
        apply("apiVersion: burnrate/v1", "kind: SLO", "metadata: {name: api-monthly}", "spec:", "  service: api",
                "  indicator: {availability: {badStatusMin: 500}}", "  objective: 99.9",
                "  window: {calendar: month, timeZone: America/New_York}");
        final Instant runStart = Instant.parse("2026-03-01T04:50:00Z");
        final Instant closesAt = Instant.parse("2026-04-01T04:05:00Z");
        ComplianceSummary march = null;
        ComplianceSummary dstDay = null;
        for (int k = 0; ; k++) {
            final Instant at = runStart.plusSeconds(60L * k);
            if (at.isAfter(Instant.parse("2026-04-01T04:10:00Z"))) {
                break;
            }
            send(at, k % 1000 == 0 ? 503 : 200, 20);
            for (final ComplianceSummary s : compliance.readValuesToList()) {
                if (s.period().kind().equals("month") && s.period().start().equals(Instant.parse("2026-03-01T05:00:00Z"))) {
                    assertThat(at).as("the month closes once event time passes its end plus grace").isEqualTo(closesAt);
                    march = s;
                }
                if (s.period().kind().equals("day") && s.period().start().equals(Instant.parse("2026-03-08T05:00:00Z"))) {
                    dstDay = s;
                }
            }
        }
        assertThat(march).as("March summary").isNotNull();
        assertThat(march.period()).isEqualTo(new ComplianceSummary.Period("month",
                Instant.parse("2026-03-01T05:00:00Z"), Instant.parse("2026-04-01T04:00:00Z")));
        assertThat(Duration.between(march.period().start(), march.period().end())).isEqualTo(Duration.ofHours(743));
        assertThat(march.total()).isEqualTo(44_580);
        assertThat(march.bad()).isEqualTo(44);
        assertThat(march.good()).isEqualTo(44_536);
        assertThat(String.format(Locale.ROOT, "%.6f", march.sli())).isEqualTo("0.999013");
        assertThat(march.met()).isTrue();
        assertThat(march.errorBudget().allowedBad()).isEqualTo(44.58);
        assertThat(march.errorBudget().consumedBad()).isEqualTo(44);
        assertThat(String.format(Locale.ROOT, "%.6f", march.errorBudget().remainingFraction())).isEqualTo("0.013010");
        assertThat(march.key()).isEqualTo("api-monthly/month/2026-03-01T05:00:00Z");

        assertThat(dstDay).as("local day of the DST change").isNotNull();
        assertThat(dstDay.period().end()).isEqualTo(Instant.parse("2026-03-09T04:00:00Z"));
        assertThat(dstDay.total()).isEqualTo(23 * 60);
    }

    /**
     * Timeslices, 1-minute slices with target 0.9, objective 75 % of slices, over the UTC
     * hour 10:00 - 11:00 (10 requests per minute unless said):
     *
     * <pre>
     * minutes  0-9   all good                    ratio 1.0  >= 0.9  10 good slices
     * minutes 10-11  1 bad of 10                 ratio 0.9  >= 0.9   2 good slices
     * minutes 12-13  2 bad of 10                 ratio 0.8  <  0.9   2 bad slices
     * minutes 14-19  no traffic                  not counted
     * minutes 20-21  1 request, bad              ratio 0.0           2 bad slices
     * slices with traffic 16, good 12: sli = 0.75, met (>= 75 %)
     * allowedBad = 16 x 0.25 = 4 slices, consumed 4, remainingFraction 0
     * requests 142, bad 8; badMinutes (bad share above 25 %): minutes 20-21 = 2
     * </pre>
     */
    @Test
    void shouldCountTimeslicesAsInTheHandComputedExample() {
        apply("apiVersion: burnrate/v1", "kind: SLO", "metadata: {name: api-slices}", "spec:", "  service: api",
                "  indicator: {availability: {badStatusMin: 500}}", "  objective: 75", "  window: 1d",
                "  budgetingMethod: Timeslices", "  timeSliceTarget: 0.9", "  timeSliceWindow: 1m",
                "  alerting: {policy: [{severity: page, budgetPercent: 50, longWindow: 1h, shortWindow: 5m}]}");
        final Instant hour = Instant.parse("2026-03-02T10:00:00Z");
        for (int m = 0; m < 22; m++) {
            final int requests = m >= 20 ? 1 : m >= 14 ? 0 : 10;
            final int bad = m >= 20 ? 1 : m >= 12 ? 2 : m >= 10 ? 1 : 0;
            for (int i = 0; i < requests; i++) {
                send(hour.plusSeconds(60L * m + 5L * i), i < bad ? 500 : 200, 10 + i);
            }
        }
        assertThat(summaries("hour")).as("nothing closes before 11:05").isEmpty();
        send(Instant.parse("2026-03-02T11:05:00Z"), 200, 10);
        final List<ComplianceSummary> hours = summaries("hour");
        assertThat(hours).hasSize(1);
        final ComplianceSummary s = hours.get(0);
        assertThat(s.period()).isEqualTo(new ComplianceSummary.Period("hour", hour, Instant.parse("2026-03-02T11:00:00Z")));
        assertThat(s.total()).isEqualTo(142);
        assertThat(s.bad()).isEqualTo(8);
        assertThat(s.sli()).isEqualTo(0.75);
        assertThat(s.met()).isTrue();
        assertThat(s.errorBudget()).isEqualTo(new ComplianceSummary.ErrorBudget(4.0, 4, 0.0));
        assertThat(s.badMinutes()).isEqualTo(2);
    }

    /**
     * Rolling 2d window, 1 request per minute, bad ones only on day 2 (minutes 0-59 of
     * it): the daily rolling summary as day 3 closes covers days 2 and 3 exactly.
     *
     * <pre>
     * day 1: 1,440 good. day 2: 1,440, 60 bad. day 3: 1,440 good.
     * rolling at the end of day 3 = [day 2, day 4): total 2,880, bad 60, sli = 0.979167
     * </pre>
     */
    @Test
    void shouldEmitADailyRollingSummaryOverTheTrailingWindow() {
        apply("apiVersion: burnrate/v1", "kind: SLO", "metadata: {name: api-rolling}", "spec:", "  service: api",
                "  indicator: {availability: {badStatusMin: 500}}", "  objective: 99", "  window: 2d",
                "  alerting: {policy: [{severity: page, budgetPercent: 50, longWindow: 1h, shortWindow: 5m}]}");
        final Instant day1 = Instant.parse("2026-03-02T00:00:00Z");
        for (int m = 0; m < 3 * 1440; m++) {
            send(day1.plusSeconds(60L * m), m >= 1440 && m < 1500 ? 500 : 200, 10);
        }
        send(day1.plus(Duration.ofDays(3)).plusSeconds(300), 200, 10);
        final List<ComplianceSummary> all = compliance.readValuesToList();
        assertThat(ofKind(all, "hour")).hasSize(72);
        assertThat(ofKind(all, "day")).hasSize(3);
        final List<ComplianceSummary> rolling = ofKind(all, "rolling");
        assertThat(rolling).hasSize(3);
        final ComplianceSummary last = rolling.get(2);
        assertThat(last.period()).isEqualTo(new ComplianceSummary.Period("rolling", day1.plus(Duration.ofDays(1)),
                day1.plus(Duration.ofDays(3))));
        assertThat(last.total()).isEqualTo(2880);
        assertThat(last.bad()).isEqualTo(60);
        assertThat(String.format(Locale.ROOT, "%.6f", last.sli())).isEqualTo("0.979167");
        assertThat(last.met()).isFalse();
        assertThat(last.alerts().page()).isEqualTo(1);
        assertThat(rolling.get(0).total()).as("the first day's rolling summary has only that day").isEqualTo(1440);
        // closed days live in the store, not on the heap: read back only when a day closes
        final SloStateStore store = (SloStateStore) rig.driver.getStateStore(Names.STATE_STORE);
        assertThat(store.live("api-rolling").compliance().partsInMemory()).isZero();
        // the status board (API, status page) shows the latest closed period of each kind
        assertThat(rig.built.board().compliance("api-rolling")).extracting(s -> s.period().kind())
                .containsExactly("rolling", "day", "hour");
        assertThat(rig.built.board().compliance("api-rolling").get(0)).isEqualTo(last);
    }

    /**
     * A relabelled SLO keeps accumulating into its open periods (one request per minute:
     * the 10:00 hour counts all 60, under the new labels); a changed objective starts the
     * accumulation again, so the 11:00 hour counts only the 30 requests after the change.
     */
    @Test
    void shouldCarryOpenPeriodsAcrossARelabelButRestartThemForANewObjective() {
        final String[] slo = {"apiVersion: burnrate/v1", "kind: SLO", "metadata: {name: api-hourly, labels: {team: a}}",
                "spec:", "  service: api", "  indicator: {availability: {}}", "  objective: 99", "  window: 1d",
                "  alerting: {policy: [{severity: page, budgetPercent: 50, longWindow: 1h, shortWindow: 5m}]}"};
        apply(slo);
        final Instant ten = Instant.parse("2026-03-02T10:00:00Z");
        for (int m = 0; m < 30; m++) {
            send(ten.plusSeconds(60L * m), 200, 10);
        }
        slo[2] = "metadata: {name: api-hourly, labels: {team: b}}";
        apply(slo);
        for (int m = 30; m < 90; m++) {
            send(ten.plusSeconds(60L * m), 200, 10);
        }
        slo[6] = "  objective: 99.5";
        apply(slo);
        for (int m = 90; m < 126; m++) {
            send(ten.plusSeconds(60L * m), 200, 10);
        }
        final List<ComplianceSummary> hours = summaries("hour");
        assertThat(hours).extracting(s -> s.period().start() + " " + s.total() + " " + s.objective() + " " + s.labels())
                .containsExactly("2026-03-02T10:00:00Z 60 99.0 {team=b}", "2026-03-02T11:00:00Z 30 99.5 {team=b}");
    }

    /**
     * A calendar SLO in a half-hour zone (Asia/Kolkata, UTC+5:30): its hours and days
     * follow local time, so hours start at :30 UTC and nest in local days. One request
     * per minute from local midnight on Monday 2 March 2026 (2026-03-01T18:30Z): the
     * first local day is [18:30Z, 18:30Z next day), 1,440 requests; its first hour
     * [18:30Z, 19:30Z), 60.
     */
    @Test
    void shouldFollowLocalHoursAndDaysInAHalfHourZone() {
        apply("apiVersion: burnrate/v1", "kind: SLO", "metadata: {name: api-weekly}", "spec:", "  service: api",
                "  indicator: {availability: {}}", "  objective: 99", "  window: {calendar: week, timeZone: Asia/Kolkata}",
                "  alerting: {policy: [{severity: page, budgetPercent: 50, longWindow: 1h, shortWindow: 5m}]}");
        final Instant monday = Instant.parse("2026-03-01T18:30:00Z");
        for (int m = 0; m <= 1445; m++) {
            send(monday.plusSeconds(60L * m), 200, 10);
        }
        final List<ComplianceSummary> all = compliance.readValuesToList();
        final List<ComplianceSummary> days = ofKind(all, "day");
        assertThat(days).extracting(ComplianceSummary::period, ComplianceSummary::total).containsExactly(
                Tuple.tuple(new ComplianceSummary.Period("day", monday,
                        Instant.parse("2026-03-02T18:30:00Z")), 1440L));
        final List<ComplianceSummary> hours = ofKind(all, "hour");
        assertThat(hours).hasSize(24);
        assertThat(hours.get(0).period()).isEqualTo(new ComplianceSummary.Period("hour", monday,
                Instant.parse("2026-03-01T19:30:00Z")));
        assertThat(hours).allSatisfy(h -> assertThat(h.total()).isEqualTo(60));
    }

    /**
     * An objective change restarts the accumulation, but a rule that keeps firing through
     * it still counts: page-1h-5m fires during an outage (10:10-10:30, every request bad),
     * the objective changes at 10:20 while it fires, it resolves after 10:30. The 10:00
     * hour's summary covers 10:20-11:00 (240 requests at one per 10 s), no page fired in it,
     * and its time in alert runs from 10:20 to the resolve.
     */
    @Test
    void shouldKeepCountingTimeInAlertForARuleFiringThroughAnObjectiveChange() {
        final String[] slo = {"apiVersion: burnrate/v1", "kind: SLO", "metadata: {name: api-page}", "spec:",
                "  service: api", "  indicator: {availability: {}}", "  objective: 99", "  window: 1d",
                "  alerting: {policy: [{severity: page, budgetPercent: 50, longWindow: 1h, shortWindow: 5m}]}"};
        apply(slo);
        final Instant ten = Instant.parse("2026-03-02T10:00:00Z");
        for (int i = 0; i < 120; i++) {
            send(ten.plusSeconds(10L * i), i >= 60 ? 500 : 200, 10);
        }
        slo[6] = "  objective: 98";
        apply(slo);
        for (int i = 120; i <= 390; i++) {
            send(ten.plusSeconds(10L * i), i < 180 ? 500 : 200, 10);
        }
        final ComplianceSummary hour = summaries("hour").get(0);
        assertThat(hour.period().start()).isEqualTo(ten);
        assertThat(hour.total()).isEqualTo(240);
        assertThat(hour.objective()).isEqualTo(98.0);
        assertThat(hour.alerts().page()).as("it fired before the change").isZero();
        assertThat(hour.timeInAlert()).as("firing from 10:20 until it resolved after 10:30")
                .isGreaterThan(Duration.ofMinutes(10)).isLessThan(Duration.ofMinutes(20));
    }
}
