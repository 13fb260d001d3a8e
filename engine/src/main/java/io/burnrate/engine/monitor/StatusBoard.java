package io.burnrate.engine.monitor;

import io.burnrate.engine.slo.PeriodKind;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.ComplianceSummary;
import io.burnrate.schemas.StatusSnapshot;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The latest status of every SLO this instance evaluates, plus a short history, for
 * readers outside the stream threads (metrics, the JSON API, the status page). Stream
 * threads publish immutable snapshots; readers never touch processor state.
 *
 * <p>History is bounded: at most {@link #HISTORY} points per SLO (one per status
 * snapshot, i.e. every 5 s while the SLO changes), so memory stays bounded with the
 * SLO count.
 */
public final class StatusBoard {

    /** 10 minutes at one point per 5 s status snapshot: 5.4 KiB per SLO with 8 windows ({@link History}). */
    public static final int HISTORY = 120;

    /** One point of an SLO's history (floats: a chart needs no more, and 10,000 SLOs add up). */
    public record Point(long at, float budgetRemaining, float[] burnRates) {
    }

    /**
     * An SLO's history as three primitive arrays, read as a list of {@link Point}s (made on
     * each read; readers are the API and the status page). Held as 120 points of their own
     * (a record and a float array each, plus the list) it took about 9.6 KiB per SLO with 8
     * windows; as arrays 120 x (8 + 4 + 8 x 4) bytes = 5.2 KiB plus headers. Immutable: each
     * publish makes the next one.
     */
    public static final class History extends AbstractList<Point> {
        static final History EMPTY = new History(new long[0], new float[0], new float[0], 0);

        private final long[] at;
        private final float[] budget;
        private final float[] burns;
        private final int windows;

        private History(final long[] at, final float[] budget, final float[] burns, final int windows) {
            this.at = at;
            this.budget = budget;
            this.burns = burns;
            this.windows = windows;
        }

        /**
         * This history with {@code p} appended: a point at the same time as the newest
         * replaces it, the oldest beyond {@link #HISTORY} go, and a point with another number
         * of windows (the SLO was redefined) starts a new history.
         */
        History with(final Point p) {
            final int w = p.burnRates().length;
            final int n = at.length;
            final int keepFrom;
            final int keepTo;
            if (w != windows && n > 0) {
                keepFrom = 0;
                keepTo = 0;
            } else {
                keepTo = n > 0 && at[n - 1] == p.at() ? n - 1 : n;
                keepFrom = Math.max(0, keepTo + 1 - HISTORY);
            }
            final int m = keepTo - keepFrom;
            final long[] a = Arrays.copyOf(Arrays.copyOfRange(at, keepFrom, keepTo), m + 1);
            final float[] b = Arrays.copyOf(Arrays.copyOfRange(budget, keepFrom, keepTo), m + 1);
            final float[] r = Arrays.copyOf(Arrays.copyOfRange(burns, keepFrom * w, keepTo * w), (m + 1) * w);
            a[m] = p.at();
            b[m] = p.budgetRemaining();
            System.arraycopy(p.burnRates(), 0, r, m * w, w);
            return new History(a, b, r, w);
        }

        @Override
        public Point get(final int index) {
            Objects.checkIndex(index, at.length);
            return new Point(at[index], budget[index], Arrays.copyOfRange(burns, index * windows, (index + 1) * windows));
        }

        @Override
        public int size() {
            return at.length;
        }
    }

    /**
     * The latest snapshot and the recent history of one SLO, plus the budget burn-down
     * over the whole SLO window (budget left after each of its buckets, oldest first).
     */
    public record Entry(StatusSnapshot latest, List<Point> history, long burnDownFirstStart, long burnDownStep,
                        float[] burnDown) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** The firing transitions per SLO and rule (with their contributors), for the status page. */
    private final Map<String, Map<String, AlertTransition>> firing = new ConcurrentHashMap<>();
    /** The latest closed compliance summary per SLO and period kind. */
    private final Map<String, Map<String, ComplianceSummary>> compliance = new ConcurrentHashMap<>();

    public void publish(final StatusSnapshot s, final long burnDownFirstStart, final long burnDownStep,
                        final float[] burnDown) {
        entries.compute(s.sloId(), (id, old) -> {
            final float[] burns = new float[s.windows().size()];
            for (int i = 0; i < burns.length; i++) {
                burns[i] = (float) s.windows().get(i).burnRate();
            }
            final History before = old != null && old.history() instanceof History h ? h : History.EMPTY;
            final History history = before.with(new Point(s.at().toEpochMilli(), (float) s.errorBudgetRemaining(), burns));
            return new Entry(s, history, burnDownFirstStart, burnDownStep, burnDown);
        });
    }

    public void remove(final String sloId) {
        entries.remove(sloId);
        compliance.remove(sloId);
        firing.remove(sloId);
    }

    /** Keeps a firing transition until its rule resolves. */
    public void publishAlert(final AlertTransition t) {
        if (AlertTransition.FIRING.equals(t.state())) {
            firing.computeIfAbsent(t.sloId(), id -> new ConcurrentSkipListMap<>()).put(t.rule(), t);
        } else {
            final Map<String, AlertTransition> rules = firing.get(t.sloId());
            if (rules != null) {
                rules.remove(t.rule());
            }
        }
    }

    /** The firing transitions of an SLO's rules that still fire, by rule name. */
    public List<AlertTransition> firing(final String sloId) {
        final Map<String, AlertTransition> rules = firing.get(sloId);
        return rules == null ? List.of() : List.copyOf(rules.values());
    }

    /** Keeps {@code s} as its SLO's latest summary of its period kind. */
    public void publishCompliance(final ComplianceSummary s) {
        compliance.computeIfAbsent(s.sloId(), id -> new ConcurrentHashMap<>()).put(s.period().kind(), s);
    }

    /** The latest summary of each period kind this instance closed for the SLO, in {@link PeriodKind#DISPLAY_ORDER}. */
    public List<ComplianceSummary> compliance(final String sloId) {
        final Map<String, ComplianceSummary> byKind = compliance.get(sloId);
        final List<ComplianceSummary> out = new ArrayList<>();
        if (byKind != null) {
            for (final PeriodKind kind : PeriodKind.DISPLAY_ORDER) {
                final ComplianceSummary s = byKind.get(kind.label());
                if (s != null) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    public Entry get(final String sloId) {
        return entries.get(sloId);
    }

    public Collection<Entry> all() {
        return entries.values();
    }
}
