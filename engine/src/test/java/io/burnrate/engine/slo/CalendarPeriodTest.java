package io.burnrate.engine.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.engine.compliance.Periods;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CalendarPeriodTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @ParameterizedTest(name = "{0} {1} containing {2}: [{3}, {4}), {5}h")
    @CsvSource({
        // New York, DST starts 2026-03-08 02:00 EST -> 03:00 EDT: EST midnight (-05:00) to EDT midnight (-04:00)
        "month, America/New_York, 2026-03-15T12:00:00Z,     2026-03-01T05:00:00Z, 2026-04-01T04:00:00Z, 743",
        "month, America/New_York, 2026-03-01T05:00:00Z,     2026-03-01T05:00:00Z, 2026-04-01T04:00:00Z, 743",
        "month, America/New_York, 2026-04-01T03:59:59.999Z, 2026-03-01T05:00:00Z, 2026-04-01T04:00:00Z, 743",
        // 2026-03-01T04:59Z is still 23:59 on 28 February in New York
        "month, America/New_York, 2026-03-01T04:59:00Z,     2026-02-01T05:00:00Z, 2026-03-01T05:00:00Z, 672",
        "month, America/New_York, 2026-04-01T04:00:00Z,     2026-04-01T04:00:00Z, 2026-05-01T04:00:00Z, 720",
        // DST ends 2026-11-01 02:00 EDT -> 01:00 EST: EDT midnight to EST midnight, one hour longer
        "month, America/New_York, 2026-11-01T06:30:00Z,     2026-11-01T04:00:00Z, 2026-12-01T05:00:00Z, 721",
        // Berlin, DST ends 2026-10-25 03:00 CEST -> 02:00 CET
        "month, Europe/Berlin,    2026-10-25T12:00:00Z,     2026-09-30T22:00:00Z, 2026-10-31T23:00:00Z, 745",
        "month, UTC,              2026-02-10T00:00:00Z,     2026-02-01T00:00:00Z, 2026-03-01T00:00:00Z, 672",
        // ISO week of Sunday 2026-03-29 (DST starts 02:00 CET -> 03:00 CEST):
        // Monday 23 March 00:00 CET to Monday 30 March 00:00 CEST
        "week,  Europe/Berlin,    2026-03-29T12:00:00Z,     2026-03-22T23:00:00Z, 2026-03-29T22:00:00Z, 167",
        "week,  Europe/Berlin,    2026-03-22T23:00:00Z,     2026-03-22T23:00:00Z, 2026-03-29T22:00:00Z, 167",
        "week,  Europe/Berlin,    2026-03-22T22:59:59Z,     2026-03-15T23:00:00Z, 2026-03-22T23:00:00Z, 168",
        "week,  Europe/Berlin,    2026-03-29T22:00:00Z,     2026-03-29T22:00:00Z, 2026-04-05T22:00:00Z, 168",
        "week,  UTC,              2026-01-01T00:00:00Z,     2025-12-29T00:00:00Z, 2026-01-05T00:00:00Z, 168",
    })
    void shouldStartAndEndCalendarPeriodsAtLocalMidnight(final String calendar, final String zone, final Instant t,
                                                         final Instant start, final Instant end, final long hours) {
        final CompliancePeriod p = CalendarPeriod.ofWindow(calendar, zone).periodContaining(t);

        assertThat(p.kind().label()).isEqualTo(calendar);
        assertThat(p.start()).isEqualTo(start);
        assertThat(p.end()).isEqualTo(end);
        assertThat(p.length()).isEqualTo(Duration.ofHours(hours));
        assertThat(p.contains(t)).isTrue();
    }

    @Test
    void shouldStepThroughNewYorkMonthsAcrossBothDaylightSavingChanges() {
        final CalendarPeriod months = CalendarPeriod.month(NEW_YORK);
        CompliancePeriod p = months.periodContaining(Instant.parse("2026-02-14T00:00:00Z"));
        final StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            seen.append(p.start()).append(' ').append(p.length().toHours()).append("h\n");
            final CompliancePeriod next = months.next(p);
            assertThat(next.start()).isEqualTo(p.end());
            p = next;
        }
        assertThat(seen.toString()).isEqualTo("""
                2026-02-01T05:00:00Z 672h
                2026-03-01T05:00:00Z 743h
                2026-04-01T04:00:00Z 720h
                2026-05-01T04:00:00Z 744h
                2026-06-01T04:00:00Z 720h
                2026-07-01T04:00:00Z 744h
                2026-08-01T04:00:00Z 744h
                2026-09-01T04:00:00Z 720h
                2026-10-01T04:00:00Z 744h
                2026-11-01T04:00:00Z 721h
                2026-12-01T05:00:00Z 744h
                """);
    }

    @ParameterizedTest(name = "hour of {0}: [{1}, {2})")
    @CsvSource({
        "2026-03-08T07:30:00Z,     2026-03-08T07:00:00Z, 2026-03-08T08:00:00Z",
        "2026-03-08T07:00:00Z,     2026-03-08T07:00:00Z, 2026-03-08T08:00:00Z",
        "2026-03-08T07:59:59.999Z, 2026-03-08T07:00:00Z, 2026-03-08T08:00:00Z",
    })
    void shouldCutUtcHours(final Instant t, final Instant start, final Instant end) {
        assertThat(Periods.hour(t)).isEqualTo(new CompliancePeriod(PeriodKind.HOUR, start, end));
    }

    /**
     * Hours of a calendar SLO count from local midnight and nest in its days, whatever the
     * zone: Lord Howe (UTC+10:30, +11:00 in summer) moves its clocks by 30 minutes, so its
     * local day of 5 April 2026 (DST ends 02:00 → 01:30) is 24.5 hours long
     * [2026-04-04T13:00Z, 2026-04-05T13:30Z): 24 whole hours from midnight and a last,
     * 30-minute "hour". Walking hour after hour through a week tiles each day exactly.
     */
    @Test
    void shouldTileEveryLocalDayWithHoursEvenAcrossAHalfHourDaylightSavingShift() {
        final ZoneId lordHowe = ZoneId.of("Australia/Lord_Howe");
        final CalendarPeriod hours = new CalendarPeriod(PeriodKind.HOUR, lordHowe);
        final CalendarPeriod days = new CalendarPeriod(PeriodKind.DAY, lordHowe);
        final CompliancePeriod dstDay = days.periodContaining(Instant.parse("2026-04-05T00:00:00Z"));
        assertThat(dstDay).isEqualTo(new CompliancePeriod(PeriodKind.DAY, Instant.parse("2026-04-04T13:00:00Z"),
                Instant.parse("2026-04-05T13:30:00Z")));
        CompliancePeriod day = days.periodContaining(Instant.parse("2026-04-01T00:00:00Z"));
        CompliancePeriod hour = hours.periodContaining(day.start());
        for (int d = 0; d < 7; d++) {
            assertThat(hour.start()).isEqualTo(day.start());
            int n = 0;
            while (hour.end().isBefore(day.end())) {
                final CompliancePeriod next = hours.next(hour);
                assertThat(next.start()).isEqualTo(hour.end());
                hour = next;
                n++;
            }
            assertThat(hour.end()).as("the last hour ends with the day").isEqualTo(day.end());
            if (day.equals(dstDay)) {
                assertThat(n + 1).isEqualTo(25);
                assertThat(hour.length()).isEqualTo(Duration.ofMinutes(30));
            }
            hour = hours.next(hour);
            day = days.next(day);
        }
    }

    @ParameterizedTest(name = "day of {0} in {1}: [{2}, {3}), {4}h")
    @CsvSource({
        "2026-03-08T12:00:00Z, UTC,              2026-03-08T00:00:00Z, 2026-03-09T00:00:00Z, 24",
        // the New York day DST starts on has 23 hours, the one it ends on 25
        "2026-03-08T12:00:00Z, America/New_York, 2026-03-08T05:00:00Z, 2026-03-09T04:00:00Z, 23",
        "2026-11-01T12:00:00Z, America/New_York, 2026-11-01T04:00:00Z, 2026-11-02T05:00:00Z, 25",
        "2026-03-09T03:59:00Z, America/New_York, 2026-03-08T05:00:00Z, 2026-03-09T04:00:00Z, 23",
        "2026-03-29T01:30:00Z, Europe/Berlin,    2026-03-28T23:00:00Z, 2026-03-29T22:00:00Z, 23",
    })
    void shouldCutDaysAtLocalMidnight(final Instant t, final String zone, final Instant start, final Instant end,
                                      final long hours) {
        final CompliancePeriod day = Periods.day(t, ZoneId.of(zone));
        assertThat(day).isEqualTo(new CompliancePeriod(PeriodKind.DAY, start, end));
        assertThat(day.length()).isEqualTo(Duration.ofHours(hours));
    }

    @Test
    void shouldStartADayAtTheFirstValidInstantWhereAZoneSkipsMidnight() {
        // America/Havana moved clocks from 00:00 to 01:00 on 2026-03-08 (Cuban DST starts at midnight):
        // the local day starts at 01:00 CDT (-04:00), i.e. 05:00Z, and is 23 hours long
        final CompliancePeriod day = Periods.day(Instant.parse("2026-03-08T12:00:00Z"), ZoneId.of("America/Havana"));
        assertThat(day.start()).isEqualTo(Instant.parse("2026-03-08T05:00:00Z"));
        assertThat(day.end()).isEqualTo(Instant.parse("2026-03-09T04:00:00Z"));
    }

    @Test
    void shouldCoverTheTrailingWindowOfARollingSlo() {
        final CompliancePeriod p = Periods.rolling(Instant.parse("2026-03-31T00:00:00Z"), Duration.ofDays(30));
        assertThat(p).isEqualTo(new CompliancePeriod(PeriodKind.ROLLING, Instant.parse("2026-03-01T00:00:00Z"),
                Instant.parse("2026-03-31T00:00:00Z")));
        assertThat(Periods.day(Instant.parse("2026-03-31T23:00:00Z"))).isEqualTo(Periods.day(
                Instant.parse("2026-03-31T23:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void shouldRejectUnknownCalendarsAndZones() {
        assertThatThrownBy(() -> CalendarPeriod.ofWindow("quarter", "UTC"))
                .hasMessage("calendar must be week or month, not 'quarter'");
        assertThatThrownBy(() -> CalendarPeriod.ofWindow("month", "Europe/Atlantis"))
                .hasMessageContaining("'Europe/Atlantis' is not a time zone");
        assertThat(CalendarPeriod.ofWindow("Month", null)).isEqualTo(CalendarPeriod.month(ZoneOffset.UTC));
        assertThat(CalendarPeriod.ofWindow("week", "Europe/Berlin")).hasToString("week Europe/Berlin");
    }
}
