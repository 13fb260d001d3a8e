package io.burnrate.engine.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.burnrate.engine.alert.AlertStateMachine;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.schemas.BudgetPolicyEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SloMonitorTest {

    @Test
    void shouldBurnTheBudgetDownHourByHourOverTheSloWindow() {
        final SloMonitor m = new SloMonitor(Specs.availability("checkout-availability", "checkout", 0));
        final Traffic t = Traffic.of("checkout", 1, Traffic.T0);
        t.forEach(Duration.ofHours(2), Traffic.none(), e -> m.record(e.timestamp(), 1, 0));
        t.forEach(Duration.ofHours(1), Traffic.everyNth(100), e -> m.record(e.timestamp(), 1, e.bad() ? 1 : 0));

        final BurnDown burnDown = m.burnDown();
        final float[] left = burnDown.remaining();
        // 30d at 1 h buckets, drawn from the first with traffic: the three hours of traffic
        assertThat(left).hasSize(3);
        assertThat(burnDown.starts()[0]).isEqualTo(Traffic.T0.toEpochMilli());
        assertThat(burnDown.step()).isEqualTo(Duration.ofHours(1).toMillis());
        assertThat(left[0]).isEqualTo(1.0f);
        assertThat(left[1]).isEqualTo(1.0f);
        // 10,800 events allow 10.8 bad; the third hour had 36: 1 - 36 / 10.8
        assertThat((double) left[2]).isCloseTo(1 - 36 / 10.8, within(1e-5));
        assertThat(m.budgetRemaining()).isCloseTo(1 - 36 / 10.8, within(1e-9));
    }

    /**
     * A calendar SLO derives thresholds from the current period: page 2 % within 1 h is
     * 0.02 x 743 h = 14.86 in New York's March (DST: 743 hours), 0.02 x 672 h = 13.44 in
     * February; the budget is February's so far: 2,000 requests, 1 bad at 99.9 % leaves
     * 1 - 1 / 2 = 0.5.
     */
    @Test
    void shouldDeriveCalendarThresholdsFromTheCurrentPeriodLength() throws Exception {
        final String yaml = String.join("\n", "apiVersion: burnrate/v1", "kind: SLO", "metadata: {name: api}", "spec:",
                "  service: api", "  indicator: {availability: {}}", "  objective: 99.9",
                "  window: {calendar: month, timeZone: America/New_York}",
                "  alerting: {policy: [{severity: page, budgetPercent: 2, longWindow: 1h, shortWindow: 5m}]}", "");
        final SloMonitor m = new SloMonitor(SloSpecParser.parseYaml(yaml, "s.yaml").get(0).spec());
        final long feb = Instant.parse("2026-02-10T12:00:00Z").toEpochMilli();
        for (int i = 0; i < 2000; i++) {
            m.record(feb + i * 1000L, 1, i == 7 ? 1 : 0, 5);
        }
        assertThat(m.threshold(0)).isCloseTo(13.44, within(1e-9));
        assertThat(m.budgetRemaining()).isCloseTo(0.5, within(1e-9));
        assertThat(m.budgetWindow()).isEqualTo(Duration.ofDays(28));
        // burn-down within February (from local midnight, 05:00Z), from its first hour with traffic: 12:00Z on the 10th
        final BurnDown burnDown = m.burnDown();
        final float[] left = burnDown.remaining();
        assertThat(left).hasSize(1);
        assertThat(burnDown.starts()[0]).isEqualTo(Instant.parse("2026-02-10T12:00:00Z").toEpochMilli());
        assertThat(left[0]).isEqualTo(0.5f);
        m.record(Instant.parse("2026-02-10T14:10:00Z").toEpochMilli(), 1, 0, 5);
        // 12:00, the empty 13:00 and 14:00: 2,001 requests allow 2.001 bad, 1 spent
        assertThat(m.burnDown().remaining()).hasSize(3);
        assertThat((double) m.burnDown().remaining()[1]).isCloseTo(1 - 1 / 2.001, within(1e-6));
        m.advanceTo(Instant.parse("2026-03-15T12:00:00Z").toEpochMilli());
        m.settleCompliance(s -> { });
        assertThat(m.threshold(0)).isCloseTo(14.86, within(1e-9));
        assertThat(m.budgetWindow()).isEqualTo(Duration.ofHours(743));
        assertThat(m.budgetRemaining()).as("a new month, no traffic yet").isEqualTo(1.0);
    }

    /**
     * A machine restored from the store (which keeps only firing and firingSince) or carried
     * into a redefinition takes its rule's hold time; the pending wait starts again.
     */
    @Test
    void shouldGiveRestoredAndCarriedMachinesTheHoldTimeOfTheirRule() {
        final String yaml = Specs.availabilityYaml("checkout-availability", "checkout", 0).replace("policy: google-30d",
                "policy: [{severity: page, budgetPercent: 2, longWindow: 1h, shortWindow: 5m, alertAfter: 2m}]");
        final SloMonitor m = new SloMonitor(Specs.parse(yaml).get(0).spec());
        assertThat(m.machine(0).holdMs()).isEqualTo(120_000);
        m.restoreMachine(0, new AlertStateMachine(true, 42L));
        assertThat(m.machine(0).holdMs()).isEqualTo(120_000);
        assertThat(m.machine(0).firing()).isTrue();
        assertThat(m.machine(0).firingSince()).isEqualTo(42L);
        // the same rule (page-1h-5m) with another hold keeps its state under the new hold
        final SloMonitor next = m.redefine(Specs.parse(yaml.replace("alertAfter: 2m", "alertAfter: 3m")).get(0).spec(),
                t -> { });
        assertThat(next.machine(0).holdMs()).isEqualTo(180_000);
        assertThat(next.machine(0).firing()).isTrue();
        assertThat(next.machine(0).firingSince()).isEqualTo(42L);
    }

    /**
     * The budget policy's history guard: google-30d's shortest short window is 5m, so a
     * fresh SLO reports no threshold crossing before it holds 5 minutes of requests. One
     * request a second, every 10th bad (100x the 99.9 % budget rate): the remaining budget is
     * below 0 from the 10th request on (1 - 0.1 / 0.001 = -99), yet nothing is reported for the
     * first 300 s; at 300 s of history all four default thresholds (50, 25, 10, 0) go down at
     * once, and never again while it stays spent.
     */
    @Test
    void shouldReportNoBudgetCrossingBeforeTheShortestShortWindowOfHistory() {
        final SloMonitor m = new SloMonitor(Specs.availability("checkout-availability", "checkout", 0));
        final List<BudgetPolicyEvent> events = new ArrayList<>();
        final long t0 = Traffic.T0.toEpochMilli();
        for (int i = 0; i < 300; i++) {
            m.record(t0 + i * 1000L, 1, i % 10 == 9 ? 1 : 0, 5);
            m.observeBudget(events::add);
        }
        assertThat(m.budgetRemaining()).isLessThan(0);
        assertThat(events).as("299 s of history: noise, not a crossing").isEmpty();
        for (int i = 300; i < 400; i++) {
            m.record(t0 + i * 1000L, 1, i % 10 == 9 ? 1 : 0, 5);
            m.observeBudget(events::add);
        }
        assertThat(events).extracting(e -> e.threshold() + " " + e.direction())
                .containsExactly("50.0 down", "25.0 down", "10.0 down", "0.0 down");
        assertThat(events.get(0).at()).isEqualTo(Traffic.T0.plusSeconds(300));
    }
}
