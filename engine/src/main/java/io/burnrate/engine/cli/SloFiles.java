package io.burnrate.engine.cli;

import io.burnrate.engine.slo.AlertPolicies;
import io.burnrate.engine.slo.SloLimits;
import io.burnrate.engine.slo.SloValidationException;
import io.burnrate.engine.slo.v1.SloSpecParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Loads an SLO file for a command, turning every failure into a one-line reason. */
final class SloFiles {

    /** A failure to report and exit with {@link BurnrateCli#UNUSABLE_INPUT}. */
    static final class Unusable extends Exception {
        final List<String> lines;

        Unusable(final List<String> lines) {
            super(String.join("; ", lines), null, false, false);
            this.lines = lines;
        }
    }

    private SloFiles() {
    }

    /** Loads the file, or prints every problem as {@code invalid: ...} and returns null. */
    static List<SloSpecParser.Parsed> loadOrReport(final Path file, final PrintWriter err) {
        return loadOrReport(file, SloLimits.DEFAULTS, err);
    }

    static List<SloSpecParser.Parsed> loadOrReport(final Path file, final SloLimits limits,
                                                    final PrintWriter err) {
        return loadOrReport(file, limits, List.of(), err);
    }

    static List<SloSpecParser.Parsed> loadOrReport(final Path file, final SloLimits limits, final List<Path> alertWindows,
                                                    final PrintWriter err) {
        try {
            return load(file, limits, alertWindows);
        } catch (Unusable e) {
            e.lines.forEach(line -> err.println("invalid: " + line));
            return null;
        }
    }

    static List<SloSpecParser.Parsed> load(final Path file) throws Unusable {
        return load(file, SloLimits.DEFAULTS);
    }

    static List<SloSpecParser.Parsed> load(final Path file, final SloLimits limits) throws Unusable {
        return load(file, limits, List.of());
    }

    /** Loads {@code file}, whose SLOs may name the Sloth catalogues of {@code alertWindows} files. */
    static List<SloSpecParser.Parsed> load(final Path file, final SloLimits limits, final List<Path> alertWindows)
            throws Unusable {
        final Map<String, AlertPolicies.Policy> policies = alertWindows(alertWindows, limits);
        if (!Files.isRegularFile(file)) {
            throw new Unusable(List.of("SLO file " + file + " does not exist or is not a file"));
        }
        try {
            return SloSpecParser.parseFile(file, limits, policies);
        } catch (SloValidationException e) {
            throw new Unusable(e.problems());
        } catch (NoSuchFileException e) {
            throw new Unusable(List.of("SLO file " + file + " does not exist"));
        } catch (IOException e) {
            throw new Unusable(List.of("cannot read SLO file " + file + ": " + e.getMessage()));
        }
    }

    /** The policies of every {@code --alert-windows} file, by name; a name in two files is refused. */
    static Map<String, AlertPolicies.Policy> alertWindows(final List<Path> files, final SloLimits limits) throws Unusable {
        final Map<String, AlertPolicies.Policy> out = new LinkedHashMap<>();
        final List<String> problems = new ArrayList<>();
        for (final Path f : files) {
            if (!Files.isRegularFile(f)) {
                problems.add("alert-windows file " + f + " does not exist or is not a file");
                continue;
            }
            try {
                for (final AlertPolicies.Policy p : SloSpecParser.alertWindows(f, limits).values()) {
                    if (out.putIfAbsent(p.name(), p) != null) {
                        problems.add(f.getFileName() + ": AlertWindows '" + p.name() + "': an earlier --alert-windows file "
                                + "defines this name too");
                    }
                }
            } catch (SloValidationException e) {
                problems.addAll(e.problems());
            } catch (IOException e) {
                problems.add("cannot read alert-windows file " + f + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new Unusable(problems);
        }
        return out;
    }
}
