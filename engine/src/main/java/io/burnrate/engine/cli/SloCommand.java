package io.burnrate.engine.cli;

import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.SloSpecParser;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code burnrate slo ...}: work with SLO definition files. */
@Command(name = "slo", mixinStandardHelpOptions = true, description = "Validate SLO definition files.",
        subcommands = {SloCommand.Validate.class})
final class SloCommand {

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

        @Override
        public Integer call() {
            final PrintWriter out = spec.commandLine().getOut();
            final PrintWriter err = spec.commandLine().getErr();
            final Path file = option != null ? option : positional;
            if (file == null) {
                err.println("burnrate slo validate: name the SLO file (burnrate slo validate FILE)");
                return BurnrateCli.UNUSABLE_INPUT;
            }
            final List<SloSpecParser.Parsed> slos;
            try {
                slos = SloFiles.load(file);
            } catch (SloFiles.Unusable e) {
                e.lines.forEach(line -> err.println("invalid: " + line));
                return BurnrateCli.UNUSABLE_INPUT;
            }
            for (final SloSpecParser.Parsed p : slos) {
                final var s = p.spec();
                out.printf("%s: service %s, objective %s%%, window %s%n", s.id(), s.service(), s.objective(),
                        Durations.format(s.window()));
                for (final var w : s.alerts()) {
                    out.printf("  %-16s burn rate > %s over %s and %s%n", w.ruleName(),
                            trim(w.threshold(s.window())), Durations.format(w.longWindow()),
                            Durations.format(w.shortWindow()));
                }
            }
            out.printf("%s: %d SLO%s valid%n", file, slos.size(), slos.size() == 1 ? "" : "s");
            return 0;
        }

        private static String trim(final double d) {
            return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
    }
}
