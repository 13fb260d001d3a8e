package io.burnrate.engine.slo;

import io.burnrate.schemas.ComplianceSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One period a compliance summary covers: {@code [start, end)} and its {@link PeriodKind}.
 * Built by {@link CalendarPeriod} and {@link Periods}.
 */
public record CompliancePeriod(PeriodKind kind, Instant start, Instant end) {

    public CompliancePeriod {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("period end " + end + " must be after its start " + start);
        }
    }

    /** end - start: 23 h or 25 h for a local day with a daylight-saving change, 743 h for March in New York. */
    public Duration length() {
        return Duration.between(start, end);
    }

    /** Whether {@code t} lies in {@code [start, end)}. */
    public boolean contains(final Instant t) {
        return !t.isBefore(start) && t.isBefore(end);
    }

    /** Whether the epoch millisecond {@code ms} lies in {@code [start, end)}. */
    public boolean contains(final long ms) {
        return ms >= start.toEpochMilli() && ms < end.toEpochMilli();
    }

    /** The payload form, {@code {kind, start, end}}. */
    public ComplianceSummary.Period toPayload() {
        return new ComplianceSummary.Period(kind.label(), start, end);
    }

    @Override
    public String toString() {
        return kind + " [" + start + ", " + end + ")";
    }
}
