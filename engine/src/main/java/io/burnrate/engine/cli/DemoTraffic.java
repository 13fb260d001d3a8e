package io.burnrate.engine.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The demo's traffic: a few services at a steady rate in compressed time (event time
 * runs {@code speed} times faster than the wall clock), with a scripted incident: an
 * error spike on checkout and a latency regression on search.
 */
public final class DemoTraffic implements Runnable {

    /** One scripted incident, in event time since the demo started. */
    public record Incident(String service, Duration from, Duration to, double errorRate, double slowRate,
                           String description) {
    }

    public static final List<String> SERVICES = List.of("checkout", "search", "payments");
    public static final List<Incident> INCIDENTS = List.of(
            new Incident("checkout", Duration.ofMinutes(30), Duration.ofMinutes(50), 0.25, 0,
                    "checkout: 25 % of requests fail"),
            new Incident("search", Duration.ofMinutes(40), Duration.ofMinutes(60), 0, 0.50,
                    "search: half the requests take 400-900 ms"));

    private final String bootstrap;
    private final String topic;
    private final long startMs;
    private final double speed;
    private final int perSecond;
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean running = true;

    public DemoTraffic(final String bootstrap, final String topic, final long startMs, final double speed,
                       final int perSecond) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.startMs = startMs;
        this.speed = speed;
        this.perSecond = perSecond;
    }

    /** Event time now: the demo start plus wall-clock time elapsed times the speed. */
    public long eventTime(final long wallMs) {
        return startMs + (long) ((wallMs - startMs) * speed);
    }

    public long sent() {
        return sent.get();
    }

    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        final SplittableRandom random = new SplittableRandom(42);
        final long stepMs = 1000 / perSecond;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new StringSerializer(), new StringSerializer())) {
            long next = startMs;
            while (running) {
                final long until = eventTime(System.currentTimeMillis());
                for (; next <= until && running; next += stepMs) {
                    for (final String service : SERVICES) {
                        producer.send(new ProducerRecord<>(topic, service, event(service, next, random)));
                        sent.incrementAndGet();
                    }
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private String event(final String service, final long ts, final SplittableRandom random) {
        final Duration sinceStart = Duration.ofMillis(ts - startMs);
        double errorRate = "payments".equals(service) ? 0.001 : 0.0002;
        double slowRate = 0.002;
        for (final Incident i : INCIDENTS) {
            if (i.service().equals(service) && sinceStart.compareTo(i.from()) >= 0 && sinceStart.compareTo(i.to()) < 0) {
                errorRate = Math.max(errorRate, i.errorRate());
                slowRate = Math.max(slowRate, i.slowRate());
            }
        }
        final boolean error = random.nextDouble() < errorRate;
        final double latency = random.nextDouble() < slowRate ? 400 + random.nextInt(500) : 20 + random.nextInt(120);
        final String operation = "checkout".equals(service) ? "POST /cart" : "search".equals(service) ? "GET /search"
                : "POST /charge";
        return "{\"service\":\"" + service + "\",\"timestamp\":" + ts + ",\"latencyMs\":" + latency + ",\"status\":"
                + (error ? 503 : 200) + ",\"operation\":\"" + operation + "\",\"attributes\":{\"region\":\"eu-west-1\"}}";
    }

    /** The demo's SLOs, one YAML file. */
    public static String slosYaml() {
        return String.join("\n",
                "apiVersion: burnrate/v1",
                "kind: SLO",
                "metadata:",
                "  name: checkout-availability",
                "  labels: {team: payments, tier: \"0\"}",
                "spec:",
                "  service: checkout",
                "  selector: {operation: \"POST /cart\"}",
                "  indicator: {availability: {badStatusMin: 500}}",
                "  objective: 99.9",
                "  window: 30d",
                "  alerting: {policy: google-30d, runbook: https://runbooks.example/checkout}",
                "---",
                "apiVersion: burnrate/v1",
                "kind: SLO",
                "metadata:",
                "  name: search-latency",
                "  labels: {team: discovery, tier: \"1\"}",
                "spec:",
                "  service: search",
                "  indicator: {latency: {thresholdMs: 300}}",
                "  objective: 99",
                "  window: 30d",
                "  alerting: {policy: google-30d, runbook: https://runbooks.example/search}",
                "---",
                "apiVersion: burnrate/v1",
                "kind: SLO",
                "metadata:",
                "  name: payments-availability",
                "  labels: {team: payments, tier: \"0\"}",
                "spec:",
                "  service: payments",
                "  indicator: {availability: {badStatusMin: 500}}",
                "  objective: 99.5",
                "  window: 30d",
                "  alerting: {policy: google-30d, minEventsPerWindow: 100}",
                "");
    }
}
