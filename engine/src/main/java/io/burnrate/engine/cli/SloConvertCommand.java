package io.burnrate.engine.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.burnrate.engine.slo.SloLimits;
import io.burnrate.engine.slo.openslo.OpenSloWriter;
import io.burnrate.engine.slo.v1.SloSpecParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code burnrate slo convert --to openslo|burnrate FILE}: one SLO format into the other. */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Convert an SLO file (burnrate/v1, OpenSLO v1 and Sloth AlertWindows, mixed) to OpenSLO v1 or to "
                + "burnrate/v1, as YAML documents separated by ---.",
                "Reading the output back gives the same SLOs (docs/openslo.md). Exits 2 when the file is invalid or a rule "
                        + "cannot be written in the target format."})
final class SloConvertCommand implements Callable<Integer> {

    static final YAMLMapper YAML = YAMLMapper.builder().enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .disable(YAMLGenerator.Feature.SPLIT_LINES).build();

    @Spec
    private CommandSpec spec;

    @Option(names = "--to", required = true, paramLabel = "FORMAT", description = "openslo or burnrate")
    private String to;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write here instead of standard output")
    private Path output;

    @Parameters(index = "0", paramLabel = "FILE", description = "the SLO file")
    private Path file;

    @Mixin
    private AlertWindowsOption alertWindows;

    @Override
    public Integer call() {
        final PrintWriter err = spec.commandLine().getErr();
        final String format = to.toLowerCase(Locale.ROOT);
        if (!format.equals("openslo") && !format.equals("burnrate")) {
            err.println("burnrate slo convert: --to must be openslo or burnrate, not '" + to + "'");
            return BurnrateCli.UNUSABLE_INPUT;
        }
        final List<SloSpecParser.Parsed> slos = SloFiles.loadOrReport(file, SloLimits.DEFAULTS, alertWindows.files, err);
        if (slos == null) {
            return BurnrateCli.UNUSABLE_INPUT;
        }
        final List<JsonNode> docs = new ArrayList<>();
        try {
            for (final SloSpecParser.Parsed p : slos) {
                docs.add(format.equals("openslo") ? OpenSloWriter.write(p.spec()) : p.document());
            }
        } catch (IllegalArgumentException e) {
            err.println("burnrate slo convert: " + file.getFileName() + ": " + e.getMessage());
            return BurnrateCli.UNUSABLE_INPUT;
        }
        final String text = yaml(docs);
        if (output == null) {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
        } else {
            try {
                Files.writeString(output, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("burnrate slo convert: cannot write " + output + ": " + e.getMessage());
                return 1;
            }
            err.println("wrote " + slos.size() + " SLO" + (slos.size() == 1 ? "" : "s") + " to " + output);
        }
        return 0;
    }

    /** Documents as one YAML stream, each starting with {@code ---}. */
    static String yaml(final List<JsonNode> docs) {
        final StringBuilder b = new StringBuilder();
        for (final JsonNode d : docs) {
            try {
                b.append(YAML.writeValueAsString(d));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return b.toString();
    }
}
