package io.burnrate.engine.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.engine.slo.v1.SloSpecParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Hostile and mistaken SLO documents: every one refused with file, SLO and field, in bounded time. */
class SloSpecParserHardeningTest {

    private static String slo(final String name) {
        return String.join("\n",
                "apiVersion: burnrate/v1",
                "kind: SLO",
                "metadata:",
                "  name: " + name,
                "  labels: {team: payments}",
                "spec:",
                "  service: checkout",
                "  indicator: {availability: {}}",
                "  objective: 99.9",
                "  window: 30d",
                "");
    }

    private static final String EXAMPLE = slo("checkout-availability");

    private static List<SloSpecParser.Parsed> parse(final String yaml) {
        try {
            return SloSpecParser.parseYaml(yaml, "slos.yaml");
        } catch (SloValidationException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private static String problems(final String yaml) {
        try {
            SloSpecParser.parseYaml(yaml, "slos.yaml");
        } catch (SloValidationException e) {
            return String.join("\n", e.problems());
        }
        throw new AssertionError("accepted:\n" + yaml);
    }

    @Test
    void shouldRefuseAnAliasInsteadOfReadingTheAnchorsName() {
        // before: owner silently became the string "t"
        final String yaml = EXAMPLE.replace("labels: {team: payments}", "labels: {team: &t payments, owner: *t}");
        assertThat(problems(yaml)).isEqualTo("slos.yaml (document 1, line 5): SLO 'checkout-availability': "
                + "metadata.labels.team: YAML anchors and aliases are not supported (anchor &t): write the value out\n"
                + "slos.yaml (document 1, line 5): SLO 'checkout-availability': "
                + "metadata.labels.owner: YAML anchors and aliases are not supported (alias *t): write the value out");
    }

    @Test
    void shouldRefuseAnchorsOnMappingsAndMergeKeys() {
        final String yaml = EXAMPLE.replace("  indicator: {availability: {}}",
                "  indicator: &ind {availability: {}}\n  description: *ind");
        assertThat(problems(yaml)).contains("YAML anchors and aliases are not supported");
    }

    @Test
    void shouldRefuseADuplicateKeyInsteadOfLettingTheLastWin() {
        // before: validated as a 50 % objective
        final String yaml = EXAMPLE.replace("  objective: 99.9\n", "  objective: 99.9\n  objective: 50\n");
        assertThat(problems(yaml)).isEqualTo("slos.yaml (document 1, line 10): SLO 'checkout-availability': "
                + "spec.objective: duplicate key (a key may appear once in a mapping)");
    }

    @Test
    void shouldRefuseADuplicateKeyInTopicJson() {
        final byte[] json = ("{\"apiVersion\":\"burnrate/v1\",\"kind\":\"SLO\",\"metadata\":{\"name\":\"a\"},"
                + "\"spec\":{\"service\":\"s\",\"indicator\":{\"availability\":{}},\"objective\":99.9,\"objective\":50}}")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SloSpecParser.parseJson(json, "topic burnrate.slos key a"))
                .isInstanceOf(SloValidationException.class)
                .hasMessageContaining("topic burnrate.slos key a: not valid JSON: duplicate key 'objective'");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "objective: 99.9|objective: .nan|(document 1, line 9)|spec.objective: must be a finite number, not .nan",
        "objective: 99.9|objective: .inf|(document 1, line 9)|spec.objective: must be a finite number, not .inf",
        "objective: 99.9|objective: -.Inf|(document 1, line 9)|spec.objective: must be a finite number, not -.Inf",
        "{availability: {}}|{availability: {badStatusMin: .NaN}}|(document 1, line"
                + " 8)|spec.indicator.availability.badStatusMin: must be a finite number, not .NaN",
        "{availability: {}}|{latency: {thresholdMs: .inf}}|(document 1, line 8)|spec.indicator.latency.thresholdMs:"
                + " must be a finite number, not .inf",
        "objective: 99.9|objective: 1e400|(document 1)|spec.objective: must be a percentage above 0 and below 100, not"
                + " \"Infinity\"",
        "window: 30d|window: 12345678901234567890d|(document 1)|spec.window: '12345678901234567890d' is too long a duration",
        "window: 30d|window: 9999999999999999d|(document 1)|spec.window: '9999999999999999d' is too long a duration",
        "window: 30d|window: P9999999999999999D|(document 1)|spec.window: 'P9999999999999999D' is not a duration (use"
                + " e.g. 5m, 1h, 30d)",
    })
    void shouldNameTheSloAndFieldOfNonFiniteNumbersAndHugeDurations(final String from, final String to,
                                                                   final String where, final String message) {
        assertThat(problems(EXAMPLE.replace(from, to)))
                .isEqualTo("slos.yaml " + where + ": SLO 'checkout-availability': " + message);
    }

