package io.burnrate.engine.slo;

import java.time.Duration;
import java.util.Objects;

/**
 * A no-data alert rule (OpenSLO's {@code alertWhenNoData: true}; burnrate/v1
 * {@code spec.alerting.noData}): it fires once the SLO, which has counted requests
 * before, has seen none for {@code after}, and resolves with the next request. A burn-rate
 * rule cannot see an outage that stops the traffic (no requests burn no budget); this one
 * does.
 *
 * <p>Exactly: it holds at event time t when the window of length {@code after} ending at t
 * (the same bucket arithmetic as every window) counts no request. Silences (budget
 * exclusions) keep it from firing, as they do burn-rate rules. Like every rule it is
 * evaluated when the SLO's event time moves: on the task's other traffic, or by the idle
 * advance ({@code idle.advance.after}) when the whole partition is silent.
 */
public record NoDataAlert(Severity severity, Duration after) {

    /** The shortest {@code after}: a minute (windows are at least 1m). */
    public static final Duration MIN_AFTER = Duration.ofMinutes(1);

    public NoDataAlert {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(after, "after");
        if (after.compareTo(MIN_AFTER) < 0) {
            throw new IllegalArgumentException("noData after must be at least 1m, not " + Durations.format(after));
        }
    }

    /** {@code <severity>-nodata-<after>}, e.g. {@code ticket-nodata-30m}. */
    public String ruleName() {
        return severity.wire() + "-nodata-" + Durations.format(after);
    }
}
