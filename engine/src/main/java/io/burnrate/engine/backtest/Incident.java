package io.burnrate.engine.backtest;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.schemas.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A known incident: a service (and optionally one of its SLOs) was unhealthy from
 * {@code start} to {@code end}. Read from {@code --incidents} (NDJSON, one
 * {@code {service, sloId?, start, end, label?}} per line, times RFC 3339) or derived
 * ({@link IncidentDeriver}).
 *
 * @param sloId null: every SLO of the service
 */
record Incident(String service, String sloId, Instant start, Instant end, String label) {

    Incident {
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("end " + end + " is not after start " + start);
        }
    }

    /** Whether alerts of {@code slo} can be about this incident. */
    boolean concerns(final SloSpec slo) {
        return slo.service().equals(service) && (sloId == null || sloId.equals(slo.id()));
    }

    /** Incidents in start order; each line's problem names the file and line number. */
    static List<Incident> read(final Path file) throws IOException {
        final List<Incident> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = r.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(parse(Json.MAPPER.readTree(line)));
                } catch (IOException | IllegalArgumentException e) {
                    final String m = e instanceof IOException ? "not a JSON object" : e.getMessage();
                    throw new IllegalArgumentException(file.getFileName() + " line " + number + ": " + m);
                }
            }
        }
        out.sort(Comparator.comparing(Incident::start).thenComparing(Incident::service));
        return out;
    }

    private static Incident parse(final JsonNode n) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        final Set<String> allowed = Set.of("service", "sloId", "start", "end", "label");
        final Iterator<String> fields = n.fieldNames();
        while (fields.hasNext()) {
            final String f = fields.next();
            if (!allowed.contains(f)) {
                throw new IllegalArgumentException(f + ": unknown field (expected service, sloId, start, end, label)");
            }
        }
        return new Incident(text(n, "service", true), text(n, "sloId", false), time(n, "start"), time(n, "end"),
                text(n, "label", false));
    }

    private static String text(final JsonNode n, final String field, final boolean required) {
        final JsonNode v = n.path(field);
        if (v.isMissingNode() || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException(field + ": is required");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException(field + ": must be a non-empty string, not " + v);
        }
        return v.asText();
    }

    private static Instant time(final JsonNode n, final String field) {
        final String t = text(n, field, true);
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + ": must be an RFC 3339 time such as 2026-03-02T10:00:00Z, not "
                    + t);
        }
    }
}
