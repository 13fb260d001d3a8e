package io.burnrate.engine.backtest;

import io.burnrate.engine.slo.SloSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Incidents when no {@code --incidents} file is given, from each SLO's 1-minute counts:
 * a minute is <em>hot</em> when its bad ratio exceeds {@value #BURN_FACTOR} x the SLO's
 * error budget (a 1-minute burn rate above {@value #BURN_FACTOR}: 1 % bad for a 99.9 %
 * SLO); {@value #MIN_MINUTES} or more consecutive hot minutes make an incident from the
 * first hot minute's start to the last one's end, and incidents of one SLO less than
 * {@value #MERGE_GAP_MINUTES} minutes apart merge. A minute without traffic is not hot.
 * This finds fast burns only: a slow burn (say 1.5x for days) is never hot in any one
 * minute, so list such incidents in a file.
 */
public final class IncidentDeriver {

    public static final double BURN_FACTOR = 10;
    public static final int MIN_MINUTES = 2;
    public static final int MERGE_GAP_MINUTES = 5;

    private IncidentDeriver() {
    }

    static List<Incident> derive(final List<SloSpec> slos, final List<MinuteCounts> counts) {
        final List<Incident> out = new ArrayList<>();
        for (int s = 0; s < slos.size(); s++) {
            final SloSpec slo = slos.get(s);
            final MinuteCounts c = counts.get(s);
            if (c.isEmpty()) {
                continue;
            }
            final List<long[]> runs = new ArrayList<>();
            long runStart = -1;
            for (long m = c.firstMinute(); m <= c.lastMinute() + 1; m++) {
                final boolean hot = m <= c.lastMinute() && c.total(m) > 0
                        && (double) c.bad(m) / c.total(m) > BURN_FACTOR * slo.errorBudget();
                if (hot && runStart < 0) {
                    runStart = m;
                } else if (!hot && runStart >= 0) {
                    if (m - runStart >= MIN_MINUTES) {
                        final long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
                        if (last != null && runStart - last[1] < MERGE_GAP_MINUTES) {
                            last[1] = m;
                        } else {
                            runs.add(new long[] {runStart, m});
                        }
                    }
                    runStart = -1;
                }
            }
            for (final long[] r : runs) {
                out.add(new Incident(slo.service(), slo.id(), Instant.ofEpochMilli(r[0] * MinuteCounts.MINUTE_MS),
                        Instant.ofEpochMilli(r[1] * MinuteCounts.MINUTE_MS), "derived"));
            }
        }
        out.sort(Comparator.comparing(Incident::start).thenComparing(Incident::service));
        return out;
    }
}
