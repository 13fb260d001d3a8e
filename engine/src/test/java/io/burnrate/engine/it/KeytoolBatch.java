package io.burnrate.engine.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs many JDK keytool commands in one JVM: the JDK's own {@code keytool} main class,
 * called once per line of a file (arguments separated by tabs). Starting a JVM per
 * command cost about a second each on this machine; one JVM does all 14 in a fraction.
 * keytool's main class exits the JVM with a non-zero code on the first failure.
 */
final class KeytoolBatch {

    private KeytoolBatch() {
    }

    /** Writes {@code steps} to {@code file} and runs them in a child JVM; throws with keytool's output on failure. */
    static void run(final Path file, final List<List<String>> steps) throws Exception {
        final List<String> lines = new ArrayList<>();
        for (final List<String> step : steps) {
            lines.add(String.join("\t", step));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        final Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "--add-exports", "java.base/sun.security.tools.keytool=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), KeytoolBatch.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
    }

    public static void main(final String[] args) throws Exception {
        final var keytool = Class.forName("sun.security.tools.keytool.Main").getMethod("main", String[].class);
        for (final String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            keytool.invoke(null, (Object) line.split("\t"));
        }
    }
}
