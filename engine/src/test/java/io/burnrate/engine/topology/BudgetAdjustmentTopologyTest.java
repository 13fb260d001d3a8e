package io.burnrate.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.testing.Drivers;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.ComplianceSummary;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A weekly maintenance window ({@code spec.budgetAdjustments}, Sundays 02:00-04:00 UTC)
 * with a full outage inside every occurrence: the month's summary leaves exactly the
 * window's requests out, and no alert fires, where the same traffic without the window
 * pages five times.
 *
 * <pre>
 * March 2026, UTC: 31 x 1,440 = 44,640 minutes, one request per minute, k = 0 .. 44,639
 * Sundays: 1, 8, 15, 22, 29 March (days d = 0, 7, 14, 21, 28); window minutes of day d:
 *   [d x 1,440 + 120, d x 1,440 + 240): 5 x 120 = 600 requests, all bad (the outage)
 * also bad: k with k mod 1,000 = 999 (999, 1,999 .. 43,999): 44, none inside a window
 * with the window:    total 44,640 - 600 = 44,040, bad 44, sli = 43,996 / 44,040
 * without the window: total 44,640, bad 644
 * </pre>
 */
class BudgetAdjustmentTopologyTest {

    @TempDir
    Path dir;

    private static final Instant MARCH = Instant.parse("2026-03-01T00:00:00Z");

    private static String slo(final String adjustments) {
        return String.join("\n",
                "apiVersion: burnrate/v1",
                "kind: SLO",
                "metadata: {name: api-availability}",
                "spec:",
                "  service: api",
                "  indicator: {availability: {badStatusMin: 500}}",
                "  objective: 99",
                "  window: {calendar: month, timeZone: UTC}",
                "  alerting:",
                "    policy: [{severity: page, budgetPercent: 2, longWindow: 1h, shortWindow: 5m}]",
                adjustments,
                "");
    }

    private record Run(ComplianceSummary month, List<AlertTransition> alerts) {
    }

    private Run replayMarch(final String yaml, final String subdir) {
        try (Drivers.Rig rig = new Drivers.Rig(dir.resolve(subdir))) {
            rig.apply(yaml);
            final var compliance = rig.output(Drivers.CONFIG.complianceTopic(), ComplianceSummary.class);
            final var alerts = rig.output(Drivers.CONFIG.alertsTopic(), AlertTransition.class);
            for (int k = 0; k < 44_640; k++) {
                final boolean inWindow = (k / 1440) % 7 == 0 && k % 1440 >= 120 && k % 1440 < 240;
                final boolean bad = inWindow || k % 1000 == 999;
                send(rig, MARCH.plusSeconds(60L * k), bad ? 503 : 200);
            }
            // April, past the grace: March closes
            send(rig, Instant.parse("2026-04-01T00:10:00Z"), 200);
            final ComplianceSummary month = compliance.readValuesToList().stream()
                    .filter(s -> s.period().kind().equals("month")).findFirst().orElseThrow();
            return new Run(month, alerts.readValuesToList());
        }
    }

    private static void send(final Drivers.Rig rig, final Instant at, final int status) {
        rig.send("api", "{\"service\":\"api\",\"timestamp\":\"" + at + "\",\"latencyMs\":10,\"status\":" + status + "}",
                at.toEpochMilli());
    }

    @Test
    void shouldLeaveTheMaintenanceWindowsOutOfTheMonthAndNotAlertInsideThem() {
        final Run adjusted = replayMarch(slo(String.join("\n",
                "  budgetAdjustments:",
                "    - {name: sunday-maintenance, firstEventStart: \"2026-03-01T02:00\", duration: 2h, timeZone: UTC,",
                "       rrule: \"FREQ=WEEKLY;BYDAY=SU\"}")), "adjusted");
        assertThat(adjusted.month().period().start()).isEqualTo(MARCH);
        assertThat(adjusted.month().total()).isEqualTo(44_040);
        assertThat(adjusted.month().bad()).isEqualTo(44);
        assertThat(adjusted.month().sli()).isEqualTo(43_996.0 / 44_040);
        assertThat(adjusted.alerts()).as("no alert inside the windows").isEmpty();

        final Run plain = replayMarch(slo(""), "plain");
        assertThat(plain.month().total()).isEqualTo(44_640);
        assertThat(plain.month().bad()).isEqualTo(644);
        assertThat(plain.alerts()).filteredOn(a -> a.state().equals("firing")).hasSize(5);
    }
}
