package io.burnrate.engine.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.slo.CalendarPeriod;
import io.burnrate.engine.slo.CompliancePeriod;
import io.burnrate.engine.slo.PeriodKind;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeriodScheduleTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:20:00Z");

    private static List<String> reach(final PeriodSchedule s, final Instant t) {
        final List<String> opened = new ArrayList<>();
        s.reach(t.toEpochMilli(), p -> opened.add(p.kind() + " " + p.start()));
        return opened;
    }

    @Test
    void shouldOpenTheHourAndDayThenNothingUntilTheHourEnds() {
        final PeriodSchedule s = new PeriodSchedule(null);
        assertThat(reach(s, T0)).containsExactly("hour 2026-03-02T10:00:00Z", "day 2026-03-02T00:00:00Z");
        assertThat(s.reach(T0.plusSeconds(60).toEpochMilli(), p -> { })).as("before the boundary").isFalse();
        assertThat(reach(s, Instant.parse("2026-03-02T11:00:00Z"))).containsExactly("hour 2026-03-02T11:00:00Z");
    }

    @Test
    void shouldFillTheGapsAndRestartAfterALongOne() {
        final PeriodSchedule s = new PeriodSchedule(null);
        reach(s, T0);
        assertThat(reach(s, Instant.parse("2026-03-02T13:05:00Z"))).containsExactly("hour 2026-03-02T11:00:00Z",
                "hour 2026-03-02T12:00:00Z", "hour 2026-03-02T13:00:00Z");
        final List<String> after = reach(s, T0.plus(Duration.ofHours(PeriodSchedule.MAX_FILL + 100)));
        assertThat(after.stream().filter(p -> p.startsWith("hour")).count()).isEqualTo(PeriodSchedule.MAX_FILL + 1);
        assertThat(after.get(PeriodSchedule.MAX_FILL - 1)).as("the last gap hour")
                .isEqualTo("hour " + Instant.parse("2026-03-02T14:00:00Z").plus(Duration.ofHours(PeriodSchedule.MAX_FILL - 1)));
        assertThat(after.get(PeriodSchedule.MAX_FILL)).as("the hour time is in, after MAX_FILL gap hours")
                .isEqualTo("hour " + Periods.hour(T0.plus(Duration.ofHours(PeriodSchedule.MAX_FILL + 100))).start());
    }

    @Test
    void shouldOpenCalendarPeriodsInTheirZoneAndKnowItsOwnPeriods() {
        final CalendarPeriod month = new CalendarPeriod(PeriodKind.MONTH, ZoneId.of("America/New_York"));
        final PeriodSchedule s = new PeriodSchedule(month);
        final List<CompliancePeriod> opened = new ArrayList<>();
        s.reach(T0.toEpochMilli(), opened::add);
        assertThat(opened).hasSize(3);
        assertThat(s.isCalendarPeriod(opened.get(2))).isTrue();
        assertThat(opened.get(2).start()).isEqualTo(Instant.parse("2026-03-01T05:00:00Z"));
        assertThat(s.owns(opened.get(1))).isTrue();
        assertThat(s.owns(Periods.day(T0))).as("a UTC day").isFalse();
        assertThat(new PeriodSchedule(null).owns(opened.get(2))).isFalse();
    }

    @Test
    void shouldContinueAfterARestoredPeriod() {
        final PeriodSchedule s = new PeriodSchedule(null);
        assertThat(s.restored(Periods.hour(T0))).isTrue();
        assertThat(s.restored(Periods.hour(T0.minus(Duration.ofHours(1))))).as("older than the latest").isFalse();
        assertThat(reach(s, T0.plus(Duration.ofHours(1)))).containsExactly("hour 2026-03-02T11:00:00Z",
                "day 2026-03-02T00:00:00Z");
    }
}
