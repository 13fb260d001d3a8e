package io.burnrate.engine.backtest;

import io.burnrate.engine.slo.Severity;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One firing span of one rule of one expanded SLO, from the replay's transitions: from
 * the firing transition's {@code startsAt} to the resolving one's {@code at}, or to the
 * end of the input when it never resolved ({@code open}).
 */
record AlertSpan(SloExpansion.Member member, String rule, Severity severity, long start, long end, boolean open) {

    /** {@code <sloId>/<rule>} of the expanded SLO, as in the replay's alert keys. */
    String key() {
        return member.expanded().id() + "/" + rule;
    }

    /** Whether the span overlaps {@code [from, to)}. */
    boolean overlaps(final long from, final long to) {
        return start < to && end > from;
    }

    /** The spans in {@code alerts} (the replay's alerts.ndjson), in start order. */
    static List<AlertSpan> read(final Path alerts, final Map<String, SloExpansion.Member> members, final long inputEnd)
            throws IOException {
        final List<AlertSpan> out = new ArrayList<>();
        final Map<String, AlertTransition> firing = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(alerts, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                final AlertTransition t = Json.MAPPER.readValue(line, AlertTransition.class);
                final String key = t.sloId() + "/" + t.rule();
                if (AlertTransition.FIRING.equals(t.state())) {
                    firing.put(key, t);
                } else {
                    final AlertTransition f = firing.remove(key);
                    if (f != null) {
                        out.add(span(members, f, t.at().toEpochMilli(), false));
                    }
                }
            }
        }
        for (final AlertTransition f : firing.values()) {
            out.add(span(members, f, Math.max(inputEnd, f.startsAt().toEpochMilli()), true));
        }
        out.sort(Comparator.comparingLong(AlertSpan::start).thenComparing(AlertSpan::key));
        return out;
    }

    private static AlertSpan span(final Map<String, SloExpansion.Member> members, final AlertTransition f,
                                  final long end, final boolean open) {
        final SloExpansion.Member m = members.get(f.sloId());
        if (m == null) {
            throw new IllegalStateException("the replay reported SLO " + f.sloId() + ", which the back-test did not define");
        }
        return new AlertSpan(m, f.rule(), Severity.ofWire(f.severity()), f.startsAt().toEpochMilli(), end, open);
    }
}
