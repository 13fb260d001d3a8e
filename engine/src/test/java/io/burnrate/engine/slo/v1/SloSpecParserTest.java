package io.burnrate.engine.slo.v1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.BudgetAdjustment;
import io.burnrate.engine.slo.BudgetThreshold;
import io.burnrate.engine.slo.BudgetingMethod;
import io.burnrate.engine.slo.CalendarPeriod;
import io.burnrate.engine.slo.Indicator;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.slo.SloValidationException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SloSpecParserTest {

    private static final String EXAMPLE = String.join("\n",
            "apiVersion: burnrate/v1",
            "kind: SLO",
            "metadata:",
            "  name: checkout-availability",
            "  labels: {team: payments, tier: \"0\"}",
            "spec:",
            "  service: checkout",
            "  selector: {operation: \"POST /cart\"}   # optional; exact match on operation and attributes.<key>",
            "  indicator:",
            "    availability: {badStatusMin: 500}   # or  latency: {thresholdMs: 300}",
            "  objective: 99.9                        # percent",
            "  window: 30d                            # rolling: 7d, 28d, 30d",
            "  alerting:",
            "    policy: google-30d                   # the default; or an explicit list of windows",
            "    minEventsPerWindow: 0",
            "    runbook: https://runbooks.example/checkout",
            "");

    @Test
    void shouldAcceptTheDocumentedExampleAsWritten() throws Exception {
        final List<SloSpecParser.Parsed> parsed = SloSpecParser.parseYaml(EXAMPLE, "slos.yaml");
        assertThat(parsed).hasSize(1);
        final SloSpec s = parsed.get(0).spec();
        assertThat(s.id()).isEqualTo("checkout-availability");
        assertThat(s.service()).isEqualTo("checkout");
        assertThat(s.selector()).isEqualTo(Map.of("operation", "POST /cart"));
        assertThat(s.indicator()).isEqualTo(new Indicator.Availability(500));
        assertThat(s.objective()).isEqualTo(99.9);
        assertThat(s.window()).isEqualTo(Duration.ofDays(30));
        assertThat(s.labels()).isEqualTo(Map.of("team", "payments", "tier", "0"));
        assertThat(s.runbook()).isEqualTo("https://runbooks.example/checkout");
        assertThat(s.alerts()).extracting(AlertWindow::ruleName)
                .containsExactly("page-1h-5m", "page-6h-30m", "ticket-1d-2h", "ticket-3d-6h");
        assertThat(s.alerts()).extracting(w -> w.threshold(s.window())).containsExactly(14.4, 6.0, 3.0, 1.0);
    }

    @Test
    void shouldReadSeveralDocumentsAndExplicitPolicies() throws Exception {
        final String yaml = EXAMPLE + "---\n" + String.join("\n",
                "apiVersion: burnrate/v1",
                "kind: SLO",
                "metadata: {name: search-latency}",
                "spec:",
                "  service: search",
                "  indicator: {latency: {thresholdMs: 300}}",
                "  objective: 99",
                "  window: 7d",
                "  alerting:",
                "    policy:",
                "      - {severity: page, budgetPercent: 5, longWindow: 1h, shortWindow: 5m}",
                "");
        final List<SloSpecParser.Parsed> parsed = SloSpecParser.parseYaml(yaml, "slos.yaml");
        assertThat(parsed).hasSize(2);
        final SloSpec latency = parsed.get(1).spec();
        assertThat(latency.indicator()).isEqualTo(new Indicator.Latency(300, 500));
        assertThat(latency.alerts()).hasSize(1);
        // 5 % of a 7-day budget within 1 hour: 0.05 * 168 = 8.4
        assertThat(latency.alerts().get(0).threshold(latency.window())).isEqualTo(8.4);
        assertThat(latency.windows()).containsExactly(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofDays(7));
    }

    @Test
    void shouldReadTheHistoryGuardSwitchOnByDefault() throws Exception {
        assertThat(SloSpecParser.parseYaml(EXAMPLE, "slos.yaml").get(0).spec().historyGuard()).isTrue();
        assertThat(SloSpecParser.parseYaml(EXAMPLE.replace("minEventsPerWindow: 0", "historyGuard: false"), "slos.yaml")
                .get(0).spec().historyGuard()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "objective: 99.9|objective: 100|slos.yaml (document 1): SLO 'checkout-availability': spec.objective: must be a"
                + " percentage above 0 and below 100, not 100",
        "service: checkout|servce: checkout|spec.servce: unknown field",
        "window: 30d|window: 30 days|spec.window: '30 days' is not a duration",
        "policy: google-30d|policy: google-7d|spec.alerting.policy: unknown policy 'google-7d'",
        "availability: {badStatusMin: 500}|latency: {}|spec.indicator.latency.thresholdMs: is required",
        "name: checkout-availability|name: Checkout_Availability|metadata.name: must be 1 to 253 lower-case letters",
        "minEventsPerWindow: 0|minEventsPerWindow: -3|spec.alerting.minEventsPerWindow: must be a whole number >= 0",
        "minEventsPerWindow: 0|historyGuard: 0|spec.alerting.historyGuard: must be true or false, not 0",
        "window: 30d|window: {calendar: year}|spec.window.calendar: calendar must be week or month, not 'year'",
        "window: 30d|window: {calendar: month, timeZone: Mars/Olympus}|spec.window.timeZone: 'Mars/Olympus' is not a time zone",
        "window: 30d|window: {timeZone: UTC}|spec.window.calendar: is required for a calendar window",
        "window: 30d|window: {calendar: month, zone: UTC}|spec.window.zone: unknown field",
        "window: 30d|budgetingMethod: Slices|spec.budgetingMethod: must be Occurrences, Timeslices or RatioTimeslices, "
                + "not 'Slices'",
        "policy: google-30d|policy: [{severity: page, budgetPercent: 2, longWindow: 1h, shortWindow: 5m, alertAfter: 2h}]"
                + "|spec.alerting.policy[0].alertAfter: must be between 0m and the long window 1h, not 2h",
        "window: 30d|budgetingMethod: Timeslices|spec.timeSliceTarget: is required with budgetingMethod: Timeslices",
        "window: 30d|timeSliceTarget: 0.9|spec.budgetingMethod: timeSliceTarget and timeSliceWindow need"
                + " budgetingMethod: Timeslices",
    })
    void shouldNameTheFileTheSloAndTheFieldOfEachProblem(final String from, final String to, final String message) {
        final String yaml = EXAMPLE.replace(from, to);
        assertThatThrownBy(() -> SloSpecParser.parseYaml(yaml, "slos.yaml"))
                .isInstanceOf(SloValidationException.class)
                .hasMessageContaining("slos.yaml")
                .hasMessageContaining(message);
    }

    @Test
    void shouldRejectTimesliceTargetsAndWindowsThatCannotWork() {
        assertThatThrownBy(() -> SloSpecParser.parseYaml(EXAMPLE.replace("window: 30d",
                "budgetingMethod: Timeslices\n  timeSliceTarget: 1.5"), "slos.yaml"))
                .hasMessageContaining("spec.timeSliceTarget: must be a fraction above 0 and at most 1, e.g. 0.95, not 1.5");
        assertThatThrownBy(() -> SloSpecParser.parseYaml(EXAMPLE.replace("window: 30d",
                "budgetingMethod: Timeslices\n  timeSliceTarget: 0.9\n  timeSliceWindow: 1h"), "slos.yaml"))
                .hasMessageContaining("spec.timeSliceWindow: timeSliceWindow must be at least 1s and divide 15m");
    }

    @Test
    void shouldReadRatioTimeslicesWithASliceWindowAndNoTarget() throws Exception {
        final SloSpec s = SloSpecParser.parseYaml(EXAMPLE.replace("window: 30d",
                "window: 30d\n  budgetingMethod: RatioTimeslices\n  timeSliceWindow: 5m"), "slos.yaml").get(0).spec();
        assertThat(s.budgetingMethod()).isEqualTo(new BudgetingMethod.RatioTimeslices(Duration.ofMinutes(5)));
        final SloSpec byDefault = SloSpecParser.parseYaml(EXAMPLE.replace("window: 30d",
                "window: 30d\n  budgetingMethod: RatioTimeslices"), "slos.yaml").get(0).spec();
        assertThat(byDefault.budgetingMethod()).isEqualTo(new BudgetingMethod.RatioTimeslices(Duration.ofMinutes(1)));
        assertThatThrownBy(() -> SloSpecParser.parseYaml(EXAMPLE.replace("window: 30d",
                "window: 30d\n  budgetingMethod: RatioTimeslices\n  timeSliceTarget: 0.9"), "slos.yaml"))
                .hasMessageContaining("spec.timeSliceTarget: applies to Timeslices; RatioTimeslices averages the slices' "
                        + "good ratios and has no slice target");
    }

    @Test
    void shouldReadCalendarWindowsAndTimeslices() throws Exception {
        final SloSpec monthly = SloSpecParser.parseYaml(EXAMPLE.replace("window: 30d",
                "window: {calendar: month, timeZone: America/New_York}"), "slos.yaml").get(0).spec();
        assertThat(monthly.calendar()).isEqualTo(CalendarPeriod.month(
                ZoneId.of("America/New_York")));
        // the longest month: status window and bucket layout
        assertThat(monthly.window()).isEqualTo(Duration.ofDays(31));
        assertThat(monthly.budgetingMethod()).isEqualTo(BudgetingMethod.OCCURRENCES);
        final SloSpec weekly = SloSpecParser.parseYaml(EXAMPLE.replace("window: 30d", String.join("\n",
                "window: {calendar: week}", "  budgetingMethod: Timeslices", "  timeSliceTarget: 0.95",
                "  timeSliceWindow: 5m")).replace("policy: google-30d",
                "policy: [{severity: page, budgetPercent: 2, longWindow: 1h, shortWindow: 5m}]"), "slos.yaml")
                .get(0).spec();
        assertThat(weekly.calendar().toString()).isEqualTo("week Z");
        assertThat(weekly.window()).isEqualTo(Duration.ofDays(7));
        assertThat(weekly.budgetingMethod()).isEqualTo(new BudgetingMethod.Timeslices(
                new BigDecimal("0.95"), Duration.ofMinutes(5)));
    }

    @Test
    void shouldRejectARuleWhoseLongWindowExceedsTheSloWindow() {
        final String yaml = EXAMPLE.replace("window: 30d", "window: 1d");
        assertThatThrownBy(() -> SloSpecParser.parseYaml(yaml, "slos.yaml"))
                .hasMessageContaining("rule ticket-3d-6h: long window is longer than the SLO window 1d");
    }

    @Test
    void shouldRejectDuplicateNamesAndEmptyFiles() {
        assertThatThrownBy(() -> SloSpecParser.parseYaml(EXAMPLE + "---\n" + EXAMPLE, "slos.yaml"))
                .hasMessageContaining("(document 2): SLO 'checkout-availability': metadata.name is used by an earlier document");
        assertThatThrownBy(() -> SloSpecParser.parseYaml("# nothing\n", "empty.yaml"))
                .hasMessage("empty.yaml: contains no SLO document");
        assertThatThrownBy(() -> SloSpecParser.parseYaml("a: [1,\n", "broken.yaml"))
                .hasMessageStartingWith("broken.yaml: not valid YAML");
    }

    @Test
    void shouldGiveTheLineAndColumnOfAYamlSyntaxError() {
        // before: "bad.yaml: not valid YAML at line 5: expected <block end>, ..." without the column
        final String yaml = "apiVersion: burnrate/v1\nkind: SLO\nmetadata:\n  name: a\n labels: {}\n";
        assertThatThrownBy(() -> SloSpecParser.parseYaml(yaml, "bad.yaml"))
                .isInstanceOf(SloValidationException.class)
                .hasMessage("bad.yaml: not valid YAML at line 5, column 2: "
                        + "expected <block end>, but found '<block mapping start>'");
    }

    @Test
    void shouldReadBudgetPolicyThresholdsAndDefaultThem() throws Exception {
        final SloSpec defaults = SloSpecParser.parseYaml(EXAMPLE, "slos.yaml").get(0).spec();
        assertThat(defaults.budgetThresholds()).extracting(t -> t.percent()).containsExactly(50.0, 25.0, 10.0, 0.0);
        final String custom = EXAMPLE + "  budgetPolicy:\n    thresholds: [{percent: 20, action: notify}, "
                + "{percent: 0, action: freeze-releases}]\n";
        final SloSpec s = SloSpecParser.parseYaml(custom, "slos.yaml").get(0).spec();
        assertThat(s.budgetThresholds()).extracting(t -> t.percent() + " " + t.action())
                .containsExactly("20.0 notify", "0.0 freeze-releases");
        assertThatThrownBy(() -> SloSpecParser.parseYaml(EXAMPLE + "  budgetPolicy:\n    thresholds: "
                + "[{percent: 20, action: Freeze Releases}]\n", "slos.yaml"))
                .hasMessageContaining("spec.budgetPolicy.thresholds[0]: action must be a word");
    }

    @Test
    void shouldReadBudgetAdjustmentsAndNameTheFieldOfEachProblem() throws Exception {
        final SloSpec s = SloSpecParser.parseYaml(EXAMPLE + String.join("\n",
                "  budgetAdjustments:",
                "    - {name: sunday, firstEventStart: \"2026-03-01T02:00\", duration: 2h, timeZone: Europe/Berlin,",
                "       rrule: \"FREQ=WEEKLY;BYDAY=SU\"}",
                "    - {kind: markGood, firstEventStart: \"2026-03-10T12:00:00Z\", duration: 3h}",
                ""), "slos.yaml").get(0).spec();
        assertThat(s.budgetAdjustments()).containsExactly(
                new BudgetAdjustment("sunday", BudgetAdjustment.Kind.EXCLUDE, Instant.parse("2026-03-01T01:00:00Z"),
                        Duration.ofHours(2), ZoneId.of("Europe/Berlin"), "FREQ=WEEKLY;BYDAY=SU"),
                new BudgetAdjustment(null, BudgetAdjustment.Kind.MARK_GOOD, Instant.parse("2026-03-10T12:00:00Z"),
                        Duration.ofHours(3), ZoneOffset.UTC, null));
        assertThatThrownBy(() -> SloSpecParser.parseYaml(EXAMPLE + String.join("\n",
                "  budgetAdjustments:",
                "    - {kind: skip, firstEventStart: tomorrow, duration: 2h, rrule: \"FREQ=MINUTELY\"}",
                "    - {firstEventStart: \"2026-03-01T02:00\", duration: 40d}",
                "    - {firstEventStart: \"2026-03-01T02:00\", duration: 1h, timeZone: Mars/Olympus}",
                ""), "slos.yaml"))
                .hasMessageContaining("spec.budgetAdjustments[0].kind: must be exclude (events count for nothing, no alert "
                        + "fires) or markGood (events count as good), not 'skip'")
                .hasMessageContaining("spec.budgetAdjustments[0].firstEventStart: 'tomorrow' is not a date and time")
                .hasMessageContaining("spec.budgetAdjustments[1].duration: duration must be above 0 and at most 31d, not 40d")
                .hasMessageContaining("spec.budgetAdjustments[2].timeZone: 'Mars/Olympus' is not a time zone");
    }

    @Test
    void shouldReadWhichBudgetThresholdsBlockReleases() throws Exception {
        final SloSpec s = SloSpecParser.parseYaml(EXAMPLE + "  budgetPolicy:\n    thresholds: [{percent: 20, gate: block}, "
                + "{percent: 5, gate: warn}, {percent: 0}]\n", "slos.yaml").get(0).spec();
        assertThat(s.budgetThresholds()).extracting(BudgetThreshold::gate)
                .containsExactly(BudgetThreshold.Gate.BLOCK, BudgetThreshold.Gate.WARN, null);
        // a gate is stated, so the list is taken as written: 0 % without a gate only warns
        assertThat(s.budgetThresholds()).extracting(t -> BudgetThreshold.effectiveGate(t, s.budgetThresholds()))
                .containsExactly(BudgetThreshold.Gate.BLOCK, BudgetThreshold.Gate.WARN, BudgetThreshold.Gate.WARN);
        final SloSpec defaults = SloSpecParser.parseYaml(EXAMPLE, "slos.yaml").get(0).spec();
        // the SRE Workbook's policy: the 0 % threshold blocks, 50/25/10 warn
        assertThat(defaults.budgetThresholds()).extracting(t -> BudgetThreshold.effectiveGate(t, defaults.budgetThresholds()))
                .containsExactly(BudgetThreshold.Gate.WARN, BudgetThreshold.Gate.WARN, BudgetThreshold.Gate.WARN,
                        BudgetThreshold.Gate.BLOCK);
        assertThatThrownBy(() -> SloSpecParser.parseYaml(EXAMPLE + "  budgetPolicy:\n    thresholds: "
                + "[{percent: 0, gate: freeze}]\n", "slos.yaml"))
                .hasMessageContaining("spec.budgetPolicy.thresholds[0].gate: must be block (deny releases while the budget "
                        + "is at or below the threshold) or warn (allow, with a warning), not 'freeze'");
    }

    @Test
    void shouldRoundTripThroughTheTopicJson() throws Exception {
        final SloSpecParser.Parsed p = SloSpecParser.parseYaml(EXAMPLE, "slos.yaml").get(0);
        final SloSpec again = SloSpecParser.parseJson(SloSpecParser.toJson(p.document()), "topic");
        assertThat(again).isEqualTo(p.spec());
    }

    @Test
    void shouldSelectOnOperationAndAttributes() throws Exception {
        final SloSpec s = SloSpecParser.parseYaml(EXAMPLE.replace("selector: {operation: \"POST /cart\"}",
                "selector: {operation: \"POST /cart\", attributes.region: eu, tier: gold}"), "s.yaml").get(0).spec();
        assertThat(s.selects("POST /cart", Map.of("region", "eu", "tier", "gold"))).isTrue();
        assertThat(s.selects("POST /cart", Map.of("region", "us", "tier", "gold"))).isFalse();
        assertThat(s.selects("GET /cart", Map.of("region", "eu", "tier", "gold"))).isFalse();
        assertThat(s.selects(null, Map.of())).isFalse();
    }
}
