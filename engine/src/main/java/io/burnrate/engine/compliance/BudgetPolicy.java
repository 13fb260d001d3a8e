package io.burnrate.engine.compliance;

import io.burnrate.engine.slo.BudgetThreshold;
import io.burnrate.engine.slo.Numbers;
import io.burnrate.schemas.BudgetPolicyEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An SLO's error-budget policy: thresholds on the remaining budget (default 50 %, 25 %,
 * 10 %, 0 %), each with an optional action word ({@code freeze-releases}), and the state
 * of which are crossed.
 *
 * <p>A threshold {@code T} is crossed while the remaining budget fraction is at or below
 * {@code T / 100}. {@link #observe} reports one event per threshold whose state changed:
 * {@code down} (highest threshold first) as the budget falls, {@code up} (lowest first)
 * as it recovers, so 1.0 → 0.4 → 0.2 → -0.1 over thresholds 50/25/0 gives 50 down, 25
 * down, 0 down, and a later 0.3 gives 0 up, 25 up. Recovering takes more than
 * {@link #HYSTERESIS} above the threshold (a crossed 25 % clears above 26 %), so a budget
 * hovering around a threshold, as it does when traffic burns at exactly the budget rate,
 * reports one crossing rather than one per request.
 *
 * <p>The state is one small integer ({@link #crossed()}); restore it with
 * {@link #restore(int)}. Not thread-safe.
 */
public final class BudgetPolicy {

    /** How far (a fraction of the budget: one percentage point) above a crossed threshold the budget must recover. */
    public static final double HYSTERESIS = 0.01;

    private final String sloId;
    private final String service;
    private final Map<String, String> labels;
    /** Highest first. */
    private final List<BudgetThreshold> thresholds;
    /** thresholds as fractions, computed once: observe() runs for every event. */
    private final double[] fractions;
    /** How many thresholds (a prefix of {@link #thresholds}) are crossed. */
    private int crossed;

    /**
     * @param thresholds any order, distinct percentages; empty means no events ever
     */
    public BudgetPolicy(final String sloId, final String service, final Map<String, String> labels,
                        final List<BudgetThreshold> thresholds) {
        this.sloId = Objects.requireNonNull(sloId, "sloId");
        this.service = Objects.requireNonNull(service, "service");
        this.labels = Collections.unmodifiableMap(new TreeMap<>(labels));
        final List<BudgetThreshold> sorted = new ArrayList<>(thresholds);
        sorted.sort(Comparator.comparingDouble(BudgetThreshold::percent).reversed());
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).percent() == sorted.get(i - 1).percent()) {
                throw new IllegalArgumentException("threshold " + Numbers.plain(sorted.get(i).percent()) + "% is listed twice");
            }
        }
        this.thresholds = List.copyOf(sorted);
        this.fractions = new double[sorted.size()];
        for (int i = 0; i < fractions.length; i++) {
            fractions[i] = sorted.get(i).fraction();
        }
    }

    /** The thresholds, highest first. */
    public List<BudgetThreshold> thresholds() {
        return thresholds;
    }

    /** How many thresholds are crossed now (the highest {@code crossed()} of {@link #thresholds()}). */
    public int crossed() {
        return crossed;
    }

    /**
     * The remaining budget fraction above which {@link #observe} would report a crossed
     * threshold cleared (the lowest crossed one plus {@link #HYSTERESIS}); positive
     * infinity while none is crossed. At or below it, a remaining budget that only rises
     * changes nothing.
     */
    public double clearsAbove() {
        return crossed == 0 ? Double.POSITIVE_INFINITY : fractions[crossed - 1] + HYSTERESIS;
    }

    /** Restores the persisted {@link #crossed()}. */
    public void restore(final int crossedCount) {
        if (crossedCount < 0 || crossedCount > thresholds.size()) {
            throw new IllegalArgumentException("crossed must be 0.." + thresholds.size() + ", not " + crossedCount);
        }
        this.crossed = crossedCount;
    }

    /**
     * Feeds the remaining budget fraction (1 untouched, negative overspent) seen at
     * {@code at}; returns the crossings, in the order they happened.
     */
    public List<BudgetPolicyEvent> observe(final double remainingFraction, final Instant at) {
        return observe(remainingFraction, at.toEpochMilli());
    }

    /** {@link #observe(double, Instant)} at {@code atMs}: nothing allocated while no threshold changes state. */
    public List<BudgetPolicyEvent> observe(final double remainingFraction, final long atMs) {
        if (Double.isNaN(remainingFraction)) {
            return List.of();
        }
        int down = 0;
        while (down < fractions.length && remainingFraction <= fractions[down]) {
            down++;
        }
        int stay = 0;
        while (stay < crossed && remainingFraction <= fractions[stay] + HYSTERESIS) {
            stay++;
        }
        final int now = Math.max(down, stay);
        if (now == crossed) {
            return List.of();
        }
        final Instant at = Instant.ofEpochMilli(atMs);
        final List<BudgetPolicyEvent> out = new ArrayList<>(Math.abs(now - crossed));
        if (now > crossed) {
            for (int i = crossed; i < now; i++) {
                out.add(event(thresholds.get(i), BudgetPolicyEvent.DOWN, remainingFraction, at));
            }
        } else {
            for (int i = crossed - 1; i >= now; i--) {
                out.add(event(thresholds.get(i), BudgetPolicyEvent.UP, remainingFraction, at));
            }
        }
        crossed = now;
        return out;
    }

    private BudgetPolicyEvent event(final BudgetThreshold t, final String direction, final double remaining, final Instant at) {
        return new BudgetPolicyEvent(sloId, service, t.percent(), direction, remaining, t.action(), at, labels);
    }

}
