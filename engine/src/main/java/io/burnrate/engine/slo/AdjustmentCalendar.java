package io.burnrate.engine.slo;

import java.util.List;

/**
 * Answers, per event, whether an SLO's {@link BudgetAdjustment}s cover its time, cheaply:
 * the answer is cached for the range of time over which it cannot change (up to the end
 * of the covering occurrence or the start of the next one), so the recurrence rules are
 * walked once per boundary, not once per event. {@link BudgetAdjustment.Kind#EXCLUDE}
 * wins where an exclusion and a mark-good range overlap. Not thread-safe: one per task's
 * SLO, like the rest of its state.
 */
public final class AdjustmentCalendar {

    private static final AdjustmentCalendar NONE = new AdjustmentCalendar(List.of());

    private final List<BudgetAdjustment> adjustments;
    /** The cached answer holds on [from, until). */
    private long from = Long.MAX_VALUE;
    private long until = Long.MIN_VALUE;
    private BudgetAdjustment.Kind cached;

    private AdjustmentCalendar(final List<BudgetAdjustment> adjustments) {
        this.adjustments = List.copyOf(adjustments);
    }

    /** A calendar over {@code adjustments} (shared and stateless when there are none). */
    public static AdjustmentCalendar of(final List<BudgetAdjustment> adjustments) {
        return adjustments.isEmpty() ? NONE : new AdjustmentCalendar(adjustments);
    }

    /** Whether there is any adjustment at all. */
    public boolean isEmpty() {
        return adjustments.isEmpty();
    }

    /** What covers event time {@code t}: EXCLUDE, MARK_GOOD, or null for nothing. */
    public BudgetAdjustment.Kind at(final long t) {
        if (adjustments.isEmpty()) {
            return null;
        }
        if (t >= from && t < until) {
            return cached;
        }
        BudgetAdjustment.Kind kind = null;
        long end = Long.MAX_VALUE;
        for (final BudgetAdjustment a : adjustments) {
            final long r = a.locate(t);
            if (r >= 0) {
                end = Math.min(end, r + a.duration().toMillis());
                if (kind != BudgetAdjustment.Kind.EXCLUDE) {
                    kind = a.kind();
                }
            } else if (r != Long.MIN_VALUE) {
                end = Math.min(end, -1 - r);
            }
        }
        from = t;
        until = end;
        cached = kind;
        return kind;
    }

    /**
     * The first time after {@code t} at which {@link #at} may answer differently
     * ({@code Long.MAX_VALUE} when never): a due-time scheduler evaluates the SLO again then.
     */
    public long nextBoundary(final long t) {
        if (adjustments.isEmpty()) {
            return Long.MAX_VALUE;
        }
        at(t);
        return until;
    }

    /** Whether no alert may fire at {@code t}: an exclusion covers it. */
    public boolean silences(final long t) {
        return at(t) == BudgetAdjustment.Kind.EXCLUDE;
    }
}
