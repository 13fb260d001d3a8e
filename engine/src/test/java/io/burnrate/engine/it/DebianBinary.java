package io.burnrate.engine.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real neighbour from a Debian package (Prometheus, Alertmanager) run as a child process of
 * the test: found on the PATH or in {@code /usr/bin}; {@link #find} returns null when the
 * package is not installed, so the test can skip naming it.
 */
final class DebianBinary implements AutoCloseable {

    private final Process process;
    private final Path log;

    private DebianBinary(final Process process, final Path log) {
        this.process = process;
        this.log = log;
    }

    /** The executable, or null. */
    static Path find(final String name) {
        final String path = System.getenv("PATH");
        final List<String> dirs = new ArrayList<>(path == null ? List.of() : List.of(path.split(":")));
        dirs.add("/usr/bin");
        for (final String d : dirs) {
            final Path p = Path.of(d.isEmpty() ? "." : d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts {@code command}, its output to {@code log}. */
    static DebianBinary start(final List<String> command, final Path log) throws IOException {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new DebianBinary(p, log);
    }

    /** Waits until {@code url} answers 200, failing with the process's log when it died or took too long. */
    void awaitReady(final URI url, final Duration timeout) throws Exception {
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("not ready within " + timeout.toSeconds() + " s:\n" + log());
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
