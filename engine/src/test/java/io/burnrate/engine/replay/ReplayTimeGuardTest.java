package io.burnrate.engine.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replay's broken-clock rules, event by event (times in minutes; jump 60, age 7 days, grace 5). */
class ReplayTimeGuardTest {

    private static final long MIN = 60_000;
    private static final long BASE = 29_540_160 * MIN; // 2026-03-02T00:00Z

    /** The minutes of {@code input} that the guard refuses, with four events of lookahead as replay has. */
    private static List<Long> refused(final long... input) {
        final ReplayTimeGuard g = new ReplayTimeGuard(Duration.ofHours(1), Duration.ofDays(7), Duration.ofMinutes(5));
        final List<Long> out = new ArrayList<>();
        for (int i = 0; i < input.length; i++) {
            final long[] next = new long[ReplayTimeGuard.LOOKAHEAD];
            int n = 0;
            for (int j = i + 1; j < input.length && n < next.length; j++) {
                next[n++] = BASE + input[j] * MIN;
            }
            if (g.check(BASE + input[i] * MIN, next, n) != null) {
                out.add(input[i]);
            }
        }
        return out;
    }

    @Test
    void shouldRefuseASingleEventFarAhead() {
        assertThat(refused(0, 1, 2, 1_000_000, 3, 4, 5, 6)).containsExactly(1_000_000L);
        // two in a row do not confirm each other: two of the next four must follow
        assertThat(refused(0, 1, 2, 1_000_000, 1_000_000, 3, 4, 5, 6)).containsExactly(1_000_000L, 1_000_000L);
    }

    @Test
    void shouldAcceptGapsTheTrafficAfterThemConfirms() {
        assertThat(refused(0, 1, 2, 3_000, 3_001, 3_002, 3_003)).isEmpty();
        // sparse input: every event is a jump, each followed by later ones
        assertThat(refused(0, 180, 360, 540, 720, 900)).isEmpty();
        // jitter within the grace period after a gap still confirms it
        assertThat(refused(0, 1, 500, 497, 498, 501)).isEmpty();
    }

    @Test
    void shouldBoundTheLastJumpAndTheFirstEvent() {
        // nothing after the last event: it may jump by the maximum age (7 days = 10,080 min), no more
        assertThat(refused(0, 1, 2, 10_000)).isEmpty();
        assertThat(refused(0, 1, 2, 20_000)).containsExactly(20_000L);
        // the first event must not lie more than 7 days before the events after it
        assertThat(refused(-20_000, 0, 1, 2, 3)).containsExactly(-20_000L);
        assertThat(refused(-10_000, 0, 1, 2, 3)).isEmpty();
        // one event alone is judged by nothing
        assertThat(refused(5)).isEmpty();
    }
}
