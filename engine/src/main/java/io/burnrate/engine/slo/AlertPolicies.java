package io.burnrate.engine.slo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Named alert policies. {@code google-30d} is the SRE Workbook's multi-window,
 * multi-burn-rate table (chapter 5, "Alerting on SLOs"): for a 30-day window it yields
 * burn rates 14.4, 6, 3 and 1.
 */
public final class AlertPolicies {

    public static final String DEFAULT = "google-30d";

    private static final Map<String, List<AlertWindow>> CATALOG = Map.of(
            DEFAULT, List.of(
                    new AlertWindow(Severity.PAGE, 2, Duration.ofHours(1), Duration.ofMinutes(5)),
                    new AlertWindow(Severity.PAGE, 5, Duration.ofHours(6), Duration.ofMinutes(30)),
                    new AlertWindow(Severity.TICKET, 10, Duration.ofDays(1), Duration.ofHours(2)),
                    new AlertWindow(Severity.TICKET, 10, Duration.ofDays(3), Duration.ofHours(6))));

    private AlertPolicies() {
    }

    public static Optional<List<AlertWindow>> named(final String name) {
        return Optional.ofNullable(CATALOG.get(name));
    }

    public static Set<String> names() {
        return CATALOG.keySet();
    }
}
