package io.burnrate.engine.slo;

/**
 * What makes one request good or bad. A one-of union, like Sloth's and OpenSLO's
 * indicator kinds.
 */
public sealed interface Indicator {

    /** Whether a request with this status / outcome / latency counts against the SLO. */
    boolean isBad(int status, boolean errorOutcome, double latencyMs);

    /**
     * Availability: bad when {@code status >= badStatusMin} or the outcome is {@code error}.
     */
    record Availability(int badStatusMin) implements Indicator {
        @Override
        public boolean isBad(final int status, final boolean errorOutcome, final double latencyMs) {
            return errorOutcome || status >= badStatusMin;
        }
    }

    /**
     * Latency: good when {@code latencyMs <= thresholdMs}; a request that failed
     * ({@code status >= badStatusMin} or outcome {@code error}) is bad however fast it was.
     */
    record Latency(double thresholdMs, int badStatusMin) implements Indicator {
        @Override
        public boolean isBad(final int status, final boolean errorOutcome, final double latencyMs) {
            return errorOutcome || status >= badStatusMin || latencyMs > thresholdMs;
        }
    }

    /** Status value used when an event carries an outcome but no HTTP status. */
    int NO_STATUS = 0;
}
