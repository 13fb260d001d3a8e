package io.burnrate.engine.monitor;

import io.burnrate.engine.slo.PeriodKind;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.ComplianceSummary;
import io.burnrate.schemas.StatusSnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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

    /** 10 minutes at one point per 5 s status snapshot: about 4 KiB per SLO. */
    public static final int HISTORY = 120;

    /** One point of an SLO's history (floats: a chart needs no more, and 10,000 SLOs add up). */
    public record Point(long at, float budgetRemaining, float[] burnRates) {
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
            final List<Point> history = new ArrayList<>(old == null ? List.of() : old.history());
            final float[] burns = new float[s.windows().size()];
            for (int i = 0; i < burns.length; i++) {
                burns[i] = (float) s.windows().get(i).burnRate();
            }
            if (!history.isEmpty() && history.get(history.size() - 1).at() == s.at().toEpochMilli()) {
                history.remove(history.size() - 1);
            }
            history.add(new Point(s.at().toEpochMilli(), (float) s.errorBudgetRemaining(), burns));
            while (history.size() > HISTORY) {
                history.remove(0);
            }
            return new Entry(s, List.copyOf(history), burnDownFirstStart, burnDownStep, burnDown);
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
