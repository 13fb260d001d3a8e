package io.burnrate.loadtest.gen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.burnrate.engine.slo.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * What the generated traffic looks like: a baseline for every service and a list of
 * incidents. Times are event-time offsets from the start of the run.
 *
 * <pre>
 * baseline:
 *   errorRate: 0.0005        # fraction of requests that fail (status 503)
 *   latencyMs: 40            # typical latency; each request draws 0.5x .. 1.5x of it
 *   slowRate: 0.002          # fraction of requests that take 400-900 ms
 * incidents:
 *   - service: svc-00003
 *     at: 2m                 # offset from the start (event time)
 *     duration: 10m
 *     errorRate: 0.25        # replaces the baseline error rate while it lasts
 *     latencyShiftMs: 300    # added to every request's latency while it lasts
 *     description: checkout fails
 * </pre>
 *
 * <p>Unknown fields are errors, so typos do not pass silently.
 */
public record Scenario(Baseline baseline, List<Incident> incidents) {

    /** Traffic outside incidents. */
    public record Baseline(double errorRate, double latencyMs, double slowRate) {

        public static final Baseline DEFAULT = new Baseline(0.0005, 40, 0.002);
    }

    /** One incident on one service, in event time since the start of the run. */
    public record Incident(String service, Duration at, Duration duration, double errorRate, double latencyShiftMs,
                           String description) {

        public boolean covers(final long offsetMs) {
            return offsetMs >= at.toMillis() && offsetMs < at.toMillis() + duration.toMillis();
        }
    }

    public static final Scenario STEADY = new Scenario(Baseline.DEFAULT, List.of());

    public Scenario {
        incidents = List.copyOf(incidents);
    }

    public Scenario withBaseline(final Baseline b) {
        return new Scenario(b, incidents);
    }

    public Scenario withIncidents(final List<Incident> list) {
        return new Scenario(baseline, list);
    }

    public static Scenario load(final Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    public static Scenario parse(final String yaml, final String source) throws IOException {
        final JsonNode root = new YAMLMapper().readTree(yaml);
        if (root == null || root.isMissingNode() || root.isNull()) {
            return STEADY;
        }
        if (!root.isObject()) {
            throw new IOException(source + ": a scenario is a mapping with 'baseline' and 'incidents'");
        }
        only(root, source, "", Set.of("baseline", "incidents"));
        Baseline baseline = Baseline.DEFAULT;
        final JsonNode b = root.get("baseline");
        if (b != null && !b.isNull()) {
            only(b, source, "baseline.", Set.of("errorRate", "latencyMs", "slowRate"));
            baseline = new Baseline(fraction(b, "errorRate", Baseline.DEFAULT.errorRate(), source, "baseline."),
                    positive(b, "latencyMs", Baseline.DEFAULT.latencyMs(), source, "baseline."),
                    fraction(b, "slowRate", Baseline.DEFAULT.slowRate(), source, "baseline."));
        }
        final List<Incident> incidents = new ArrayList<>();
        final JsonNode list = root.get("incidents");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new IOException(source + ": incidents must be a list");
            }
            for (int i = 0; i < list.size(); i++) {
                final JsonNode n = list.get(i);
                final String where = "incidents[" + i + "].";
                only(n, source, where, Set.of("service", "at", "duration", "errorRate", "latencyShiftMs",
                        "description"));
                if (!n.hasNonNull("service") || n.get("service").asText().isBlank()) {
                    throw new IOException(source + ": " + where + "service is required");
                }
                final Duration at = duration(n, "at", null, source, where);
                final Duration dur = duration(n, "duration", null, source, where);
                incidents.add(new Incident(n.get("service").asText(), at, dur,
                        fraction(n, "errorRate", -1, source, where),
                        n.hasNonNull("latencyShiftMs") ? n.get("latencyShiftMs").asDouble() : 0,
                        n.hasNonNull("description") ? n.get("description").asText() : ""));
            }
        }
        return new Scenario(baseline, incidents);
    }

    private static void only(final JsonNode node, final String source, final String where, final Set<String> allowed)
            throws IOException {
        if (!node.isObject()) {
            throw new IOException(source + ": " + where + " must be a mapping");
        }
        for (final Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            final String f = it.next();
            if (!allowed.contains(f)) {
                throw new IOException(source + ": unknown field " + where + f + " (allowed: " + allowed + ")");
            }
        }
    }

    private static double fraction(final JsonNode n, final String f, final double dflt, final String source,
                                   final String where) throws IOException {
        if (!n.hasNonNull(f)) {
            return dflt;
        }
        final double v = n.get(f).asDouble(Double.NaN);
        if (!(v >= 0 && v <= 1)) {
            throw new IOException(source + ": " + where + f + " must be a fraction between 0 and 1");
        }
        return v;
    }

    private static double positive(final JsonNode n, final String f, final double dflt, final String source,
                                   final String where) throws IOException {
        if (!n.hasNonNull(f)) {
            return dflt;
        }
        final double v = n.get(f).asDouble(Double.NaN);
        if (!(v > 0)) {
            throw new IOException(source + ": " + where + f + " must be a positive number");
        }
        return v;
    }

    private static Duration duration(final JsonNode n, final String f, final Duration dflt, final String source,
                                     final String where) throws IOException {
        if (!n.hasNonNull(f)) {
            if (dflt == null) {
                throw new IOException(source + ": " + where + f + " is required (e.g. 2m)");
            }
            return dflt;
        }
        try {
            return Durations.parse(n.get(f).asText());
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": " + where + f + ": " + e.getMessage());
        }
    }
}
