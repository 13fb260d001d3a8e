package io.burnrate.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.loadtest.gen.Scenario;
import io.burnrate.schemas.AlertTransition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the latency benchmark attributes alert transitions to incidents (the bug of issue #16). */
class LatencyClassifyTest {

    private static final long T0 = 1_772_409_600_000L; // incidents start: 2026-03-02T00:00:00Z

    private static final List<Scenario.Incident> INCIDENTS = List.of(
            new Scenario.Incident("svc-a", Duration.ofMillis(500), Duration.ofSeconds(1), 0.5, 0, "incident 1"),
            new Scenario.Incident("svc-b", Duration.ofMillis(2_500), Duration.ofSeconds(1), 0.5, 0, "incident 2"));

    private static AlertWatcher.Seen seen(final String service, final String rule, final String state, final long at,
                                          final long read) {
        final AlertTransition a = new AlertTransition(service + "-availability", service, rule, "page", state,
                Instant.ofEpochMilli(at), Instant.ofEpochMilli(at), null, Duration.ofHours(1), Duration.ofMinutes(5),
                20, 20, 14.4, 0.999, 0.9, null, Map.of(), null, "fp");
        return new AlertWatcher.Seen(a, read);
    }

    @Test
    void aRuleAlreadyFiringFromTheWarmUpIsNotTheDetectionAndIsReportedOutside() {
        // the re-run of issue #16: svc-a's slow rule fired on warm-up noise 24 s before its incident
        final AlertWatcher.Seen warmUp = seen("svc-a", "ticket-3d", AlertTransition.FIRING, T0 - 24_000, T0 - 23_900);
        // incident 1 starts at T0 + 500; the fast rule fires on an event at T0 + 700, read at T0 + 950
        final AlertWatcher.Seen fast = seen("svc-a", "page-1h", AlertTransition.FIRING, T0 + 700, T0 + 950);
        // the warm-up rule fires again after the incident start: it was firing at the start, so it does not count
        final AlertWatcher.Seen again = seen("svc-a", "ticket-3d", AlertTransition.FIRING, T0 + 600, T0 + 800);
        // incident 2 starts at T0 + 2,500; detected at T0 + 2,650, read at T0 + 3,000
        final AlertWatcher.Seen b = seen("svc-b", "page-1h", AlertTransition.FIRING, T0 + 2_650, T0 + 3_000);

        final LatencyBench.Classified c = LatencyBench.classify(INCIDENTS, T0, List.of(b, again, fast, warmUp));

        assertThat(c.detections()).containsExactly(fast, b);
        // latencies: 950 − 700 = 250 ms and 3,000 − 2,650 = 350 ms (not −24 s)
        assertThat(c.detections().get(0).readWallMs() - c.detections().get(0).alert().at().toEpochMilli())
                .isEqualTo(250);
        assertThat(c.attributed().get(0)).containsExactly(fast);
        assertThat(c.outside()).containsExactly(warmUp);
    }

    @Test
    void aRuleThatResolvedBeforeTheStartCountsWhenItFiresAgain() {
        final AlertWatcher.Seen fired = seen("svc-a", "page-1h", AlertTransition.FIRING, T0 - 10_000, T0 - 9_900);
        final AlertWatcher.Seen resolved = seen("svc-a", "page-1h", AlertTransition.RESOLVED, T0 - 5_000, T0 - 4_900);
        final AlertWatcher.Seen refired = seen("svc-a", "page-1h", AlertTransition.FIRING, T0 + 800, T0 + 900);

        final LatencyBench.Classified c = LatencyBench.classify(INCIDENTS, T0, List.of(fired, resolved, refired));

        assertThat(c.detections()).containsExactly(refired, null);
        assertThat(c.outside()).containsExactly(fired);
    }

    @Test
    void firingOnAServiceWithoutAnIncidentIsOutsideAndATransitionBeforeTheStartIsNeverADetection() {
        final AlertWatcher.Seen other = seen("svc-z", "page-1h", AlertTransition.FIRING, T0 + 1_000, T0 + 1_100);
        // svc-b's incident starts at T0 + 2,500: a firing at T0 + 2,000 is before it
        final AlertWatcher.Seen early = seen("svc-b", "page-1h", AlertTransition.FIRING, T0 + 2_000, T0 + 2_100);

        final LatencyBench.Classified c = LatencyBench.classify(INCIDENTS, T0, List.of(other, early));

        assertThat(c.detections()).containsExactly(null, null);
        assertThat(c.outside()).containsExactly(other, early);
    }
}
