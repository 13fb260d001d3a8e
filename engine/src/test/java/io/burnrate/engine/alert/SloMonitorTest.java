package io.burnrate.engine.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SloMonitorTest {

    @Test
    void shouldBurnTheBudgetDownHourByHourOverTheSloWindow() {
        final SloMonitor m = new SloMonitor(Specs.availability("checkout-availability", "checkout", 0));
        final Traffic t = Traffic.of("checkout", 1, Traffic.T0);
        t.forEach(Duration.ofHours(2), Traffic.none(), e -> m.record(e.timestamp(), 1, 0));
        t.forEach(Duration.ofHours(1), Traffic.everyNth(100), e -> m.record(e.timestamp(), 1, e.bad() ? 1 : 0));

        final long[][] starts = new long[1][];
        final float[] left = m.burnDown(starts);
        // 30d at 1 h buckets; the last three are the three hours of traffic
        assertThat(left).hasSize(720);
        assertThat(starts[0][719]).isEqualTo(Traffic.T0.plus(Duration.ofHours(2)).toEpochMilli());
        assertThat(left[0]).isEqualTo(1.0f);
        assertThat(left[718]).isEqualTo(1.0f);
        // 10,800 events allow 10.8 bad; the third hour had 36: 1 - 36 / 10.8
        assertThat((double) left[719]).isCloseTo(1 - 36 / 10.8, within(1e-5));
        assertThat(m.budgetRemaining()).isCloseTo(1 - 36 / 10.8, within(1e-9));
    }
}
