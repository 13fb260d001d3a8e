package io.burnrate.engine.cli;

import io.burnrate.engine.slo.SloLimits;
import io.burnrate.engine.slo.SloValidationException;
import io.burnrate.engine.slo.v1.SloSpecParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

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
        try {
            return load(file, limits);
        } catch (Unusable e) {
            e.lines.forEach(line -> err.println("invalid: " + line));
            return null;
        }
    }

    static List<SloSpecParser.Parsed> load(final Path file) throws Unusable {
        return load(file, SloLimits.DEFAULTS);
    }

    static List<SloSpecParser.Parsed> load(final Path file, final SloLimits limits) throws Unusable {
        if (!Files.isRegularFile(file)) {
            throw new Unusable(List.of("SLO file " + file + " does not exist or is not a file"));
        }
        try {
            return SloSpecParser.parseFile(file, limits);
        } catch (SloValidationException e) {
            throw new Unusable(e.problems());
        } catch (NoSuchFileException e) {
            throw new Unusable(List.of("SLO file " + file + " does not exist"));
        } catch (IOException e) {
            throw new Unusable(List.of("cannot read SLO file " + file + ": " + e.getMessage()));
        }
    }
}
