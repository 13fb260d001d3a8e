package io.burnrate.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.loadtest.gen.EventFactory;
import io.burnrate.loadtest.gen.Generator;
import io.burnrate.loadtest.gen.Scenario;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The generator's live pacing against the wall clock: a timed assertion, so it runs with
 * the integration tests, not the unit tests.
 */
class GeneratorPacingIT {

    @Test
    void holdsTheTargetRate() throws Exception {
        final AtomicLong count = new AtomicLong();
        final Generator.Sink counting = new Generator.Sink() {
            @Override
            public void send(final String key, final long timestamp, final byte[] value) {
                count.incrementAndGet();
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        final Generator.Stats stats = new Generator(new Generator.Config(EventFactory.services(4, Scenario.STEADY), 4,
                5_000, 0, Duration.ofMillis(600), null, 0, true, Scenario.STEADY, 1, null))
                .run(List.of(counting), null, () -> false);
        assertThat(stats.events()).isEqualTo(count.get()).isBetween(2_000L, 3_100L);
        assertThat(stats.lastTimestamp() - stats.firstTimestamp()).as("live event time").isBetween(300L, 900L);
    }
}
