package io.burnrate.engine.slo.sloth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.burnrate.engine.slo.AlertPolicies;
import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.slo.v1.SloSpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlothAlertWindowsTest {

    private static final Path SEVEN_DAYS = Path.of("src/test/resources/sloth/7d.yaml");

    private static AlertPolicies.Policy read(final String yaml, final List<String> problems) throws Exception {
        final JsonNode doc = new YAMLMapper().readTree(yaml);
        return SlothAlertWindows.read(doc, "w.yaml (document 1)", problems);
    }

    @Test
    void shouldDeriveThresholdsAsSlothDoes() throws Exception {
        final List<String> problems = new ArrayList<>();
        final AlertPolicies.Policy p = read(Files.readString(SEVEN_DAYS), problems);
        assertThat(problems).isEmpty();
        assertThat(p.name()).isEqualTo("sloth-7d");
        assertThat(p.sloWindow()).isEqualTo(Duration.ofDays(7));
        // Sloth's getBurnRateFactor: errorBudgetPercent / 100 x sloPeriod hours / longWindow hours, 7d = 168 h
        //   page quick    8 %    over 1h:  0.08  x 168 / 1  = 13.44
        //   page slow     12.5 % over 6h:  0.125 x 168 / 6  = 3.5
        //   ticket quick  20 %   over 1d:  0.20  x 168 / 24 = 1.4
        //   ticket slow   42 %   over 3d:  0.42  x 168 / 72 = 0.98
        assertThat(p.windows()).extracting(w -> w.threshold(p.sloWindow())).containsExactly(13.44, 3.5, 1.4, 0.98);
        assertThat(p.windows()).extracting(AlertWindow::ruleName)
                .containsExactly("page-1h-5m", "page-6h-30m", "ticket-1d-2h", "ticket-3d-6h");
        // the built-in sloth-7d policy is the same table
        assertThat(p.windows()).isEqualTo(AlertPolicies.named("sloth-7d").orElseThrow());
    }

    @Test
    void shouldNameEachBadFieldWithItsSeverityAndSpeed() throws Exception {
        final List<String> problems = new ArrayList<>();
        final String yaml = Files.readString(SEVEN_DAYS).replace("shortWindow: 30m", "shortWindow: 7h")
                .replace("errorBudgetPercent: 20", "errorBudgetPercent: lots");
        assertThat(read(yaml, problems)).isNull();
        assertThat(problems).containsExactly(
                "w.yaml (document 1): AlertWindows 'sloth-7d': spec.page.slow: shortWindow 7h must be shorter than "
                        + "longWindow 6h",
                "w.yaml (document 1): AlertWindows 'sloth-7d': spec.ticket.quick.errorBudgetPercent: must be a number in "
                        + "(0, 100], not \"lots\"");
    }

    @Test
    void shouldServeAsTheAlertPolicyOfSlosInTheSameFile() throws Exception {
        final String yaml = Files.readString(SEVEN_DAYS).replace("kind: AlertWindows\n",
                "kind: AlertWindows\nmetadata: {name: one-week}\n") + """
                ---
                apiVersion: burnrate/v1
                kind: SLO
                metadata: {name: checkout}
                spec:
                  service: checkout
                  indicator: {availability: {}}
                  objective: 99.9
                  window: 7d
                  alerting: {policy: one-week}
                """;
        final List<SloSpecParser.Parsed> read = SloSpecParser.parseYaml(yaml, "slos.yaml");
        assertThat(read).hasSize(1);
        final SloSpec s = read.get(0).spec();
        assertThat(s.alerts()).extracting(w -> w.threshold(s.window())).containsExactly(13.44, 3.5, 1.4, 0.98);
        // what goes to the topic carries the windows, not a name only this file knows
        assertThat(read.get(0).document().path("spec").path("alerting").path("policy").size()).isEqualTo(4);
    }
}
