package io.burnrate.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.slo.SloLimits;
import io.burnrate.engine.testing.Cli;
import io.burnrate.engine.testing.Specs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SloCommandLimitsTest {

    @TempDir
    Path dir;

    private Path write(final String yaml) throws Exception {
        final Path f = dir.resolve("slos.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    @Test
    void validateShouldRefuseAnAliasNamingFileLineSloAndField() throws Exception {
        final Path f = write(Specs.availabilityYaml("checkout", "checkout", 0)
                .replace("labels: {team: payments, tier: \"0\"}", "labels: {team: &t payments, owner: *t}"));
        final Cli.Run run = Cli.run("slo", "validate", f.toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("invalid: slos.yaml (document 1, line 5): SLO 'checkout': metadata.labels.owner: "
                + "YAML anchors and aliases are not supported (alias *t): write the value out");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void validateShouldNameTheSelectorLimitItWasGiven() throws Exception {
        final Path f = write(Specs.availabilityYaml("checkout", "checkout", 0)
                + "  selector: {operation: \"POST /cart\", attributes.region: eu}\n");
        assertThat(Cli.run("slo", "validate", f.toString()).code()).isZero();
        final Cli.Run run = Cli.run("slo", "validate", "--max-selector-entries", "1", f.toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("invalid: slos.yaml (document 1): SLO 'checkout': spec.selector: has 2 "
                + "entries, more than the limit of 1 (slo.max-selector-entries)");
    }

    @Test
    void validateShouldRefuseMoreSlosThanTheLimit() throws Exception {
        final Path f = write(Specs.availabilityYaml("a", "checkout", 0) + "---\n"
                + Specs.availabilityYaml("b", "checkout", 0));
        final Cli.Run run = Cli.run("slo", "validate", "--max-slos", "1", f.toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("invalid: slos.yaml: more than 1 SLO documents (limit slo.max-slos = 1)");
    }

    @Test
    void applyShouldCountTheSlosAlreadyOnTheTopicAgainstTheEngineLimit() {
        final var file = Specs.parse(Specs.availabilityYaml("a", "checkout", 0) + "---\n"
                + Specs.availabilityYaml("b", "checkout", 0));
        final SloLimits three = SloLimits.DEFAULTS.withMaxSlos(3);
        // a redefined, b new: 2 + 1 = 3 fits
        assertThat(SloCommand.engineLimitProblem(Set.of("a", "x"), file, three)).isNull();
        assertThat(SloCommand.engineLimitProblem(Set.of("x", "y"), file, three)).isEqualTo("applying this file would "
                + "define 4 SLOs (2 on the topic, 2 new), more than the limit of 3 (slo.max-slos); nothing was published");
    }
}
