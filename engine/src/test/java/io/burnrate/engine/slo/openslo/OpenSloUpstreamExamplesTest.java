package io.burnrate.engine.slo.openslo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.burnrate.engine.slo.SloValidationException;
import io.burnrate.engine.slo.v1.SloSpecParser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The OpenSLO repository's own v1 examples (copies under openslo/upstream/, see its README):
 * each one loads or is refused with a message that names the file, the document, the SLO or
 * SLI, the unsupported thing and what to write instead. Every upstream SLI measures another
 * system (Prometheus, Datadog, AppDynamics, "Any"), so none of them loads.
 */
class OpenSloUpstreamExamplesTest {

    private static final Path DIR = Path.of("src/test/resources/openslo/upstream");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "pkg-openslo-v1-examples/slos.yaml | slos.yaml (document 1): OpenSLO SLO 'web-availability': "
            + "SLI 'web-successful-requests-ratio': ratioMetric.total.metricSource: type 'Prometheus' is not supported",
        "pkg-openslo-v1-examples/slis.yaml | slis.yaml (document 1): OpenSLO SLI 'search-availability': "
            + "ratioMetric.total.metricSource: type 'Datadog' is not supported",
        "pkg-openslo-v1-examples/slis.yaml | slis.yaml (document 2): OpenSLO SLI 'end-user-response': "
            + "ratioMetric.total.metricSource: type 'AppDynamics' is not supported",
        "pkg-openslo-v1-examples/slis.yaml | slis.yaml (document 3): OpenSLO SLI 'wifi-client-satisfaction': "
            + "ratioMetric.raw.metricSource: type 'Prometheus' is not supported",
        "pkg-openslo-v1-examples/slis.yaml | slis.yaml (document 4): OpenSLO SLI 'annotator-throughput': "
            + "thresholdMetric.metricSource: type 'Prometheus' is not supported",
        "pkg-openslo-v1-examples/alert_conditions.yaml | alert_conditions.yaml (document 1): AlertCondition "
            + "'cpu-usage-breach': spec.condition.op: must be gt",
        "pkg-openslo-v1-examples/alert_policies.yaml | alert_policies.yaml (document 1): AlertPolicy 'low-priority': "
            + "spec.conditions[0].conditionRef: no AlertCondition named 'cpu-usage-breach' in this file",
        "examples/budgeting-method/occurences-slo.yaml | occurences-slo.yaml (document 1): OpenSLO SLO 'search-slo': "
            + "SLI 'search-latency': thresholdMetric.metricSource: type 'Any' is not supported",
        "examples/budgeting-method/ratio-timeslices.yaml | ratio-timeslices.yaml (document 1): OpenSLO SLO 'main-page': "
            + "SLI 'response-code': ratioMetric.total.metricSource: type 'Any' is not supported",
        "examples/budgeting-method/timeslices-slo.yaml | timeslices-slo.yaml (document 1): OpenSLO SLO "
            + "'service-availability': spec.timeWindow[0].duration: a calendar window is 1w",
        "examples/treat-low-traffic-as-equally-important/timeslices-slo.yaml | timeslices-slo.yaml (document 1): "
            + "OpenSLO SLO 'service-availability': spec.timeWindow[0].calendar.startTime: 2022-01-01 12:00:00 is not the "
            + "start of a week in America/New_York",
    })
    void shouldRefuseWithTheReasonAndWhatToWrite(final String file, final String expected) {
        final SloValidationException e = catchThrowableOfType(SloValidationException.class,
                () -> SloSpecParser.parseFile(DIR.resolve(file)));
        assertThat(e).as(file + " is refused").isNotNull();
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(expected));
        // every "not supported" metric source says what to write instead
        assertThat(e.problems().stream().filter(p -> p.contains("metricSource: type")))
                .allSatisfy(p -> assertThat(p).contains("write metricSource: {type: burnrate, spec: ")
                        .endsWith("(see docs/openslo.md)"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"pkg-openslo-v1-examples/services.yaml", "pkg-openslo-v1-examples/data_sources.yaml",
        "pkg-openslo-v1-examples/alert_notification_targets.yaml"})
    void shouldLoadDocumentsThatDefineNoSlo(final String file) throws Exception {
        final List<SloSpecParser.Parsed> read = SloSpecParser.parseFile(DIR.resolve(file));
        assertThat(read).isEmpty();
    }
}
