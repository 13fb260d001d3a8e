package io.burnrate.engine.backtest;

import io.burnrate.engine.ingest.EventParser;
import io.burnrate.engine.ingest.InputLimits;
import io.burnrate.engine.ingest.RequestRecord;
import io.burnrate.engine.slo.SloSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * One pass over the events file that counts, per SLO and minute, the events the SLO
 * selects and the bad ones, with the engine's own parser ({@link EventParser}), selector
 * ({@link SloSpec#selects}) and indicator. It does not apply the engine's time rules (a
 * late event the replay dead-letters is still counted here), so the minute counts can
 * differ from the replay's windows by the late events, which {@code dlq.ndjson} lists.
 */
final class EventCounter {

    /** What the pass read. */
    record Counted(long lines, long bytes, List<MinuteCounts> perSlo) {
    }

    private EventCounter() {
    }

    /**
     * Counts {@code events} for each of {@code slos} (same order in the result).
     *
     * @param progress called with the bytes read so far, every few MB
     */
    static Counted count(final Path events, final List<SloSpec> slos, final InputLimits limits,
                         final LongConsumer progress) throws IOException {
        final Map<String, List<Integer>> byService = new HashMap<>();
        final List<MinuteCounts> counts = new ArrayList<>();
        for (int i = 0; i < slos.size(); i++) {
            byService.computeIfAbsent(slos.get(i).service(), k -> new ArrayList<>()).add(i);
            counts.add(new MinuteCounts());
        }
        long lines = 0;
        long bytes = 0;
        long reported = 0;
        try (InputStream in = Files.newInputStream(events)) {
            final byte[] buf = new byte[1 << 16];
            byte[] line = new byte[512];
            int len = 0;
            boolean tooLong = false;
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    final byte b = buf[i];
                    if (b == '\n') {
                        lines++;
                        if (!tooLong && len > 0) {
                            count(Arrays.copyOf(line, len), slos, byService, counts, limits);
                        }
                        len = 0;
                        tooLong = false;
                    } else if (!tooLong) {
                        if (len == limits.maxRecordBytes()) {
                            tooLong = true;
                        } else {
                            if (len == line.length) {
                                line = Arrays.copyOf(line, line.length * 2);
                            }
                            line[len++] = b;
                        }
                    }
                }
                bytes += n;
                if (bytes - reported >= (64L << 20)) {
                    progress.accept(bytes);
                    reported = bytes;
                }
            }
            if (len > 0) {
                lines++;
                if (!tooLong) {
                    count(Arrays.copyOf(line, len), slos, byService, counts, limits);
                }
            }
        }
        progress.accept(bytes);
        return new Counted(lines, bytes, counts);
    }

    private static void count(final byte[] raw, final List<SloSpec> slos, final Map<String, List<Integer>> byService,
                              final List<MinuteCounts> counts, final InputLimits limits) {
        if (!(EventParser.parse(raw, limits) instanceof EventParser.Accepted a)) {
            return;
        }
        final RequestRecord e = a.event();
        final List<Integer> candidates = byService.get(e.service());
        if (candidates == null) {
            return;
        }
        for (final int i : candidates) {
            final SloSpec slo = slos.get(i);
            if (slo.selects(e.operation(), e.attributes())) {
                counts.get(i).add(e.timestamp(), slo.indicator().isBad(e.status(), e.errorOutcome(), e.latencyMs()));
            }
        }
    }
}
