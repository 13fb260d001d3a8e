package io.burnrate.engine.replay;

import io.burnrate.engine.ingest.Rejection;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongPredicate;

/**
 * Replay's guard against broken clocks, the counterpart of {@code max.future.skew} and
 * {@code max.event.age} in {@code run}. Replay has no wall clock, so an event is judged
 * against the input's own time: the newest event time accepted so far, and the events
 * that follow it in the file.
 *
 * <ul>
 *   <li>An event more than {@code maxJump} ahead of the input's time counts only when the
 *       events after it confirm the jump: at least two of the next four valid events (all
 *       of them, when fewer follow) are no more than the grace period before it. A gap in
 *       the traffic is confirmed by the traffic after it; a single event from a broken
 *       clock is not. The last events of a file, with none after them, may jump by at
 *       most {@code maxAge}.
 *   <li>The first event sets the input's time, so it must not lie more than
 *       {@code maxAge} before the events after it (two of the next four, as above).
 * </ul>
 * Refused events are dead-lettered as {@code invalid-timestamp}.
 */
final class ReplayTimeGuard {

    /** How many following valid events are consulted. */
    static final int LOOKAHEAD = 4;

    private final long maxJump;
    private final long maxAge;
    private final long grace;
    private final String jumpLabel;
    private final String ageLabel;
    private long clock = Long.MIN_VALUE;

    ReplayTimeGuard(final Duration maxJump, final Duration maxAge, final Duration grace) {
        this.maxJump = maxJump == null ? Long.MAX_VALUE : maxJump.toMillis();
        this.maxAge = maxAge == null ? Long.MAX_VALUE : maxAge.toMillis();
        this.grace = grace.toMillis();
        this.jumpLabel = String.valueOf(maxJump);
        this.ageLabel = String.valueOf(maxAge);
    }

    /** Whether {@code ts} must be checked against the events after it (else {@link #check} needs none). */
    boolean needsLookahead(final long ts) {
        return clock == Long.MIN_VALUE || ts - clock > maxJump;
    }

    /**
     * Judges {@code ts} given the timestamps of the up to {@link #LOOKAHEAD} valid events
     * after it ({@code next[0..n)}); null when it counts (and the input's time moves to it).
     */
    Rejection check(final long ts, final long[] next, final int n) {
        if (clock == Long.MIN_VALUE) {
            if (n > 0 && supported(next, n, t -> t - ts <= maxAge)) {
                clock = ts;
                return null;
            }
            if (n == 0) {
                clock = ts;
                return null;
            }
            return new Rejection(Rejection.INVALID_TIMESTAMP, "event time " + Instant.ofEpochMilli(ts)
                    + " is more than " + ageLabel + " before the events after it (a broken clock?"
                    + " replay --max-event-age)");
        }
        if (ts - clock <= maxJump) {
            clock = Math.max(clock, ts);
            return null;
        }
        final boolean confirmed = n == 0 ? ts - clock <= maxAge : supported(next, n, t -> t >= ts - grace);
        if (confirmed) {
            clock = ts;
            return null;
        }
        return new Rejection(Rejection.INVALID_TIMESTAMP, "event time " + Instant.ofEpochMilli(ts) + " is more than "
                + jumpLabel + " ahead of the input's event time " + Instant.ofEpochMilli(clock)
                + (n == 0 ? " at the end of the input" : " and the events after it do not follow it")
                + " (a broken clock? replay --max-future-skew)");
    }

    private static boolean supported(final long[] next, final int n, final LongPredicate near) {
        int agree = 0;
        for (int i = 0; i < n; i++) {
            if (near.test(next[i])) {
                agree++;
            }
        }
        return agree >= Math.min(2, n);
    }
}
