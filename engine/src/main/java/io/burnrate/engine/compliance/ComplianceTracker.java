package io.burnrate.engine.compliance;

import io.burnrate.engine.slo.BudgetingMethod;
import io.burnrate.engine.slo.CompliancePeriod;
import io.burnrate.engine.slo.PeriodKind;
import io.burnrate.engine.slo.Severity;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.schemas.ComplianceSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * <p>The tracker coordinates three parts: the {@link PeriodSchedule} says which periods
 * open when, {@link RollingParts} keeps the trailing window's closed parts, and
 * {@link PendingWrites} the persistence bookkeeping ({@link #pendingWrites}): every
 * accumulator is stored under its own key ({@link #storageKey}), written when it changed,
 * deleted when it is dropped.
 */
public final class ComplianceTracker {

    /** Key role of an open period's accumulator. */
    public static final byte OPEN = 'o';
    /** Key role of a closed part of a rolling window. */
    public static final byte PART = 'r';

    private SloSpec spec;
    private final Duration grace;
    private final PeriodSchedule schedule;
    private final PendingWrites pending = new PendingWrites();
    private final RollingParts parts;
    /** Open accumulators by storage key. */
    private final TreeMap<String, ComplianceAccumulator> open = new TreeMap<>();
    /** The open hours, as arrays for the per-event path, with their own dirty flags. */
    private String[] hotKeys = new String[0];
    private ComplianceAccumulator[] hotAccs = new ComplianceAccumulator[0];
    private boolean[] hotDirty = new boolean[0];
    /** The rules firing now, by severity (only the counts matter here; each period keeps its own time). */
    private AlertTime rulesFiring = AlertTime.NONE;
    private long now = Long.MIN_VALUE;
    /** Event time this tracker first saw (restored trackers: their oldest open period's start). */
    private long startedAt = Long.MIN_VALUE;
    /** A calendar SLO's open week or month accumulator (the latest one), or null. */
    private ComplianceAccumulator calendarAcc;
    /**
     * Single requests {@link #record}ed but not yet counted, oldest first, two longs each:
     * the time shifted left one bit with the bad bit below it, and the latency's bits.
     * Why: counting one request touches the hour, its minute counter and its slice array,
     * the latency sketch and its bins, the hot arrays: a dozen cache lines, which at 10,000
     * SLOs are cold on every event (each event is for another SLO). Queued, the SLO's next
     * {@value #QUEUE} requests touch this tracker and one array, and are then counted
     * together while those lines are warm. Every other method counts the queue first, so
     * nothing outside this class can tell (the state store persists through
     * {@link #pendingWrites}, which counts them first too).
     */
    private long[] queued;
    private int queuedCount;
    private final int queueCapacity;
    /** Requests queued before they are counted. */
    static final int QUEUE = 8;

    /** The parts an SLO has stored: key suffix ({@link #storageKey}) to bytes. */
    @FunctionalInterface
    public interface PartStore {
        Map<String, byte[]> storedParts();
    }

    public ComplianceTracker(final SloSpec spec, final Duration grace) {
        this(spec, grace, QUEUE);
    }

    /** With {@code queueCapacity} requests queued before they are counted (0: none, each counted at once). */
    ComplianceTracker(final SloSpec spec, final Duration grace, final int queueCapacity) {
        this.spec = spec;
        this.grace = grace;
        this.queueCapacity = queueCapacity;
        this.schedule = new PeriodSchedule(spec.calendar());
        this.parts = new RollingParts(spec, pending);
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
        flush();
        if (!compatibleWith(newSpec)) {
            throw new IllegalArgumentException("SLO " + newSpec.id() + " changed its objective, budgeting method or "
                    + "window: its periods start again");
        }
        this.spec = newSpec;
    }

    /**
     * Counts requests at {@code ts} in the open hour containing it (opening periods as time
     * reaches them); a single request may wait in the queue until the next call of any
     * other method, or until the queue is full.
     */
    public void record(final long ts, final long count, final long bad, final double latencyMs) {
        // only what counting cannot refuse is queued: a refusal (the sketch's, of a negative or
        // infinite latency) is thrown here, by the call that brought it, as without a queue
        if (queueCapacity > 0 && count == 1 && (bad == 0 || bad == 1) && ts >= 0 && ts < 1L << 62
                && (Double.isNaN(latencyMs) || latencyMs >= 0 && latencyMs < Double.POSITIVE_INFINITY)) {
            long[] q = queued;
            if (q == null) {
                q = new long[2 * queueCapacity];
                queued = q;
            }
            final int k = 2 * queuedCount;
            q[k] = ts << 1 | bad;
            q[k + 1] = Double.doubleToRawLongBits(latencyMs);
            if (++queuedCount == queueCapacity) {
                flush();
            }
            return;
        }
        flush();
        count(ts, count, bad, latencyMs);
    }

    /** Counts the queued requests, in the order they were recorded. */
    private void flush() {
        final int n = queuedCount;
        if (n == 0) {
            return;
        }
        queuedCount = 0;
        final long[] q = queued;
        for (int k = 0; k < 2 * n; k += 2) {
            count(q[k] >>> 1, 1, q[k] & 1, Double.longBitsToDouble(q[k + 1]));
        }
    }

    private void count(final long ts, final long count, final long bad, final double latencyMs) {
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
     * iteration, no set insert. Their dirty flags fold into the pending writes first.
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
                pending.write(hotKeys[i], hotAccs[i]);
                hotDirty[i] = false;
            }
        }
    }

    /** A rule of {@code severity} started or stopped firing at {@code at} (event time order). */
    public void onAlert(final Severity severity, final boolean firing, final Instant at) {
        flush();
        final boolean page = severity == Severity.PAGE;
        if (!firing && !rulesFiring.firing(page)) {
            return;
        }
        rulesFiring = firing ? rulesFiring.fire(page, at.toEpochMilli()) : rulesFiring.resolve(page, at.toEpochMilli());
        for (final Map.Entry<String, ComplianceAccumulator> e : open.entrySet()) {
            e.getValue().onAlert(severity, firing, at);
            pending.write(e.getKey(), e.getValue());
        }
    }

    /** The rules firing when state was restored (the machines are persisted, not these counts). */
    public void restoreFiring(final int pages, final int tickets) {
        flush();
        rulesFiring = new AlertTime(pages, tickets, 0, 0);
    }

    /**
     * Moves event time to {@code ts}: opens the periods it reached and closes, oldest
     * first, those that ended at least the grace period before it, emitting their
     * summaries (and the rolling summary when a day closes).
     */
    public void advanceTo(final long ts, final Consumer<ComplianceSummary> out) {
        flush();
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
     * The earliest event time at which {@link #advanceTo} can open or close a period: the
     * end of an open period time has not reached (the next one opens there), or the end
     * plus grace of one it has (it closes there). {@link Long#MIN_VALUE} before any period
     * is open: always due.
     */
    public long nextDue() {
        flush();
        if (open.isEmpty()) {
            return Long.MIN_VALUE;
        }
        long next = Long.MAX_VALUE;
        for (final ComplianceAccumulator a : open.values()) {
            final long end = a.period().end().toEpochMilli();
            next = Math.min(next, end > now ? end : end + grace.toMillis());
        }
        return next;
    }

    /**
     * Closes every open period now, as if no more events will come (the end of a replay's
     * input): summaries of periods that have not ended cover the events up to {@code asOf}.
     */
    public void closeAll(final long asOf, final Consumer<ComplianceSummary> out) {
        flush();
        close(new ArrayList<>(open.values()), Instant.ofEpochMilli(asOf), out);
        schedule.clear();
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
                        pending.write(e.getKey(), e.getValue());
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
            pending.delete(key);
            if (parts.isPart(p)) {
                parts.add(a);
            }
            if (parts.rollsAt(p)) {
                parts.emit(spec, p.end(), at, out);
            }
        }
        rebuildHot();
    }

    /**
     * Takes a budget adjustment added after the fact out of the periods this tracker still
     * holds, given the adjusted events as buckets {@code {start, end, removedTotal,
     * clearedBad}} (from the SLO's bucket counts, exact for the range): the open periods
     * (their summaries, not published yet, will carry the corrected numbers as revision 0),
     * and a rolling SLO's closed parts of its trailing window, whose summaries are
     * re-published now with the next revision, followed by the latest rolling summary when
     * the range is inside its window. An open day, week or month takes only the buckets of
     * its hours that closed (the open hours take theirs; closing absorbs them). Periods
     * closed and not kept as parts (an SLO with day parts does not keep its hours, a
     * calendar SLO keeps no closed day or period) keep the numbers they were published with.
     *
     * @return null when corrected, else why nothing was changed (a bucket straddles a
     *         period boundary, the SLO counts timeslices, or a period holds fewer requests
     *         than the buckets: it did not count them, e.g. it started after them)
     */
    public String correct(final long[][] buckets, final Consumer<ComplianceSummary> out) {
        flush();
        if (!spec.budgetingMethod().equals(BudgetingMethod.OCCURRENCES)) {
            return "it counts " + spec.budgetingMethod() + ", and slices of past periods are not kept";
        }
        final List<ComplianceAccumulator> openHours = new ArrayList<>();
        for (final ComplianceAccumulator a : open.values()) {
            if (a.period().kind() == PeriodKind.HOUR) {
                openHours.add(a);
            }
        }
        final List<ComplianceAccumulator> held = new ArrayList<>(open.values());
        final List<ComplianceAccumulator> closedParts = parts.held(spec);
        held.addAll(closedParts);
        final Map<ComplianceAccumulator, long[]> deltas = new IdentityHashMap<>();
        for (final ComplianceAccumulator a : held) {
            final long s = a.period().start().toEpochMilli();
            final long e = a.period().end().toEpochMilli();
            final boolean outer = a.period().kind() != PeriodKind.HOUR && open.containsValue(a);
            long removed = 0;
            long cleared = 0;
            for (final long[] b : buckets) {
                if (b[1] <= s || b[0] >= e) {
                    continue;
                }
                if (b[0] < s || b[1] > e) {
                    return "a bucket of the counts [" + Instant.ofEpochMilli(b[0]) + ", " + Instant.ofEpochMilli(b[1])
                            + ") straddles the " + a.period().kind().label() + " starting " + a.period().start();
                }
                if (outer && insideAny(openHours, b)) {
                    continue;
                }
                removed += b[2];
                cleared += b[3];
            }
            if (removed > a.total() || cleared > a.bad() || a.bad() - cleared > a.total() - removed) {
                return "the " + a.period().kind().label() + " starting " + a.period().start() + " holds " + a.total()
                        + " requests, fewer than the " + removed + " to take out (it did not count them)";
            }
            if (removed != 0 || cleared != 0) {
                deltas.put(a, new long[] {removed, cleared});
            }
        }
        final List<ComplianceAccumulator> changedParts = new ArrayList<>();
        for (final Map.Entry<String, ComplianceAccumulator> e : open.entrySet()) {
            final long[] d = deltas.get(e.getValue());
            if (d != null) {
                e.getValue().correct(d[0], d[1]);
                pending.write(e.getKey(), e.getValue());
            }
        }
        for (final ComplianceAccumulator part : closedParts) {
            final long[] d = deltas.get(part);
            if (d != null) {
                part.correct(d[0], d[1]);
                part.bumpRevision();
                changedParts.add(part);
                out.accept(part.summary(spec, part.period().end()));
            }
        }
        parts.corrected(spec, changedParts, out);
        return null;
    }

    private static boolean insideAny(final List<ComplianceAccumulator> hours, final long[] bucket) {
        for (final ComplianceAccumulator h : hours) {
            if (bucket[0] >= h.period().start().toEpochMilli() && bucket[1] <= h.period().end().toEpochMilli()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Keeps closed parts in {@code partStore} once written instead of in memory: a 30d
     * SLO would otherwise hold 30 days' sketches on the heap.
     */
    public void useStore(final PartStore partStore) {
        flush();
        parts.useStore(partStore);
    }

    private void openUpTo(final long ts) {
        if (ts <= now) {
            return;
        }
        if (now == Long.MIN_VALUE) {
            startedAt = ts;
        }
        now = ts;
        if (schedule.reach(ts, this::openPeriod)) {
            rebuildHot();
        }
    }

    private void openPeriod(final CompliancePeriod p) {
        final ComplianceAccumulator a = new ComplianceAccumulator(p, spec.objective(), spec.budgetingMethod(), grace);
        // rules firing when the period opens fired since its start, or since this tracker
        // started (a redefined SLO's fresh tracker does not know more)
        for (int i = 0; i < rulesFiring.pagesFiring(); i++) {
            a.alreadyFiring(Severity.PAGE, startedAt);
        }
        for (int i = 0; i < rulesFiring.ticketsFiring(); i++) {
            a.alreadyFiring(Severity.TICKET, startedAt);
        }
        final String key = storageKey(OPEN, p);
        open.put(key, a);
        pending.write(key, a);
        if (schedule.isCalendarPeriod(p)) {
            calendarAcc = a;
        }
    }

    /**
     * A calendar SLO's remaining error budget over its current period (week or month)
     * so far: the closed hours absorbed into it plus the open hours inside it; 1 before
     * any traffic, NaN for a rolling SLO or before time reached a period.
     */
    public double calendarBudgetRemaining(final long ts) {
        flush();
        if (schedule.calendar() == null) {
            return Double.NaN;
        }
        final ComplianceAccumulator period = calendarAcc;
        if (period == null || !period.period().contains(ts)) {
            return Double.NaN;
        }
        final CompliancePeriod last = period.period();
        long units = period.budgetUnits();
        double bad = period.badUnitsExact();
        for (final ComplianceAccumulator h : hotAccs) {
            if (last.contains(h.period().start())) {
                units += h.budgetUnits();
                bad += h.badUnitsExact();
            }
        }
        return units <= 0 ? 1.0 : 1.0 - bad / ((double) units * spec.errorBudget());
    }

    /** Closed parts of the rolling window held in memory. */
    public int partsInMemory() {
        flush();
        return parts.inMemory();
    }

    // ---- persistence ----

    /** {@code role kind-initial startMillis}: orders and identifies one accumulator of this SLO. */
    public static String storageKey(final byte role, final CompliancePeriod p) {
        return PendingWrites.key(role, p);
    }

    /**
     * Writes since the last call, key suffix to bytes (null: delete), and forgets them:
     * the state store persists them at commit.
     */
    public Map<String, byte[]> pendingWrites() {
        flush();
        foldHotDirty();
        final Map<String, byte[]> w = pending.drain();
        parts.written();
        return w;
    }

    /** Whether writes are pending. */
    public boolean hasPendingWrites() {
        flush();
        foldHotDirty();
        return !pending.isEmpty();
    }

    /**
     * Restores one stored accumulator (key suffix from {@link #storageKey}). Accumulators
     * of another objective or budgeting method (the SLO changed while stored) are dropped.
     *
     * @return false when dropped (the caller deletes the key)
     */
    public boolean restore(final String key, final byte[] bytes) {
        flush();
        final ComplianceAccumulator a;
        try {
            a = AccumulatorCodec.decode(bytes);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (a.objective() != spec.objective() || !a.method().equals(spec.budgetingMethod())) {
            return false;
        }
        if (key.charAt(0) == OPEN) {
            if (!schedule.owns(a.period())) {
                return false; // stored under another window or time zone
            }
            open.put(key, a);
            rebuildHot();
            final CompliancePeriod p = a.period();
            if (schedule.restored(p) && schedule.isCalendarPeriod(p)) {
                calendarAcc = a;
            }
            now = Math.max(now, p.start().toEpochMilli());
        } else if (key.charAt(0) == PART && parts.keepsParts()) {
            parts.restore(a);
        } else {
            return false;
        }
        return true;
    }
}
