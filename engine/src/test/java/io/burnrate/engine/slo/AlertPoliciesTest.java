package io.burnrate.engine.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.burnrate.engine.slo.v1.SloSpecParser;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The alert policies on the classpath ({@code policies/*.yaml}) and what a malformed one says. */
class AlertPoliciesTest {

    private static final String EXAMPLE = String.join("\n",
            "apiVersion: burnrate/v1",
            "kind: SLO",
            "metadata: {name: checkout-availability}",
            "spec:",
            "  service: checkout",
            "  indicator: {availability: {badStatusMin: 500}}",
            "  objective: 99.9",
            "  window: WINDOW",
            "  alerting: {policy: POLICY}",
            "");

    @Test
    void shouldListTheBuiltInPoliciesInTheIndexOrder() {
        assertThat(AlertPolicies.names()).containsExactly("google-30d", "google-28d", "sloth-7d");
        assertThat(AlertPolicies.names()).contains(AlertPolicies.DEFAULT);
    }

    @Test
    void shouldHoldTheSreWorkbookTableAsGoogle30d() {
        final List<AlertWindow> windows = AlertPolicies.named("google-30d").orElseThrow();

        assertThat(windows).containsExactly(
                new AlertWindow(Severity.PAGE, 2, Duration.ofHours(1), Duration.ofMinutes(5)),
                new AlertWindow(Severity.PAGE, 5, Duration.ofHours(6), Duration.ofMinutes(30)),
                new AlertWindow(Severity.TICKET, 10, Duration.ofDays(1), Duration.ofHours(2)),
                new AlertWindow(Severity.TICKET, 10, Duration.ofDays(3), Duration.ofHours(6)));
        assertThat(windows.stream().map(AlertWindow::ruleName))
                .containsExactly("page-1h-5m", "page-6h-30m", "ticket-1d-2h", "ticket-3d-6h");
        assertThat(AlertPolicies.policy("google-30d").orElseThrow().sloWindow()).isEqualTo(Duration.ofDays(30));
    }

    /**
     * Thresholds over the window each table is tuned for: budgetPercent / 100 x window / long window.
     * <pre>
     * google-30d over 30d: 2% x 720h/1h = 14.4, 5% x 720h/6h = 6, 10% x 30d/1d = 3, 10% x 30d/3d = 1
     * google-28d over 28d: 2% x 672h/1h = 13.44, 5% x 672h/6h = 5.6, 10% x 28 = 2.8, 10% x 28/3 = 0.933
     * sloth-7d over 7d:    8% x 168h/1h = 13.44, 12.5% x 168h/6h = 3.5, 20% x 7 = 1.4, 42% x 7/3 = 0.98
     * </pre>
     */
    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({
        "google-30d, 30d, 14.4, 6, 3, 1",
        "google-28d, 28d, 13.44, 5.6, 2.8, 0.93333",
        "sloth-7d, 7d, 13.44, 3.5, 1.4, 0.98",
    })
    void shouldDeriveTheThresholdsFromTheSloWindow(final String name, final String window, final double page1,
                                                   final double page2, final double ticket1, final double ticket2) {
        final AlertPolicies.Policy policy = AlertPolicies.policy(name).orElseThrow();
        final Duration sloWindow = Durations.parse(window);

        assertThat(policy.sloWindow()).isEqualTo(sloWindow);
        assertThat(policy.windows().stream().map(w -> w.threshold(sloWindow)).toList())
                .zipSatisfy(List.of(page1, page2, ticket1, ticket2),
                        (got, want) -> assertThat(got).isCloseTo(want, within(1e-4)));
        assertThat(policy.windows().stream().map(AlertWindow::ruleName))
                .containsExactly("page-1h-5m", "page-6h-30m", "ticket-1d-2h", "ticket-3d-6h");
    }

    @ParameterizedTest(name = "{0} on a {1} SLO")
    @CsvSource({"google-28d, 28d", "sloth-7d, 7d", "google-30d, 7d"})
    void shouldAcceptEveryPolicyByNameInAnSloFile(final String policy, final String window) throws Exception {
        final SloSpec spec = SloSpecParser.parseYaml(EXAMPLE.replace("POLICY", policy).replace("WINDOW", window),
                "slos.yaml").get(0).spec();

        assertThat(spec.alerts()).isEqualTo(AlertPolicies.named(policy).orElseThrow());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "[a, b]| must be a mapping {sloWindow, windows}",
        "{sloWindow: 30d}|: windows: must be a non-empty list",
        "{sloWindow: 30d, windows: []}|: windows: must be a non-empty list",
        "{windows: [{severity: page, budgetPercent: 2, longWindow: 1h, shortWindow: 5m}]}|: sloWindow: must be a duration",
        "{sloWindow: a month, windows: [{severity: page}]}|: sloWindow: 'a month' is not a duration",
        "{sloWindow: 30d, window: []}|: window: unknown field",
        "{sloWindow: 30d, windows: [{severity: pager, budgetPercent: 2, longWindow: 1h, shortWindow: 5m}]}"
                + "|: windows[0]: severity must be page or ticket, not 'pager'",
        "{sloWindow: 30d, windows: [{severity: page, budgetPercent: '2', longWindow: 1h, shortWindow: 5m}]}"
                + "|: windows[0].budgetPercent: must be a number",
        "{sloWindow: 30d, windows: [{severity: page, budgetPercent: 200, longWindow: 1h, shortWindow: 5m}]}"
                + "|: windows[0]: budgetPercent must be in (0, 100], not 200.0",
        "{sloWindow: 30d, windows: [{severity: page, budgetPercent: 2, longWindow: 5m, shortWindow: 1h}]}"
                + "|: windows[0]: shortWindow 1h must be shorter than longWindow 5m",
        "{sloWindow: 30d, windows: [{severity: page, budgetPercent: 2, long: 1h, shortWindow: 5m}]}"
                + "|: windows[0].long: unknown field",
        "{sloWindow: 1d, windows: [{severity: page, budgetPercent: 2, longWindow: 3d, shortWindow: 5m}]}"
                + "|: windows[0].longWindow: is longer than sloWindow 1d",
    })
    void shouldNameTheResourceAndTheFieldOfAMalformedPolicy(final String yaml, final String message) throws Exception {
        final JsonNode doc = new YAMLMapper().readTree(yaml);

        assertThatThrownBy(() -> AlertPolicies.parse("broken", "policies/broken.yaml", doc))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("alert policy resource policies/broken.yaml")
                .hasMessageContaining(message);
    }
}
