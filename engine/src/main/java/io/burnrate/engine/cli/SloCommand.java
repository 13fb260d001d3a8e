package io.burnrate.engine.cli;

import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.runtime.SloPublisher;
import io.burnrate.engine.runtime.Topics;
import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.BudgetingMethod;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.Numbers;
import io.burnrate.engine.slo.SloLimits;
import io.burnrate.engine.slo.v1.SloSpecParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code burnrate slo ...}: work with SLO definition files. */
@Command(name = "slo", mixinStandardHelpOptions = true,
        description = {"Validate SLO files and manage the live SLO registry (the compacted burnrate.slos topic).",
                "Changes take effect in a running engine within seconds, without a restart."},
        subcommands = {SloCommand.Validate.class, SloCommand.Apply.class, SloCommand.Delete.class,
                SloCommand.ListSlos.class, SloAdjustCommand.class, SloConvertCommand.class, SloImportCommand.class})
final class SloCommand {

    /** The SLO limits, as options of validate and apply (named by their setting keys in every refusal). */
    static final class LimitOptions {
        @Option(names = "--max-slos", paramLabel = "N", description = "SLOs one engine holds and one file may define "
                + "(slo.max-slos, default 100000)")
        int maxSlos = SloLimits.DEFAULTS.maxSlos();

        @Option(names = "--max-selector-entries", paramLabel = "N", description = "conditions in one selector "
                + "(slo.max-selector-entries, default 64)")
        int maxSelectorEntries = SloLimits.DEFAULTS.maxSelectorEntries();

        @Option(names = "--max-selector-bytes", paramLabel = "N", description = "UTF-8 bytes of one selector's keys and "
                + "values (slo.max-selector-bytes, default 1024)")
        int maxSelectorBytes = SloLimits.DEFAULTS.maxSelectorBytes();

        @Option(names = "--max-file-bytes", paramLabel = "N", description = "size of one SLO file "
                + "(slo.max-file-bytes, default 16777216)")
        long maxFileBytes = SloLimits.DEFAULTS.maxFileBytes();

        SloLimits limits() {
            return new SloLimits(maxSlos, maxSelectorEntries, maxSelectorBytes, maxFileBytes);
        }
    }

    /**
     * Refuses an apply that would leave more SLOs on the topic than an engine holds:
     * {@code existing} are the names on the topic now.
     */
    static String engineLimitProblem(final Set<String> existing, final List<SloSpecParser.Parsed> slos,
                                     final SloLimits limits) {
        final Set<String> all = new HashSet<>(existing);
        slos.forEach(p -> all.add(p.spec().id()));
        if (all.size() <= limits.maxSlos()) {
            return null;
        }
        return "applying this file would define " + all.size() + " SLOs (" + existing.size() + " on the topic, "
                + (all.size() - existing.size()) + " new), more than the limit of " + limits.maxSlos() + " ("
                + SloLimits.MAX_SLOS + "); nothing was published";
    }

