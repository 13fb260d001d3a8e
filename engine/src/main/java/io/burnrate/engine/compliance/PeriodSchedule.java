package io.burnrate.engine.compliance;

import io.burnrate.engine.slo.CalendarPeriod;
import io.burnrate.engine.slo.CompliancePeriod;
import io.burnrate.engine.slo.PeriodKind;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Which compliance periods of an SLO open when: the hours, the days and for a calendar
 * SLO its weeks or months, each following the latest one of its kind without gaps (an
 * hour without traffic is still a period), and the earliest end among the latest
 * periods, before which nothing opens. Hours and days are UTC, or in the calendar's
 * time zone, so that hours nest in days and days in weeks and months.
 */
final class PeriodSchedule {

    /** Emptied periods to skip over at once at most; longer gaps restart the sequence at the current period. */
    static final int MAX_FILL = 24 * 400;

    private final CalendarPeriod hours;
    private final CalendarPeriod days;
    private final CalendarPeriod calendar;
    /** The latest period opened per kind: the next one opens when time reaches its end. */
    private final Map<PeriodKind, CompliancePeriod> latest = new EnumMap<>(PeriodKind.class);
    /** The earliest end of the latest periods: until event time reaches it, no period opens. */
    private long nextBoundary = Long.MIN_VALUE;

    /** @param calendar a calendar SLO's period rule (week or month), or null for a rolling SLO */
    PeriodSchedule(final CalendarPeriod calendar) {
        this.calendar = calendar;
        final ZoneId zone = calendar == null ? ZoneOffset.UTC : calendar.zone();
        this.hours = new CalendarPeriod(PeriodKind.HOUR, zone);
        this.days = new CalendarPeriod(PeriodKind.DAY, zone);
    }

    /** The calendar SLO's period rule, or null. */
    CalendarPeriod calendar() {
        return calendar;
    }

    /** Whether {@code p} is a calendar SLO's week or month. */
    boolean isCalendarPeriod(final CompliancePeriod p) {
        return calendar != null && p.kind() == calendar.kind();
    }

    /**
     * Opens, oldest first per kind (hours, days, calendar), every period event time
     * {@code ts} has reached, gaps included, handing each to {@code open}.
     *
     * @return false when {@code ts} is before the next boundary (nothing was checked)
     */
    boolean reach(final long ts, final Consumer<CompliancePeriod> open) {
        if (ts < nextBoundary) {
            return false;
        }
        final Instant t = Instant.ofEpochMilli(ts);
        openKind(hours, t, open);
        openKind(days, t, open);
        if (calendar != null) {
            openKind(calendar, t, open);
        }
        nextBoundary = Long.MAX_VALUE;
        for (final CompliancePeriod p : latest.values()) {
            nextBoundary = Math.min(nextBoundary, p.end().toEpochMilli());
        }
        return true;
    }

    private void openKind(final CalendarPeriod rule, final Instant t, final Consumer<CompliancePeriod> open) {
        final PeriodKind kind = rule.kind();
        final CompliancePeriod last = latest.get(kind);
        if (last != null && last.contains(t)) {
            return;
        }
        CompliancePeriod p = last == null ? rule.periodContaining(t) : rule.next(last);
        int filled = 0;
        while (p.end().isBefore(t) || p.end().equals(t)) {
            if (++filled > MAX_FILL) {
                p = rule.periodContaining(t);
                break;
            }
            opened(p, open);
            p = rule.next(p);
        }
        opened(p, open);
    }

    private void opened(final CompliancePeriod p, final Consumer<CompliancePeriod> open) {
        open.accept(p);
        latest.put(p.kind(), p);
    }

    /** Whether {@code p} is one of this schedule's periods (not one of another window or time zone). */
    boolean owns(final CompliancePeriod p) {
        final CalendarPeriod rule = ruleFor(p.kind());
        return rule != null && rule.periodContaining(p.start()).equals(p);
    }

    /** The period rule for {@code kind}, or null when this schedule does not have that kind. */
    private CalendarPeriod ruleFor(final PeriodKind kind) {
        if (kind == PeriodKind.HOUR) {
            return hours;
        }
        if (kind == PeriodKind.DAY) {
            return days;
        }
        return calendar != null && kind == calendar.kind() ? calendar : null;
    }

    /**
     * An open period {@code p} was restored from the store: the next of its kind follows
     * it when it is the latest, and the boundary is checked again at the next event.
     *
     * @return whether {@code p} is now the latest of its kind
     */
    boolean restored(final CompliancePeriod p) {
        final CompliancePeriod prev = latest.get(p.kind());
        final boolean newest = prev == null || p.start().isAfter(prev.start());
        if (newest) {
            latest.put(p.kind(), p);
        }
        nextBoundary = Long.MIN_VALUE;
        return newest;
    }

    /** Forgets every period (all closed: the end of a replay's input). */
    void clear() {
        latest.clear();
        nextBoundary = Long.MIN_VALUE;
    }
}