    @ParameterizedTest(name = "thresholdMs: {0}")
    @CsvSource(delimiter = '|', value = {"-3|-3", "0|0", "'\"300\"'|\"300\"", "'null'|null"})
    void shouldGiveOneProblemForALatencyThresholdThatIsNotAbove0(final String value, final String shown) {
        // before: -3 gave "must be a number between 0 and 1.7976931348623157E308, not -3" and "must be > 0"
        final String expected = "null".equals(value) ? "is required" : "must be a number above 0, not " + shown;
        assertThat(problems(EXAMPLE.replace("{availability: {}}", "{latency: {thresholdMs: " + value + "}}")))
                .isEqualTo("slos.yaml (document 1): SLO 'checkout-availability': "
                        + "spec.indicator.latency.thresholdMs: " + expected);
    }

    @Test
    void shouldRefuseNaNThresholdsAndBudgetsThatWereSilentlySkipped() {
        assertThat(problems(EXAMPLE + "  budgetPolicy: {thresholds: [{percent: .nan}]}\n"))
                .contains("(document 1, line 11): SLO 'checkout-availability': "
                        + "spec.budgetPolicy.thresholds[0].percent: must be a finite number, not .nan");
        assertThat(problems(EXAMPLE + "  alerting: {policy: [{severity: page, budgetPercent: .nan, longWindow: 1h, "
                + "shortWindow: 5m}]}\n"))
                .contains("spec.alerting.policy[0].budgetPercent: must be a finite number, not .nan");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "!!python/object:os.system x|x: !!python/object:os.system ls|YAML tags are not supported (!!python/object:os.system)",
        "!foo|y: !foo {a: 1}|YAML tags are not supported (!foo)",
        "!!str|z: !!str 5|YAML tags are not supported (!!str)",
    })
    void shouldRefuseTagsNamingTheTag(final String label, final String line, final String message) {
        assertThat(problems(EXAMPLE.replace("  objective: 99.9\n", "  objective: 99.9\n  " + line + "\n")))
                .contains("slos.yaml (document 1, line 10): SLO 'checkout-availability': spec." + line.split(":")[0]
                        + ": " + message);
    }

    @Test
    @Timeout(10)
    void shouldRefuseAnAliasBombQuickly() {
        final StringBuilder bomb = new StringBuilder(EXAMPLE).append("  description:\n");
        bomb.append("    a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            final char p = (char) (c - 1);
            bomb.append("    ").append(c).append(": &").append(c).append(" [*").append(p);
            for (int i = 0; i < 8; i++) {
                bomb.append(",*").append(p);
            }
            bomb.append("]\n");
        }
        final String out = problems(bomb.toString());
        // 10 anchors and 81 aliases: the first two reported, the other 89 counted
        assertThat(out.split("\n")).hasSize(3);
        assertThat(out).contains("description.a: YAML anchors and aliases are not supported (anchor &a)")
                .contains("description.b: YAML anchors and aliases are not supported (anchor &b)")
                .endsWith("SLO 'checkout-availability': 89 more anchors and aliases not shown");
    }

    @Test
    void shouldRefuseNamesThatAreNotValidKeys() {
        final String rule = "metadata.name: must be 1 to 253 lower-case letters, digits, '-', '.' or '_', starting and "
                + "ending with a letter or digit, not ";
        // name as written in YAML -> as shown in the message
        final String[][] cases = {
            {"payments/checkout", "'payments/checkout'"},
            {"checkout availability", "'checkout availability'"},
            {"Checkout", "'Checkout'"},
            {"\"a\\0b\"", "'a\\u0000b'"},
            {"-checkout", "'-checkout'"},
            {"checkout.", "'checkout.'"},
        };
        for (final String[] c : cases) {
            assertThat(problems(slo(c[0]))).as(c[0]).isEqualTo("slos.yaml (document 1): SLO " + c[1] + ": " + rule + c[1]);
        }
        assertThat(problems(slo("123"))).isEqualTo("slos.yaml (document 1): SLO '?': metadata.name: must be a string, "
                + "not 123 (a number: quote it)");
        assertThat(parse(slo("\"123\"")).get(0).spec().id()).isEqualTo("123");
        assertThat(parse(slo("api_v2.checkout-1")).get(0).spec().id()).isEqualTo("api_v2.checkout-1");
    }

    @Test
    void shouldRefuseAVeryLongNameWithoutEchoingIt() {
        final String name = "a".repeat(10_000);
        final String out = problems(slo(name));
        assertThat(out).contains("metadata.name: must be 1 to 253 lower-case letters")
                .contains("'" + "a".repeat(40) + "...' (10000 characters)");
        assertThat(out.length()).isLessThan(600);
        // 253 is fine, 254 is not
        assertThat(parse(slo("a".repeat(253)))).hasSize(1);
        assertThat(problems(slo("a".repeat(254)))).contains("(254 characters)");
    }

    @Test
    void shouldRefuseDuplicateNamesAcrossDocumentsNamingBoth() {
        assertThat(problems(EXAMPLE + "---\n" + slo("other") + "---\n" + EXAMPLE))
                .isEqualTo("slos.yaml (document 3): SLO 'checkout-availability': metadata.name is used by an earlier "
                        + "document (document 1)");
    }

    @Test
    @Timeout(30)
    void shouldReadTenThousandSlosInBoundedTime() throws Exception {
        final StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            yaml.append(i == 0 ? "" : "---\n").append(slo("slo-" + i));
        }
        final List<SloSpecParser.Parsed> parsed = SloSpecParser.parseYaml(yaml.toString(), "many.yaml");
        assertThat(parsed).hasSize(10_000);
        assertThat(parsed.get(9_999).spec().id()).isEqualTo("slo-9999");
    }

    @Test
    void shouldRefuseMoreSlosThanTheLimitNamingIt() {
        final StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            yaml.append(i == 0 ? "" : "---\n").append(slo("slo-" + i));
        }
        final SloLimits limits = SloLimits.DEFAULTS.withMaxSlos(3);
        assertThatThrownBy(() -> SloSpecParser.parseYaml(yaml.toString(), "many.yaml", limits))
                .hasMessage("many.yaml: more than 3 SLO documents (limit slo.max-slos = 3)");
    }

    @Test
    void shouldRefuseAFileLargerThanTheLimitNamingIt() {
        final SloLimits limits = SloLimits.DEFAULTS.withMaxFileBytes(200);
        assertThatThrownBy(() -> SloSpecParser.parseYaml(EXAMPLE + "# " + "x".repeat(200) + "\n", "big.yaml", limits))
                .hasMessage("big.yaml: larger than the limit of 200 bytes (slo.max-file-bytes = 200; it is 394 bytes): "
                        + "split it into several files");
    }

    @Test
    void shouldRefuseSelectorsPastTheirLimitsNamingThem() {
        final StringBuilder sel = new StringBuilder("  selector: {");
        for (int i = 0; i < 65; i++) {
            sel.append(i == 0 ? "" : ", ").append("k").append(i).append(": v");
        }
        sel.append("}\n");
        assertThat(problems(EXAMPLE + sel)).isEqualTo("slos.yaml (document 1): SLO 'checkout-availability': "
                + "spec.selector: has 65 entries, more than the limit of 64 (slo.max-selector-entries)");
        // 64 entries of 'kNN: v' are fine; one 1,100-character value is not
        assertThat(parse(EXAMPLE + sel.toString().replace(", k64: v", ""))).hasSize(1);
        assertThat(problems(EXAMPLE + "  selector: {operation: " + "x".repeat(1_100) + "}\n"))
                .isEqualTo("slos.yaml (document 1): SLO 'checkout-availability': spec.selector: is 1109 bytes, more "
                        + "than the limit of 1024 (slo.max-selector-bytes)");
    }

    @Test
    void shouldKeepAcceptingTheShippedExamples() throws Exception {
        final var file = Path.of("..", "examples", "slos.yaml");
        assertThat(SloSpecParser.parseFile(file)).extracting(p -> p.spec().id())
                .containsExactly("checkout-availability", "payments-monthly");
    }
}
