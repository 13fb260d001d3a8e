package io.burnrate.loadtest;

import io.burnrate.loadtest.bench.Report;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code burnrate-loadtest}: the traffic generator and the benchmarks. */
@Command(name = "burnrate-loadtest", mixinStandardHelpOptions = true,
        description = "Traffic generator and benchmarks for the burnrate engine.",
        subcommands = {GenerateCommand.class, BenchCommand.class, JmhCommand.class, CommandLine.HelpCommand.class})
public final class LoadtestCli {

    /** Exit code for unusable input (bad option values, unreadable scenario). */
    public static final int UNUSABLE_INPUT = 2;

    /** The arguments of this invocation, echoed into RESULTS.md. */
    static volatile List<String> args = List.of();

    public static void main(final String[] argv) {
        System.exit(run(argv));
    }

    public static int run(final String... argv) {
        Report.init();
        args = List.of(argv);
        final CommandLine cli = new CommandLine(new LoadtestCli());
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("burnrate-loadtest: " + ex.getMessage());
            // the full command path (burnrate-loadtest bench throughput), not the root name twice
            ex.getCommandLine().getErr().println("see '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help'");
            return UNUSABLE_INPUT;
        });
        return cli.execute(argv);
    }
}
