package io.burnrate.engine.monitor;

import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.BudgetPolicyEvent;
import io.burnrate.schemas.ComplianceSummary;

/** What a task's evaluation puts out, one typed method per output topic. */
public interface Emitter {

    void alert(AlertTransition transition);

    /** A status snapshot of {@code monitor} is due (on a transition, or its status interval). */
    void status(SloMonitor monitor);

    void policy(BudgetPolicyEvent event);

    void summary(ComplianceSummary summary);

    /** SLO {@code sloId} was deleted: whatever shows its state should stop. */
    void removed(String sloId);
}
