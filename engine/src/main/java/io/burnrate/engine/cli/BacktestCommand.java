package io.burnrate.engine.cli;

import io.burnrate.engine.backtest.Backtest;
import io.burnrate.engine.backtest.BacktestPolicy;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.Grace;
import io.burnrate.engine.slo.SloLimits;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.engine.topology.EngineConfig;
import io.burnrate.schemas.BacktestReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code burnrate backtest}: score alert policies on recorded events against known incidents. */
@Command(name = "backtest", mixinStandardHelpOptions = true,
        description = {"Back-test alert policies on recorded events: one replay scores them all.",
                "Per incident: detected or missed, time to detect (first alert, first page), budget spent",
                "before detection. Per policy: pages, tickets, pages per week, false pages, missed",
                "incidents, mean/p50/p90 time to detect, alert-minutes, flaps, actionable share.",
                "Prints a table; writes DIR/backtest.json, DIR/backtest.html and the replay's files in",
                "DIR/replay/ (see docs/backtest.md). Exits 0 when it ran, 2 on unusable input."})
final class BacktestCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--slos", required = true, paramLabel = "FILE", description = "SLO definitions (YAML)")
    private Path slos;

    @Mixin
    private AlertWindowsOption alertWindows;

    @Option(names = "--events", required = true, paramLabel = "FILE", description = "request events, one JSON object per line")
    private Path events;

    @Option(names = "--policy", paramLabel = "NAME|FILE",
            description = {"a policy to score (repeatable): 'own' (each SLO's own), a named one (google-30d, "
                    + "google-28d, sloth-7d) or a YAML file of windows {sloWindow, windows: [...]}, a list, "
                    + "or a Sloth AlertWindows catalogue (default: own)"})
    private List<String> policies = new ArrayList<>();

    @Option(names = "--incidents", paramLabel = "FILE",
            description = "known incidents, NDJSON {service, sloId?, start, end, label?}; without it they are derived "
                    + "from the 1-minute bad ratio (docs/backtest.md)")
    private Path incidents;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory (created if missing)")
    private Path out;

    @Option(names = "--flap-gap", paramLabel = "DURATION", defaultValue = "15m",
            description = "a rule firing again within this time after it resolved is a flap (default: ${DEFAULT-VALUE})")
    private String flapGap;

    @Option(names = "--detection-grace", paramLabel = "DURATION", defaultValue = "15m",
            description = "an alert firing up to this long after an incident's end still detects it "
                    + "(default: ${DEFAULT-VALUE})")
    private String detectionGrace;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = Grace.DEFAULT_TEXT,
            description = "how late an event may be and still count, as in replay (default: ${DEFAULT-VALUE})")
    private String grace;

    @Option(names = "--guard-cost",
            description = "also replay every policy without the history guard (spec.alerting.historyGuard: false) "
                    + "and show what the guard costs in time to detect (twice the replay work)")
    private boolean guardCost;

    @Override
    public Integer call() {
        final PrintWriter err = spec.commandLine().getErr();
        final PrintWriter outWriter = spec.commandLine().getOut();
        final List<SloSpecParser.Parsed> parsed;
        try {
            parsed = SloFiles.load(slos, SloLimits.DEFAULTS, alertWindows.files);
        } catch (SloFiles.Unusable e) {
            err.println("burnrate backtest: " + e.getMessage());
            return BurnrateCli.UNUSABLE_INPUT;
        }
        if (!Files.isRegularFile(events) || !Files.isReadable(events)) {
            err.println("burnrate backtest: events file " + events + " does not exist or cannot be read");
            return BurnrateCli.UNUSABLE_INPUT;
        }
        if (incidents != null && (!Files.isRegularFile(incidents) || !Files.isReadable(incidents))) {
            err.println("burnrate backtest: incidents file " + incidents + " does not exist or cannot be read");
            return BurnrateCli.UNUSABLE_INPUT;
        }
        final List<BacktestPolicy> resolved = new ArrayList<>();
        final Duration gap;
        final Duration detect;
        final Duration late;
        try {
            for (final String p : policies.isEmpty() ? List.of(BacktestPolicy.OWN) : policies) {
                final BacktestPolicy bp = BacktestPolicy.resolve(p);
                if (resolved.stream().anyMatch(r -> r.name().equals(bp.name()))) {
                    throw new IllegalArgumentException("--policy " + p + ": a policy named " + bp.name()
                            + " is already listed");
                }
                resolved.add(bp);
            }
            gap = positive("--flap-gap", flapGap);
            detect = positive("--detection-grace", detectionGrace);
            late = Durations.parse(grace);
        } catch (IllegalArgumentException e) {
            err.println("burnrate backtest: " + e.getMessage());
            return BurnrateCli.UNUSABLE_INPUT;
        }
        final Backtest.Result result;
        try {
            result = Backtest.run(new Backtest.Options(parsed, events, resolved, incidents, out, detect, gap,
                    EngineConfig.defaults().withGrace(late), guardCost), err);
        } catch (IllegalArgumentException | IOException e) {
            err.println("burnrate backtest: " + e.getMessage());
            return BurnrateCli.UNUSABLE_INPUT;
        }
        print(result.report(), outWriter);
        outWriter.println("wrote " + out.resolve(Backtest.JSON_FILE) + " and " + out.resolve(Backtest.HTML_FILE));
        outWriter.flush();
        return 0;
    }

    /**
     * The guard-cost cell: {@code -} when not measured, else the mean delay over the
     * incidents both detected, the incidents delayed (missed) and the false pages without the
     * guard, e.g. {@code +0s, 0 delayed, 2 false pages off}.
     */
    static String guardCost(final BacktestReport.GuardCost g) {
        if (g == null) {
            return "-";
        }
        return "+" + secs(g.meanDelay()) + ", " + g.delayedIncidents() + " delayed"
                + (g.missedByGuard() == 0 ? "" : " (" + g.missedByGuard() + " missed)") + ", "
                + g.falsePagesWithoutGuard() + " false pages off";
    }

    /** The comparison table, then one line per incident. */
    static void print(final BacktestReport r, final PrintWriter out) {
        // the guard-cost column only when it was measured (--guard-cost)
        final boolean guard = r.policies().stream().anyMatch(p -> p.guardCost() != null);
        final List<String> columns = new ArrayList<>(List.of("POLICY", ">PAGES", ">TICKETS", ">PAGES/WK", ">FALSE",
                ">ACTIONABLE", ">DETECTED", ">MISSED", ">TTD MEAN", ">TTD P50", ">TTD P90", ">TTP P50", ">ALERT-MIN",
                ">FLAPS"));
        if (guard) {
            columns.add(">GUARD COST");
        }
        final Table t = new Table(columns.toArray(String[]::new));
        for (final BacktestReport.Policy p : r.policies()) {
            final List<Object> cells = new ArrayList<>(List.of(p.name(), p.pages(), p.tickets(), num(p.pagesPerWeek()),
                    p.falsePages(),
                    p.actionableShare() == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * p.actionableShare()),
                    p.detectedIncidents() + "/" + (p.detectedIncidents() + p.missedIncidents()), p.missedIncidents(),
                    secs(p.timeToDetect().mean()), secs(p.timeToDetect().p50()), secs(p.timeToDetect().p90()),
                    secs(p.timeToPage().p50()), num(p.alertMinutes()), p.flaps()));
            if (guard) {
                cells.add(guardCost(p.guardCost()));
            }
            t.row(cells.toArray());
        }
        t.print(out);
        if (r.incidents().isEmpty()) {
            out.println("no incidents (" + r.incidentSource() + ")");
            return;
        }
        out.println();
        final List<String> header = new ArrayList<>(List.of("INCIDENT", "START"));
        r.policies().forEach(p -> header.add(p.name()));
        final Table inc = new Table(header.toArray(String[]::new));
        for (final BacktestReport.Incident i : r.incidents()) {
            final List<Object> cells = new ArrayList<>(List.of((i.label() == null ? "-" : i.label()) + " ("
                    + (i.sloId() == null ? i.service() : i.sloId()) + ")", i.start().toString()));
            for (final BacktestReport.Detection d : i.detections()) {
                cells.add(!d.detected() ? "missed"
                        : secs(d.timeToDetect()) + (d.paged() ? " page " + secs(d.timeToPage()) : " ticket"));
            }
            inc.row(cells.toArray());
        }
        inc.print(out);
    }

    private static String secs(final Double s) {
        return s == null ? "-" : Durations.elapsed(Duration.ofMillis(Math.round(s * 1000)));
    }

    private static String num(final double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static Duration positive(final String flag, final String value) {
        final Duration d;
        try {
            d = Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException(flag + ": must not be negative, not " + value);
        }
        return d;
    }
}
