package io.burnrate.engine.it;

import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.topology.TopicRole;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The engine as an operator runs it: {@code burnrate run} in a child JVM started from
 * this JVM's class path, against the topics and application id of {@code settings}, its
 * output (stdout and stderr) in {@code target/<name>.log}. {@link #kill} is SIGKILL,
 * {@link #stop} SIGTERM. {@code -Dburnrate.it.streams.log=info} turns Kafka Streams' own
 * log (assignments, restoration) on in the children.
 */
final class EngineProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final Path log;
    private final int httpPort;

    private EngineProcess(final String name, final Process process, final Path log, final int httpPort) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
    }

    /**
     * Starts {@code burnrate run} with idle advance and the event-age bound off (test
     * traffic is from 2026-03), an HTTP port of its own on loopback, and {@code extra}
     * flags (e.g. {@code --set commit.interval.ms=100}).
     */
    static EngineProcess start(final String name, final Settings settings, final Path stateDir,
                               final String... extra) throws IOException {
        final int http = freePort();
        final List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams="
                        + System.getProperty("burnrate.it.streams.log", "warn"),
                "-cp", System.getProperty("java.class.path"),
                "io.burnrate.engine.cli.BurnrateCli", "run",
                "--bootstrap-servers", settings.get(Settings.BOOTSTRAP),
                "--application-id", settings.get(Settings.APPLICATION_ID),
                "--state-dir", stateDir.toAbsolutePath().toString(),
                "--partitions", Integer.toString(settings.partitions()),
                "--http-port", Integer.toString(http), "--http-bind", "127.0.0.1",
                "--set", "idle.advance.after=off",
                "--set", "max.event.age=off"));
        for (final TopicRole role : TopicRole.values()) {
            cmd.add("--topic");
            cmd.add(role.role() + "=" + settings.topic(role));
        }
        cmd.addAll(List.of(extra));
        final Path log = Path.of("target", name + ".log");
        Files.createDirectories(log.getParent());
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new EngineProcess(name, p, log, http);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    int httpPort() {
        return httpPort;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** {@code /readyz} answers 200: Kafka Streams is RUNNING (not starting, rebalancing or stopped). */
    boolean ready() {
        try {
            final HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + httpPort + "/readyz")).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    Path log() {
        return log;
    }

    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** For a failed test: the engine's threads (jcmd Thread.print) in {@code target/<name>-threads.txt}. */
    Path threadDump() {
        final Path out = Path.of("target", name + "-threads.txt");
        try {
            new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "Thread.print").redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** SIGKILL: no shutdown hook, no commit, no clean leave of the group. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait for the exit code (SIGKILL after {@code timeout}). */
    int stop(final Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
        }
        return process.exitValue();
    }

    /** Waits for the process to end by itself; -1 if it is still running after {@code timeout}. */
    int awaitExit(final Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                stop(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }


    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
