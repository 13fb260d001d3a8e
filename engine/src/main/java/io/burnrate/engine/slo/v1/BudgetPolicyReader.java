package io.burnrate.engine.slo.v1;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.slo.BudgetThreshold;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code spec.budgetPolicy: {thresholds: [{percent: 50}, {percent: 0, action: freeze-releases, gate: block}]}}.
 */
final class BudgetPolicyReader {

    private BudgetPolicyReader() {
    }

    /** The thresholds; {@link BudgetThreshold#DEFAULTS} when absent; the valid ones when some are not. */
    static List<BudgetThreshold> read(final JsonNode node, final FieldReader f) {
        final List<BudgetThreshold> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return BudgetThreshold.DEFAULTS;
        }
        if (!node.isObject()) {
            f.problem("spec.budgetPolicy", "must be a mapping {thresholds: [...]}");
            return out;
        }
        f.allowOnly(node, "spec.budgetPolicy.", "thresholds");
        final JsonNode list = node.path("thresholds");
        if (!list.isArray() || list.isEmpty()) {
            f.problem("spec.budgetPolicy.thresholds", "must be a non-empty list of {percent, action}");
            return out;
        }
        final Set<Double> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            final JsonNode t = list.get(i);
            final String path = "spec.budgetPolicy.thresholds[" + i + "]";
            if (!t.isObject()) {
                f.problem(path, "must be a mapping {percent, action}");
                continue;
            }
            f.allowOnly(t, path + ".", "percent", "action", "gate");
            if (!t.has("percent")) {
                f.problem(path + ".percent", "is required");
                continue;
            }
            final double percent = f.number(t, "percent", path + ".percent", Double.NaN, 0, 100);
            final String action = f.text(t, "action", false, path + ".action");
            final String gateWord = f.text(t, "gate", false, path + ".gate");
            final BudgetThreshold.Gate gate = gateWord == null ? null : BudgetThreshold.Gate.parse(gateWord);
            if (gateWord != null && gate == null) {
                f.problem(path + ".gate", "must be block (deny releases while the budget is at or below the threshold) "
                        + "or warn (allow, with a warning), not '" + gateWord + "'");
                continue;
            }
            if (Double.isNaN(percent)) {
                continue;
            }
            if (!seen.add(percent)) {
                f.problem(path + ".percent", "threshold " + percent + " appears twice");
                continue;
            }
            try {
                out.add(new BudgetThreshold(percent, action, gate));
            } catch (IllegalArgumentException e) {
                f.problem(path, e.getMessage());
            }
        }
        return out;
    }
}
