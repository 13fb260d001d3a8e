package io.burnrate.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Hostile single records: each is refused with a stable reason (or accepted as documented), never thrown. */
class EventParserTest {

    private static final String OK = "\"latencyMs\":1,\"status\":200";

    static Stream<Arguments> refused() {
        return Stream.of(
                // found by the hostile tester: RFC 3339 before 1970 passed the parser and crashed ParseProcessor
                Arguments.of("{\"service\":\"checkout\",\"timestamp\":\"1969-12-31T23:59:59Z\"," + OK + "}",
                        Rejection.INVALID_TIMESTAMP),
                Arguments.of("{\"service\":\"a\",\"timestamp\":\"0000-01-01T00:00:00Z\"," + OK + "}",
                        Rejection.INVALID_TIMESTAMP),
                Arguments.of("{\"service\":\"a\",\"timestamp\":\"9999-12-31T23:59:59Z\"," + OK + "}",
                        Rejection.INVALID_TIMESTAMP),
                Arguments.of("{\"service\":\"a\",\"timestamp\":1," + OK + "}", Rejection.INVALID_TIMESTAMP),
                Arguments.of("{\"service\":\"a\",\"timestamp\":9223372036854775807," + OK + "}",
                        Rejection.INVALID_TIMESTAMP),
                // too large for a long: was malformed-json
                Arguments.of("{\"service\":\"a\",\"timestamp\":99999999999999999999," + OK + "}",
                        Rejection.INVALID_TIMESTAMP),
                Arguments.of("{\"service\":\"a\",\"timestamp\":-5," + OK + "}", Rejection.INVALID_TIMESTAMP),
                Arguments.of("{\"service\":\"a\",\"timestamp\":1772409600000,\"latencyMs\":1,"
                        + "\"status\":99999999999999999999}", Rejection.INVALID_FIELD),
                Arguments.of("{\"service\":\"a\",\"timestamp\":1772409600000,\"latencyMs\":1e400,\"status\":200}",
                        Rejection.INVALID_FIELD),
                Arguments.of("{\"service\":\"a\",\"timestamp\":1772409600000,\"latencyMs\":NaN,\"status\":200}",
                        Rejection.MALFORMED_JSON),
                // a field said twice is ambiguous (parsers downstream disagree on which wins)
                Arguments.of("{\"service\":\"a\",\"service\":\"b\",\"timestamp\":1772409600000," + OK + "}",
                        Rejection.INVALID_FIELD),
                Arguments.of("{\"service\":\"a\",\"timestamp\":1772409600000," + OK
                        + ",\"attributes\":{\"r\":\"x\",\"r\":\"y\"}}", Rejection.INVALID_FIELD),
                Arguments.of("[1,2,3]", Rejection.MALFORMED_JSON),
                Arguments.of("   ", Rejection.MALFORMED_JSON),
                Arguments.of("{\"service\":\"a\u0000\",\"timestamp\":1772409600000," + OK + "}",
                        Rejection.MALFORMED_JSON),
                Arguments.of("{\"service\":\"a\",\"timestamp\":1772409600000," + OK + "}{}", Rejection.MALFORMED_JSON));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void shouldRefuseWithAStableReason(final String json, final String reason) {
        assertThat(reason(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(reason);
    }

    @Test
    void shouldRefuseInvalidUtf8AsMalformed() {
        final byte[] raw = "{\"service\":\"a?\",\"timestamp\":1772409600000,\"latencyMs\":1,\"status\":200}"
                .getBytes(StandardCharsets.US_ASCII);
        raw[13] = (byte) 0xC3; // a lead byte followed by '"'
        assertThat(reason(raw)).isEqualTo(Rejection.MALFORMED_JSON);
    }

    @Test
    void shouldRefuseDeepNesting() {
        final String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThat(reason(("{\"service\":\"a\",\"x\":" + deep + ",\"timestamp\":1772409600000," + OK + "}")
                .getBytes(StandardCharsets.UTF_8))).isEqualTo(Rejection.TOO_LARGE);
        assertThat(reason(("{\"x\":" + "[".repeat(1000) + "]".repeat(1000) + "}").getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(Rejection.MALFORMED_JSON);
    }

    @Test
    void shouldApplyTheLimits() {
        final InputLimits limits = InputLimits.DEFAULTS;
        final String longService = "s".repeat(257);
        assertThat(parse("{\"service\":\"" + longService + "\",\"timestamp\":1772409600000," + OK + "}"))
                .extracting(r -> ((EventParser.Rejected) r).rejection().detail())
                .isEqualTo("service is 257 characters, over the limit of 256 (limits.field.length)");
        assertThat(reason(("{\"service\":\"" + "s".repeat(256) + "\",\"timestamp\":1772409600000," + OK + "}")
                .getBytes(StandardCharsets.UTF_8))).isNull();
        final StringBuilder attrs = new StringBuilder();
        for (int i = 0; i <= limits.maxAttributes(); i++) {
            attrs.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        assertThat(reason(("{\"service\":\"a\",\"timestamp\":1772409600000," + OK + ",\"attributes\":{" + attrs + "}}")
                .getBytes(StandardCharsets.UTF_8))).isEqualTo(Rejection.LIMIT_EXCEEDED);
        assertThat(reason(("{\"service\":\"a\",\"timestamp\":1772409600000," + OK + ",\"operation\":\""
                + "o".repeat(300) + "\"}").getBytes(StandardCharsets.UTF_8))).isEqualTo(Rejection.LIMIT_EXCEEDED);
        final byte[] big = ("{\"service\":\"a\",\"timestamp\":1772409600000," + OK + ",\"pad\":\""
                + "x".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertThat(parse(new String(big, StandardCharsets.UTF_8)))
                .extracting(r -> ((EventParser.Rejected) r).rejection().detail())
                .isEqualTo("record is " + big.length + " bytes, over the limit of 65536 (limits.record.bytes)");
    }

    @Test
    void shouldAcceptTheBoundsAndWhatIsDocumented() {
        // the first millisecond of 2000 and the last before 2100 count
        assertThat(reason("{\"service\":\"a\",\"timestamp\":946684800000,\"latencyMs\":1,\"status\":200}")).isNull();
        assertThat(reason("{\"service\":\"a\",\"timestamp\":\"2099-12-31T23:59:59.999Z\"," + OK + "}")).isNull();
        assertThat(reason("{\"service\":\"a\",\"timestamp\":946684799999," + OK + "}"))
                .isEqualTo(Rejection.INVALID_TIMESTAMP);
        // unknown fields, a byte-order mark and CRLF endings are accepted
        assertThat(reason("{\"service\":\"a\",\"timestamp\":1772409600000," + OK + ",\"extra\":{\"deep\":[1]}}"))
                .isNull();
        assertThat(reason("\uFEFF{\"service\":\"a\",\"timestamp\":1772409600000," + OK + "}")).isNull();
        assertThat(reason("{\"service\":\"a\",\"timestamp\":1772409600000," + OK + "}\r\n")).isNull();
    }

    private static EventParser.Result parse(final String json) {
        return EventParser.parse(json.getBytes(StandardCharsets.UTF_8), InputLimits.DEFAULTS);
    }

    private static String reason(final String json) {
        return reason(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String reason(final byte[] raw) {
        final EventParser.Result r = EventParser.parse(raw, InputLimits.DEFAULTS);
        return r instanceof EventParser.Rejected rej ? rej.rejection().reason() : null;
    }
}
