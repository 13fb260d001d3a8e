package io.burnrate.engine.compliance;

import io.burnrate.engine.sli.BurnRate;
import io.burnrate.engine.slo.CalendarPeriod;
import io.burnrate.engine.slo.CompliancePeriod;
import io.burnrate.engine.slo.PeriodKind;
import io.burnrate.engine.slo.Severity;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.schemas.ComplianceSummary;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The compliance periods of one SLO: an open {@link ComplianceAccumulator} per period
 * that time is in (the hour, the day, and for a calendar SLO its week or month),
 * closed once event time is a grace period past its end, when its
 * {@link ComplianceSummary} is emitted.
 *
 * <p>Events go to the hour only; when an hour closes (all its minutes settled) it is
 * absorbed into the open day, week and month containing it, so per event one
 * accumulator is updated and per commit one is rewritten. Alert transitions go to every
 * open period. Hours and days are UTC, or in the SLO's time zone for a calendar SLO (the
 * same hours as UTC in zones with whole-hour offsets), so that hours nest in days and
 * days in weeks and months.
 *
 * <p>A rolling SLO also keeps the closed parts of its trailing window (days when the
 * window is whole days, else hours) and, whenever a day closes, emits a {@code rolling}
 * summary of the window ending at that day's end, merged from those parts. State is
 * bounded: the open hour, day and calendar period (plus the previous hour while within
 * grace) in memory, and at most window / part closed parts, which live in the state
 * store once written ({@link #useStore}) and are read back only when a day closes.
 *
 * <p>Periods follow each other without gaps once the tracker has started: an hour
 * without traffic closes with a summary of zero requests. Time moves forward only.
 *
 * <p>Persistence ({@link #pendingWrites}): every accumulator is stored under its own key
 * ({@link #storageKey}), written when it changed, deleted when it is dropped.
 */
public final class ComplianceTracker {

    /** Key role of an open period's accumulator. */
    public static final byte OPEN = 'o';
    /** Key role of a closed part of a rolling window. */
    public static final byte PART = 'r';
    /** Emptied periods to skip over at once at most; longer gaps restart the sequence at the current period. */
    static final int MAX_FILL = 24 * 400;

    private SloSpec spec;
    private final Duration grace;
    private final CalendarPeriod hours;
    private final CalendarPeriod days;
    private final CalendarPeriod calendar;
    /** For rolling SLOs whose window is whole hours: the part length (day or hour); null otherwise. */
    private final PeriodKind partKind;
    /** Open accumulators by storage key. */
    private final TreeMap<String, ComplianceAccumulator> open = new TreeMap<>();
    /**
     * Closed parts of the trailing window, by period start: all of them without a store,
     * otherwise only those not yet written to it.
     */
    private final TreeMap<Instant, ComplianceAccumulator> parts = new TreeMap<>();
    /** Where written parts are read back from; null keeps every part in memory. */
    private PartStore store;
    /** The latest period opened per kind: the next one opens when time reaches its end. */
    private final Map<PeriodKind, CompliancePeriod> latest = new EnumMap<>(PeriodKind.class);
    /** Storage keys to write at the next commit, and to delete. */
    private final Set<String> dirty = new LinkedHashSet<>();
    private final Set<String> removed = new LinkedHashSet<>();
    /** The open hours, as arrays for the per-event path, with their own dirty flags. */
    private String[] hotKeys = new String[0];
    private ComplianceAccumulator[] hotAccs = new ComplianceAccumulator[0];
    private boolean[] hotDirty = new boolean[0];
    private int pagesFiring;
    private int ticketsFiring;
    private long now = Long.MIN_VALUE;
    /** Event time this tracker first saw (restored trackers: their oldest open period's start). */
    private long startedAt = Long.MIN_VALUE;
    /** A calendar SLO's open week or month accumulator (the latest one), or null. */
    private ComplianceAccumulator calendarAcc;
    /** The earliest end of the latest periods: until event time reaches it, no period opens. */
    private long nextBoundary = Long.MIN_VALUE;

    /** The parts an SLO has stored: key suffix ({@link #storageKey}) to bytes. */
    @FunctionalInterface
    public interface PartStore {
        Map<String, byte[]> storedParts();
    }

    public ComplianceTracker(final SloSpec spec, final Duration grace) {
        this.spec = spec;
        this.grace = grace;
        this.calendar = spec.calendar();
        final ZoneId zone = calendar == null ? ZoneOffset.UTC : calendar.zone();
        this.hours = new CalendarPeriod(PeriodKind.HOUR, zone);
        this.days = new CalendarPeriod(PeriodKind.DAY, zone);
        final long windowMs = spec.window().toMillis();
        if (calendar != null || windowMs % 3_600_000L != 0) {
            this.partKind = null;
        } else {
            this.partKind = windowMs % 86_400_000L == 0 ? PeriodKind.DAY : PeriodKind.HOUR;
        }
    }

    /** Whether {@code other} can keep accumulating into this tracker's periods (same numbers, same periods). */
    public boolean compatibleWith(final SloSpec other) {
        return other.objective() == spec.objective() && other.budgetingMethod().equals(spec.budgetingMethod())
                && Objects.equals(other.calendar(), spec.calendar()) && other.window().equals(spec.window());
    }

    /**
     * Summarizes the same periods under {@code newSpec} from now on (its id, service and
     * labels); only for a compatible definition ({@link #compatibleWith}), which leaves
     * every period and count as it is.
     */
    public void redefine(final SloSpec newSpec) {
        if (!compatibleWith(newSpec)) {
            throw new IllegalArgumentException("SLO " + newSpec.id() + " changed its objective, budgeting method or "
                    + "window: its periods start again");
        }
        this.spec = newSpec;
    }

    /** Counts requests at {@code ts} in the open hour containing it (opening periods as time reaches them). */
    public void record(final long ts, final long count, final long bad, final double latencyMs) {
        openUpTo(ts);
        final ComplianceAccumulator[] accs = hotAccs;
        for (int i = 0; i < accs.length; i++) {
            if (accs[i].add(ts, count, bad, latencyMs)) {
                hotDirty[i] = true;
            }
        }
    }

    /**
     * The open hours as arrays for {@link #record}, which runs per event: no map
     * iteration, no set insert. Their dirty flags fold into {@link #dirty} first.
     */
    private void rebuildHot() {
        foldHotDirty();
        final List<String> keys = new ArrayList<>();
        final List<ComplianceAccumulator> accs = new ArrayList<>();
        for (final Map.Entry<String, ComplianceAccumulator> e : open.entrySet()) {
            if (e.getValue().period().kind() == PeriodKind.HOUR) {
                keys.add(e.getKey());
                accs.add(e.getValue());
            }
        }
        hotKeys = keys.toArray(new String[0]);
        hotAccs = accs.toArray(new ComplianceAccumulator[0]);
        hotDirty = new boolean[hotAccs.length];
    }

    private void foldHotDirty() {
        for (int i = 0; i < hotDirty.length; i++) {
            if (hotDirty[i]) {
                dirty.add(hotKeys[i]);
                hotDirty[i] = false;
            }
        }
    }

    /** A rule of {@code severity} started or stopped firing at {@code at} (event time order). */
    public void onAlert(final Severity severity, final boolean firing, final Instant at) {
        final boolean page = severity == Severity.PAGE;
        if (firing) {
            if (page) {
                pagesFiring++;
            } else {
                ticketsFiring++;
            }
        } else if (page ? pagesFiring == 0 : ticketsFiring == 0) {
            return;
        } else if (page) {
            pagesFiring--;
        } else {
            ticketsFiring--;
        }
        for (final Map.Entry<String, ComplianceAccumulator> e : open.entrySet()) {
            e.getValue().onAlert(severity, firing, at);
            dirty.add(e.getKey());
        }
    }

    /** The rules firing when state was restored (the machines are persisted, not these counts). */
    public void restoreFiring(final int pages, final int tickets) {
        pagesFiring = pages;
        ticketsFiring = tickets;
    }

    /**
     * Moves event time to {@code ts}: opens the periods it reached and closes, oldest
     * first, those that ended at least the grace period before it, emitting their
     * summaries (and the rolling summary when a day closes).
     */
    public void advanceTo(final long ts, final Consumer<ComplianceSummary> out) {
        openUpTo(ts);
        final long cutoff = ts - grace.toMillis();
        final List<ComplianceAccumulator> due = new ArrayList<>();
        for (final ComplianceAccumulator a : open.values()) {
            a.advanceTo(ts);
            if (a.period().end().toEpochMilli() <= cutoff) {
                due.add(a);
            }
        }
        close(due, null, out);
    }

    /**
     * Closes every open period now, as if no more events will come (the end of a replay's
     * input): summaries of periods that have not ended cover the events up to {@code asOf}.
     */
    public void closeAll(final long asOf, final Consumer<ComplianceSummary> out) {
        close(new ArrayList<>(open.values()), Instant.ofEpochMilli(asOf), out);
        latest.clear();
        nextBoundary = Long.MIN_VALUE;
    }

    private void close(final List<ComplianceAccumulator> due, final Instant asOf,
                       final Consumer<ComplianceSummary> out) {
        if (due.isEmpty()) {
            return;
        }
        // by end, shorter first: an hour is absorbed into its day before the day closes
        due.sort((a, b) -> {
            final int byEnd = a.period().end().compareTo(b.period().end());
            return byEnd != 0 ? byEnd : Long.compare(a.period().length().toMillis(), b.period().length().toMillis());
        });
        for (final ComplianceAccumulator a : due) {
            final CompliancePeriod p = a.period();
            if (p.kind() == PeriodKind.HOUR) {
                for (final Map.Entry<String, ComplianceAccumulator> e : open.entrySet()) {
                    final CompliancePeriod outer = e.getValue().period();
                    if (outer != p && outer.kind() != PeriodKind.HOUR && !p.start().isBefore(outer.start())
                            && !p.end().isAfter(outer.end())) {
                        e.getValue().absorb(a);
                        dirty.add(e.getKey());
                    }
                }
            }
            final Instant at = asOf == null || asOf.isAfter(p.end()) ? p.end() : asOf;
            out.accept(a.summary(spec, at));
            final String key = storageKey(OPEN, p);
            foldHotDirty();
            if (a == calendarAcc) {
                calendarAcc = null;
            }
            open.remove(key);
            dirty.remove(key);
            removed.add(key);
            if (partKind != null && p.kind() == partKind) {
                parts.put(p.start(), a);
                dirty.add(storageKey(PART, p));
            }
            if (partKind != null && p.kind() == PeriodKind.DAY) {
                emitRolling(p.end(), at, out);
            }
        }
        rebuildHot();
    }

    private void emitRolling(final Instant end, final Instant asOf, final Consumer<ComplianceSummary> out) {
        final CompliancePeriod window = Periods.rolling(end, spec.window());
        loadStoredParts();
        final Iterator<Map.Entry<Instant, ComplianceAccumulator>> it = parts.entrySet().iterator();
        while (it.hasNext()) {
            final ComplianceAccumulator part = it.next().getValue();
            if (part.period().start().isBefore(window.start())) {
                it.remove();
                final String key = storageKey(PART, part.period());
                dirty.remove(key);
                removed.add(key);
            }
        }
        final List<ComplianceAccumulator> inside = new ArrayList<>();
        for (final ComplianceAccumulator part : parts.values()) {
            if (!part.period().end().isAfter(end)) {
                inside.add(part);
            }
        }
        if (!inside.isEmpty()) {
            out.accept(ComplianceAccumulator.merge(window, inside, asOf).summary(spec, asOf));
        }
        if (store != null) {
            // written ones are in the store; keep only those still to be written
            parts.values().removeIf(p -> !dirty.contains(storageKey(PART, p.period())));
        }
    }

    /** Reads the stored parts back into memory (those deleted or rewritten since are skipped). */
    private void loadStoredParts() {
        if (store == null) {
            return;
        }
        for (final Map.Entry<String, byte[]> e : store.storedParts().entrySet()) {
            if (removed.contains(e.getKey()) || dirty.contains(e.getKey())) {
                continue;
            }
            try {
                final ComplianceAccumulator a = ComplianceAccumulator.fromBytes(e.getValue());
                if (a.objective() == spec.objective() && a.method().equals(spec.budgetingMethod())) {
                    parts.putIfAbsent(a.period().start(), a);
                }
            } catch (IllegalArgumentException corrupt) {
                removed.add(e.getKey());
            }
        }
    }

    /**
     * Keeps closed parts in {@code partStore} once written instead of in memory: a 30d
     * SLO would otherwise hold 30 days' sketches on the heap.
     */
    public void useStore(final PartStore partStore) {
        this.store = partStore;
    }

    private void openUpTo(final long ts) {
        if (ts <= now) {
            return;
        }
        if (now == Long.MIN_VALUE) {
            startedAt = ts;
        }
        now = ts;
        if (ts < nextBoundary) {
            return;
        }
        final Instant t = Instant.ofEpochMilli(ts);
        openKind(hours, t);
        openKind(days, t);
        if (calendar != null) {
            openKind(calendar, t);
        }
        nextBoundary = Long.MAX_VALUE;
        for (final CompliancePeriod p : latest.values()) {
            nextBoundary = Math.min(nextBoundary, p.end().toEpochMilli());
        }
        rebuildHot();
    }

    private void openKind(final CalendarPeriod rule, final Instant t) {
        final CompliancePeriod last = latest.get(rule.kind());
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
            openPeriod(p);
            p = rule.next(p);
        }
        openPeriod(p);
    }

    private void openPeriod(final CompliancePeriod p) {
        final ComplianceAccumulator a = new ComplianceAccumulator(p, spec.objective(), spec.budgetingMethod(), grace);
        // rules firing when the period opens fired since its start, or since this tracker
        // started (a redefined SLO's fresh tracker does not know more)
        for (int i = 0; i < pagesFiring; i++) {
            a.alreadyFiring(Severity.PAGE, startedAt);
        }
        for (int i = 0; i < ticketsFiring; i++) {
            a.alreadyFiring(Severity.TICKET, startedAt);
        }
        final String key = storageKey(OPEN, p);
        open.put(key, a);
        dirty.add(key);
        latest.put(p.kind(), p);
        if (calendar != null && p.kind() == calendar.kind()) {
            calendarAcc = a;
        }
    }

    /** The period rule this tracker uses for {@code kind}, or null when it does not track that kind. */
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
     * A calendar SLO's remaining error budget over its current period (week or month)
     * so far: the closed hours absorbed into it plus the open hours inside it; 1 before
     * any traffic, NaN for a rolling SLO or before time reached a period.
     */
    public double calendarBudgetRemaining(final long ts) {
        if (calendar == null) {
            return Double.NaN;
        }
        final ComplianceAccumulator period = calendarAcc;
        if (period == null || !period.period().contains(ts)) {
            return Double.NaN;
        }
        final CompliancePeriod last = period.period();
        long units = period.budgetUnits();
        long bad = period.badUnits();
        for (final ComplianceAccumulator h : hotAccs) {
            if (last.contains(h.period().start())) {
                units += h.budgetUnits();
                bad += h.badUnits();
            }
        }
        return BurnRate.budgetRemaining(bad, units, spec.errorBudget());
    }

    /** Closed parts of the rolling window held in memory. */
    public int partsInMemory() {
        return parts.size();
    }

    // ---- persistence ----

    /** {@code role kind-initial startMillis}: orders and identifies one accumulator of this SLO. */
    public static String storageKey(final byte role, final CompliancePeriod p) {
        return (char) role + p.kind().label().substring(0, 1) + String.format("%016x", p.start().toEpochMilli());
    }

    /**
     * Writes since the last call, key suffix to bytes (null: delete), and forgets them:
     * the state store persists them at commit.
     */
    public Map<String, byte[]> pendingWrites() {
        foldHotDirty();
        final Map<String, byte[]> w = new TreeMap<>();
        for (final String key : removed) {
            w.put(key, null);
        }
        for (final String key : dirty) {
            final ComplianceAccumulator a = key.charAt(0) == OPEN ? open.get(key)
                    : parts.values().stream().filter(p -> storageKey(PART, p.period()).equals(key)).findFirst()
                    .orElse(null);
            w.put(key, a == null ? null : a.toBytes());
        }
        removed.clear();
        dirty.clear();
        if (store != null) {
            parts.clear();
        }
        return w;
    }


    /** Whether writes are pending. */
    public boolean hasPendingWrites() {
        foldHotDirty();
        return !dirty.isEmpty() || !removed.isEmpty();
    }

    /**
     * Restores one stored accumulator (key suffix from {@link #storageKey}). Accumulators
     * of another objective or budgeting method (the SLO changed while stored) are dropped.
     *
     * @return false when dropped (the caller deletes the key)
     */
    public boolean restore(final String key, final byte[] bytes) {
        final ComplianceAccumulator a;
        try {
            a = ComplianceAccumulator.fromBytes(bytes);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (a.objective() != spec.objective() || !a.method().equals(spec.budgetingMethod())) {
            return false;
        }
        if (key.charAt(0) == OPEN) {
            final CalendarPeriod rule = ruleFor(a.period().kind());
            if (rule == null || !rule.periodContaining(a.period().start()).equals(a.period())) {
                return false; // stored under another window or time zone
            }
            open.put(key, a);
            rebuildHot();
            final CompliancePeriod p = a.period();
            final CompliancePeriod prev = latest.get(p.kind());
            if (prev == null || p.start().isAfter(prev.start())) {
                latest.put(p.kind(), p);
                if (calendar != null && p.kind() == calendar.kind()) {
                    calendarAcc = a;
                }
            }
            now = Math.max(now, p.start().toEpochMilli());
            nextBoundary = Long.MIN_VALUE;
        } else if (key.charAt(0) == PART && partKind != null) {
            if (store == null) {
                parts.put(a.period().start(), a);
            }
        } else {
            return false;
        }
        return true;
    }
}
