package io.burnrate.engine.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.burnrate.engine.slo.BudgetingMethod;
import io.burnrate.engine.slo.CalendarPeriod;
import io.burnrate.engine.slo.CompliancePeriod;
import io.burnrate.engine.slo.Severity;
import io.burnrate.schemas.ComplianceSummary;
import io.burnrate.schemas.Json;
import io.burnrate.schemas.JsonSerde;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComplianceAccumulatorTest {

    private static final Map<String, String> LABELS = Map.of("team", "payments");
    private static final Instant MARCH = Instant.parse("2026-03-01T00:00:00Z");
    private static final int MARCH_MINUTES = 31 * 24 * 60; // 44,640

    /** Latency of request {@code i} of minute {@code m}: whole milliseconds, 1 .. 3,000 (bad ones 5,000+). */
    private static int latency(final int m, final int i, final boolean bad) {
        return bad ? 5_000 + i : 1 + (m * 7 + i * 13) % 3_000;
    }

    /**
     * March 2026 (UTC), one summary for the month, objective 99 %. Minute {@code m}
     * (0 .. 44,639) has {@code 100 + m % 50} requests, {@code m % 3} of them bad.
     *
     * <pre>
     * total = 44,640 x 100 + sum(m % 50)   44,640 = 892 x 50 + 40
     *       = 4,464,000 + 892 x 1,225 + (0 + ... + 39 = 780)          = 5,557,480
     * bad   = 14,880 x (0 + 1 + 2)                                       =    44,640
     * good  = 5,512,840;  sli = 5,512,840 / 5,557,480 = 0.991968 (6 decimals): met (>= 0.99)
     * allowedBad = 5,557,480 x 0.01 = 55,574.8
     * remainingFraction = 1 - 44,640 / 55,574.8 = 0.196758
     * badMinutes: m % 3 == 2 minutes (2 bad of at most 149: burn >= 1.34): 44,640 / 3 = 14,880;
     *             m % 3 == 1 minutes have 1 bad of at least 100: burn at most exactly 1, not above
     * </pre>
     * The exact latency percentiles come from counting every latency fed.
     */
    @Test
    void shouldSummarizeThirtyOneDaysOfSyntheticTrafficExactly() {
        final CompliancePeriod month = CalendarPeriod.month(ZoneOffset.UTC).periodContaining(MARCH);
        final ComplianceAccumulator acc = new ComplianceAccumulator(month, 99.0);
        final long[] histogram = new long[5_200];
        for (int m = 0; m < MARCH_MINUTES; m++) {
            final long minuteStart = MARCH.toEpochMilli() + m * 60_000L;
            final int total = 100 + m % 50;
            final int bad = m % 3;
            for (int i = 0; i < total; i++) {
                final boolean isBad = i < bad;
                final int ms = latency(m, i, isBad);
                histogram[ms]++;
                assertThat(acc.add(minuteStart + i * 400L, 1, isBad ? 1 : 0, ms)).isTrue();
            }
        }
        final ComplianceSummary s = acc.summary("checkout-availability", "checkout", LABELS, month.end());

        assertThat(s.period()).isEqualTo(new ComplianceSummary.Period("month", MARCH, Instant.parse("2026-04-01T00:00:00Z")));
        assertThat(s.total()).isEqualTo(5_557_480L);
        assertThat(s.bad()).isEqualTo(44_640L);
        assertThat(s.good()).isEqualTo(5_512_840L);
        assertThat(BigDecimal.valueOf(s.sli()).setScale(6, RoundingMode.HALF_EVEN)).isEqualByComparingTo("0.991968");
        assertThat(s.sli()).isCloseTo(5_512_840.0 / 5_557_480.0, within(1e-15));
        assertThat(s.met()).isTrue();
        assertThat(s.objective()).isEqualTo(99.0);
        assertThat(s.errorBudget().allowedBad()).isEqualTo(55_574.8);
        assertThat(s.errorBudget().consumedBad()).isEqualTo(44_640L);
        assertThat(s.errorBudget().remainingFraction()).isCloseTo(0.196758, within(5e-7));
        assertThat(s.badMinutes()).isEqualTo(14_880L);
        assertThat(s.alerts()).isEqualTo(new ComplianceSummary.Alerts(0, 0));
        assertThat(s.timeInAlert()).isEqualTo(Duration.ZERO);
        final long n = s.total();
        for (final double[] q : new double[][] {{0.50, s.latency().p50Ms()}, {0.95, s.latency().p95Ms()},
                {0.99, s.latency().p99Ms()}}) {
            final double exact = orderStatistic(histogram, (long) Math.floor(q[0] * (n - 1)));
            assertThat(q[1]).as("p%s (exact %s)", q[0], exact).isCloseTo(exact, within(exact * 0.01));
        }
        // the accumulator holds a handful of open minutes, not the month's 44,640, and one sketch
        // (256 bins here): 1,210 bytes
        assertThat(AccumulatorCodec.encode(acc).length).isLessThan(1_500);
    }

    /** The value at 0-based rank {@code rank} of the values counted in {@code histogram}. */
    private static double orderStatistic(final long[] histogram, final long rank) {
        long seen = 0;
        for (int v = 0; v < histogram.length; v++) {
            seen += histogram[v];
            if (seen > rank) {
                return v;
            }
        }
        throw new AssertionError("rank " + rank + " beyond " + seen);
    }

    /**
     * Hour 10:00-11:00. Page A fired at 09:50 (previous hour) and resolves 10:10; ticket B
     * fires 10:05, resolves 10:20; page C fires 10:40; ticket D fires 10:45; C resolves
     * 10:50; D is still firing at 11:00. Time in alert: [10:00, 10:20) + [10:40, 11:00) = 40m;
     * fired in the hour: 1 page (C), 2 tickets (B, D).
     */
    @Test
    void shouldCountAlertsFiredAndTheUnionOfAlertingTimeClippedToThePeriod() {
        final CompliancePeriod nine = Periods.hour(Instant.parse("2026-03-02T09:00:00Z"));
        final ComplianceAccumulator previous = new ComplianceAccumulator(nine, 99.9);
        previous.onAlert(Severity.PAGE, true, at("09:50"));
        assertThat(previous.timeInAlert(nine.end())).isEqualTo(Duration.ofMinutes(10));
        assertThat(previous.pagesFired()).isEqualTo(1);

        // the page firing since 09:50 is carried in, as the tracker does when it opens the next hour
        final ComplianceAccumulator hour = new ComplianceAccumulator(Periods.hour(at("10:00")), 99.9);
        hour.alreadyFiring(Severity.PAGE, at("09:50").toEpochMilli());
        hour.onAlert(Severity.TICKET, true, at("10:05"));
        hour.onAlert(Severity.PAGE, false, at("10:10"));
        hour.onAlert(Severity.TICKET, false, at("10:20"));
        hour.onAlert(Severity.PAGE, true, at("10:40"));
        hour.onAlert(Severity.TICKET, true, at("10:45"));
        hour.onAlert(Severity.PAGE, false, at("10:50"));

        assertThat(hour.pagesFired()).isEqualTo(1);
        assertThat(hour.ticketsFired()).isEqualTo(2);
        assertThat(hour.timeInAlert(at("10:30"))).isEqualTo(Duration.ofMinutes(20));
        assertThat(hour.timeInAlert(at("11:00"))).isEqualTo(Duration.ofMinutes(40));
        assertThat(hour.timeInAlert(at("12:00"))).isEqualTo(Duration.ofMinutes(40));
        assertThat(hour.alerting()).isTrue();
        // D is carried into the next hour: it counts from 11:00 there, as time but not as a new alert
        final ComplianceAccumulator eleven = new ComplianceAccumulator(Periods.hour(at("11:00")), 99.9);
        eleven.alreadyFiring(Severity.TICKET, at("10:45").toEpochMilli());
        eleven.onAlert(Severity.TICKET, false, at("11:15"));
        assertThat(eleven.ticketsFired()).isZero();
        assertThat(eleven.timeInAlert(at("12:00"))).isEqualTo(Duration.ofMinutes(15));
    }

    private static Instant at(final String hhmm) {
        return Instant.parse("2026-03-02T" + hhmm + ":00Z");
    }

    @Test
    void shouldWriteTheSummaryInTheDocumentedShape() throws Exception {
        final CompliancePeriod hour = Periods.hour(at("10:00"));
        final ComplianceAccumulator acc = new ComplianceAccumulator(hour, 99.9);
        // 1,000 requests at 100 ms, two of them bad, all in minute 10:00
        acc.add(at("10:00").toEpochMilli(), 998, 0, 100.0);
        acc.add(at("10:00").toEpochMilli() + 1, 2, 2, 100.0);
        acc.onAlert(Severity.PAGE, true, at("10:30"));

        final ComplianceSummary s = acc.summary("checkout-availability", "checkout", LABELS, hour.end());
        final byte[] json = JsonSerde.of(ComplianceSummary.class).serializer().serialize("burnrate.compliance", s);

        // sli 998/1000 = 0.998 < 0.999: not met; allowed 1,000 x 0.001 = 1 bad, 2 spent: remaining 1 - 2/1 = -1;
        // the minute burned (2/1000)/0.001 = 2: one bad minute
        final double p = s.latency().p50Ms();
        assertThat(p).isCloseTo(100.0, within(1.0));
        assertThat(Json.MAPPER.readTree(json)).isEqualTo(Json.MAPPER.readTree("""
                {"sloId":"checkout-availability","service":"checkout","labels":{"team":"payments"},
                 "period":{"kind":"hour","start":"2026-03-02T10:00:00Z","end":"2026-03-02T11:00:00Z"},
                 "total":1000,"good":998,"bad":2,"sli":0.998,"objective":99.9,"met":false,
                 "errorBudget":{"allowedBad":1.0,"consumedBad":2,"remainingFraction":-1.0},
                 "latency":{"p50Ms":%s,"p95Ms":%s,"p99Ms":%s},
                 "badMinutes":1,"alerts":{"page":1,"ticket":0},"timeInAlert":"PT30M","revision":0}
                """.formatted(p, p, p)));
        assertThat(new String(json, StandardCharsets.UTF_8)).startsWith("{\"sloId\":");
        assertThat(s.key()).isEqualTo("checkout-availability/hour/2026-03-02T10:00:00Z");
    }

    @Test
    void shouldReportNoTrafficAsMetWithTheWholeBudgetLeft() {
        final ComplianceAccumulator acc = new ComplianceAccumulator(Periods.day(MARCH), 99.9);
        final ComplianceSummary s = acc.summary("search", "search", Map.of(), Periods.day(MARCH).end());

        assertThat(s.sli()).isNull();
        assertThat(s.met()).isTrue();
        assertThat(s.errorBudget()).isEqualTo(new ComplianceSummary.ErrorBudget(0.0, 0, 1.0));
        assertThat(s.latency()).isEqualTo(new ComplianceSummary.Latency(null, null, null));
        assertThat(acc.add(MARCH.minusMillis(1), false, 5)).isFalse();
        assertThat(acc.add(Periods.day(MARCH).end(), false, 5)).isFalse();
        assertThat(acc.total()).isZero();
    }

    /**
     * The ten-slice example of {@link TimesliceCounterTest} as a Timeslices SLO, target 0.95,
     * objective 60 %: 578 requests, 26 bad; sli = 5 good slices / 8 with traffic = 0.625 (met); the budget counts
     * slices: allowed 8 x 0.4 = 3.2, consumed 3, remaining 1 - 3/3.2 = 0.0625.
     */
    @Test
    void shouldSummarizeATimeslicesSloInSlices() {
        final CompliancePeriod day = Periods.day(Instant.parse("2026-03-02T00:00:00Z"));
        final ComplianceAccumulator acc = new ComplianceAccumulator(day, 60,
                new BudgetingMethod.Timeslices(0.95), Duration.ofMinutes(5));
        final long t0 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
        long total = 0;
        long bad = 0;
        for (int s = 0; s < TimesliceCounterTest.TEN_SLICES.length; s++) {
            final long n = TimesliceCounterTest.TEN_SLICES[s][0];
            final long good = TimesliceCounterTest.TEN_SLICES[s][1];
            acc.add(t0 + s * 60_000L, n, n - good, 20.0);
            total += n;
            bad += n - good;
        }
        final ComplianceSummary s = acc.summary("search", "search", Map.of(), day.end());

        assertThat(s.total()).isEqualTo(total).isEqualTo(578);
        assertThat(s.bad()).isEqualTo(bad).isEqualTo(26);
        assertThat(s.sli()).isEqualTo(0.625);
        assertThat(s.met()).isTrue();
        assertThat(s.errorBudget().allowedBad()).isEqualTo(3.2);
        assertThat(s.errorBudget().consumedBad()).isEqualTo(3);
        assertThat(s.errorBudget().remainingFraction()).isCloseTo(0.0625, within(1e-12));
    }

    /**
     * RatioTimeslices: four 1-minute slices with (total, good) (20, 20), (2, 1), (10, 10),
     * (10, 9), good ratios 1, 0.5, 1, 0.9; sli = (1 + 0.5 + 1 + 0.9) / 4 = 3.4 / 4 = 0.85
     * (pooled it would be 40 / 42 = 0.952); objective 80 %: met. The budget counts slices,
     * each consuming its bad ratio: allowed 4 x 0.2 = 0.8, consumed 0 + 0.5 + 0 + 0.1 = 0.6
     * (published rounded: 1), remaining 1 - 0.6 / 0.8 = 0.25. Objective 90 %: 0.85 misses it.
     */
    @Test
    void shouldSummarizeARatioTimeslicesSloAsTheMeanOfTheSlicesRatios() {
        final CompliancePeriod day = Periods.day(Instant.parse("2026-03-02T00:00:00Z"));
        final long t0 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
        final long[][] slices = {{20, 20}, {2, 1}, {10, 10}, {10, 9}};
        final BudgetingMethod ratio = new BudgetingMethod.RatioTimeslices(Duration.ofMinutes(1));
        final ComplianceAccumulator acc = new ComplianceAccumulator(day, 80, ratio, Duration.ofMinutes(5));
        final ComplianceAccumulator strict = new ComplianceAccumulator(day, 90, ratio, Duration.ofMinutes(5));
        for (int i = 0; i < slices.length; i++) {
            acc.add(t0 + i * 60_000L, slices[i][0], slices[i][0] - slices[i][1], 20.0);
            strict.add(t0 + i * 60_000L, slices[i][0], slices[i][0] - slices[i][1], 20.0);
        }
        final ComplianceSummary open = acc.summary("s", "s", Map.of(), day.end());
        assertThat(open.total()).isEqualTo(42);
        assertThat(open.sli()).isCloseTo(0.85, within(1e-12));
        assertThat(open.met()).isTrue();
        assertThat(open.errorBudget().allowedBad()).isEqualTo(0.8);
        assertThat(open.errorBudget().consumedBad()).isEqualTo(1);
        assertThat(open.errorBudget().remainingFraction()).isCloseTo(0.25, within(1e-12));
        assertThat(strict.met()).isFalse();
        // the same once the slices settled (6 minutes later, past the 5 m grace), and through bytes (format 2)
        acc.advanceTo(t0 + 10 * 60_000L);
        assertThat(acc.slices().openSlices()).isZero();
        assertThat(acc.sli()).isCloseTo(0.85, within(1e-12));
        final ComplianceAccumulator back = AccumulatorCodec.decode(AccumulatorCodec.encode(acc));
        assertThat(back.method()).isEqualTo(ratio);
        assertThat(back.summary("s", "s", Map.of(), day.end())).isEqualTo(acc.summary("s", "s", Map.of(), day.end()));
        assertThat(AccumulatorCodec.encode(acc)[0]).isEqualTo((byte) 2);
        // a day adds up its hours' slices and ratios
        final ComplianceAccumulator sum = new ComplianceAccumulator(day, 80, ratio, Duration.ofMinutes(5));
        final CompliancePeriod hour = Periods.hour(Instant.ofEpochMilli(t0));
        final ComplianceAccumulator h = new ComplianceAccumulator(hour, 80, ratio, Duration.ofMinutes(5));
        for (int i = 0; i < slices.length; i++) {
            h.add(t0 + i * 60_000L, slices[i][0], slices[i][0] - slices[i][1], 20.0);
        }
        sum.absorb(h);
        assertThat(sum.sli()).isCloseTo(0.85, within(1e-12));
    }

    @Test
    void shouldRoundTripThroughBytes() {
        final CompliancePeriod day = Periods.day(Instant.parse("2026-03-02T00:00:00Z"));
        final ComplianceAccumulator acc = new ComplianceAccumulator(day, 99.5, new BudgetingMethod.Timeslices(0.9),
                Duration.ofMinutes(5));
        final long t0 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
        for (int m = 0; m < 30; m++) {
            acc.add(t0 + m * 60_000L, 100, m % 4 == 0 ? 20 : 0, 10 + m);
        }
        acc.onAlert(Severity.PAGE, true, Instant.ofEpochMilli(t0 + 600_000));

        final ComplianceAccumulator back = AccumulatorCodec.decode(AccumulatorCodec.encode(acc));

        final Instant end = day.end();
        assertThat(back.summary("s", "s", Map.of(), end)).isEqualTo(acc.summary("s", "s", Map.of(), end));
        // and it keeps accumulating where it left off
        back.onAlert(Severity.PAGE, false, Instant.ofEpochMilli(t0 + 1_200_000));
        assertThat(back.timeInAlert(end)).isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> AccumulatorCodec.decode(new byte[] {7})).hasMessageContaining("format 7");
        // everything but RatioTimeslices is still written as format 1
        assertThat(AccumulatorCodec.encode(acc)[0]).isEqualTo((byte) 1);
    }

    /**
     * Two UTC days of 50 requests a minute, 3 bad in every 7th minute (412 of the 2,880
     * minutes: 6 % bad, burn 6), summarized once over both days and once per day then
     * merged: the same summary (sketch merges are exact). A ticket firing on day 1 at
     * 23:00 and resolving on day 2 at 01:00 is one alert and two hours in alert.
     */
    @Test
    void shouldMergeDailyAccumulatorsIntoTheTrailingWindow() {
        final CompliancePeriod twoDays = Periods.rolling(Instant.parse("2026-03-03T00:00:00Z"), Duration.ofDays(2));
        final ComplianceAccumulator whole = new ComplianceAccumulator(twoDays, 99.0);
        final ComplianceAccumulator day1 = new ComplianceAccumulator(Periods.day(MARCH), 99.0);
        final ComplianceAccumulator day2 = new ComplianceAccumulator(Periods.day(MARCH.plus(Duration.ofDays(1))), 99.0);
        for (int m = 0; m < 2 * 1440; m++) {
            final long t = MARCH.toEpochMilli() + m * 60_000L;
            final long bad = m % 7 == 0 ? 3 : 0;
            whole.add(t, 50, bad, 1 + m % 400);
            (m < 1440 ? day1 : day2).add(t, 50, bad, 1 + m % 400);
        }
        final Instant end = twoDays.end();

        final ComplianceSummary merged = ComplianceAccumulator.merge(twoDays, List.of(day1, day2))
                .summary("s", "s", Map.of(), end);

        assertThat(merged).isEqualTo(whole.summary("s", "s", Map.of(), end));
        assertThat(merged.total()).isEqualTo(2 * 1440 * 50);
        assertThat(merged.bad()).isEqualTo(412 * 3);
        assertThat(merged.badMinutes()).isEqualTo(412);

        day1.onAlert(Severity.TICKET, true, Instant.parse("2026-03-01T23:00:00Z"));
        final ComplianceAccumulator day2WithAlert = new ComplianceAccumulator(day2.period(), 99.0);
        day2WithAlert.alreadyFiring(Severity.TICKET, Instant.parse("2026-03-01T23:00:00Z").toEpochMilli());
        day2WithAlert.onAlert(Severity.TICKET, false, Instant.parse("2026-03-02T01:00:00Z"));
        final ComplianceAccumulator withAlert = ComplianceAccumulator.merge(twoDays, List.of(day1, day2WithAlert));
        assertThat(withAlert.ticketsFired()).isEqualTo(1);
        assertThat(withAlert.timeInAlert(end)).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> ComplianceAccumulator.merge(Periods.day(MARCH), List.of(day1, day2)))
                .hasMessageContaining("is not inside");
    }
}
