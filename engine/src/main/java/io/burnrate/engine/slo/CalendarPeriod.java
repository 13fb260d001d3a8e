package io.burnrate.engine.slo;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.Objects;

/**
 * A calendar period rule: hours, days, ISO weeks (from Monday) or months, in a time zone.
 * Periods start and end at local midnight (at the first valid local instant of the day
 * where a zone skips midnight), so they follow daylight-saving changes: March 2026 in
 * America/New_York is {@code [2026-03-01T05:00Z, 2026-04-01T04:00Z)}, 743 hours.
 *
 * <p>SLO compliance windows use {@link PeriodKind#WEEK} and {@link PeriodKind#MONTH}
 * ({@code window: {calendar: month, timeZone: Europe/Berlin}}); the hourly and daily
 * summaries use {@link PeriodKind#HOUR} and {@link PeriodKind#DAY} through {@link Periods}.
 */
public record CalendarPeriod(PeriodKind kind, ZoneId zone) {

    public CalendarPeriod {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(zone, "zone");
        if (kind == PeriodKind.ROLLING) {
            throw new IllegalArgumentException("a calendar period is an hour, day, week or month, not rolling");
        }
    }

    /** Calendar months in {@code zone}. */
    public static CalendarPeriod month(final ZoneId zone) {
        return new CalendarPeriod(PeriodKind.MONTH, zone);
    }

    /**
     * The compliance window of an SLO spec: {@code calendar} is {@code week} or
     * {@code month}, {@code timeZone} an IANA zone id (UTC when null).
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public static CalendarPeriod ofWindow(final String calendar, final String timeZone) {
        final String c = calendar == null ? "" : calendar.trim().toLowerCase(Locale.ROOT);
        final PeriodKind kind;
        switch (c) {
            case "week" -> kind = PeriodKind.WEEK;
            case "month" -> kind = PeriodKind.MONTH;
            default -> throw new IllegalArgumentException("calendar must be week or month, not '" + calendar + "'");
        }
        final ZoneId zone;
        try {
            zone = timeZone == null ? ZoneOffset.UTC : ZoneId.of(timeZone);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + timeZone + "' is not a time zone (use an IANA id such as Europe/Berlin)", e);
        }
        return new CalendarPeriod(kind, zone);
    }

    /** The period {@code [start, end)} that contains {@code t}. */
    public CompliancePeriod periodContaining(final Instant t) {
        final ZonedDateTime local = t.atZone(zone);
        final ZonedDateTime start;
        final ZonedDateTime end;
        switch (kind) {
            case HOUR: {
                // whole hours of elapsed time from local midnight, the last one clipped to the
                // day's end: hours nest in days in every zone (Lord Howe's 30-minute DST shift
                // included), and are UTC hours wherever the offset is whole hours
                final LocalDate d = local.toLocalDate();
                final ZonedDateTime dayStart = d.atStartOfDay(zone);
                final Instant dayEnd = d.plusDays(1).atStartOfDay(zone).toInstant();
                final long k = Duration.between(dayStart.toInstant(), t).toHours();
                final Instant hourStart = dayStart.toInstant().plus(Duration.ofHours(k));
                final Instant hourEnd = hourStart.plus(Duration.ofHours(1));
                return new CompliancePeriod(kind, hourStart, hourEnd.isAfter(dayEnd) ? dayEnd : hourEnd);
            }
            case DAY: {
                final LocalDate d = local.toLocalDate();
                start = d.atStartOfDay(zone);
                end = d.plusDays(1).atStartOfDay(zone);
                break;
            }
            case WEEK: {
                final LocalDate monday = local.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                start = monday.atStartOfDay(zone);
                end = monday.plusWeeks(1).atStartOfDay(zone);
                break;
            }
            case MONTH: {
                final LocalDate first = local.toLocalDate().withDayOfMonth(1);
                start = first.atStartOfDay(zone);
                end = first.plusMonths(1).atStartOfDay(zone);
                break;
            }
            default:
                throw new IllegalStateException("not a calendar kind: " + kind);
        }
        return new CompliancePeriod(kind, start.toInstant(), end.toInstant());
    }

    /** The period that follows {@code period} (which this rule produced). */
    public CompliancePeriod next(final CompliancePeriod period) {
        return periodContaining(period.end());
    }


    /** As written in an SLO spec: {@code month Europe/Berlin}. */
    @Override
    public String toString() {
        return kind.label() + " " + zone.getId();
    }
}
