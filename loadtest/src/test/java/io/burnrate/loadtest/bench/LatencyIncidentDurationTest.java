package io.burnrate.loadtest.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The latency benchmark's incident length when none is given: long enough for the page to fire on every incident. */
class LatencyIncidentDurationTest {

    /**
     * Defaults: the last of 24 incidents 2 s apart starts 20 + 0.5 + 46 = 66.5 s into the
     * traffic; at 50 % errors d must satisfy 0.5 d >= 0.0288 (66.5 + d), so
     * d >= 1.9152 / 0.4712 = 4.06: 5 s. At 100 % errors 1.9152 / 0.9712 = 1.97: 2 s.
     */
    @Test
    void shouldBurnTwiceThePagesShareOfTheHourBeforeTheLastIncident() {
        final LatencyBench.Options o = new LatencyBench.Options();
        assertThat(LatencyBench.autoIncidentDuration(o)).isEqualTo(Duration.ofSeconds(5));
        o.incidentErrorRate = 1;
        assertThat(LatencyBench.autoIncidentDuration(o)).isEqualTo(Duration.ofSeconds(2));
        o.incidents = 1;
        o.incidentErrorRate = 0.5;
        // 20.5 s before: 0.0288 x 20.5 / 0.4712 = 1.25: 2 s
        assertThat(LatencyBench.autoIncidentDuration(o)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void shouldRefuseAnErrorRateThatCannotFireThePage() {
        final LatencyBench.Options o = new LatencyBench.Options();
        o.incidentErrorRate = 0.02;
        assertThatThrownBy(() -> LatencyBench.autoIncidentDuration(o)).hasMessageContaining("give --incident-duration");
    }
}
