package io.burnrate.engine.backtest;

import io.burnrate.engine.replay.OfflineReplay;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.engine.topology.EngineConfig;
import io.burnrate.schemas.BacktestReport;
import io.burnrate.schemas.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code burnrate backtest}: replays recorded events once under several alert policies
 * and scores each against known (or derived) incidents.
 *
 * <ol>
 *   <li>{@link SloExpansion}: one SLO per (SLO, policy), so a single replay of the
 *       production topology ({@link OfflineReplay}) evaluates every policy; its files go
 *       to {@code DIR/replay/}.</li>
 *   <li>{@link EventCounter}: one more pass over the events for the 1-minute good/bad
 *       counts per SLO (incident derivation, budget spent, the charts).</li>
 *   <li>{@link AlertSpan}, {@link PolicyScore}: the transitions split back per policy
 *       and scored; {@code DIR/backtest.json} ({@link BacktestReport}) and
 *       {@code DIR/backtest.html} ({@link BacktestHtml}).</li>
 * </ol>
 */
public final class Backtest {

    public static final String JSON_FILE = "backtest.json";
    public static final String HTML_FILE = "backtest.html";
    public static final String REPLAY_DIR = "replay";
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(15);
    public static final Duration DEFAULT_FLAP_GAP = Duration.ofMinutes(15);

    /**
     * What to back-test.
     *
     * @param incidents an NDJSON file of incidents, or null to derive them ({@link IncidentDeriver})
     * @param grace     how long after an incident's end an alert still counts for it
     * @param flapGap   re-firing within this time after a resolve is a flap
     */
    public record Options(List<SloSpecParser.Parsed> slos, Path events, List<BacktestPolicy> policies, Path incidents,
                          Path out, Duration grace, Duration flapGap, EngineConfig config, boolean guardCost) {
        public Options {
            slos = List.copyOf(slos);
            policies = List.copyOf(policies);
        }

        /** Without the guard-cost measurement. */
        public Options(final List<SloSpecParser.Parsed> slos, final Path events, final List<BacktestPolicy> policies,
                       final Path incidents, final Path out, final Duration grace, final Duration flapGap,
                       final EngineConfig config) {
            this(slos, events, policies, incidents, out, grace, flapGap, config, false);
        }
    }

    /** The report and what the replay did. */
    public record Result(BacktestReport report, OfflineReplay.Summary replay, long incidentsIgnored) {
    }

    private Backtest() {
    }

    /**
     * Runs the back-test and writes its files.
     *
     * @throws IllegalArgumentException for input it cannot use (a policy that does not fit an SLO, a bad incident
     *                                  line), with a one-line reason
     */
    public static Result run(final Options o, final PrintWriter err) throws IOException {
        final long started = System.nanoTime();
        final List<SloSpec> slos = o.slos().stream().map(SloSpecParser.Parsed::spec).toList();
        final SloExpansion.Expanded expanded = SloExpansion.expand(o.slos(), o.policies(), o.guardCost());
        final List<Incident> fromFile = o.incidents() == null ? null : Incident.read(o.incidents());
        Files.createDirectories(o.out());

        final long size = Files.size(o.events());
        final EventCounter.Counted counted = EventCounter.count(o.events(), slos, o.config().limits(),
                bytes -> progress(err, "counting", bytes, size, started));
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        for (final MinuteCounts c : counted.perSlo()) {
            if (!c.isEmpty()) {
                from = Math.min(from, c.firstMs());
                to = Math.max(to, c.lastMs());
            }
        }
        final List<Incident> incidents = new ArrayList<>();
        long ignored = 0;
        if (fromFile == null) {
            incidents.addAll(IncidentDeriver.derive(slos, counted.perSlo()));
        } else {
            for (final Incident i : fromFile) {
                if (slos.stream().anyMatch(i::concerns)) {
                    incidents.add(i);
                } else {
                    ignored++;
                    err.println("backtest: incident " + i.start() + " of " + i.service()
                            + (i.sloId() == null ? "" : " / " + i.sloId()) + " concerns no SLO in the SLO file; ignored");
                }
            }
        }

        err.printf(Locale.ROOT, "backtest: replaying %,d lines once for %d SLOs x %d policies%s = %d SLOs%n",
                counted.lines(), slos.size(), o.policies().size(), o.guardCost() ? " x 2 (with and without the history "
                        + "guard)" : "", expanded.slos().size());
        err.flush();
        final Path replayDir = o.out().resolve(REPLAY_DIR);
        final OfflineReplay.Summary summary;
        final ReplayProgress progress = new ReplayProgress(o.events(), size, counted.lines(), err, 10_000);
        try {
            summary = OfflineReplay.run(expanded.slos(), o.events(), replayDir, o.config());
        } finally {
            progress.close();
        }
        final List<AlertSpan> all = AlertSpan.read(replayDir.resolve(OfflineReplay.ALERTS_FILE), expanded.members(),
                to == Long.MIN_VALUE ? 0 : to);
        final List<AlertSpan> spans = all.stream().filter(s -> s.member().expanded().historyGuard()).toList();
        final PolicyScore.Context context = new PolicyScore.Context(o.policies(), slos, counted.perSlo(), incidents,
                spans, from == Long.MAX_VALUE ? 0 : from, to == Long.MIN_VALUE ? 0 : to, o.grace(), o.flapGap());
        PolicyScore.Scores scores = PolicyScore.score(context);
        if (o.guardCost()) {
            final PolicyScore.Scores unguarded = PolicyScore.score(new PolicyScore.Context(o.policies(), slos,
                    counted.perSlo(), incidents, all.stream().filter(s -> !s.member().expanded().historyGuard()).toList(),
                    context.from(), context.to(), o.grace(), o.flapGap()));
            scores = PolicyScore.withGuardCost(scores, unguarded);
        }
        final BacktestReport report = new BacktestReport(from == Long.MAX_VALUE ? null : Instant.ofEpochMilli(from),
                to == Long.MIN_VALUE ? null : Instant.ofEpochMilli(to), counted.lines(),
                fromFile == null ? BacktestReport.DERIVED : BacktestReport.FROM_FILE, o.grace(), o.flapGap(),
                scores.policies(), scores.incidents());
        Files.write(o.out().resolve(JSON_FILE), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
        Files.writeString(o.out().resolve(HTML_FILE), BacktestHtml.render(report, new BacktestHtml.Charts(slos,
                counted.perSlo(), expanded, o.policies(), spans, incidents)), StandardCharsets.UTF_8);
        err.printf(Locale.ROOT, "backtest: done in %.1f s (%,d lines, %d alert transitions)%n",
                (System.nanoTime() - started) / 1e9, counted.lines(), summary.transitions());
        err.flush();
        return new Result(report, summary, ignored);
    }

    private static void progress(final PrintWriter err, final String what, final long bytes, final long size,
                                 final long started) {
        err.printf(Locale.ROOT, "backtest: %s %.0f%% (%,d of %,d MB), %.0f s%n", what,
                size == 0 ? 100.0 : 100.0 * bytes / size, bytes >> 20, size >> 20, (System.nanoTime() - started) / 1e9);
        err.flush();
    }
}
