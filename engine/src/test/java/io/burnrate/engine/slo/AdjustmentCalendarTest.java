package io.burnrate.engine.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdjustmentCalendarTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** Sunday 2026-03-01 02:00 in Berlin (CET, UTC+1): 01:00Z. */
    private static final BudgetAdjustment SUNDAYS = new BudgetAdjustment("sunday-maintenance",
            BudgetAdjustment.Kind.EXCLUDE, LocalDateTime.parse("2026-03-01T02:00").atZone(BERLIN).toInstant(),
            Duration.ofHours(2), BERLIN, "FREQ=WEEKLY;BYDAY=SU");

    private static long t(final String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void shouldCoverEverySundayFromTwoToFourLocalTimeAcrossDaylightSaving() {
        final AdjustmentCalendar c = AdjustmentCalendar.of(List.of(SUNDAYS));
        // 8 March, CET: 02:00-04:00 local = 01:00Z-03:00Z
        assertThat(c.at(t("2026-03-08T00:59:59.999Z"))).isNull();
        assertThat(c.at(t("2026-03-08T01:00:00Z"))).isEqualTo(BudgetAdjustment.Kind.EXCLUDE);
        assertThat(c.at(t("2026-03-08T02:59:59.999Z"))).isEqualTo(BudgetAdjustment.Kind.EXCLUDE);
        assertThat(c.at(t("2026-03-08T03:00:00Z"))).isNull();
        // 5 April, CEST (UTC+2): 02:00-04:00 local = 00:00Z-02:00Z
        assertThat(c.at(t("2026-04-04T23:59:59.999Z"))).isNull();
        assertThat(c.at(t("2026-04-05T00:00:00Z"))).isEqualTo(BudgetAdjustment.Kind.EXCLUDE);
        assertThat(c.at(t("2026-04-05T01:59:59.999Z"))).isEqualTo(BudgetAdjustment.Kind.EXCLUDE);
        assertThat(c.at(t("2026-04-05T02:00:00Z"))).isNull();
        // a Monday, and a Sunday before the first occurrence
        assertThat(c.at(t("2026-04-06T01:00:00Z"))).isNull();
        assertThat(c.at(t("2026-02-22T01:30:00Z"))).isNull();
        // before 1 March the next change is the first occurrence; inside one, its end
        assertThat(c.nextBoundary(t("2026-02-22T01:30:00Z"))).isEqualTo(t("2026-03-01T01:00:00Z"));
        assertThat(c.nextBoundary(t("2026-04-05T01:00:00Z"))).isEqualTo(t("2026-04-05T02:00:00Z"));
        assertThat(AdjustmentCalendar.of(List.of()).nextBoundary(0)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldAnswerOutOfOrderTimesAsInOrderOnes() {
        final AdjustmentCalendar c = AdjustmentCalendar.of(List.of(SUNDAYS));
        assertThat(c.at(t("2026-03-08T02:00:00Z"))).isEqualTo(BudgetAdjustment.Kind.EXCLUDE);
        assertThat(c.at(t("2026-03-08T00:30:00Z"))).isNull();
        assertThat(c.at(t("2026-03-08T02:30:00Z"))).isEqualTo(BudgetAdjustment.Kind.EXCLUDE);
        assertThat(c.at(t("2026-03-15T01:00:00Z"))).isEqualTo(BudgetAdjustment.Kind.EXCLUDE);
        assertThat(c.at(t("2026-03-08T03:30:00Z"))).isNull();
    }

    @Test
    void shouldLetAnExclusionWinWhereItOverlapsAMarkGoodRange() {
        final BudgetAdjustment planned = new BudgetAdjustment("planned-failover", BudgetAdjustment.Kind.MARK_GOOD,
                Instant.parse("2026-03-08T02:00:00Z"), Duration.ofHours(3), ZoneId.of("UTC"), null);
        final AdjustmentCalendar c = AdjustmentCalendar.of(List.of(planned, SUNDAYS));
        assertThat(c.at(t("2026-03-08T01:30:00Z"))).as("Sunday only").isEqualTo(BudgetAdjustment.Kind.EXCLUDE);
        assertThat(c.at(t("2026-03-08T02:30:00Z"))).as("both").isEqualTo(BudgetAdjustment.Kind.EXCLUDE);
        assertThat(c.at(t("2026-03-08T03:00:00Z"))).as("planned only").isEqualTo(BudgetAdjustment.Kind.MARK_GOOD);
        assertThat(c.at(t("2026-03-08T04:59:59.999Z"))).isEqualTo(BudgetAdjustment.Kind.MARK_GOOD);
        assertThat(c.at(t("2026-03-08T05:00:00Z"))).isNull();
        assertThat(c.silences(t("2026-03-08T03:00:00Z"))).as("mark-good ranges do not silence alerts").isFalse();
    }

    @Test
    void shouldRefuseRulesThatAreNotRfc5545OrRepeatTooOften() {
        assertThatThrownBy(() -> new BudgetAdjustment(null, BudgetAdjustment.Kind.EXCLUDE, Instant.EPOCH, Duration.ofHours(1),
                BERLIN, "FREQ=SOMETIMES")).hasMessageStartingWith("'FREQ=SOMETIMES' is not an RFC 5545 recurrence rule");
        assertThatThrownBy(() -> new BudgetAdjustment(null, BudgetAdjustment.Kind.EXCLUDE, Instant.EPOCH, Duration.ofHours(1),
                BERLIN, "FREQ=MINUTELY")).hasMessage("'FREQ=MINUTELY' repeats minutely; a budget adjustment may repeat at most "
                + "hourly");
        // hourly in name, every second in fact
        assertThatThrownBy(() -> new BudgetAdjustment(null, BudgetAdjustment.Kind.EXCLUDE, Instant.EPOCH, Duration.ofHours(1),
                BERLIN, "FREQ=HOURLY;BYMINUTE=0,30")).hasMessage("'FREQ=HOURLY;BYMINUTE=0,30' repeats more than 168 times "
                + "in its first week; a budget adjustment may repeat at most hourly");
        assertThatThrownBy(() -> new BudgetAdjustment(null, BudgetAdjustment.Kind.EXCLUDE, Instant.EPOCH, Duration.ofDays(32),
                BERLIN, null)).hasMessage("duration must be above 0 and at most 31d, not 32d");
    }
}
