package io.burnrate.engine.slo.v1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.burnrate.engine.slo.AlertPolicies;
import io.burnrate.engine.slo.NoDataAlert;
import io.burnrate.engine.slo.Severity;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.slo.SloValidationException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code spec.alerting.noData} in burnrate/v1: what it reads to, and what it refuses with which message. */
class NoDataAlertingTest {

    private static String slo(final String alerting) {
        return String.join("\n", "apiVersion: burnrate/v1", "kind: SLO", "metadata: {name: batch}", "spec:",
                "  service: batch", "  indicator: {availability: {}}", "  objective: 99", "  window: 7d",
                "  alerting: " + alerting, "");
    }

    private static SloSpec spec(final String alerting) throws Exception {
        return SloSpecParser.parseYaml(slo(alerting), "s.yaml").get(0).spec();
    }

    @Test
    void shouldReadNoDataRulesBesideTheDefaultPolicyOrAlone() throws Exception {
        final SloSpec both = spec("{noData: [{severity: ticket, after: 30m}, {severity: page, after: 2h}]}");
        assertThat(both.alerts()).isEqualTo(AlertPolicies.named(AlertPolicies.DEFAULT).orElseThrow());
        assertThat(both.noData()).containsExactly(new NoDataAlert(Severity.TICKET, Duration.ofMinutes(30)),
                new NoDataAlert(Severity.PAGE, Duration.ofHours(2)));
        assertThat(both.noData()).extracting(NoDataAlert::ruleName).containsExactly("ticket-nodata-30m", "page-nodata-2h");
        // the no-data windows join the bucket layout
        assertThat(both.windows()).contains(Duration.ofMinutes(30), Duration.ofHours(2));
        final SloSpec alone = spec("{policy: [], noData: [{severity: ticket, after: 30m}]}");
        assertThat(alone.alerts()).isEmpty();
        assertThat(alone.noData()).hasSize(1);
        // the stored (topic) form reads back the same
        final SloSpecParser.Parsed p = SloSpecParser.parseYaml(slo("{policy: [], noData: [{severity: ticket, after: 30m}]}"),
                "s.yaml").get(0);
        assertThat(SloSpecParser.parseJson(SloSpecParser.toJson(p.document()), "topic")).isEqualTo(p.spec());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{noData: {severity: ticket, after: 30m}} | spec.alerting.noData: must be a list of {severity, after}",
        "{noData: [{severity: ticket}]} | spec.alerting.noData[0].after: is required",
        "{noData: [{severity: urgent, after: 30m}]} | spec.alerting.noData[0]: severity must be page or ticket",
        "{noData: [{severity: ticket, after: 30s}]} | spec.alerting.noData[0]: noData after must be at least 1m",
        "{noData: [{severity: ticket, after: 8d}]} | spec.alerting.noData: rule ticket-nodata-8d: after is longer than the "
            + "SLO window 7d",
        "{noData: [{severity: ticket, after: 30m}, {severity: ticket, after: 30m}]} | spec.alerting.noData[1]: rule "
            + "ticket-nodata-30m appears twice",
        "{noData: [{severity: ticket, after: 30m, for: 1h}]} | spec.alerting.noData[0].for: unknown field",
        "{policy: []} | spec.alerting.policy: must be a policy name or a non-empty list of windows",
    })
    void shouldRefuseWithTheField(final String alerting, final String expected) {
        final SloValidationException e = catchThrowableOfType(SloValidationException.class, () -> spec(alerting));
        assertThat(e).as(alerting).isNotNull();
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains(expected));
    }

    @Test
    void shouldNotNeedNoDataToKeepEveryOtherSloAsItWas() throws Exception {
        assertThat(spec("{policy: google-30d}").noData()).isEqualTo(List.of());
    }
}
