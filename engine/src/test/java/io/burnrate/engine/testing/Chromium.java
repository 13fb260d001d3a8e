package io.burnrate.engine.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium for page tests, with the flags {@code ObservabilityIT}'s
 * status-page test uses (no sandbox, no network side traffic, a fresh profile). Tests
 * skip with {@link #SKIP_REASON} when it is absent.
 */
public final class Chromium {

    public static final Path BINARY = Path.of("/usr/bin/chromium");
    public static final String SKIP_REASON = "Debian's chromium is not installed (.ci/run installs it)";

    private Chromium() {
    }

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** Runs chromium with {@code args} and returns what it printed on stdout (e.g. {@code --dump-dom URL}). */
    public static String run(final Path scratch, final List<String> args) throws IOException, InterruptedException {
        final List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createTempDirectory(scratch, "chromium")));
        cmd.addAll(args);
        final Path out = Files.createTempFile(scratch, "chromium", ".out");
        final Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("chromium did not finish within 120 s: " + cmd);
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
