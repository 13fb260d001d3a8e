package io.burnrate.engine.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.burnrate.engine.monitor.SloMonitor;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.schemas.AlertTransition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The SRE Workbook's detection times for a 99.9 % SLO with the default policy at a
 * steady 10 req/s, computed by hand:
 *
 * <ul>
 *   <li>100 % errors from T: the 1h window holds 36,000 events, 10 of them bad per second,
 *       so its burn rate is 10t / 36,000 / 0.001 = t / 3.6, above 14.4 after 51.84 s.</li>
 *   <li>10 % errors: t / 36,000 / 0.001 = t / 36 above 14.4 after 518.4 s = 8.64 min.</li>
 *   <li>after the outage ends at E, the 5m window holds (300 - s) s of errors out of
 *       300 s; that stays above 1.44 % until s = 295.7 s: resolved by E + 5m10s.</li>
 * </ul>
 */
class DetectionTest {

    private static final SloSpec SLO = Specs.availability("checkout-availability", "checkout", 0);

    /** Feeds traffic to a monitor and collects its transitions. */
    private static final class Run {
        final SloMonitor monitor;
        final Traffic traffic;
        final List<AlertTransition> alerts = new ArrayList<>();

        Run(final SloSpec spec, final double perSecond) {
            monitor = new SloMonitor(spec);
            traffic = Traffic.of(spec.service(), perSecond, Traffic.T0);
        }

        Run feed(final Duration d, final LongPredicate bad) {
            traffic.forEach(d, bad, e -> {
                monitor.record(e.timestamp(), 1, e.bad() ? 1 : 0);
                monitor.evaluate(alerts::add);
            });
            return this;
        }

        List<AlertTransition> of(final String rule) {
            return alerts.stream().filter(a -> a.rule().equals(rule)).collect(Collectors.toList());
        }
    }

    /**
     * The history guard: 20 s of traffic at 10 req/s with 1 bad of 200 (0.5 %, burn 5 on
     * every window) would fire ticket-1d-2h (threshold 3) and ticket-3d-6h (threshold 1)
     * on a fresh SLO; they need 2 h and 6 h of history first, so nothing fires.
     */
    @Test
    void shouldNotFireOnTheNoiseOfAFreshSloWithSecondsOfHistory() {
        final Run run = new Run(SLO, 10).feed(Duration.ofSeconds(20), i -> i == 100);
        assertThat(run.monitor.burn(0)).as("burn rate of the 5m window").isCloseTo(5.0, within(1e-9));
        assertThat(run.alerts).isEmpty();
    }

    /**
     * A full outage from a fresh SLO's first request: the 1h/5m page's condition holds from
     * the first bad request (burn 1,000), but the rule starts firing only with 5 minutes of
     * history: at T + 5m exactly (one request per second, the one at T + 300 s).
     */
    @Test
    void shouldPageAFreshSloOnceItHasAsMuchHistoryAsTheShortWindow() {
        final Run run = new Run(SLO, 1).feed(Duration.ofMinutes(10), Traffic.all());
        final List<AlertTransition> page = run.of("page-1h-5m");
        assertThat(page).hasSize(1);
        assertThat(page.get(0).at()).isEqualTo(Traffic.T0.plusSeconds(300));
        // page-6h-30m needs 30 minutes of history: not yet
        assertThat(run.of("page-6h-30m")).isEmpty();
    }

    @Test
    void shouldPageAbout52SecondsIntoAFullOutage() {
        final Run run = new Run(SLO, 10).feed(Duration.ofHours(2), Traffic.none());
        final Instant t = Instant.ofEpochMilli(run.traffic.now());
        run.feed(Duration.ofMinutes(5), Traffic.all());

        final List<AlertTransition> page = run.of("page-1h-5m");
        assertThat(page).hasSize(1);
        assertThat(page.get(0).state()).isEqualTo("firing");
        final double seconds = Duration.between(t, page.get(0).at()).toMillis() / 1000.0;
        assertThat(seconds).isCloseTo(52.0, within(10.0));
        assertThat(page.get(0).burnRateLong()).isGreaterThan(14.4);
        assertThat(page.get(0).threshold()).isEqualTo(14.4);
    }

    @Test
    void shouldPageAbout8Point6MinutesIntoATenPercentErrorRate() {
        final Run run = new Run(SLO, 10).feed(Duration.ofHours(2), Traffic.none());
        final Instant t = Instant.ofEpochMilli(run.traffic.now());
        run.feed(Duration.ofMinutes(15), Traffic.everyNth(10));

        final List<AlertTransition> page = run.of("page-1h-5m");
        assertThat(page).hasSize(1);
        final double seconds = Duration.between(t, page.get(0).at()).toMillis() / 1000.0;
        assertThat(seconds).isCloseTo(518.4, within(518.4 * 0.02));
    }

