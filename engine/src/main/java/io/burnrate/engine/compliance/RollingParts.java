package io.burnrate.engine.compliance;

import io.burnrate.engine.slo.CompliancePeriod;
import io.burnrate.engine.slo.PeriodKind;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.schemas.ComplianceSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The closed parts of a rolling SLO's trailing window (days when the window is whole
 * days, else hours; none for a calendar SLO or a window of no whole hours) and the
 * {@code rolling} summary merged from them whenever a day closes. With a store
 * ({@link #useStore}) parts live there once written and are read back only when a day
 * closes; without one, all of them stay in memory.
 */
final class RollingParts {

    /** The part length (day or hour), or null when the SLO keeps no parts. */
    private final PeriodKind partKind;
    private final PendingWrites pending;
    /**
     * Closed parts of the trailing window, by period start: all of them without a store,
     * otherwise only those not yet written to it.
     */
    private final TreeMap<Instant, ComplianceAccumulator> parts = new TreeMap<>();
    /** Where written parts are read back from; null keeps every part in memory. */
    private ComplianceTracker.PartStore store;

    RollingParts(final SloSpec spec, final PendingWrites pending) {
        this.pending = pending;
        final long windowMs = spec.window().toMillis();
        if (spec.calendar() != null || windowMs % 3_600_000L != 0) {
            this.partKind = null;
        } else {
            this.partKind = windowMs % 86_400_000L == 0 ? PeriodKind.DAY : PeriodKind.HOUR;
        }
    }

    /** Whether the SLO keeps parts at all (restored parts of one that does not are dropped). */
    boolean keepsParts() {
        return partKind != null;
    }

    /** Whether closing {@code p} adds a part. */
    boolean isPart(final CompliancePeriod p) {
        return partKind != null && p.kind() == partKind;
    }

    /** Whether closing {@code p} emits a rolling summary (a day of an SLO with parts). */
    boolean rollsAt(final CompliancePeriod p) {
        return partKind != null && p.kind() == PeriodKind.DAY;
    }

    /** Keeps {@code a}, a closed part, and writes it at the next commit. */
    void add(final ComplianceAccumulator a) {
        parts.put(a.period().start(), a);
        pending.write(PendingWrites.key(ComplianceTracker.PART, a.period()), a);
    }

    /**
     * Emits the rolling summary of {@code spec}'s window ending at {@code end} (as of
     * {@code asOf}) merged from the parts inside it, dropping the parts that fell out of it.
     */
    void emit(final SloSpec spec, final Instant end, final Instant asOf, final Consumer<ComplianceSummary> out) {
        final CompliancePeriod window = Periods.rolling(end, spec.window());
        loadStored(spec);
        final Iterator<Map.Entry<Instant, ComplianceAccumulator>> it = parts.entrySet().iterator();
        while (it.hasNext()) {
            final ComplianceAccumulator part = it.next().getValue();
            if (part.period().start().isBefore(window.start())) {
                it.remove();
                pending.delete(PendingWrites.key(ComplianceTracker.PART, part.period()));
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
            parts.values().removeIf(p -> !pending.isDirty(PendingWrites.key(ComplianceTracker.PART, p.period())));
        }
    }

    /** Every closed part of the trailing window, oldest first (read back from the store). */
    List<ComplianceAccumulator> held(final SloSpec spec) {
        if (partKind == null) {
            return List.of();
        }
        loadStored(spec);
        return new ArrayList<>(parts.values());
    }

    /**
     * {@code changed}, parts corrected after the fact ({@link ComplianceTracker#correct}), are
     * written again; when one of them is inside the window of the latest rolling summary
     * (ending at the end of the last closed day), that summary is published again, one
     * revision up. Older rolling summaries are not: their windows start before the oldest
     * part kept.
     */
    void corrected(final SloSpec spec, final List<ComplianceAccumulator> changed, final Consumer<ComplianceSummary> out) {
        if (changed.isEmpty()) {
            return;
        }
        for (final ComplianceAccumulator part : changed) {
            pending.write(PendingWrites.key(ComplianceTracker.PART, part.period()), part);
        }
        final long day = 86_400_000L;
        final long newestEnd = parts.lastEntry().getValue().period().end().toEpochMilli();
        final Instant end = Instant.ofEpochMilli(Math.floorDiv(newestEnd, day) * day);
        final CompliancePeriod window = Periods.rolling(end, spec.window());
        ComplianceAccumulator last = null;
        boolean touched = false;
        final List<ComplianceAccumulator> inside = new ArrayList<>();
        for (final ComplianceAccumulator part : parts.values()) {
            final CompliancePeriod p = part.period();
            if (!p.start().isBefore(window.start()) && !p.end().isAfter(end)) {
                inside.add(part);
                touched |= changed.contains(part);
                if (p.end().equals(end)) {
                    last = part;
                }
            }
        }
        if (!touched || last == null) {
            return;
        }
        last.bumpRollingRevision();
        pending.write(PendingWrites.key(ComplianceTracker.PART, last.period()), last);
        out.accept(ComplianceAccumulator.merge(window, inside, end).summary(spec, end).withRevision(last.rollingRevision()));
    }

    /** Reads the stored parts back into memory (those deleted or rewritten since are skipped). */
    private void loadStored(final SloSpec spec) {
        if (store == null) {
            return;
        }
        for (final Map.Entry<String, byte[]> e : store.storedParts().entrySet()) {
            if (pending.isPending(e.getKey())) {
                continue;
            }
            try {
                final ComplianceAccumulator a = AccumulatorCodec.decode(e.getValue());
                if (a.objective() == spec.objective() && a.method().equals(spec.budgetingMethod())) {
                    parts.putIfAbsent(a.period().start(), a);
                }
            } catch (IllegalArgumentException corrupt) {
                pending.delete(e.getKey());
            }
        }
    }

    /** Keeps parts in {@code partStore} once written instead of in memory. */
    void useStore(final ComplianceTracker.PartStore partStore) {
        this.store = partStore;
    }

    /** A restored part: kept in memory only without a store (with one, it is read back when needed). */
    void restore(final ComplianceAccumulator a) {
        if (store == null) {
            parts.put(a.period().start(), a);
        }
    }

    /** The pending writes were taken: with a store, the parts written are there now. */
    void written() {
        if (store != null) {
            parts.clear();
        }
    }

    /** Parts held in memory. */
    int inMemory() {
        return parts.size();
    }
}
