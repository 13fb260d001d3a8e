package io.burnrate.engine.compliance;

import io.burnrate.engine.slo.CalendarPeriod;
import io.burnrate.engine.slo.CompliancePeriod;
import io.burnrate.engine.slo.PeriodKind;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The periods of the hourly, daily and trailing-window compliance summaries. */
public final class Periods {

    private static final CalendarPeriod UTC_HOURS = new CalendarPeriod(PeriodKind.HOUR, ZoneOffset.UTC);

    private Periods() {
    }

    /** The UTC hour containing {@code t}. */
    public static CompliancePeriod hour(final Instant t) {
        return UTC_HOURS.periodContaining(t);
    }

    /** The day containing {@code t}, midnight to midnight in {@code zone} (23 h or 25 h across a DST change). */
    public static CompliancePeriod day(final Instant t, final ZoneId zone) {
        return new CalendarPeriod(PeriodKind.DAY, zone).periodContaining(t);
    }

    /** The UTC day containing {@code t}. */
    public static CompliancePeriod day(final Instant t) {
        return day(t, ZoneOffset.UTC);
    }

    /** The trailing window {@code [end - window, end)} of a rolling SLO. */
    public static CompliancePeriod rolling(final Instant end, final Duration window) {
        return new CompliancePeriod(PeriodKind.ROLLING, end.minus(window), end);
    }
}
