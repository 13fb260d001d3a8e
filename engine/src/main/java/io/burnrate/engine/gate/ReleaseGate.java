package io.burnrate.engine.gate;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.BudgetThreshold;
import io.burnrate.engine.slo.Numbers;
import io.burnrate.engine.slo.Severity;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.schemas.StatusSnapshot;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The release gate: may a service ship now? Each SLO answers from its latest status
 * (the remaining error budget and the firing rules) against its budget-policy thresholds
 * ({@code spec.budgetPolicy.thresholds[].gate}, see {@link BudgetThreshold#effectiveGate}):
 * {@code deny} while the budget is at or below a blocking threshold, {@code allow}
 * otherwise (warning thresholds crossed and firing pages are listed as reasons), and
 * {@code unknown} while the SLO has no status (no event seen yet, or its instance is
 * down). A service's answer is its SLOs' answers combined: deny if one denies, else
 * unknown if one cannot tell, else allow.
 *
 * <p>A threshold counts as crossed while the remaining budget fraction is at or below
 * {@code percent / 100}, as in {@code compliance.BudgetPolicy}, but without its one-point
 * hysteresis: the gate opens again as soon as the budget is back above the threshold.
 */
public final class ReleaseGate {

    /** The answer; {@link #wire()} is its name in JSON. */
    public enum Decision {
        ALLOW, DENY, UNKNOWN;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A crossed threshold, as the answer lists it. */
    @JsonPropertyOrder({"percent", "action", "gate"})
    public record Threshold(double percent, String action, String gate) {
    }

    /** One SLO's answer. */
    @JsonPropertyOrder({"slo", "service", "decision", "errorBudgetRemaining", "at", "blocking", "warning", "firingPages",
            "reason"})
    public record SloAnswer(String slo, String service, String decision, Double errorBudgetRemaining, Instant at,
                            List<Threshold> blocking, List<Threshold> warning, List<String> firingPages, String reason) {
    }

    /** The answer for a service or one SLO: {@code allow} is true exactly when {@code decision} is {@code allow}. */
    @JsonPropertyOrder({"decision", "allow", "service", "slo", "reason", "slos"})
    public record Answer(String decision, boolean allow, String service, String slo, String reason,
                         List<SloAnswer> slos) {
    }

    private ReleaseGate() {
    }

    /** The answer of one SLO; {@code status} null when it has none. */
    public static SloAnswer evaluate(final SloSpec spec, final StatusSnapshot status) {
        if (status == null || Double.isNaN(status.errorBudgetRemaining())) {
            return new SloAnswer(spec.id(), spec.service(), Decision.UNKNOWN.wire(), null, null, List.of(), List.of(),
                    List.of(), spec.id() + ": no status yet (no event of this SLO seen since the engine started, "
                    + "or the instance that owns it does not answer)");
        }
        final double remaining = status.errorBudgetRemaining();
        final List<Threshold> blocking = new ArrayList<>();
        final List<Threshold> warning = new ArrayList<>();
        final List<BudgetThreshold> all = new ArrayList<>(spec.budgetThresholds());
        all.sort((a, b) -> Double.compare(b.percent(), a.percent()));
        for (final BudgetThreshold t : all) {
            if (remaining <= t.fraction()) {
                final BudgetThreshold.Gate gate = BudgetThreshold.effectiveGate(t, all);
                (gate == BudgetThreshold.Gate.BLOCK ? blocking : warning)
                        .add(new Threshold(t.percent(), t.action(), gate.wire()));
            }
        }
        if (remaining <= 0 && BudgetThreshold.blocksWhenSpent(all)) {
            blocking.add(new Threshold(0, null, BudgetThreshold.Gate.BLOCK.wire()));
        }
        final Set<String> pageRules = new HashSet<>();
        for (final AlertWindow w : spec.alerts()) {
            if (w.severity() == Severity.PAGE) {
                pageRules.add(w.ruleName());
            }
        }
        final List<String> pages = status.firing() == null ? List.of()
                : status.firing().stream().filter(pageRules::contains).sorted().toList();
        final Decision decision = blocking.isEmpty() ? Decision.ALLOW : Decision.DENY;
        final StringBuilder reason = new StringBuilder(spec.id()).append(": ").append(percent(remaining))
                .append(" of the error budget left");
        if (!blocking.isEmpty()) {
            reason.append(", at or below the blocking threshold ").append(describe(blocking.get(blocking.size() - 1)));
        }
        if (!warning.isEmpty()) {
            reason.append(blocking.isEmpty() ? ", " : "; ").append("below the warning threshold ")
                    .append(describe(warning.get(warning.size() - 1)));
        }
        if (!pages.isEmpty()) {
            reason.append("; paging: ").append(String.join(", ", pages));
        }
        return new SloAnswer(spec.id(), spec.service(), decision.wire(), remaining, status.at(), List.copyOf(blocking),
                List.copyOf(warning), pages, reason.toString());
    }

    /**
     * The answer for a service ({@code slo} null) or one SLO ({@code service} null) from its
     * SLOs' answers; {@code unknown} when there are none.
     */
    public static Answer combine(final String service, final String slo, final List<SloAnswer> answers) {
        if (answers.isEmpty()) {
            return new Answer(Decision.UNKNOWN.wire(), false, service, slo, service != null
                    ? "no SLO is defined for service " + service : "no SLO named " + slo, List.of());
        }
        final Decision decision = answers.stream().anyMatch(a -> a.decision().equals(Decision.DENY.wire())) ? Decision.DENY
                : answers.stream().anyMatch(a -> a.decision().equals(Decision.UNKNOWN.wire())) ? Decision.UNKNOWN
                : Decision.ALLOW;
        final List<String> reasons = new ArrayList<>();
        for (final SloAnswer a : answers) {
            if (decision == Decision.ALLOW || a.decision().equals(decision.wire())) {
                reasons.add(a.reason());
            }
        }
        return new Answer(decision.wire(), decision == Decision.ALLOW, service, slo,
                decision.wire() + ": " + String.join("; ", reasons), List.copyOf(answers));
    }

    /** A budget fraction as a percentage with at most two decimals: 0.25 → 25%, -0.1234 → -12.34%. */
    static String percent(final double fraction) {
        return Numbers.plain(BigDecimal.valueOf(fraction).movePointRight(2).setScale(2, RoundingMode.HALF_EVEN)
                .doubleValue()) + "%";
    }

    private static String describe(final Threshold t) {
        return Numbers.plain(t.percent()) + "%" + (t.action() == null ? "" : " (" + t.action() + ")");
    }
}
