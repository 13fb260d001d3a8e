package io.burnrate.loadtest.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * A benchmark's output: printed, and appended to a raw results file (bench.sh:
 * {@code loadtest/results/<date>.md}, ignored by git) with the date, the machine and the
 * exact command that produced it. The committed {@code RESULTS.md} is the run of record,
 * written from these by hand.
 */
public final class Report {

    /** Load average when this JVM started: was the (shared) machine quiet? */
    private static final String START_LOAD = loadAverage();

    private Report() {
    }

    /** Touch to record the load average at start-up. */
    public static void init() {
        // START_LOAD is read by the class initializer
    }

    static String loadAverage() {
        try {
            final String[] load = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return load[0] + " / " + load[1] + " / " + load[2];
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The command as the user typed it: bench.sh passes it in {@code BURNRATE_BENCH_COMMAND}. */
    public static String command(final List<String> args) {
        final String fromScript = System.getenv("BURNRATE_BENCH_COMMAND");
        if (fromScript != null && !fromScript.isBlank()) {
            return fromScript;
        }
        return "java -jar loadtest/target/burnrate-loadtest.jar " + String.join(" ", args);
    }

    public static String machine() {
        final StringBuilder b = new StringBuilder();
        b.append(Runtime.getRuntime().availableProcessors()).append(" CPUs (nproc)");
        final String cpu = firstMatch(Path.of("/proc/cpuinfo"), "model name");
        if (cpu != null) {
            b.append(", ").append(cpu);
        }
        final String mem = firstMatch(Path.of("/proc/meminfo"), "MemTotal");
        if (mem != null) {
            final long kb = Long.parseLong(mem.replaceAll("[^0-9]", ""));
            b.append(String.format(Locale.ROOT, ", %.1f GiB memory", kb / 1024.0 / 1024.0));
        }
        b.append(", ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"));
        b.append(", Java ").append(System.getProperty("java.runtime.version")).append(" (")
                .append(System.getProperty("java.vm.name")).append(')');
        b.append(", Kafka ").append(AppInfoParser.getVersion());
        if (START_LOAD != null) {
            b.append("; load average (1/5/15 min) when the benchmark JVM started: ").append(START_LOAD)
                    .append(", at the end: ").append(loadAverage())
                    .append(" (the end value includes this benchmark's own broker, engine and generator)");
        }
        return b.toString();
    }

    private static String firstMatch(final Path file, final String key) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(l -> l.startsWith(key)).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst()
                    .orElse(null);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Prints {@code body} and, when {@code results} is not null, appends it as a section:
     * title, date, machine, broker, command, then the body.
     */
    public static void publish(final PrintStream out, final Path results, final String title, final String broker,
                               final List<String> args, final String body) throws IOException {
        final String section = "### " + title + " — "
                + ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT)) + "\n\n"
                + "- machine: " + machine() + "\n"
                + "- broker: " + broker + "\n"
                + "- command: `" + command(args) + "`\n\n"
                + body.strip() + "\n\n";
        out.println();
        out.println(section);
        if (results != null) {
            if (results.getParent() != null) {
                Files.createDirectories(results.getParent());
            }
            if (!Files.exists(results)) {
                Files.writeString(results, "# burnrate benchmark runs (raw output, not committed; the run of record "
                        + "is loadtest/RESULTS.md)\n\n", StandardCharsets.UTF_8);
            }
            Files.writeString(results, section, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            out.println("bench: appended to " + results.toAbsolutePath());
        }
    }
}
