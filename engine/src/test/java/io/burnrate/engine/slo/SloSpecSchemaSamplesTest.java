package io.burnrate.engine.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.engine.slo.v1.SloSpecParser;
import java.io.IOException;
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
 * The JSON Schema ({@code schemas/.../slo-spec.schema.json}) and this parser are two
 * descriptions of the same format; {@code SchemaValidationTest} runs every SLO sample
 * through the schema, this test runs the same samples through the parser. A
 * {@code valid-slo-*} sample must parse (as a file, and as topic JSON when it is JSON), an
 * {@code invalid-slo-*} sample must be refused for the same field the schema names.
 */
class SloSpecSchemaSamplesTest {

    private static final Path SAMPLES = Path.of("../schemas/src/test/resources/samples");

    static Stream<Arguments> validSamples() {
        return Stream.of(
                Arguments.of("valid-slo-checkout.yaml", "checkout-availability"),
                Arguments.of("valid-slo-minimal.json", "search"),
                Arguments.of("valid-slo-latency-custom-policy.json", "search.latency_p-fast"),
                Arguments.of("valid-slo-calendar-timeslices.yaml", "payments-monthly"),
                Arguments.of("valid-slo-budget-adjustments.yaml", "payments-maintained"),
                Arguments.of("valid-slo-no-data.json", "batch-heartbeat"));
    }

    static Stream<Arguments> invalidSamples() {
        return Stream.of(
                Arguments.of("invalid-slo-wrong-api-version.json", "apiVersion: must be burnrate/v1, not 'burnrate/v2'"),
                Arguments.of("invalid-slo-bad-name.json", "metadata.name: must be 1 to 253 lower-case letters"),
                Arguments.of("invalid-slo-both-indicators.json",
                        "spec.indicator: must have exactly one of availability, latency"),
                Arguments.of("invalid-slo-latency-without-threshold.json", "spec.indicator.latency.thresholdMs: is required"),
                Arguments.of("invalid-slo-objective-100.json", "spec.objective: must be a percentage above 0 and below 100"),
                Arguments.of("invalid-slo-missing-service.json", "spec.service: is required"),
                Arguments.of("invalid-slo-window-iso.json", "spec.window: '30 days' is not a duration"),
                Arguments.of("invalid-slo-calendar-year.json", "spec.window.calendar: calendar must be week or month"),
                Arguments.of("invalid-slo-unknown-spec-field.json", "spec.objectiv: unknown field"),
                Arguments.of("invalid-slo-empty-policy.json", "spec.alerting.policy: must be a policy name or a non-empty list"),
                Arguments.of("invalid-slo-no-data-without-after.json", "spec.alerting.noData[0].after: is required"),
                Arguments.of("invalid-slo-policy-bad-severity.json",
                        "spec.alerting.policy[0]: severity must be page or ticket, not 'urgent'"),
                Arguments.of("invalid-slo-negative-min-events.json", "spec.alerting.minEventsPerWindow: must be a whole number"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validSamples")
    void shouldParseEveryValidSchemaSample(final String sample, final String id) throws Exception {
        final Path file = SAMPLES.resolve(sample);
        final List<SloSpecParser.Parsed> parsed = SloSpecParser.parseFile(file);
        assertThat(parsed).extracting(p -> p.spec().id()).containsExactly(id);
        if (sample.endsWith(".json")) {
            assertThat(SloSpecParser.parseJson(Files.readAllBytes(file), sample)).isEqualTo(parsed.get(0).spec());
        }
        final byte[] topicJson = SloSpecParser.toJson(parsed.get(0).document());
        assertThat(SloSpecParser.parseJson(topicJson, "topic")).isEqualTo(parsed.get(0).spec());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSamples")
    void shouldRefuseEveryInvalidSchemaSampleForTheSameField(final String sample, final String problem) throws Exception {
        final Path file = SAMPLES.resolve(sample);
        assertThatThrownBy(() -> SloSpecParser.parseFile(file))
                .isInstanceOf(SloValidationException.class)
                .hasMessageStartingWith(sample + " (document 1): SLO ")
                .hasMessageContaining(problem);
        assertThatThrownBy(() -> SloSpecParser.parseJson(Files.readAllBytes(file), sample))
                .isInstanceOf(SloValidationException.class)
                .hasMessageContaining(problem);
    }

    @Test
    void shouldListEverySloSampleExactlyOnce() throws IOException {
        final Set<String> onDisk;
        try (Stream<Path> files = Files.list(SAMPLES)) {
            onDisk = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("valid-slo-") || n.startsWith("invalid-slo-"))
                    .collect(Collectors.toSet());
        }
        final List<String> listed = Stream.concat(validSamples(), invalidSamples()).map(a -> (String) a.get()[0]).toList();
        assertThat(listed).doesNotHaveDuplicates();
        assertThat(Set.copyOf(listed)).isEqualTo(onDisk);
        assertThat(onDisk).hasSizeGreaterThanOrEqualTo(16);
    }
}
