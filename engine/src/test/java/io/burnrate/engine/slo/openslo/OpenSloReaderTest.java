package io.burnrate.engine.slo.openslo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import io.burnrate.engine.slo.AlertPolicies;
import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.BudgetingMethod;
import io.burnrate.engine.slo.NoDataAlert;
import io.burnrate.engine.slo.Severity;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.slo.SloValidationException;
import io.burnrate.engine.slo.v1.SloSpecParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenSloReaderTest {

    private static final Path DIR = Path.of("src/test/resources/openslo/burnrate");

    private static SloSpec renamed(final SloSpec s, final String id) {
        return new SloSpec(id, s.service(), s.selector(), s.indicator(), s.objective(), s.window(), s.alerts(),
                s.minEventsPerWindow(), s.runbook(), s.labels(), s.budgetThresholds(), s.calendar(), s.budgetingMethod(),
                s.budgetAdjustments());
    }

    private static List<SloSpec> specs(final String file) throws Exception {
        return SloSpecParser.parseFile(DIR.resolve(file)).stream().map(SloSpecParser.Parsed::spec).toList();
    }

    @Test
    void shouldReadReferencesCalendarTimeslicesAndAlertPoliciesAsTheBurnrateV1Equivalent() throws Exception {
        final List<SloSpec> openSlo = specs("web-availability.yaml");
        final List<SloSpec> v1 = specs("web-availability-v1.yaml");
        assertThat(openSlo).hasSize(1);
        assertThat(openSlo.get(0)).isEqualTo(renamed(v1.get(0), "web-availability"));
        final SloSpec s = openSlo.get(0);
        // target 0.995 -> objective 99.5; 13.44 over 1h of 168h -> 8 %; 1.4 over 24h of 168h -> 20 %
        assertThat(s.objective()).isEqualTo(99.5);
        assertThat(s.alerts()).extracting(w -> w.ruleName() + " " + w.budgetPercent())
                .containsExactly("page-1h-5m 8.0", "ticket-1d-2h 20.0");
        assertThat(s.alerts().get(0).threshold(Duration.ofDays(7))).isEqualTo(13.44);
        assertThat(s.labels()).containsEntry("team", "team-a,team-b")
                .containsEntry("openslo_notification_target", "pd-on-call-notification,on-call-slack-notification");
    }

    @Test
    void shouldMakeOneSloPerObjectiveNamedByDisplayName() throws Exception {
        final List<SloSpec> openSlo = specs("search-latency.yaml");
        final List<SloSpec> v1 = specs("search-latency-v1.yaml");
        assertThat(openSlo).extracting(SloSpec::id).containsExactly("search-latency-good-experience", "search-latency-fast");
        assertThat(openSlo.get(0)).isEqualTo(renamed(v1.get(0), "search-latency-good-experience"));
        assertThat(openSlo.get(1)).isEqualTo(renamed(v1.get(1), "search-latency-fast"));
        // the file's own AlertWindows catalogue "weekly" is Sloth's 7d one, as built in
        assertThat(openSlo.get(0).alerts()).isEqualTo(AlertPolicies.named("sloth-7d").orElseThrow());
    }

    @Test
    void shouldStoreTheConvertedBurnrateV1DocumentForTheTopic() throws Exception {
        final SloSpecParser.Parsed p = SloSpecParser.parseFile(DIR.resolve("search-latency.yaml")).get(1);
        assertThat(p.document().path("apiVersion").asText()).isEqualTo("burnrate/v1");
        // the topic document stands alone: the local catalogue is inlined
        assertThat(p.document().path("spec").path("alerting").path("policy").isArray()).isTrue();
        assertThat(SloSpecParser.parseJson(SloSpecParser.toJson(p.document()), "topic")).isEqualTo(p.spec());
    }

    private static List<String> problems(final String yaml) {
        final SloValidationException e = catchThrowableOfType(SloValidationException.class,
                () -> SloSpecParser.parseYaml(yaml, "t.yaml"));
        assertThat(e).as("refused").isNotNull();
        return e.problems();
    }

    private static String slo(final String indicator, final String extra) {
        return """
                apiVersion: openslo/v1
                kind: SLO
                metadata: {name: checkout}
                spec:
                  service: checkout
                  indicator:
                    metadata: {name: ratio}
                    spec:
                %s
                  timeWindow: [{duration: 30d, isRolling: true}]
                  budgetingMethod: Occurrences
                  objectives: [{target: 0.999}]
                %s""".formatted(indicator.indent(6).stripTrailing(), extra);
    }

    private static final String RATIO = """
            ratioMetric:
              bad: {metricSource: {type: burnrate, spec: {status: 500-599}}}
              total: {metricSource: {type: burnrate, spec: {operation: POST /pay}}}""";

    @Test
    void shouldReadABadRatioWithTheDefaultPolicy() throws Exception {
        final SloSpec s = SloSpecParser.parseYaml(slo(RATIO, ""), "t.yaml").get(0).spec();
        assertThat(s.selector()).containsExactly(Map.entry("operation", "POST /pay"));
        assertThat(s.alerts()).isEqualTo(AlertPolicies.named(AlertPolicies.DEFAULT).orElseThrow());
        assertThat(s.objective()).isEqualTo(99.9);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "other type | type: Prometheus | ratioMetric.bad.metricSource: type 'Prometheus' is not supported: burnrate "
            + "measures its own events, not another system's metrics; write metricSource: {type: burnrate, spec: "
            + "{status: 500-599}} (see docs/openslo.md)",
        "bad range | status: 400-499 | ratioMetric.bad.metricSource.spec.status: a bad status range runs from N",
        "other events | service: payments | ratioMetric.bad.metricSource.spec: must select the same events as total",
    })
    void shouldRefuseWhatTheFilterCannotSay(final String name, final String replacement, final String expected) {
        final String indicator = RATIO.replace(name.equals("other type") ? "type: burnrate, spec: {status"
                : "status: 500-599", name.equals("other type") ? replacement + ", spec: {status" : replacement);
        assertThat(problems(slo(indicator, ""))).anySatisfy(p -> assertThat(p)
                .startsWith("t.yaml (document 1): OpenSLO SLO 'checkout': SLI 'ratio': " + expected));
    }

    @Test
    void shouldRefuseAlertPolicyFeaturesTheEngineLacks() {
        final List<String> p = problems(slo(RATIO, """
                  alertPolicies:
                    - kind: AlertPolicy
                      metadata: {name: pager}
                      spec:
                        alertWhenNoData: maybe
                        conditions:
                          - kind: AlertCondition
                            metadata: {name: fast}
                            spec:
                              severity: page
                              condition: {kind: burnrate, op: gte, threshold: 800, lookbackWindow: 1h}
                """));
        final String at = "t.yaml (document 1): OpenSLO SLO 'checkout': AlertPolicy 'pager': ";
        assertThat(p).anySatisfy(x -> assertThat(x).startsWith(at + "spec.alertWhenNoData: must be true or false"))
                .anySatisfy(x -> assertThat(x).startsWith(at + "AlertCondition 'fast': spec.condition.op: must be gt"));
    }

    /**
     * {@code alertWhenNoData: true} adds a no-data rule per condition over its lookbackWindow,
     * beside the burn-rate rule while the policy also alerts when breaching; with
     * {@code alertWhenBreaching: false} it is the only rule. Either way the result converts
     * to OpenSLO and back to the same SLO.
     */
    @Test
    void shouldReadAlertWhenNoDataAsANoDataRuleOverTheLookbackWindow() throws Exception {
        final String policy = """
                  alertPolicies:
                    - kind: AlertPolicy
                      metadata: {name: pager}
                      spec:
                        alertWhenNoData: true
                        conditions:
                          - kind: AlertCondition
                            metadata: {name: fast}
                            spec:
                              severity: page
                              condition: {kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1h}
                """;
        final SloSpec both = SloSpecParser.parseYaml(slo(RATIO, policy), "t.yaml").get(0).spec();
        assertThat(both.alerts()).extracting(AlertWindow::ruleName).containsExactly("page-1h-5m");
        assertThat(both.noData()).containsExactly(new NoDataAlert(Severity.PAGE, Duration.ofHours(1)));
        final SloSpec only = SloSpecParser.parseYaml(slo(RATIO, policy.replace("alertWhenNoData: true",
                "alertWhenNoData: true\n        alertWhenBreaching: false")), "t.yaml").get(0).spec();
        assertThat(only.alerts()).isEmpty();
        assertThat(only.noData()).containsExactly(new NoDataAlert(Severity.PAGE, Duration.ofHours(1)));
        assertThat(only.windows()).contains(Duration.ofHours(1));
        for (final SloSpec s : List.of(both, only)) {
            final String openslo = OpenSloWriter.write(s).toString();
            assertThat(SloSpecParser.parseYaml(openslo, "back.yaml").get(0).spec()).isEqualTo(s);
        }
        assertThat(problems(slo(RATIO, policy.replace("alertWhenNoData: true",
                "alertWhenNoData: false\n        alertWhenBreaching: false")))).anySatisfy(x -> assertThat(x).contains(
                "spec.alertWhenBreaching: false with alertWhenNoData false leaves nothing to alert on"));
    }

    /**
     * The OpenSLO spec's own AlertPolicy examples say {@code alertWhenResolved: false}: the SLO's
     * alerts carry {@code openslo_alert_when_resolved="false"} (receivers skip the resolve
     * notification); two policies of one SLO that disagree are refused.
     */
    @Test
    void shouldCarryAlertWhenResolvedFalseAsALabel() throws Exception {
        final String policy = """
                  alertPolicies:
                    - kind: AlertPolicy
                      metadata: {name: pager}
                      spec:
                        alertWhenBreaching: true
                        alertWhenResolved: false
                        conditions:
                          - kind: AlertCondition
                            metadata: {name: fast}
                            spec:
                              severity: page
                              condition: {kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1h}
                """;
        final SloSpec s = SloSpecParser.parseYaml(slo(RATIO, policy), "t.yaml").get(0).spec();
        assertThat(s.labels()).containsEntry(OpenSloReader.LABEL_ALERT_WHEN_RESOLVED, "false");
        final SloSpec plain = SloSpecParser.parseYaml(slo(RATIO, policy.replace("alertWhenResolved: false",
                "alertWhenResolved: true")), "t.yaml").get(0).spec();
        assertThat(plain.labels()).doesNotContainKey(OpenSloReader.LABEL_ALERT_WHEN_RESOLVED);
        final String second = policy.substring(policy.indexOf("    - kind: AlertPolicy")).replace("name: pager", "name: other")
                .replace("name: fast", "name: slow").replace("alertWhenResolved: false", "alertWhenResolved: true")
                .replace("lookbackWindow: 1h", "lookbackWindow: 6h").replace("threshold: 14.4", "threshold: 6");
        assertThat(problems(slo(RATIO, policy + second))).anySatisfy(x -> assertThat(x).startsWith(
                "t.yaml (document 1): OpenSLO SLO 'checkout': spec.alertPolicies: set alertWhenResolved alike on every "
                        + "policy of the SLO"));
    }

    /**
     * The spec's own AlertCondition example (README, v1) has neither op nor kind ("kind defaults
     * to burnrate"): it reads as op gt. 2 over 1h of the 30-day window spends 2 x 1 / 720 x 100 =
     * 0.277777777778 % (12 significant digits), back to the threshold 2.
     */
    @Test
    void shouldReadTheSpecsOwnConditionWithoutOpOrKind() throws Exception {
        final SloSpec s = SloSpecParser.parseYaml(slo(RATIO, """
                  alertPolicies:
                    - kind: AlertPolicy
                      metadata: {name: AlertPolicy}
                      spec:
                        alertWhenBreaching: true
                        conditions:
                          - kind: AlertCondition
                            metadata: {name: cpu-usage-breach}
                            spec:
                              severity: page
                              condition: {threshold: 2, lookbackWindow: 1h, alertAfter: 5m}
                """), "t.yaml").get(0).spec();
        assertThat(s.alerts()).hasSize(1);
        assertThat(s.alerts().get(0).budgetPercent()).isEqualTo(0.277777777778);
        assertThat(s.alerts().get(0).ruleName()).isEqualTo("page-1h-5m");
        assertThat(s.alerts().get(0).alertAfter()).isEqualTo(Duration.ofMinutes(5));
        assertThat(s.alerts().get(0).threshold(s.window())).isCloseTo(2.0, within(1e-9));
    }

    /** RatioTimeslices with the objective's timeSliceWindow; a timeSliceTarget is refused (it has none). */
    @Test
    void shouldReadRatioTimeslices() throws Exception {
        final String yaml = slo(RATIO, "").replace("budgetingMethod: Occurrences", "budgetingMethod: RatioTimeslices")
                .replace("objectives: [{target: 0.999}]", "objectives: [{target: 0.999, timeSliceWindow: 5m}]");
        final SloSpec s = SloSpecParser.parseYaml(yaml, "t.yaml").get(0).spec();
        assertThat(s.budgetingMethod()).isEqualTo(new BudgetingMethod.RatioTimeslices(Duration.ofMinutes(5)));
        assertThat(problems(yaml.replace("timeSliceWindow: 5m", "timeSliceTarget: 0.9")))
                .anySatisfy(p -> assertThat(p).startsWith("t.yaml (document 1): OpenSLO SLO 'checkout': spec.objectives[0]"
                        + ".timeSliceTarget: applies to Timeslices; RatioTimeslices averages the slices' good ratios"));
    }

    /** alertAfter is the rule's hold time; it may be 0 up to the lookback window (the long window). */
    @Test
    void shouldReadAlertAfterAsTheRulesHoldTime() throws Exception {
        final String policy = """
                  alertPolicies:
                    - kind: AlertPolicy
                      metadata: {name: pager}
                      spec:
                        conditions:
                          - kind: AlertCondition
                            metadata: {name: fast}
                            spec:
                              severity: page
                              condition: {kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1h, alertAfter: 5m}
                """;
        final SloSpec s = SloSpecParser.parseYaml(slo(RATIO, policy), "t.yaml").get(0).spec();
        // 14.4 x 1h / 720h = 2 % of the budget; short window 1h / 12 = 5m
        assertThat(s.alerts()).containsExactly(new AlertWindow(Severity.PAGE, 2, Duration.ofHours(1),
                Duration.ofMinutes(5), Duration.ofMinutes(5)));
        assertThat(problems(slo(RATIO, policy.replace("alertAfter: 5m", "alertAfter: 2h")))).containsExactly(
                "t.yaml (document 1): OpenSLO SLO 'checkout': AlertPolicy 'pager': AlertCondition 'fast': "
                        + "spec.condition.alertAfter: a hold time must be between 0m and the lookbackWindow 1h, not 2h");
    }

    @Test
    void shouldRefuseAThresholdThatSpendsMoreThanTheBudget() {
        final List<String> p = problems(slo(RATIO, """
                  alertPolicies:
                    - kind: AlertPolicy
                      metadata: {name: pager}
                      spec:
                        conditions:
                          - kind: AlertCondition
                            metadata: {name: fast}
                            spec:
                              severity: page
                              condition: {kind: burnrate, op: gt, threshold: 800, lookbackWindow: 1h}
                """));
        // 800 x 1h / 720h x 100 = 111.111... %; the most a 1h window can burn of 30d is 720
        assertThat(p).containsExactly("t.yaml (document 1): OpenSLO SLO 'checkout': AlertPolicy 'pager': AlertCondition "
                + "'fast': spec.condition.threshold: 800 over 1h would spend 111.111111111% of the 30d budget before "
                + "firing; at most 720");
    }

    @Test
    void shouldTakeTargetPercentAndMultiValuedLabels() throws Exception {
        final String yaml = slo(RATIO, "").replace("objectives: [{target: 0.999}]", "objectives: [{targetPercent: 99.95}]")
                .replace("metadata: {name: checkout}", "metadata: {name: checkout, labels: {team: [a, b], tier: '0'}}");
        final SloSpec s = SloSpecParser.parseYaml(yaml, "t.yaml").get(0).spec();
        assertThat(s.objective()).isEqualTo(99.95);
        assertThat(s.labels()).containsEntry("team", "a,b").containsEntry("tier", "0");
    }
}
