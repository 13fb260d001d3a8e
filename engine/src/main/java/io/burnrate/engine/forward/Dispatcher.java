package io.burnrate.engine.forward;

import io.burnrate.schemas.AlertTransition;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Hands one transition to every receiver at once, each with its own bounded retry
 * (exponential backoff with jitter), and reports who gave up: a dead receiver costs the
 * others nothing but the wait for its last retry. No Kafka here; {@link AlertForwarder}
 * reads, dead-letters and commits around it.
 */
public final class Dispatcher implements AutoCloseable {

    /** Waits between attempts; tests record the pauses instead. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** A receiver that did not take the transition: {@code reason} is a stable code. */
    public record Failure(Receiver receiver, String reason, String detail, int attempts) {
        /** Refused for good (4xx other than 408/429): not retried. */
        public static final String REJECTED = "rejected";
        /** Every attempt failed with a retryable error. */
        public static final String RETRIES_EXHAUSTED = "retries-exhausted";
    }

    private final List<Receiver> receivers;
    private final ForwardConfig.Retry retry;
    private final DeliveryMetrics metrics;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Random random;
    private final ExecutorService pool;

    public Dispatcher(final List<Receiver> receivers, final ForwardConfig.Retry retry, final DeliveryMetrics metrics,
                      final Clock clock, final Sleeper sleeper, final Random random) {
        if (receivers.isEmpty()) {
            throw new IllegalArgumentException("no receiver configured");
        }
        this.receivers = List.copyOf(receivers);
        this.retry = retry;
        this.metrics = metrics;
        this.clock = clock;
        this.sleeper = sleeper;
        this.random = random;
        this.pool = Executors.newFixedThreadPool(receivers.size(), r -> {
            final Thread t = new Thread(r, "burnrate-forward-delivery");
            t.setDaemon(true);
            return t;
        });
        receivers.forEach(metrics::register);
    }

    /** The receivers {@code config} names: Alertmanagers, webhooks, then PagerDuty. */
    public static List<Receiver> receivers(final ForwardConfig config, final HttpClient client, final DeliveryMetrics metrics) {
        final HttpPoster http = new HttpPoster(client, config.requestTimeout());
        final List<Receiver> out = new ArrayList<>();
        for (int i = 0; i < config.alertmanagers().size(); i++) {
            out.add(new AlertmanagerReceiver("alertmanager-" + (i + 1), config.alertmanagers().get(i), config, http, metrics));
        }
        for (int i = 0; i < config.webhooks().size(); i++) {
            out.add(new WebhookReceiver("webhook-" + (i + 1), config.webhooks().get(i), config, http));
        }
        if (config.pagerDutyRoutingKey() != null) {
            out.add(new PagerDutyReceiver(config, http));
        }
        return List.copyOf(out);
    }

    public List<Receiver> receivers() {
        return receivers;
    }

    /**
     * Delivers {@code t} to every receiver and returns the ones that gave up (empty: all
     * accepted).
     *
     * @throws InterruptedException when stopped mid-delivery: nothing may be committed then
     */
    public List<Failure> deliver(final AlertTransition t) throws InterruptedException {
        final List<Future<Failure>> running = new ArrayList<>();
        for (final Receiver r : receivers) {
            running.add(pool.submit(() -> deliver(r, t)));
        }
        final List<Failure> failed = new ArrayList<>();
        try {
            for (final Future<Failure> f : running) {
                final Failure x = f.get();
                if (x != null) {
                    failed.add(x);
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a delivery failed unexpectedly", e.getCause());
        } catch (InterruptedException e) {
            running.forEach(f -> f.cancel(true));
            throw e;
        }
        return failed;
    }

    private Failure deliver(final Receiver r, final AlertTransition t) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            final long start = System.nanoTime();
            final Receiver.Attempt a = r.deliver(t, clock.instant());
            metrics.attempt(r, a, System.nanoTime() - start);
            if (a.result() == Receiver.Result.ACCEPTED) {
                metrics.delivered(r, true);
                return null;
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            if (a.result() == Receiver.Result.REJECTED || attempt >= retry.attempts()) {
                metrics.delivered(r, false);
                return new Failure(r, a.result() == Receiver.Result.REJECTED ? Failure.REJECTED : Failure.RETRIES_EXHAUSTED,
                        a.detail(), attempt);
            }
            final double unit;
            synchronized (random) {
                unit = random.nextDouble();
            }
            sleeper.sleep(retry.pause(attempt, unit));
        }
    }

    /**
     * Hands the alerts still firing from before a restart to every receiver's re-send set
     * ({@link Receiver#restore}); nothing is delivered now, the next {@link #tick} re-sends them.
     */
    public void restore(final List<AlertTransition> firing) {
        final Instant now = clock.instant();
        for (final Receiver r : receivers) {
            firing.forEach(t -> r.restore(t, now));
        }
    }

    /** Drops these alerts (fingerprints) from every receiver's re-send set: another forwarder owns them now. */
    public void forget(final Set<String> fingerprints) {
        if (!fingerprints.isEmpty()) {
            receivers.forEach(r -> r.forget(fingerprints));
        }
    }

    /** Re-sends what receivers would forget (Alertmanager); never throws. */
    public void tick() {
        for (final Receiver r : receivers) {
            try {
                r.tick(clock.instant());
            } catch (RuntimeException e) {
                // the next tick tries again; a failed re-send is counted by the receiver
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
