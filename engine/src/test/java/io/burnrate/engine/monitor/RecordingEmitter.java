package io.burnrate.engine.monitor;

import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.BudgetPolicyEvent;
import io.burnrate.schemas.ComplianceSummary;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An {@link Emitter} that keeps what a task evaluator emits, for tests that compare two evaluators. */
final class RecordingEmitter implements Emitter {
    final List<AlertTransition> alerts = new ArrayList<>();
    final List<BudgetPolicyEvent> policies = new ArrayList<>();
    final List<ComplianceSummary> summaries = new ArrayList<>();
    /** Status snapshots as text, only when asked for (taking a snapshot clears the monitor's changed flag). */
    final List<String> statuses = new ArrayList<>();
    private final boolean snapshots;

    RecordingEmitter(final boolean snapshots) {
        this.snapshots = snapshots;
    }

    /** Every monitor's status numbers (windows, budget, rule states), by SLO id. */
    static Map<String, String> numbers(final Collection<SloMonitor> monitors) {
        final Map<String, String> out = new TreeMap<>();
        for (final SloMonitor m : monitors) {
            out.put(m.spec().id(), m.snapshot().toString());
        }
        return out;
    }

    @Override
    public void alert(final AlertTransition t) {
        alerts.add(t);
    }

    @Override
    public void status(final SloMonitor m) {
        if (snapshots) {
            statuses.add(m.snapshot().toString());
        }
    }

    @Override
    public void policy(final BudgetPolicyEvent e) {
        policies.add(e);
    }

    @Override
    public void summary(final ComplianceSummary s) {
        summaries.add(s);
    }

    @Override
    public void removed(final String sloId) {
    }
}
