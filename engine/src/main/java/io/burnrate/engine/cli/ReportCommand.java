package io.burnrate.engine.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.burnrate.engine.replay.OfflineReplay;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.Numbers;
import io.burnrate.engine.slo.PeriodKind;
import io.burnrate.schemas.ComplianceSummary;
import io.burnrate.schemas.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code burnrate report}: compliance summaries as a table for a terminal. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Print the compliance summaries of a replay (DIR/compliance.ndjson) as a table.",
                "Columns: attainment, objective, error budget left (with a bar), p99 latency, bad minutes,",
                "alerts, time in alert.",
                "Exits 2 when DIR has no readable compliance.ndjson or a line is not a summary."})
final class ReportCommand implements Callable<Integer> {

    private static final int BAR = 20;
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final String ALL = "all";
    /** The --kind values: every period kind's label, then all. */
    private static final List<String> KINDS = Stream.concat(Arrays.stream(PeriodKind.values()).map(PeriodKind::label),
            Stream.of(ALL)).toList();

    @Spec
    private CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "DIR", description = "a replay's output directory")
    private Path in;

    @Option(names = "--kind", paramLabel = "KIND", split = ",",
            description = "periods to show: hour, day, week, month, rolling or all (default: all but hour)")
    private List<String> kinds = new ArrayList<>();

    @Option(names = "--slo", paramLabel = "ID", description = "only this SLO")
    private String slo;

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        for (final String k : kinds) {
            if (!KINDS.contains(k)) {
                err.println("burnrate report: --kind must be one of " + String.join(", ", KINDS) + "; not '" + k + "'");
                return BurnrateCli.UNUSABLE_INPUT;
            }
        }
        final Path file = Files.isDirectory(in) ? in.resolve(OfflineReplay.COMPLIANCE_FILE) : in;
        if (!Files.isRegularFile(file)) {
            err.println("burnrate report: cannot read " + (Files.isDirectory(in) ? file : in + "/"
                    + OfflineReplay.COMPLIANCE_FILE) + ": no such file (write it with 'burnrate replay --out DIR')");
            return BurnrateCli.UNUSABLE_INPUT;
        }
        final List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("burnrate report: cannot read " + file + ": " + e.getMessage());
            return BurnrateCli.UNUSABLE_INPUT;
        }
        final List<ComplianceSummary> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            final ComplianceSummary s;
            try {
                s = Json.MAPPER.readValue(lines.get(i), ComplianceSummary.class);
            } catch (JsonProcessingException e) {
                err.println("burnrate report: " + file + " line " + (i + 1) + " is not a compliance summary: "
                        + e.getOriginalMessage());
                return BurnrateCli.UNUSABLE_INPUT;
            }
            if (shown(s)) {
                rows.add(s);
            }
        }
        rows.sort(Comparator.comparing(ComplianceSummary::sloId).thenComparing(s -> PeriodKind.displayRank(s.period().kind()))
                .thenComparing(s -> s.period().start()));
        print(out, rows);
        out.flush();
        return 0;
    }

    private boolean shown(final ComplianceSummary s) {
        if (slo != null && !slo.equals(s.sloId())) {
            return false;
        }
        if (kinds.isEmpty()) {
            return !PeriodKind.HOUR.label().equals(s.period().kind());
        }
        return kinds.contains(ALL) || kinds.contains(s.period().kind());
    }

    static void print(final PrintWriter out, final List<ComplianceSummary> rows) {
        if (rows.isEmpty()) {
            out.println("no compliance summaries");
            return;
        }
        final Table table = new Table("SLO", "PERIOD", "FROM - TO (UTC)", ">EVENTS", ">OBJECTIVE", "MET",
                "ERROR BUDGET", ">LEFT", ">P99", ">BAD MIN", "ALERTS", "IN ALERT");
        for (final ComplianceSummary s : rows) {
            table.row(s.sloId(), s.period().kind(),
                    MINUTE.format(s.period().start()) + " - " + MINUTE.format(s.period().end()),
                    s.total(), Numbers.plain(s.objective()) + "%", s.met() ? "yes" : "NO",
                    bar(s.errorBudget().remainingFraction()), percent(s.errorBudget().remainingFraction()),
                    s.latency().p99Ms() == null ? "-" : String.format(Locale.ROOT, "%.1f ms", s.latency().p99Ms()),
                    s.badMinutes(), s.alerts().page() + " pg " + s.alerts().ticket() + " tk",
                    Durations.elapsed(s.timeInAlert()));
            table.note("  sli " + (s.sli() == null ? "- (no traffic)"
                    : String.format(Locale.ROOT, "%.6f (%d good / %d requests; %d bad of %s allowed)", s.sli(),
                    s.good(), s.total(), s.errorBudget().consumedBad(), Numbers.plain(s.errorBudget().allowedBad()))));
        }
        table.print(out);
    }

    /** {@code [#########...........]}: the share of the budget left; empty once spent. */
    static String bar(final double remaining) {
        final int full = (int) Math.round(Math.max(0, Math.min(1, remaining)) * BAR);
        return "[" + "#".repeat(full) + ".".repeat(BAR - full) + "]";
    }

    private static String percent(final double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", fraction * 100);
    }

}
