package io.burnrate.engine.slo.openslo;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.slo.v1.SloSpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The OpenSLO example of the README's "OpenSLO and Sloth" section loads as the text says. */
class ReadmeOpenSloExampleTest {

    @Test
    void shouldLoadTheReadmeExample() throws Exception {
        final String readme = Files.readString(Path.of("../README.md"));
        final int section = readme.indexOf("## OpenSLO and Sloth");
        final int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
        final String yaml = readme.substring(start, readme.indexOf("```", start));
        final SloSpec s = SloSpecParser.parseYaml(yaml, "README.md").get(0).spec();
        assertThat(s.id()).isEqualTo("checkout");
        assertThat(s.selector()).containsEntry("operation", "POST /pay");
        // 13.44 over 1h of 28d (672 h): 13.44 / 672 x 100 = 2 %, the google-28d page rule
        assertThat(s.alerts()).extracting(w -> w.ruleName() + " " + w.budgetPercent()).containsExactly("page-1h-5m 2.0");
        assertThat(s.alerts().get(0).threshold(Duration.ofDays(28))).isEqualTo(13.44);
        assertThat(s.labels()).containsEntry("team", "payments,sre")
                .containsEntry("openslo_notification_target", "on-call-pagerduty");
    }
}
