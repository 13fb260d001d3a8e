package io.burnrate.loadtest.gen;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds request events (the engine's wire format, ~135 bytes of JSON) for a fixed set
 * of services, and decides each event's outcome from a {@link Scenario}:
 *
 * <pre>{"service":"svc-00012","timestamp":1767225600000,"latencyMs":42.5,"status":200,
 *  "operation":"GET /api/op-3","attributes":{"region":"eu-west-1"}}</pre>
 *
 * <p>Not thread-safe: one instance per producing thread.
 */
public final class EventFactory {

    private static final String[] REGIONS = {"eu-west-1", "us-east-1", "ap-south-1"};

    private final List<String> services;
    private final int operations;
    private final Scenario scenario;
    private final Scenario.Incident[][] incidentsOf;
    private final StringBuilder sb = new StringBuilder(192);

    /** The outcome of the last {@link #next} call. */
    private boolean lastBad;

    public EventFactory(final List<String> services, final int operations, final Scenario scenario) {
        if (services.isEmpty()) {
            throw new IllegalArgumentException("at least one service is needed");
        }
        this.services = List.copyOf(services);
        this.operations = Math.max(1, operations);
        this.scenario = scenario;
        final Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < this.services.size(); i++) {
            index.put(this.services.get(i), i);
        }
        final List<List<Scenario.Incident>> per = new ArrayList<>();
        for (int i = 0; i < this.services.size(); i++) {
            per.add(new ArrayList<>());
        }
        for (final Scenario.Incident inc : scenario.incidents()) {
            final Integer i = index.get(inc.service());
            if (i == null) {
                throw new IllegalArgumentException("incident on unknown service " + inc.service());
            }
            per.get(i).add(inc);
        }
        incidentsOf = new Scenario.Incident[per.size()][];
        for (int i = 0; i < per.size(); i++) {
            incidentsOf[i] = per.get(i).toArray(new Scenario.Incident[0]);
        }
    }

    /** {@code count} service names {@code svc-00000 ...}, plus any incident service not among them. */
    public static List<String> services(final int count, final Scenario scenario) {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(serviceName(i));
        }
        for (final Scenario.Incident inc : scenario.incidents()) {
            if (!out.contains(inc.service())) {
                out.add(inc.service());
            }
        }
        return out;
    }

    public static String serviceName(final int i) {
        return String.format("svc-%05d", i);
    }

    public static String operationName(final int i) {
        return "GET /api/op-" + i;
    }

    public List<String> services() {
        return services;
    }

    /**
     * The next event of {@code service} at event time {@code ts}; {@code offsetMs} is the
     * event time since the start of the run (for the scenario's incidents).
     */
    public byte[] next(final int service, final long ts, final long offsetMs, final SplittableRandom random) {
        final Scenario.Baseline base = scenario.baseline();
        double errorRate = base.errorRate();
        double shift = 0;
        for (final Scenario.Incident inc : incidentsOf[service]) {
            if (inc.covers(offsetMs)) {
                if (inc.errorRate() >= 0) {
                    errorRate = inc.errorRate();
                }
                shift += inc.latencyShiftMs();
            }
        }
        final boolean bad = errorRate > 0 && random.nextDouble() < errorRate;
        final double latencyMs = (base.slowRate() > 0 && random.nextDouble() < base.slowRate()
                ? 400 + random.nextInt(500)
                : base.latencyMs() * (0.5 + random.nextDouble())) + shift;
        lastBad = bad;
        return json(services.get(service), ts, latencyMs, bad ? 503 : 200, random.nextInt(operations),
                REGIONS[service % REGIONS.length]);
    }

    /** Whether the last event made by {@link #next} failed. */
    public boolean lastBad() {
        return lastBad;
    }

    /** One event as JSON bytes (ASCII). */
    public byte[] json(final String service, final long ts, final double latencyMs, final int status,
                       final int operation, final String region) {
        sb.setLength(0);
        sb.append("{\"service\":\"").append(service).append("\",\"timestamp\":").append(ts).append(",\"latencyMs\":");
        final long tenths = Math.round(latencyMs * 10);
        sb.append(tenths / 10).append('.').append(tenths % 10);
        sb.append(",\"status\":").append(status)
                .append(",\"operation\":\"GET /api/op-").append(operation)
                .append("\",\"attributes\":{\"region\":\"").append(region).append("\"}}");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
