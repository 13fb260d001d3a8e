package io.burnrate.engine.testing;

import io.burnrate.engine.cli.BurnrateCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the {@code burnrate} command line in-process, as a user would, capturing what it prints. */
public final class Cli {

    /** Exit code and what went to stdout and stderr. */
    public record Run(int code, String out, String err) {
    }

    private Cli() {
    }

    public static synchronized Run run(final String... args) {
        final PrintStream oldErr = System.err;
        final PrintStream oldOut = System.out;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            final int code = BurnrateCli.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
    }
}
