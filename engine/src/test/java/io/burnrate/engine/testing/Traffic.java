package io.burnrate.engine.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * Steady synthetic traffic for tests: one request every {@code 1/rate} seconds from
 * {@code start}, each bad or good by its index. Deterministic, so expectations can be
 * computed by hand.
 */
public final class Traffic {

    /** One request. */
    public record Event(String service, long timestamp, boolean bad, double latencyMs) {

        /** The request as a JSON line (availability SLOs: status 500 or 200). */
        public String json() {
            return "{\"service\":\"" + service + "\",\"timestamp\":" + timestamp + ",\"latencyMs\":" + latencyMs
                    + ",\"status\":" + (bad ? 500 : 200) + "}";
        }
    }

    public static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");

    private final String service;
    private final long periodMs;
    private long next;
    private long index;

    private Traffic(final String service, final double perSecond, final Instant start) {
        this.service = service;
        this.periodMs = Math.round(1000.0 / perSecond);
        this.next = start.toEpochMilli();
    }

    public static Traffic of(final String service, final double perSecond, final Instant start) {
        return new Traffic(service, perSecond, start);
    }

    /** Timestamp of the next event. */
    public long now() {
        return next;
    }

    /**
     * Events for {@code duration}; event {@code i} (counted within this call) is bad when
     * {@code bad.test(i)}.
     */
    public List<Event> next(final Duration duration, final LongPredicate bad) {
        final List<Event> out = new ArrayList<>();
        forEach(duration, bad, out::add);
        return out;
    }

    /** Same as {@link #next} without materialising the list (days of traffic). */
    public void forEach(final Duration duration, final LongPredicate bad, final Consumer<Event> sink) {
        final long end = next + duration.toMillis();
        long i = 0;
        while (next < end) {
            sink.accept(new Event(service, next, bad.test(i), 20.0));
            next += periodMs;
            i++;
            index++;
        }
    }

    public static LongPredicate none() {
        return i -> false;
    }

    public static LongPredicate all() {
        return i -> true;
    }

    /** Every {@code n}-th event bad (the last of each group of n): a bad fraction of 1/n. */
    public static LongPredicate everyNth(final long n) {
        return i -> i % n == n - 1;
    }
}
