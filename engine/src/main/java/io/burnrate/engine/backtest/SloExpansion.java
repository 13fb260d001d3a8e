package io.burnrate.engine.backtest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.slo.SloValidationException;
import io.burnrate.engine.slo.v1.SloSpecParser;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The one-pass trick: every (SLO, policy) pair becomes an SLO of its own (same service,
 * selector, indicator, objective and window; alert windows from the policy; id
 * {@code <slo>.<policy>}), so one replay evaluates every policy. Counts do not depend on
 * the policy, so each expanded SLO sees exactly the windows it would see alone, and its
 * transitions are those of a separate replay under that policy ({@code BacktestTest}
 * checks it).
 */
final class SloExpansion {

    /** One expanded SLO: which SLO and which policy (index into the policy list) it stands for. */
    record Member(SloSpec original, int policy, SloSpec expanded) {
    }

    /** The SLOs to replay and, by expanded id, what each stands for. */
    record Expanded(List<SloSpecParser.Parsed> slos, Map<String, Member> members) {
    }

    private SloExpansion() {
    }

    /**
     * Expands {@code slos} under {@code policies}.
     *
     * @throws IllegalArgumentException when a policy does not fit an SLO (e.g. a long window longer than the
     *                                  SLO window), naming both
     */
    static Expanded expand(final List<SloSpecParser.Parsed> slos, final List<BacktestPolicy> policies) {
        return expand(slos, policies, false);
    }

    /**
     * Expands {@code slos} under {@code policies}; with {@code unguarded}, every copy has a
     * twin {@code <slo>.<policy>.unguarded} with {@code spec.alerting.historyGuard: false}
     * (its spans are told apart by {@link SloSpec#historyGuard()}), which shows what the
     * history guard costs in time to detect.
     */
    static Expanded expand(final List<SloSpecParser.Parsed> slos, final List<BacktestPolicy> policies,
                           final boolean unguarded) {
        final Set<String> taken = new HashSet<>();
        slos.forEach(p -> taken.add(p.spec().id()));
        final List<SloSpecParser.Parsed> out = new ArrayList<>();
        final Map<String, Member> members = new LinkedHashMap<>();
        for (final SloSpecParser.Parsed slo : slos) {
            for (int i = 0; i < policies.size(); i++) {
                final BacktestPolicy policy = policies.get(i);
                final String id = id(slo.spec().id(), policy.name(), i, taken);
                final ObjectNode doc = slo.document().deepCopy();
                object(doc, "metadata").put("name", id);
                if (policy.policy() != null) {
                    object(object(doc, "spec"), "alerting").set("policy", policy.policy().deepCopy());
                }
                final SloSpec spec;
                try {
                    spec = SloSpecParser.parseJson(SloSpecParser.toJson(doc), "policy " + policy.name());
                } catch (SloValidationException e) {
                    throw new IllegalArgumentException("policy " + policy.name() + " does not fit SLO "
                            + SloSpecParser.quote(slo.spec().id()) + ": " + String.join("; ", e.problems()));
                }
                out.add(new SloSpecParser.Parsed(spec, doc));
                members.put(id, new Member(slo.spec(), i, spec));
                if (unguarded) {
                    final String twinId = id(id, "unguarded", i, taken);
                    final ObjectNode twin = doc.deepCopy();
                    object(twin, "metadata").put("name", twinId);
                    object(object(twin, "spec"), "alerting").put("historyGuard", false);
                    final SloSpec twinSpec;
                    try {
                        twinSpec = SloSpecParser.parseJson(SloSpecParser.toJson(twin), "policy " + policy.name());
                    } catch (SloValidationException e) {
                        throw new IllegalArgumentException("policy " + policy.name() + " without the history guard "
                                + "does not fit SLO " + SloSpecParser.quote(slo.spec().id()) + ": "
                                + String.join("; ", e.problems()));
                    }
                    out.add(new SloSpecParser.Parsed(twinSpec, twin));
                    members.put(twinId, new Member(slo.spec(), i, twinSpec));
                }
            }
        }
        return new Expanded(List.copyOf(out), Collections.unmodifiableMap(members));
    }

    /** The object under {@code field}, made when missing or not an object. */
    private static ObjectNode object(final ObjectNode parent, final String field) {
        if (parent.get(field) instanceof ObjectNode o) {
            return o;
        }
        return parent.putObject(field);
    }

    /** {@code <slo>.<policy>} in the SLO name alphabet, unique among all ids. */
    private static String id(final String slo, final String policy, final int index, final Set<String> taken) {
        String suffix = policy.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        if (suffix.isEmpty()) {
            suffix = "p" + index;
        }
        String id = slo + "." + suffix;
        if (!taken.add(id)) {
            id = slo + "." + suffix + "-" + index;
            if (!taken.add(id)) {
                throw new IllegalArgumentException("cannot name the copy of SLO " + slo + " under policy " + policy
                        + ": " + id + " is taken");
            }
        }
        if (id.length() > 253) {
            throw new IllegalArgumentException("SLO name " + SloSpecParser.quote(slo) + " is too long to add the policy "
                    + "name " + policy + " (the copies are named <slo>.<policy>, at most 253 characters)");
        }
        return id;
    }
}
