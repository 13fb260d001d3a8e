package io.burnrate.engine.it;

import io.burnrate.engine.runtime.EmbeddedKafka;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node KRaft broker in a child JVM (the same {@link EmbeddedKafka} as
 * {@code burnrate demo}), on a fixed data directory and a fixed port, so that it can be
 * stopped ({@link #stop}: SIGTERM, a clean shutdown; {@link #kill}: SIGKILL) and started
 * again on the same data with the same address, as an operator restarts a broker.
 */
final class BrokerProcess implements AutoCloseable {

    private static final String READY = "broker-ready ";

    private final Path dataDir;
    private final int port;
    private final Path log;
    private Process process;
    private int starts;

    BrokerProcess(final Path dataDir, final Path log) throws IOException {
        this.dataDir = dataDir;
        this.port = EngineProcess.freePort();
        this.log = log;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker and returns once it answers metadata requests. */
    BrokerProcess start(final Duration timeout) throws Exception {
        final List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"),
                BrokerProcess.class.getName(), dataDir.toAbsolutePath().toString(), Integer.toString(port)));
        Files.createDirectories(log.getParent());
        final Path out = log.resolveSibling(log.getFileName() + "." + (++starts));
        process = new ProcessBuilder(cmd).redirectError(out.toFile()).start();
        final BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        final CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith(READY)) {
                        return line.substring(READY.length());
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        final String bootstrap = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (bootstrap == null) {
            throw new IllegalStateException("broker exited with " + process.waitFor() + "; see " + out);
        }
        return this;
    }

    /** SIGTERM: a controlled shutdown; waits until the process is gone. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
    }

    /** SIGKILL: the broker recovers its logs at the next start. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            try {
                stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }


    /** Child side: {@code <data dir> <port>}; prints a ready line, runs until SIGTERM. */
    public static void main(final String[] args) throws Exception {
        final EmbeddedKafka broker = EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-shutdown"));
        System.out.println(READY + broker.bootstrapServers());
        System.out.flush();
        Thread.currentThread().join();
    }
}