    @Test
    void shouldResolveThePageWithinFiveMinutesTenSecondsOfTheOutageEnding() {
        final Run run = new Run(SLO, 10).feed(Duration.ofHours(2), Traffic.none())
                .feed(Duration.ofMinutes(10), Traffic.all());
        final Instant end = Instant.ofEpochMilli(run.traffic.now());
        run.feed(Duration.ofMinutes(20), Traffic.none());

        final List<AlertTransition> page = run.of("page-1h-5m");
        assertThat(page).extracting(AlertTransition::state).containsExactly("firing", "resolved");
        final AlertTransition resolved = page.get(1);
        assertThat(Duration.between(end, resolved.at())).isLessThanOrEqualTo(Duration.ofSeconds(310))
                .isGreaterThan(Duration.ofSeconds(280));
        assertThat(resolved.endsAt()).isEqualTo(resolved.at());
        assertThat(resolved.startsAt()).isEqualTo(page.get(0).at());
        assertThat(resolved.fingerprint()).isEqualTo(page.get(0).fingerprint());
    }

    @Test
    void shouldFireNothingOnHalfTheBudgetRateForThreeDays() {
        final Run run = new Run(SLO, 10).feed(Duration.ofDays(3), Traffic.everyNth(2000));
        assertThat(run.alerts).isEmpty();
        // 0.05 % errors over a 99.9 % objective: half the budget rate, measured exactly
        final int threeDays = run.monitor.counts().layout().indexOf(Duration.ofDays(3));
        assertThat(run.monitor.burn(threeDays)).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void shouldFireOnlyTheSlowTicketOnTwiceTheBudgetRate() {
        final Run run = new Run(SLO, 10).feed(Duration.ofDays(3), Traffic.everyNth(500));
        assertThat(run.alerts).extracting(AlertTransition::rule, AlertTransition::state)
                .containsExactly(Tuple.tuple("ticket-3d-6h", "firing"));
        assertThat(run.alerts.get(0).severity()).isEqualTo("ticket");
        // it fires as soon as it has 6 hours of history (the history guard): at T + 6h the 3d
        // window holds 216,001 requests (T included), 432 of them bad: 432 / 216,001 / 0.001
        assertThat(run.alerts.get(0).at()).isEqualTo(Traffic.T0.plus(Duration.ofHours(6)));
        assertThat(run.alerts.get(0).burnRateLong()).isCloseTo(432 / 216_001.0 / 0.001, within(1e-9));
    }

    @Test
    void shouldNeverPageAServiceBelowTheMinimumTraffic() {
        // 1 request every 10 s: 4 hours hold 1,440 events, below the 10,000 any long window needs
        final Run run = new Run(Specs.availability("quiet", "quiet", 10_000), 0.1)
                .feed(Duration.ofHours(2), Traffic.none())
                .feed(Duration.ofHours(2), Traffic.all());
        assertThat(run.alerts).isEmpty();
    }

    @Test
    void shouldPageTheSameServiceWhenItHasEnoughTraffic() {
        // the counterpart of the test above: same outage, 10 req/s = 36,000 per hour
        final Run run = new Run(Specs.availability("busy", "busy", 10_000), 10)
                .feed(Duration.ofHours(2), Traffic.none())
                .feed(Duration.ofHours(2), Traffic.all());
        assertThat(run.of("page-1h-5m")).extracting(AlertTransition::state).containsExactly("firing");
    }

    @Test
    void shouldReportTheNumbersBehindTheDecision() {
        final Run run = new Run(SLO, 10).feed(Duration.ofHours(2), Traffic.none())
                .feed(Duration.ofMinutes(5), Traffic.all());
        final AlertTransition a = run.of("page-1h-5m").get(0);
        assertThat(a.sloId()).isEqualTo("checkout-availability");
        assertThat(a.service()).isEqualTo("checkout");
        assertThat(a.longWindow()).isEqualTo(Duration.ofHours(1));
        assertThat(a.shortWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(a.objective()).isEqualTo(99.9);
        assertThat(a.endsAt()).isNull();
        assertThat(a.labels()).containsEntry("team", "payments").containsEntry("tier", "0");
        assertThat(a.annotations().runbookUrl()).isEqualTo("https://runbooks.example/checkout");
        assertThat(a.fingerprint()).matches("[0-9a-f]{16}");
        // budget: 30d window holds 2h52s of traffic = 72,520 events (+-50 at the bucket edge),
        // ~520 bad; allowed 72.5 -> about -6.2 left
        assertThat(a.errorBudgetRemaining()).isCloseTo(1 - 520.0 / 72.52, within(0.1));
        assertThat(a.timeToExhaustion()).isEqualTo(Duration.ZERO);
    }
}
