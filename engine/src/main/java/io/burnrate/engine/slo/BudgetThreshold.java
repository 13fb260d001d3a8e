package io.burnrate.engine.slo;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A threshold in percent of the error budget, with an optional action word and what the
 * release gate ({@code GET /api/v1/gate}) does while the budget is at or below it.
 *
 * @param gate {@link Gate#BLOCK} (deny releases), {@link Gate#WARN} (allow, with the
 *             threshold as a warning) or null when the spec does not say; see
 *             {@link #effectiveGate(List)} for the default
 */
public record BudgetThreshold(double percent, String action, Gate gate) {

    /** What an action word may look like. */
    public static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    /** Thresholds of an SLO that names none: 50, 25, 10 and 0 %. */
    public static final List<BudgetThreshold> DEFAULTS = List.of(of(50), of(25), of(10), of(0));

    /** What the release gate does while the budget is at or below a threshold. */
    public enum Gate {
        BLOCK, WARN;

        /** The spelling in SLO files: {@code block}, {@code warn}. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The gate named {@code word}, or null. */
        public static Gate parse(final String word) {
            for (final Gate g : values()) {
                if (g.wire().equals(word)) {
                    return g;
                }
            }
            return null;
        }
    }

    public BudgetThreshold {
        if (!(percent >= 0 && percent < 100)) {
            throw new IllegalArgumentException("threshold must be a percentage from 0 to below 100, not " + percent);
        }
        if (action != null && !ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException("action must be a word such as freeze-releases "
                    + "(lowercase letters, digits, dashes), not '" + action + "'");
        }
    }

    public BudgetThreshold(final double percent, final String action) {
        this(percent, action, null);
    }

    public static BudgetThreshold of(final double percent) {
        return new BudgetThreshold(percent, null, null);
    }

    public static BudgetThreshold of(final double percent, final String action) {
        return new BudgetThreshold(percent, action, null);
    }

    /** percent / 100, in decimal (25 gives exactly 0.25). */
    public double fraction() {
        return BigDecimal.valueOf(percent).movePointLeft(2).doubleValue();
    }

    /**
     * The gate of each threshold as the release gate applies it. Where no threshold of the
     * list says {@code gate}, the SRE Workbook's error-budget policy applies: releases
     * freeze when the budget is spent, so a 0 % threshold blocks and every other one
     * warns (and an SLO without a 0 % threshold still blocks at 0 %: see
     * {@link #blocksWhenSpent(List)}). Once any threshold says {@code gate}, the list is
     * taken as written and a threshold without one warns.
     */
    public static Gate effectiveGate(final BudgetThreshold t, final List<BudgetThreshold> all) {
        if (t.gate() != null) {
            return t.gate();
        }
        final boolean anyStated = all.stream().anyMatch(x -> x.gate() != null);
        return !anyStated && t.percent() == 0 ? Gate.BLOCK : Gate.WARN;
    }

    /** Whether a spent budget (0 % or less left) blocks although no 0 % threshold is listed: the default policy. */
    public static boolean blocksWhenSpent(final List<BudgetThreshold> all) {
        return all.stream().noneMatch(x -> x.gate() != null || x.percent() == 0);
    }
}
