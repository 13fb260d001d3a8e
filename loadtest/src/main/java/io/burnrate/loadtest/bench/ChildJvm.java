package io.burnrate.loadtest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.schemas.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fresh JVM for one measurement (the ceiling consumer or the engine), started from
 * this JVM's class path. It talks in lines on stdout: {@code @@<tag> <json>}; its
 * stderr (logs) goes to a file. Commands go in on stdin; EOF on stdin makes the child
 * stop, so a dying parent leaves nothing behind.
 */
public final class ChildJvm implements AutoCloseable {

    public static final String PREFIX = "@@";

    /** One protocol line from the child. */
    public record Message(String tag, JsonNode body, long wallMs) {
    }

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final LinkedBlockingQueue<Message> messages = new LinkedBlockingQueue<>();
    private final Path logFile;
    private final Thread reader;
    private final ArrayDeque<String> stdoutTail = new ArrayDeque<>();

    private ChildJvm(final String name, final Process process, final Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = new Thread(this::readLoop, "child-" + name + "-stdout");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /**
     * Starts {@code mainClass} in a new JVM.
     *
     * @param jvmArgs e.g. {@code -Xmx512m}, {@code -XX:StartFlightRecording=...}
     */
    public static ChildJvm start(final String name, final List<String> jvmArgs, final Class<?> mainClass,
                                 final List<String> args, final Path logFile) throws IOException {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        Files.createDirectories(logFile.getParent());
        final Process p = new ProcessBuilder(cmd).redirectError(logFile.toFile()).start();
        final ChildJvm child = new ChildJvm(name, p, logFile);
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        return child;
    }

    private void readLoop() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                final long wall = System.currentTimeMillis();
                if (!line.startsWith(PREFIX)) {
                    synchronized (stdoutTail) {
                        stdoutTail.addLast(line);
                        if (stdoutTail.size() > 50) {
                            stdoutTail.removeFirst();
                        }
                    }
                    continue;
                }
                final int sp = line.indexOf(' ');
                final String tag = sp < 0 ? line.substring(2) : line.substring(2, sp);
                JsonNode body = null;
                if (sp > 0) {
                    try {
                        body = Json.MAPPER.readTree(line.substring(sp + 1));
                    } catch (IOException e) {
                        body = Json.MAPPER.getNodeFactory().textNode(line.substring(sp + 1));
                    }
                }
                messages.add(new Message(tag, body, wall));
            }
        } catch (IOException e) {
            // the child went away; await() reports it
        }
    }

    /** Sends one command line. */
    public void send(final String command) throws IOException {
        stdin.write(command);
        stdin.write('\n');
        stdin.flush();
    }

    /** The next message with this tag; fails on timeout, on an {@code error} message or when the child exits. */
    public Message await(final String tag, final Duration timeout) throws IOException, InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            final Message m = messages.poll(100, TimeUnit.MILLISECONDS);
            if (m != null) {
                if (m.tag().equals(tag)) {
                    return m;
                }
                if (m.tag().equals("error")) {
                    throw new IOException(name + " failed: " + (m.body() == null ? "" : m.body().asText())
                            + " (log: " + logFile + ")");
                }
                continue;
            }
            if (!process.isAlive() && messages.isEmpty()) {
                reader.join(1000);
                if (messages.isEmpty()) {
                    throw new IOException(name + " exited with code " + process.exitValue() + " before '" + tag
                            + "' (log: " + logFile + ", last lines: " + tail(logFile, 5) + ")");
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(name + ": no '" + tag + "' within " + timeout.toSeconds() + " s (log: "
                        + logFile + ")");
            }
        }
    }

    /** The last lines the child printed on stdout outside the protocol (the JVM's own messages go there). */
    public List<String> stdoutTail() {
        synchronized (stdoutTail) {
            return new ArrayList<>(stdoutTail);
        }
    }

    /**
     * CPU time the child has used so far (user + system, all threads, from
     * /proc/PID/stat, 10 ms resolution); -1 where there is no /proc.
     */
    public long cpuNanos() {
        try {
            final String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state(0) ppid(1) ... utime(11) stime(12), in clock ticks
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * (1_000_000_000L / CLOCK_TICKS);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static final long CLOCK_TICKS = clockTicks();

    private static long clockTicks() {
        try {
            final Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /**
     * SIGKILL (on Linux {@link Process#destroyForcibly()} sends SIGKILL): the JVM gets no
     * chance to close anything, as when a host dies. Returns when the process is gone.
     */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " still alive 30 s after SIGKILL");
        }
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    /** Waits for the child to exit (after a stop command); kills it after {@code timeout}. */
    public int waitFor(final Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static String tail(final Path file, final int lines) {
        try {
            final List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(unreadable)";
        }
    }

    /** Child side: one protocol line. */
    public static synchronized void emit(final String tag, final Object body) {
        try {
            System.out.println(PREFIX + tag + (body == null ? "" : " " + Json.MAPPER.writeValueAsString(body)));
        } catch (IOException e) {
            System.out.println(PREFIX + "error \"cannot encode " + tag + "\"");
        }
        System.out.flush();
    }
}
