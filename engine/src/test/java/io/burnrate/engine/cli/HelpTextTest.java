package io.burnrate.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Help at 80 columns: sentences end as sentences, and paths and setting names are not split across lines. */
class HelpTextTest {

    private static final List<String> UNSPLIT = List.of("DIR/alerts.ndjson", "DIR/status.ndjson", "DIR/dlq.ndjson",
            "DIR/budget-policy.ndjson", "DIR/compliance.ndjson", "./burnrate-data", "sasl.jaas.config",
            "BURNRATE_SASL_JAAS_CONFIG", "security.protocol=SASL_SSL", "sasl.mechanism=SCRAM-SHA-512",
            "ssl.truststore.location=...", "commit.interval.ms=1000", "burnrate.<role>", "<data-dir>/state");

    private static String usage(final String... path) {
        CommandLine cli = new CommandLine(new BurnrateCli());
        for (final String name : path) {
            cli = cli.getSubcommands().get(name);
        }
        cli.setUsageHelpWidth(80);
        return cli.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    @Test
    void shouldEndTheReportCommandsSummaryAsASentence() {
        // before: "report  Print the compliance summaries of a replay (...) as a table:"
        assertThat(usage()).containsPattern("report +Print the compliance summaries").doesNotContain("as a table:")
                .contains("a table.\n");
    }

    @Test
    void shouldNotSplitPathsOrSettingNamesAt80Columns() {
        for (final List<String> command : List.of(List.of("replay"), List.of("run"), List.of("report"),
                List.of("demo"), List.of("slo", "apply"), List.of("slo", "list"), List.of("slo", "validate"))) {
            // a word split across lines shows as its first part at a line's end: join the lines and compare
            final String text = usage(command.toArray(String[]::new));
            final String joined = text.replaceAll("\\n\\s*", "\n");
            for (final String token : UNSPLIT) {
                final String glued = joined.replace("\n", "");
                if (glued.contains(token)) {
                    assertThat(text).as(command + " help keeps '" + token + "' on one line:\n" + text).contains(token);
                }
            }
        }
    }
}
