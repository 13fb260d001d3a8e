package io.burnrate.engine.forward;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The forwarder's Micrometer meters, per receiver ({@code receiver}, {@code kind} tags). In
 * Prometheus: {@code burnrate_forward_deliveries_total{outcome="accepted|dead_lettered"}}
 * (transitions), {@code burnrate_forward_failures_total{result="retry|rejected"}} (failed
 * attempts), {@code burnrate_forward_request_seconds} (latency of every attempt),
 * {@code burnrate_forward_resends_total{outcome}} (Alertmanager re-sends), and
 * {@code burnrate_forward_transitions_total{outcome="read|unreadable"}}.
 */
public final class DeliveryMetrics {

    private final MeterRegistry registry;

    public DeliveryMetrics(final MeterRegistry registry) {
        this.registry = registry;
    }

    public MeterRegistry registry() {
        return registry;
    }

    void attempt(final Receiver r, final Receiver.Attempt a, final long nanos) {
        Timer.builder("burnrate.forward.request").description("Latency of each delivery attempt, by receiver")
                .tags("receiver", r.name(), "kind", r.kind()).register(registry).record(nanos, TimeUnit.NANOSECONDS);
        if (a.result() != Receiver.Result.ACCEPTED) {
            Counter.builder("burnrate.forward.failures").description("Failed delivery attempts, by receiver")
                    .tags("receiver", r.name(), "kind", r.kind(), "result",
                            a.result() == Receiver.Result.RETRY ? "retry" : "rejected")
                    .register(registry).increment();
        }
    }

    void delivered(final Receiver r, final boolean accepted) {
        Counter.builder("burnrate.forward.deliveries").description("Alert transitions delivered or dead-lettered, by receiver")
                .tags("receiver", r.name(), "kind", r.kind(), "outcome", accepted ? "accepted" : "dead_lettered")
                .register(registry).increment();
    }

    void resent(final Receiver r, final Receiver.Attempt a, final int alerts, final long nanos) {
        Counter.builder("burnrate.forward.resends").description("Alerts re-sent to Alertmanager so it does not forget them")
                .tags("receiver", r.name(), "kind", r.kind(), "outcome",
                        a.result() == Receiver.Result.ACCEPTED ? "accepted" : "failed")
                .register(registry).increment(alerts);
        Timer.builder("burnrate.forward.request").description("Latency of each delivery attempt, by receiver")
                .tags("receiver", r.name(), "kind", r.kind()).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    void read(final boolean readable) {
        Counter.builder("burnrate.forward.transitions").description("Records read from the alerts topic")
                .tags("outcome", readable ? "read" : "unreadable").register(registry).increment();
    }

    /** Registers every receiver's meters at zero, so dashboards show them before the first alert. */
    void register(final Receiver r) {
        Timer.builder("burnrate.forward.request").description("Latency of each delivery attempt, by receiver")
                .tags("receiver", r.name(), "kind", r.kind()).register(registry);
        for (final String outcome : new String[] {"accepted", "dead_lettered"}) {
            Counter.builder("burnrate.forward.deliveries")
                    .description("Alert transitions delivered or dead-lettered, by receiver")
                    .tags("receiver", r.name(), "kind", r.kind(), "outcome", outcome).register(registry);
        }
    }
}
