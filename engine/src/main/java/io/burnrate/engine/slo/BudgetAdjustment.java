package io.burnrate.engine.slo;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Objects;
import java.util.TimeZone;
import org.dmfs.rfc5545.recur.InvalidRecurrenceRuleException;
import org.dmfs.rfc5545.recur.RecurrenceRule;
import org.dmfs.rfc5545.recur.RecurrenceRuleIterator;

/**
 * A time range taken out of an SLO's budget: a maintenance window, or an incident
 * declared planned after the fact. One-off ({@code rrule} null: {@code [firstStart,
 * firstStart + duration)}) or recurring by an RFC 5545 recurrence rule expanded in
 * {@code zone} from {@code firstStart} (so "every Sunday 02:00–04:00 Europe/Berlin" stays
 * at 02:00 local time across daylight-saving changes).
 *
 * @param name     optional label, shown where the adjustment is reported
 * @param kind     {@link Kind#EXCLUDE}: events in the range count for nothing (neither good
 *                 nor bad) and no alert fires inside it; {@link Kind#MARK_GOOD}: events in
 *                 the range count as good
 * @param rrule    e.g. {@code FREQ=WEEKLY;BYDAY=SU}, or null for a one-off range
 */
public record BudgetAdjustment(String name, Kind kind, Instant firstStart, Duration duration, ZoneId zone,
                               String rrule) {

    /** What an adjustment does to the events in its ranges. */
    public enum Kind {
        EXCLUDE("exclude"), MARK_GOOD("markGood");

        private final String wire;

        Kind(final String wire) {
            this.wire = wire;
        }

        /** The spelling in SLO files. */
        public String wire() {
            return wire;
        }

        /** The kind spelt {@code word}, or null. */
        public static Kind parse(final String word) {
            for (final Kind k : values()) {
                if (k.wire.equals(word)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** The longest range one occurrence may cover. */
    public static final Duration MAX_DURATION = Duration.ofDays(31);

    public BudgetAdjustment {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(firstStart, "firstStart");
        Objects.requireNonNull(zone, "zone");
        if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("duration must be above 0 and at most 31d, not " + Durations.format(duration));
        }
        if (rrule != null) {
            // BYSECOND / BYMINUTE can make an hourly rule repeat every second: count the first week
            final RecurrenceRuleIterator it = rule(rrule).iterator(firstStart.toEpochMilli(), TimeZone.getTimeZone(zone));
            final long weekEnd = firstStart.plus(Duration.ofDays(7)).toEpochMilli();
            int n = 0;
            while (it.hasNext() && it.nextMillis() < weekEnd) {
                if (++n > MAX_PER_WEEK) {
                    throw new IllegalArgumentException("'" + rrule + "' repeats more than " + MAX_PER_WEEK
                            + " times in its first week; a budget adjustment may repeat at most hourly");
                }
            }
        }
    }

    /** At most hourly: 7 x 24 occurrences a week. */
    static final int MAX_PER_WEEK = 7 * 24;

    /**
     * The parsed rule; refused when it is not RFC 5545 or repeats more often than hourly
     * (every evaluation walks the occurrences from {@code firstStart}).
     */
    static RecurrenceRule rule(final String rrule) {
        final RecurrenceRule r;
        try {
            r = new RecurrenceRule(rrule, RecurrenceRule.RfcMode.RFC5545_STRICT);
        } catch (InvalidRecurrenceRuleException | IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + rrule + "' is not an RFC 5545 recurrence rule ("
                    + e.getMessage() + "), e.g. FREQ=WEEKLY;BYDAY=SU");
        }
        final String freq = r.getFreq().name().toUpperCase(Locale.ROOT);
        if (freq.equals("SECONDLY") || freq.equals("MINUTELY")) {
            throw new IllegalArgumentException("'" + rrule + "' repeats " + freq.toLowerCase(Locale.ROOT)
                    + "; a budget adjustment may repeat at most hourly");
        }
        return r;
    }

    /**
     * The start of the occurrence whose range holds {@code t}, or, when none does, minus one
     * minus the start of the next occurrence after {@code t} ({@code Long.MIN_VALUE} when
     * there is none): one walk answers both "inside?" and "until when not?".
     */
    long locate(final long t) {
        final long d = duration.toMillis();
        final long first = firstStart.toEpochMilli();
        if (rrule == null) {
            return t >= first && t < first + d ? first : t < first ? -1 - first : Long.MIN_VALUE;
        }
        final RecurrenceRuleIterator it = rule(rrule).iterator(first, TimeZone.getTimeZone(zone));
        // occurrences starting at or before t - d end before t: skip them
        it.fastForward(t - d + 1);
        while (it.hasNext()) {
            final long s = it.peekMillis();
            if (s > t) {
                return -1 - s;
            }
            if (s + d > t) {
                return s;
            }
            it.nextMillis();
        }
        return Long.MIN_VALUE;
    }
}
