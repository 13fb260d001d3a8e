package io.burnrate.engine.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.alert.AlertStateMachine.Transition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AlertStateMachineTest {

    @Test
    void shouldReportOneTransitionPerChange() {
        final AlertStateMachine m = new AlertStateMachine();
        assertThat(m.step(false, 1)).isEqualTo(Transition.NONE);
        assertThat(m.step(true, 2)).isEqualTo(Transition.FIRED);
        assertThat(m.step(true, 3)).isEqualTo(Transition.NONE);
        assertThat(m.firingSince()).isEqualTo(2);
        assertThat(m.step(false, 4)).isEqualTo(Transition.RESOLVED);
        assertThat(m.step(false, 5)).isEqualTo(Transition.NONE);
        assertThat(m.step(true, 6)).isEqualTo(Transition.FIRED);
        assertThat(m.firingSince()).isEqualTo(6);
    }

    @Test
    void shouldFireOnlyAfterTheConditionHeldForTheHoldTime() {
        // hold 5 min = 300000 ms; steps every minute
        final AlertStateMachine m = new AlertStateMachine(300_000);
        assertThat(m.step(true, 0)).isEqualTo(Transition.NONE);          // pending since 0
        assertThat(m.pending()).isTrue();
        assertThat(m.step(true, 240_000)).isEqualTo(Transition.NONE);    // held 4 min < 5 min
        assertThat(m.step(false, 270_000)).isEqualTo(Transition.NONE);   // a gap starts the wait again
        assertThat(m.pending()).isFalse();
        assertThat(m.step(true, 300_000)).isEqualTo(Transition.NONE);    // pending since 300000
        assertThat(m.step(true, 540_000)).isEqualTo(Transition.NONE);    // held 4 min
        assertThat(m.step(true, 600_000)).isEqualTo(Transition.FIRED);   // 600000 - 300000 = 5 min: fires
        assertThat(m.firingSince()).isEqualTo(600_000);
        assertThat(m.pending()).isFalse();
        assertThat(m.step(true, 660_000)).isEqualTo(Transition.NONE);
        assertThat(m.step(false, 720_000)).isEqualTo(Transition.RESOLVED); // resolves at once, no hold
    }

    @Test
    void shouldFireAtOnceWithoutAHoldTime() {
        assertThat(new AlertStateMachine(0).step(true, 5)).isEqualTo(Transition.FIRED);
        assertThat(new AlertStateMachine().holdMs()).isZero();
    }

    @Test
    void shouldForceResolveOnlyWhenFiring() {
        final AlertStateMachine m = new AlertStateMachine();
        assertThat(m.forceResolve()).isFalse();
        m.step(true, 1);
        assertThat(m.forceResolve()).isTrue();
        assertThat(m.firing()).isFalse();
    }

    @ParameterizedTest(name = "long {0}, short {1}, threshold {2}, events {3}/{4} -> {5}")
    @CsvSource({
        "15.0, 20.0, 14.4, 100, 0, true",
        "14.4, 20.0, 14.4, 100, 0, false",   // must exceed, not equal
        "20.0, 14.0, 14.4, 100, 0, false",   // short window already recovered
        "13.0, 20.0, 14.4, 100, 0, false",   // long window not yet
        "15.0, 20.0, 14.4, 99, 100, false",  // too little traffic in the long window
        "15.0, 20.0, 14.4, 100, 100, true",
    })
    void shouldRequireBothWindowsAndEnoughTraffic(final double burnLong, final double burnShort, final double threshold,
                                                 final long events, final long min, final boolean expected) {
        assertThat(AlertStateMachine.conditionHolds(burnLong, burnShort, threshold, events, min)).isEqualTo(expected);
    }
}
