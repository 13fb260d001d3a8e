package io.burnrate.engine.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Time in alert is the union of the intervals during which any rule fires. */
class AlertTimeTest {

    @Test
    void shouldCountTheUnionOfOverlappingRules() {
        AlertTime t = AlertTime.NONE.fire(true, 100);
        t = t.fire(false, 150);
        assertThat(t.alerting()).isTrue();
        assertThat(t.alertedUpTo(180)).isEqualTo(80);
        t = t.resolve(true, 200);
        assertThat(t).isEqualTo(new AlertTime(0, 1, 100, 0));
        t = t.resolve(false, 300);
        assertThat(t).isEqualTo(new AlertTime(0, 0, 100, 200));
        assertThat(t.alerting()).isFalse();
        assertThat(t.alertedUpTo(1_000)).isEqualTo(200);
        t = t.fire(false, 400).resolve(false, 450).plusAlerted(5);
        assertThat(t.alertedUpTo(1_000)).isEqualTo(255);
    }

    @Test
    void shouldIgnoreTheResolveOfARuleItNeverSawFiring() {
        final AlertTime t = AlertTime.NONE.fire(false, 100);
        assertThat(t.firing(true)).isFalse();
        assertThat(t.resolve(true, 200)).isSameAs(t);
        assertThat(AlertTime.NONE.resolve(false, 200)).isEqualTo(AlertTime.NONE);
    }
}
