package io.burnrate.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.InputFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven: every file under {@code samples/} is listed below with its schema and,
 * for invalid ones, a fragment of the error it must produce (the field path and why).
 */
class SchemaValidationTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    static Stream<Arguments> validSamples() {
        return Stream.of(
                valid("valid-request-rfc3339.json", Schemas.REQUEST_EVENT),
                valid("valid-request-rfc3339-offset.json", Schemas.REQUEST_EVENT),
                valid("valid-request-epoch-ms.json", Schemas.REQUEST_EVENT),
                valid("valid-request-outcome-only.json", Schemas.REQUEST_EVENT),
                valid("valid-slo-checkout.yaml", Schemas.SLO_SPEC),
                valid("valid-slo-minimal.json", Schemas.SLO_SPEC),
                valid("valid-slo-latency-custom-policy.json", Schemas.SLO_SPEC),
                valid("valid-slo-calendar-timeslices.yaml", Schemas.SLO_SPEC),
                valid("valid-slo-budget-adjustments.yaml", Schemas.SLO_SPEC),
                valid("valid-slo-no-data.json", Schemas.SLO_SPEC),
                valid("valid-alert-firing.json", Schemas.ALERT_TRANSITION),
                valid("valid-alert-resolved.json", Schemas.ALERT_TRANSITION),
                valid("valid-alert-no-data-firing.json", Schemas.ALERT_TRANSITION),
                valid("valid-status-burning.json", Schemas.STATUS_SNAPSHOT),
                valid("valid-status-no-traffic.json", Schemas.STATUS_SNAPSHOT),
                valid("valid-dead-letter-malformed-json.json", Schemas.DEAD_LETTER),
                valid("valid-dead-letter-late.json", Schemas.DEAD_LETTER),
                valid("valid-compliance-month-overspent.json", Schemas.COMPLIANCE_SUMMARY),
                valid("valid-compliance-hour-no-traffic.json", Schemas.COMPLIANCE_SUMMARY),
                valid("valid-budget-policy-down.json", Schemas.BUDGET_POLICY_EVENT),
                valid("valid-budget-policy-up-no-action.json", Schemas.BUDGET_POLICY_EVENT),
                valid("valid-counts-start-end.json", Schemas.COUNT_RECORD),
                valid("valid-counts-timestamp-interval.json", Schemas.COUNT_RECORD),
                valid("valid-dead-letter-missing-service.json", Schemas.DEAD_LETTER));
    }

    static Stream<Arguments> invalidSamples() {
        return Stream.of(
                invalid("invalid-request-negative-latency.json", Schemas.REQUEST_EVENT,
                        "$.latencyMs: must have a minimum value of 0"),
                invalid("invalid-request-missing-service.json", Schemas.REQUEST_EVENT,
                        "$: required property 'service' not found"),
                invalid("invalid-request-missing-status-and-outcome.json", Schemas.REQUEST_EVENT,
                        "$: required property 'status' not found"),
                invalid("invalid-request-timestamp-yesterday.json", Schemas.REQUEST_EVENT,
                        "$.timestamp: does not match the date-time pattern"),
                invalid("invalid-request-negative-timestamp.json", Schemas.REQUEST_EVENT,
                        "$.timestamp: must have a minimum value of 946684800000"),
                invalid("invalid-request-status-out-of-range.json", Schemas.REQUEST_EVENT,
                        "$.status: must have a maximum value of 599"),
                invalid("invalid-request-unknown-outcome.json", Schemas.REQUEST_EVENT,
                        "$.outcome: does not have a value in the enumeration"),
                invalid("invalid-request-empty-service.json", Schemas.REQUEST_EVENT,
                        "$.service: must be at least 1 characters long"),
                invalid("invalid-request-attribute-not-string.json", Schemas.REQUEST_EVENT,
                        "$.attributes.retries: integer found, string expected"),
                invalid("invalid-slo-wrong-api-version.json", Schemas.SLO_SPEC,
                        "$.apiVersion: must be the constant value 'burnrate/v1'"),
                invalid("invalid-slo-bad-name.json", Schemas.SLO_SPEC,
                        "$.metadata.name: does not match the regex pattern"),
                invalid("invalid-slo-both-indicators.json", Schemas.SLO_SPEC,
                        "$.spec.indicator: must be valid to one and only one schema, but 2 are valid"),
                invalid("invalid-slo-latency-without-threshold.json", Schemas.SLO_SPEC,
                        "$.spec.indicator.latency: required property 'thresholdMs' not found"),
                invalid("invalid-slo-objective-100.json", Schemas.SLO_SPEC,
                        "$.spec.objective: must have an exclusive maximum value of 100"),
                invalid("invalid-slo-missing-service.json", Schemas.SLO_SPEC,
                        "$.spec: required property 'service' not found"),
                invalid("invalid-slo-window-iso.json", Schemas.SLO_SPEC,
                        "$.spec.window: does not match the regex pattern"),
                invalid("invalid-slo-calendar-year.json", Schemas.SLO_SPEC,
                        "$.spec.window.calendar: does not have a value in the enumeration"),
                invalid("invalid-slo-unknown-spec-field.json", Schemas.SLO_SPEC,
                        "$.spec: property 'objectiv' is not defined in the schema"),
                // an empty policy is allowed only beside no-data rules
                invalid("invalid-slo-empty-policy.json", Schemas.SLO_SPEC,
                        "$.spec.alerting: required property 'noData' not found"),
                invalid("invalid-slo-no-data-without-after.json", Schemas.SLO_SPEC,
                        "$.spec.alerting.noData[0]: required property 'after' not found"),
                invalid("invalid-slo-policy-bad-severity.json", Schemas.SLO_SPEC,
                        "$.spec.alerting.policy[0].severity: does not have a value in the enumeration"),
                invalid("invalid-slo-negative-min-events.json", Schemas.SLO_SPEC,
                        "$.spec.alerting.minEventsPerWindow: must have a minimum value of 0"),
                invalid("invalid-alert-missing-ends-at.json", Schemas.ALERT_TRANSITION,
                        "$: required property 'endsAt' not found"),
                invalid("invalid-alert-uppercase-fingerprint.json", Schemas.ALERT_TRANSITION,
                        "$.fingerprint: does not match the regex pattern"),
                invalid("invalid-alert-bad-rule.json", Schemas.ALERT_TRANSITION,
                        "$.rule: does not match the regex pattern"),
                invalid("invalid-alert-short-duration-window.json", Schemas.ALERT_TRANSITION,
                        "$.longWindow: does not match the duration pattern"),
                invalid("invalid-alert-unknown-state.json", Schemas.ALERT_TRANSITION,
                        "$.state: does not have a value in the enumeration"),
                invalid("invalid-alert-null-starts-at.json", Schemas.ALERT_TRANSITION,
                        "$.startsAt: null found, string expected"),
                invalid("invalid-alert-unknown-field.json", Schemas.ALERT_TRANSITION,
                        "$: property 'value' is not defined in the schema"),
                invalid("invalid-alert-contributor-share-above-one.json", Schemas.ALERT_TRANSITION,
                        "$.contributors.shortWindow.dimensions[0].top[1].share: must have a maximum value of 1"),
                invalid("invalid-status-sli-above-one.json", Schemas.STATUS_SNAPSHOT,
                        "$.windows[0].sli: must have a maximum value of 1"),
                invalid("invalid-status-negative-total.json", Schemas.STATUS_SNAPSHOT,
                        "$.windows[1].total: must have a minimum value of 0"),
                invalid("invalid-status-missing-labels.json", Schemas.STATUS_SNAPSHOT,
                        "$: required property 'labels' not found"),
                invalid("invalid-status-bad-firing-rule.json", Schemas.STATUS_SNAPSHOT,
                        "$.firing[0]: does not match the regex pattern"),
                invalid("invalid-status-window-not-iso.json", Schemas.STATUS_SNAPSHOT,
                        "$.window: does not match the duration pattern"),
                invalid("invalid-dead-letter-unknown-reason.json", Schemas.DEAD_LETTER,
                        "$.reason: does not have a value in the enumeration"),
                invalid("invalid-dead-letter-line-number-zero.json", Schemas.DEAD_LETTER,
                        "$.lineNumber: must have a minimum value of 1"),
                invalid("invalid-dead-letter-missing-line.json", Schemas.DEAD_LETTER,
                        "$: required property 'line' not found"),
                invalid("invalid-compliance-unknown-period-kind.json", Schemas.COMPLIANCE_SUMMARY,
                        "$.period.kind: does not have a value in the enumeration"),
                invalid("invalid-compliance-missing-time-in-alert.json", Schemas.COMPLIANCE_SUMMARY,
                        "$: required property 'timeInAlert' not found"),
                invalid("invalid-budget-policy-threshold-100.json", Schemas.BUDGET_POLICY_EVENT,
                        "$.threshold: must have an exclusive maximum value of 100"),
                invalid("invalid-budget-policy-unknown-direction.json", Schemas.BUDGET_POLICY_EVENT,
                        "$.direction: does not have a value in the enumeration"),
                invalid("invalid-counts-negative-bad.json", Schemas.COUNT_RECORD,
                        "$.bad: must have a minimum value of 0"),
                invalid("invalid-counts-both-intervals.json", Schemas.COUNT_RECORD,
                        "must be valid to one and only one schema, but 0 are valid"),
                invalid("invalid-counts-neither-bad-nor-good.json", Schemas.COUNT_RECORD,
                        "$: required property 'bad' not found"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validSamples")
    void shouldAcceptValidSample(final String sample, final String schema) {
        assertThat(SchemaValidator.errors(schema, sampleJson(sample))).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSamples")
    void shouldRejectInvalidSampleForTheStatedReason(final String sample, final String schema, final String expected) {
        assertThat(SchemaValidator.errors(schema, sampleJson(sample)))
                .anySatisfy(message -> assertThat(message).contains(expected));
    }

    @Test
    void shouldListEverySampleFileExactlyOnce() throws IOException, URISyntaxException {
        final Path dir = Path.of(SchemaValidationTest.class.getClassLoader().getResource("samples").toURI());
        final Set<String> onDisk;
        try (Stream<Path> files = Files.list(dir)) {
            onDisk = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        final List<String> listed = Stream.concat(validSamples(), invalidSamples())
                .map(a -> (String) a.get()[0]).toList();
        assertThat(listed).doesNotHaveDuplicates();
        assertThat(Set.copyOf(listed)).isEqualTo(onDisk);
        assertThat(onDisk).allMatch(name -> name.startsWith("valid-") || name.startsWith("invalid-"));
    }

    @Test
    void shouldDeclareEverySchemaAsValidDraft202012WithMatchingId() throws IOException {
        for (final String resource : Schemas.ALL) {
            final String text = Schemas.read(resource);
            assertThat(SchemaValidator.messages(SchemaValidator.metaSchema().validate(text, InputFormat.JSON)))
                    .as(resource).isEmpty();
            final JsonNode node = Json.MAPPER.readTree(text);
            assertThat(node.path("$schema").asText()).as(resource)
                    .isEqualTo("https://json-schema.org/draft/2020-12/schema");
            assertThat(node.path("$id").asText()).as(resource).isEqualTo(Schemas.id(resource));
            assertThat(node.path("title").asText()).as(resource).isNotBlank();
            assertThat(node.path("description").asText()).as(resource).isNotBlank();
        }
    }

    @Test
    void shouldDescribeEveryProperty() throws IOException {
        for (final String resource : Schemas.ALL) {
            assertDescribed(resource, "", Json.MAPPER.readTree(Schemas.read(resource)));
        }
    }

    @Test
    void shouldDocumentThirtyDaysAsTheDefaultSloWindow() throws IOException {
        final JsonNode window = Json.MAPPER.readTree(Schemas.read(Schemas.SLO_SPEC))
                .path("properties").path("spec").path("properties").path("window");
        assertThat(window.path("default").asText()).isEqualTo("30d");
    }

    @Test
    void shouldRefuseToOpenAnUnknownSchema() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Schemas.open("schemas/nope.schema.json"))
                .withMessageContaining("nope.schema.json");
        assertThatIllegalArgumentException().isThrownBy(() -> Schemas.id("nope.schema.json"));
    }

    /** Each entry of every {@code properties} object carries its own description (docs for users). */
    private static void assertDescribed(final String resource, final String path, final JsonNode node) {
        if (node.isObject()) {
            final JsonNode properties = node.path("properties");
            properties.properties().forEach(e -> assertThat(e.getValue().path("description").asText())
                    .as(resource + " " + path + "/properties/" + e.getKey() + " description")
                    .isNotBlank());
            node.properties().forEach(e -> assertDescribed(resource, path + "/" + e.getKey(), e.getValue()));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                assertDescribed(resource, path + "/" + i, node.get(i));
            }
        }
    }

    private static Arguments valid(final String sample, final String schema) {
        return Arguments.of(sample, schema);
    }

    private static Arguments invalid(final String sample, final String schema, final String expectedError) {
        return Arguments.of(sample, schema, expectedError);
    }

    /** A sample as JSON text; YAML samples are converted with jackson-dataformat-yaml. */
    private static String sampleJson(final String sample) {
        try (InputStream in = SchemaValidationTest.class.getClassLoader().getResourceAsStream("samples/" + sample)) {
            assertThat(in).as("sample " + sample).isNotNull();
            final String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (sample.endsWith(".yaml") || sample.endsWith(".yml")) {
                return Json.MAPPER.writeValueAsString(YAML.readTree(text));
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
