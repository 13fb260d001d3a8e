package io.burnrate.engine.slo.v1;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.slo.BudgetAdjustment;
import io.burnrate.engine.slo.Durations;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code spec.budgetAdjustments}: maintenance windows and planned events taken out of the
 * budget.
 *
 * <pre>
 * budgetAdjustments:
 *   - name: sunday-maintenance
 *     kind: exclude                      # or markGood; default exclude
 *     firstEventStart: 2026-03-01T02:00  # local time in timeZone, or with Z / an offset
 *     duration: 2h
 *     timeZone: Europe/Berlin            # default UTC
 *     rrule: FREQ=WEEKLY;BYDAY=SU        # optional: RFC 5545, at most hourly
 * </pre>
 */
final class AdjustmentReader {

    /** At most this many adjustments per SLO: each is consulted at its boundaries. */
    static final int MAX = 32;
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");

    private AdjustmentReader() {
    }

    /** The adjustments; empty when absent; the valid ones when some are not. */
    static List<BudgetAdjustment> read(final JsonNode node, final FieldReader f) {
        final List<BudgetAdjustment> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            f.problem("spec.budgetAdjustments", "must be a list of {name, kind, firstEventStart, duration, timeZone, rrule}");
            return out;
        }
        if (node.size() > MAX) {
            f.problem("spec.budgetAdjustments", "may hold at most " + MAX + " adjustments, not " + node.size());
            return out;
        }
        for (int i = 0; i < node.size(); i++) {
            final JsonNode a = node.get(i);
            final String path = "spec.budgetAdjustments[" + i + "]";
            if (!a.isObject()) {
                f.problem(path, "must be a mapping {name, kind, firstEventStart, duration, timeZone, rrule}");
                continue;
            }
            f.allowOnly(a, path + ".", "name", "kind", "firstEventStart", "duration", "timeZone", "rrule");
            final String name = f.text(a, "name", false, path + ".name");
            final String kindWord = f.text(a, "kind", false, path + ".kind");
            final BudgetAdjustment.Kind kind = kindWord == null ? BudgetAdjustment.Kind.EXCLUDE
                    : BudgetAdjustment.Kind.parse(kindWord);
            if (kind == null) {
                f.problem(path + ".kind", "must be exclude (events count for nothing, no alert fires) or markGood "
                        + "(events count as good), not '" + kindWord + "'");
            }
            final ZoneId zone = zone(a, path, f);
            final Instant start = start(a, zone, path, f);
            final Duration duration = duration(a, path, f);
            final String rrule = f.text(a, "rrule", false, path + ".rrule");
            if (kind == null || zone == null || start == null || duration == null) {
                continue;
            }
            try {
                out.add(new BudgetAdjustment(name, kind, start, duration, zone, rrule));
            } catch (IllegalArgumentException e) {
                f.problem(path + (e.getMessage().startsWith("duration") ? ".duration" : ".rrule"), e.getMessage());
            }
        }
        return out;
    }

    private static ZoneId zone(final JsonNode a, final String path, final FieldReader f) {
        final String tz = f.text(a, "timeZone", false, path + ".timeZone");
        if (tz == null) {
            return a.has("timeZone") ? null : ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(tz);
        } catch (DateTimeException e) {
            f.problem(path + ".timeZone", "'" + tz + "' is not a time zone (an IANA name such as Europe/Berlin)");
            return null;
        }
    }

    private static Instant start(final JsonNode a, final ZoneId zone, final String path, final FieldReader f) {
        final String text = f.text(a, "firstEventStart", true, path + ".firstEventStart");
        if (text == null) {
            return null;
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException e) {
            try {
                if (zone == null) {
                    return null;
                }
                at = LocalDateTime.parse(text).atZone(zone).toInstant();
            } catch (DateTimeException e2) {
                f.problem(path + ".firstEventStart", "'" + text + "' is not a date and time such as 2026-03-01T02:00 "
                        + "(local time in timeZone) or 2026-03-01T01:00:00Z");
                return null;
            }
        }
        if (at.isBefore(EARLIEST) || !at.isBefore(LATEST)) {
            f.problem(path + ".firstEventStart", "must lie between 2000 and 2100, not " + text);
            return null;
        }
        return at;
    }

    private static Duration duration(final JsonNode a, final String path, final FieldReader f) {
        final String text = f.text(a, "duration", true, path + ".duration");
        if (text == null) {
            return null;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            f.problem(path + ".duration", e.getMessage());
            return null;
        }
    }
}
