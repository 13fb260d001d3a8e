package io.burnrate.engine.slo;

import io.burnrate.schemas.ComplianceSummary;
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
 * <p>SLO compliance windows use {@link Kind#WEEK} and {@link Kind#MONTH}
 * ({@code window: {calendar: month, timeZone: Europe/Berlin}}); the hourly and daily
 * summaries use {@link Kind#HOUR} and {@link Kind#DAY} through {@link Periods}.
 */
public record CalendarPeriod(Kind kind, ZoneId zone) {

    /** Period kinds; {@link #label()} is the summary's {@code period.kind}. */
    public enum Kind {
        HOUR(ComplianceSummary.HOUR),
        DAY(ComplianceSummary.DAY),
        WEEK(ComplianceSummary.WEEK),
        MONTH(ComplianceSummary.MONTH);

        private final String label;

        Kind(final String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public CalendarPeriod {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(zone, "zone");
    }

    /** Calendar months in {@code zone}. */
    public static CalendarPeriod month(final ZoneId zone) {
        return new CalendarPeriod(Kind.MONTH, zone);
    }

    /**
     * The compliance window of an SLO spec: {@code calendar} is {@code week} or
     * {@code month}, {@code timeZone} an IANA zone id (UTC when null).
     *
     * @throws IllegalArgumentException naming the bad value
     */
    public static CalendarPeriod ofWindow(final String calendar, final String timeZone) {
        final String c = calendar == null ? "" : calendar.trim().toLowerCase(Locale.ROOT);
        final Kind kind;
        switch (c) {
            case "week" -> kind = Kind.WEEK;
            case "month" -> kind = Kind.MONTH;
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
                return new CompliancePeriod(kind.label(), hourStart, hourEnd.isAfter(dayEnd) ? dayEnd : hourEnd);
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
            default: {
                final LocalDate first = local.toLocalDate().withDayOfMonth(1);
                start = first.atStartOfDay(zone);
                end = first.plusMonths(1).atStartOfDay(zone);
                break;
            }
        }
        return new CompliancePeriod(kind.label(), start.toInstant(), end.toInstant());
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
