package io.burnrate.engine.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.jar.Manifest;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code burnrate}: the command-line entry point. */
@Command(name = "burnrate", mixinStandardHelpOptions = true, versionProvider = BurnrateCli.Version.class,
        description = "Streaming error-budget burn-rate engine on Kafka Streams.",
        subcommands = {DemoCommand.class, RunCommand.class, ReplayCommand.class, BacktestCommand.class, ReportCommand.class,
                SloCommand.class, GateCommand.class, ForwardCommand.class, CommandLine.HelpCommand.class})
public final class BurnrateCli {

    /** Exit code for input burnrate cannot use (missing file, invalid SLO spec). */
    public static final int UNUSABLE_INPUT = 2;

    public static void main(final String[] args) {
        if (args.length > 0 && !args[0].equals("run") && !args[0].equals("demo")) {
            // a client command (slo, replay, report) explains a broker it cannot reach in one
            // line of its own; the Kafka clients' retry warnings (19 of them in 15 s) say nothing more
            System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        }
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this). */
    public static int run(final String... args) {
        final CommandLine cli = new CommandLine(new BurnrateCli());
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("burnrate: " + ex.getMessage());
            ex.getCommandLine().getErr().println(helpHint(ex.getCommandLine()));
            return UNUSABLE_INPUT;
        });
        return cli.execute(args);
    }

    /**
     * Where to read about the command that refused its arguments: the full command path
     * ({@code burnrate slo validate}), never just the last word or the root twice.
     */
    static String helpHint(final CommandLine refused) {
        return "see '" + refused.getCommandSpec().qualifiedName() + " --help'";
    }

    /** Version and commit from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            final String v = BurnrateCli.class.getPackage().getImplementationVersion();
            String commit = null;
            try (InputStream in = BurnrateCli.class.getResourceAsStream("/META-INF/MANIFEST.MF")) {
                if (in != null && v != null) {
                    commit = new Manifest(in).getMainAttributes().getValue("Implementation-Build");
                }
            }
            return new String[] {"burnrate " + (v == null ? "(not built as a jar: run ./burnrate)" : v)
                    + (commit == null || commit.isBlank() || commit.startsWith("$") ? "" : " (commit " + commit + ")")};
        }
    }
}
