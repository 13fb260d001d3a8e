package io.burnrate.engine.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.SloLimits;
import io.burnrate.engine.slo.SloValidationException;
import io.burnrate.engine.slo.sloth.SlothImport;
import io.burnrate.engine.slo.v1.SloSpecParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code burnrate slo import sloth FILE}: Sloth SLO specs as burnrate/v1 documents. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Import SLOs from another tool's format as burnrate/v1 documents.",
        subcommands = {SloImportCommand.Sloth.class})
final class SloImportCommand {

    /** {@code burnrate slo import sloth FILE}. */
    @Command(name = "sloth", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Read Sloth SLO specs (version: prometheus/v1, or the Kubernetes PrometheusServiceLevel) and "
                    + "write burnrate/v1 documents (docs/sloth.md).",
                    "The SLI's PromQL is translated only in the common shape sum(rate(METRIC{...}[{{.window}}])) with the "
                            + "error query adding one status matcher; everything else is reported, one line each, and "
                            + "never guessed. Exits 0 when every SLO translated, 2 when some were left out (the others "
                            + "are still written)."})
    static final class Sloth implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "the Sloth spec file")
        private Path file;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write here instead of standard output")
        private Path output;

        @Option(names = "--map", paramLabel = "LABEL=TARGET", description = "where a Prometheus label goes: service, "
                + "operation, status, attributes.KEY or ignore (repeatable; defaults: job, service, app -> service; "
                + "handler, route, path, operation -> operation; code, status, status_code -> status; any other label -> "
                + "attributes.LABEL)")
        private List<String> map = new ArrayList<>();

        @Option(names = "--slo-period", paramLabel = "PERIOD", description = "the SLO window, as Sloth's "
                + "--default-slo-period: 30d (default), 28d or 7d")
        private String sloPeriod = "30d";

        @Override
        public Integer call() {
            final PrintWriter err = spec.commandLine().getErr();
            final Map<String, String> mapping = new LinkedHashMap<>();
            for (final String m : map) {
                final String[] kv = m.split("=", 2);
                if (kv.length != 2 || kv[0].isBlank() || !(kv[1].equals(SlothImport.SERVICE)
                        || kv[1].equals(SlothImport.OPERATION) || kv[1].equals(SlothImport.STATUS)
                        || kv[1].equals(SlothImport.IGNORE) || kv[1].startsWith(SlothImport.ATTRIBUTES)
                        && kv[1].length() > SlothImport.ATTRIBUTES.length())) {
                    err.println("burnrate slo import sloth: --map must be LABEL=service|operation|status|attributes.KEY|"
                            + "ignore, not '" + m + "'");
                    return BurnrateCli.UNUSABLE_INPUT;
                }
                mapping.put(kv[0].trim(), kv[1]);
            }
            final Duration period;
            try {
                period = Durations.parse(sloPeriod);
                SlothImport.policyFor(period);
            } catch (IllegalArgumentException e) {
                err.println("burnrate slo import sloth: --slo-period: " + e.getMessage());
                return BurnrateCli.UNUSABLE_INPUT;
            }
            final List<JsonNode> docs = new ArrayList<>();
            try {
                if (!Files.isRegularFile(file) || Files.size(file) > SloLimits.DEFAULTS.maxFileBytes()) {
                    err.println("burnrate slo import sloth: " + file + " does not exist, is not a file or is larger than "
                            + SloLimits.DEFAULTS.maxFileBytes() + " bytes");
                    return BurnrateCli.UNUSABLE_INPUT;
                }
                try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class)
                        .readValues(Files.readString(file, StandardCharsets.UTF_8))) {
                    while (it.hasNextValue()) {
                        final JsonNode d = it.nextValue();
                        if (d != null && !d.isNull() && !d.isMissingNode()) {
                            docs.add(d);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                err.println("burnrate slo import sloth: " + file.getFileName() + ": not valid YAML" + yamlProblem(e));
                return BurnrateCli.UNUSABLE_INPUT;
            }
            final SlothImport.Result r = SlothImport.convert(docs, file.getFileName().toString(), mapping, period);
            r.notes().forEach(n -> err.println("note: " + n));
            final String text = SloConvertCommand.yaml(new ArrayList<>(r.documents()));
            if (!r.documents().isEmpty()) {
                try {
                    // what we write must load: the same reader as slo validate
                    SloSpecParser.parseYaml(text, "imported " + file.getFileName());
                } catch (SloValidationException e) {
                    e.problems().forEach(p -> err.println("invalid: " + p));
                    return BurnrateCli.UNUSABLE_INPUT;
                }
            }
            if (output == null) {
                spec.commandLine().getOut().print(text);
                spec.commandLine().getOut().flush();
            } else {
                try {
                    Files.writeString(output, text, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    err.println("burnrate slo import sloth: cannot write " + output + ": " + e.getMessage());
                    return 1;
                }
            }
            err.println("imported " + r.documents().size() + " SLO" + (r.documents().size() == 1 ? "" : "s")
                    + (r.skipped() > 0 ? ", left out " + r.skipped() : "") + (output == null ? "" : " to " + output));
            return r.skipped() > 0 ? BurnrateCli.UNUSABLE_INPUT : 0;
        }
    }

    /** {@code " at line 6, column 1: expected ',' or ']'"}: where the parser stopped, and why (its first line). */
    static String yamlProblem(final Exception e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof MarkedYAMLException m && m.getProblemMark() != null) {
                return " at line " + (m.getProblemMark().getLine() + 1) + ", column " + (m.getProblemMark().getColumn() + 1)
                        + ": " + String.valueOf(m.getProblem()).lines().findFirst().orElse("");
            }
        }
        if (e instanceof JsonProcessingException j) {
            final JsonLocation at = j.getLocation();
            final String where = at == null || at.getLineNr() < 1 ? "" : " at line " + at.getLineNr() + ", column "
                    + at.getColumnNr();
            return where + ": " + String.valueOf(j.getOriginalMessage()).lines().findFirst().orElse("");
        }
        return ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    }
}
