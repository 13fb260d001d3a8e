package io.burnrate.engine.forward;

import io.burnrate.schemas.AlertTransition;
import java.time.Instant;
import java.util.Set;

/**
 * One place alert transitions go (an Alertmanager, a webhook, PagerDuty). {@link #deliver}
 * makes one attempt; {@link AlertForwarder} retries, dead-letters and commits.
 */
public interface Receiver {

    /** Names the receiver in logs, metrics and dead letters, e.g. {@code alertmanager-1}: never a secret. */
    String name();

    /** {@code alertmanager}, {@code webhook} or {@code pagerduty}. */
    String kind();

    /** One attempt to hand {@code t} over, {@code now} being the wall clock. */
    Attempt deliver(AlertTransition t, Instant now);

    /**
     * A transition delivered before a restart whose alert still fires: remember it for
     * {@link #tick}, send nothing now (Alertmanager: re-send it; the others need nothing).
     */
    default void restore(final AlertTransition t, final Instant now) {
    }

    /** Stop re-sending these alerts (fingerprints): their partition moved to another forwarder. */
    default void forget(final Set<String> fingerprints) {
    }

    /** Periodic work between transitions (Alertmanager: re-send what it would forget). */
    default void tick(final Instant now) {
    }

    /** The result of one attempt. */
    record Attempt(Result result, String detail) {

        public static final Attempt ACCEPTED = new Attempt(Result.ACCEPTED, "");

        public static Attempt retry(final String detail) {
            return new Attempt(Result.RETRY, detail);
        }

        public static Attempt rejected(final String detail) {
            return new Attempt(Result.REJECTED, detail);
        }
    }

    /** Accepted (2xx); worth retrying (I/O error, timeout, 408, 429, 5xx); or refused for good (other 4xx). */
    enum Result { ACCEPTED, RETRY, REJECTED }
}