    /** {@code burnrate slo validate FILE}. */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Check an SLO file (YAML, documents separated by ---) without running anything.",
                    "Prints each SLO with its derived alert rules; exits 0 when valid, 2 with every problem otherwise."})
    static final class Validate implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "the SLO file")
        private Path positional;

        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "the SLO file (same as the argument)")
        private Path option;

        @picocli.CommandLine.ArgGroup(exclusive = false, heading = "Limits:%n")
        private LimitOptions limitOptions = new LimitOptions();

        @Mixin
        private AlertWindowsOption alertWindows;

        @Override
        public Integer call() {
            final PrintWriter out = spec.commandLine().getOut();
            final PrintWriter err = spec.commandLine().getErr();
            final Path file = option != null ? option : positional;
            if (file == null) {
                err.println("burnrate slo validate: name the SLO file (burnrate slo validate FILE)");
                return BurnrateCli.UNUSABLE_INPUT;
            }
            final SloLimits limits;
            try {
                limits = limitOptions.limits();
            } catch (IllegalArgumentException e) {
                err.println("burnrate slo validate: " + e.getMessage());
                return BurnrateCli.UNUSABLE_INPUT;
            }
            final List<SloSpecParser.Parsed> slos = SloFiles.loadOrReport(file, limits, alertWindows.files, err);
            if (slos == null) {
                return BurnrateCli.UNUSABLE_INPUT;
            }
            for (final SloSpecParser.Parsed p : slos) {
                final var s = p.spec();
                out.printf("%s: service %s, objective %s%%, window %s%s%n", s.id(), s.service(), s.objective(),
                        s.windowLabel(), s.budgetingMethod() instanceof BudgetingMethod.Timeslices t
                                ? ", Timeslices (" + Durations.format(t.timeSliceWindow()) + " slices, target "
                                + t.timeSliceTarget().toPlainString() + ")"
                                : s.budgetingMethod() instanceof BudgetingMethod.RatioTimeslices r
                                ? ", RatioTimeslices (" + Durations.format(r.timeSliceWindow()) + " slices)" : "");
                // a calendar SLO's thresholds follow the period length: shown for the current one
                final Duration period = s.isCalendar()
                        ? s.calendar().periodContaining(Instant.now()).length() : s.window();
                for (final var w : s.alerts()) {
                    out.printf("  %-16s burn rate > %s over %s and %s%s%s%n", w.ruleName(),
                            Numbers.plain(Math.round(w.threshold(period) * 1000) / 1000.0),
                            Durations.format(w.longWindow()),
                            Durations.format(w.shortWindow()),
                            w.alertAfter().isZero() ? "" : ", held for " + Durations.format(w.alertAfter()),
                            s.isCalendar() ? " (this " + s.calendar().kind().label()
                                    + ": " + Durations.format(period) + ")" : "");
                }
            }
            out.printf("%s: %d SLO%s valid%n", file, slos.size(), slos.size() == 1 ? "" : "s");
            return 0;
        }

    }

    /** {@code burnrate slo apply -f FILE}. */
    @Command(name = "apply", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Validate an SLO file, then publish every SLO in it (keyed by metadata.name).",
                    "Nothing is published when any SLO in the file is invalid."})
    static final class Apply implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "the SLO file")
        private Path file;

        @picocli.CommandLine.Mixin
        private KafkaOptions kafka;

        @picocli.CommandLine.ArgGroup(exclusive = false, heading = "Limits:%n")
        private LimitOptions limitOptions = new LimitOptions();

        @Mixin
        private AlertWindowsOption alertWindows;

        @Override
        public Integer call() {
            final PrintWriter err = spec.commandLine().getErr();
            final SloLimits limits;
            try {
                limits = limitOptions.limits();
            } catch (IllegalArgumentException e) {
                err.println("burnrate slo apply: " + e.getMessage());
                return BurnrateCli.UNUSABLE_INPUT;
            }
            final List<SloSpecParser.Parsed> slos = SloFiles.loadOrReport(file, limits, alertWindows.files, err);
            if (slos == null) {
                return BurnrateCli.UNUSABLE_INPUT;
            }
            return withKafka(err, settings -> {
                final var publisher = new SloPublisher(settings);
                final String over = engineLimitProblem(publisher.list().keySet(), slos, limits);
                if (over != null) {
                    throw new IllegalArgumentException(over);
                }
                publisher.apply(slos);
                for (final SloSpecParser.Parsed p : slos) {
                    spec.commandLine().getOut().println("applied " + p.spec().id());
                }
            }, kafka);
        }
    }

    /** {@code burnrate slo delete NAME}. */
    @Command(name = "delete", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Delete an SLO (writes a tombstone). The engine resolves its firing alerts and drops its "
                    + "state."})
    static final class Delete implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "metadata.name of the SLO")
        private String name;

        @picocli.CommandLine.Mixin
        private KafkaOptions kafka;

        @Override
        public Integer call() {
            return withKafka(spec.commandLine().getErr(), settings -> {
                final var publisher = new SloPublisher(settings);
                if (!publisher.list().containsKey(name)) {
                    throw new IllegalArgumentException("no SLO named " + name);
                }
                publisher.delete(name);
                spec.commandLine().getOut().println("deleted " + name);
            }, kafka);
        }
    }

    /** {@code burnrate slo list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, sortOptions = false,
            description = "List the SLOs currently defined on the SLO topic.")
    static final class ListSlos implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @picocli.CommandLine.Mixin
        private KafkaOptions kafka;

        @Override
        public Integer call() {
            return withKafka(spec.commandLine().getErr(), settings -> {
                final PrintWriter out = spec.commandLine().getOut();
                final var all = new SloPublisher(settings).list();
                final Table table = new Table("NAME", "SERVICE", ">OBJECTIVE", "WINDOW", "RULES");
                all.forEach((id, s) -> {
                    if (s == null) {
                        table.note(id + " (invalid definition on the topic)");
                    } else {
                        table.row(id, s.service(), s.objective() + "%", s.windowLabel(), String.join(",",
                                s.alerts().stream().map(AlertWindow::ruleName).toList()));
                    }
                });
                table.print(out);
            }, kafka);
        }
    }

    /** A Kafka action with settings; failures become one line and exit code 1 (2: refused credentials, bad input). */
    interface KafkaAction {
        void run(Settings settings) throws Exception;
    }

    static int withKafka(final PrintWriter err, final KafkaAction action, final KafkaOptions kafka) {
        final Settings settings;
        try {
            settings = kafka.clientSettings();
        } catch (IOException e) {
            err.println("burnrate slo: " + e.getMessage());
            return BurnrateCli.UNUSABLE_INPUT;
        }
        try (var admin = Topics.admin(settings)) {
            Topics.checkReachable(admin, settings.get(Settings.BOOTSTRAP));
            action.run(settings);
            return 0;
        } catch (Topics.Unavailable e) {
            final boolean refused = e instanceof Topics.Refused;
            err.println("burnrate slo: " + e.getMessage() + (kafka.bootstrapServers == null && !refused
                    ? " (no --bootstrap-servers given: this is the embedded broker's address; is 'burnrate run' "
                    + "running on this machine?)" : ""));
            // refused credentials or unusable TLS material are settings to fix (2), not an outage (1)
            return refused ? BurnrateCli.UNUSABLE_INPUT : 1;
        } catch (IllegalArgumentException e) {
            err.println("burnrate slo: " + e.getMessage());
            return BurnrateCli.UNUSABLE_INPUT;
        } catch (Exception e) {
            err.println("burnrate slo: " + e.getMessage());
            return 1;
        }
    }
}
