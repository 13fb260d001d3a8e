package io.burnrate.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.testing.Drivers;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.schemas.AlertTransition;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.TestOutputTopic;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A no-data rule through the production topology: checkout stops sending while search on
 * the same partition goes on, so the task's event time moves and the sweep finds checkout's
 * 10-minute window empty; checkout's next request resolves the alert.
 */
class NoDataAlertTopologyTest {

    private static final long T0 = Traffic.T0.toEpochMilli();

    @TempDir
    Path stateDir;

    private Drivers.Rig rig;

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    private static String slo(final String name, final String service, final String alerting) {
        return String.join("\n", "apiVersion: burnrate/v1", "kind: SLO", "metadata: {name: " + name + "}", "spec:",
                "  service: " + service, "  indicator: {availability: {}}", "  objective: 99.9", "  window: 30d",
                "  alerting: " + alerting, "");
    }

    private static String event(final String service, final long ts) {
        return "{\"service\":\"" + service + "\",\"timestamp\":" + ts + ",\"latencyMs\":5,\"status\":200}";
    }

    /**
     * checkout: one request a second over [T0, T0 + 59 s]. Its 10m window (600 one-second
     * buckets) at time t holds buckets floor(t / 1 s) - 599 .. floor(t / 1 s), so the last
     * request (bucket 59) leaves it at T0 + 659 s: the rule fires at the first sweep at or
     * after that, which search's request at T0 + 659 s triggers (one a second, so exactly
     * then). checkout's request at T0 + 700 s resolves it there.
     */
    @Test
    void shouldFireWhenAServiceStopsSendingAndResolveWithItsNextRequest() {
        rig = new Drivers.Rig(Drivers.CONFIG, stateDir, Instant.ofEpochMilli(T0));
        rig.apply(slo("checkout-availability", "checkout", "{noData: [{severity: ticket, after: 10m}]}"));
        rig.apply(slo("search-availability", "search", "{policy: google-30d}"));
        final TestOutputTopic<String, AlertTransition> alerts = rig.output(Drivers.CONFIG.alertsTopic(),
                AlertTransition.class);
        for (long t = T0; t < T0 + 60_000; t += 1000) {
            rig.send("checkout", event("checkout", t), t);
        }
        for (long t = T0; t < T0 + 658_000; t += 1000) {
            rig.send("search", event("search", t), t);
        }
        assertThat(alerts.readValuesToList()).as("checkout's last request is still in its 10m window").isEmpty();
        rig.send("search", event("search", T0 + 658_000), T0 + 658_000);
        assertThat(alerts.readValuesToList()).as("at T0 + 658 s").isEmpty();
        rig.send("search", event("search", T0 + 659_000), T0 + 659_000);
        final List<AlertTransition> fired = alerts.readValuesToList();
        assertThat(fired).hasSize(1);
        final AlertTransition f = fired.get(0);
        assertThat(f.sloId()).isEqualTo("checkout-availability");
        assertThat(f.rule()).isEqualTo("ticket-nodata-10m");
        assertThat(f.severity()).isEqualTo("ticket");
        assertThat(f.state()).isEqualTo(AlertTransition.FIRING);
        assertThat(f.at()).isEqualTo(Instant.ofEpochMilli(T0 + 659_000));
        // the fields schemas/src/test/resources/samples/valid-alert-no-data-firing.json shows
        assertThat(f.threshold()).isZero();
        assertThat(f.burnRateLong()).isZero();
        assertThat(f.burnRateShort()).isZero();
        assertThat(f.longWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(f.shortWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(f.timeToExhaustion()).isNull();
        assertThat(f.contributors()).isNull();
        assertThat(f.errorBudgetRemaining()).isEqualTo(1.0);
        assertThat(f.annotations().description()).isEqualTo("SLO checkout-availability (checkout, objective 99.9% over "
                + "30d): no request counted in the last 10m; a window without requests burns no error budget, so "
                + "burn-rate rules stay silent; 100% of the error budget left.");
        assertThat(f.annotations().summary()).isEqualTo("checkout-availability: ticket-nodata-10m firing, no requests "
                + "for 10m (the service may be down or its telemetry lost; no-data alert)");
        for (long t = T0 + 660_000; t < T0 + 700_000; t += 1000) {
            rig.send("search", event("search", t), t);
        }
        assertThat(alerts.readValuesToList()).as("still no checkout request").isEmpty();
        rig.send("checkout", event("checkout", T0 + 700_000), T0 + 700_000);
        final List<AlertTransition> resolved = alerts.readValuesToList();
        assertThat(resolved).extracting(AlertTransition::rule, AlertTransition::state, AlertTransition::at)
                .containsExactly(Tuple.tuple("ticket-nodata-10m", AlertTransition.RESOLVED,
                        Instant.ofEpochMilli(T0 + 700_000)));
    }
}
