package io.burnrate.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CountParserTest {

    /** 2025-03-01T12:00:00Z. */
    private static final long T0 = 1_740_830_400_000L;
    /** The clock of the future checks: 12:10. */
    private static final long NOW = T0 + 600_000;

    @Test
    void shouldReadARecordWithStartAndEnd() {
        final CountRecord r = accepted("""
                {"service":"checkout","operation":"POST /cart","attributes":{"region":"eu"},
                 "start":"2025-03-01T12:00:00Z","end":"2025-03-01T12:01:00Z","total":1200,"bad":3,
                 "latencyOverMs":{"300":12,"1000":2.0},"id":"relay-7/checkout/1740830400000","extra":{"ignored":true}}
                """);
        assertThat(r.service()).isEqualTo("checkout");
        assertThat(r.operation()).isEqualTo("POST /cart");
        assertThat(r.attributes()).isEqualTo(Map.of("region", "eu"));
        assertThat(r.startMs()).isEqualTo(T0);
        assertThat(r.endMs()).isEqualTo(T0 + 60_000);
        assertThat(r.total()).isEqualTo(1200);
        assertThat(r.bad()).isEqualTo(3);
        assertThat(r.good()).isEqualTo(1197);
        assertThat(r.latencyOverMs()).isEqualTo(new TreeMap<>(Map.of(300.0, 12L, 1000.0, 2L)));
        assertThat(r.id()).isEqualTo("relay-7/checkout/1740830400000");
    }

    @Test
    void shouldReadTimestampAndIntervalSecondsAsTheIntervalEndingAtTheTimestamp() {
        // timestamp 12:01:00 and 60 s: [12:00:00, 12:01:00); good 1197 of 1200 is bad 3
        final CountRecord r = accepted("{\"service\":\"checkout\",\"timestamp\":" + (T0 + 60_000)
                + ",\"intervalSeconds\":60,\"total\":1200,\"good\":1197}");
        assertThat(r.startMs()).isEqualTo(T0);
        assertThat(r.endMs()).isEqualTo(T0 + 60_000);
        assertThat(r.bad()).isEqualTo(3);
        assertThat(r.operation()).isNull();
        assertThat(r.attributes()).isEmpty();
        assertThat(r.latencyOverMs()).isEmpty();
        assertThat(r.id()).isNull();
    }

    @Test
    void shouldAcceptConsistentBadAndGood() {
        assertThat(accepted(base() + ",\"total\":10,\"bad\":4,\"good\":6}").bad()).isEqualTo(4);
    }

    static Stream<Arguments> invalid() {
        final String interval = "\"service\":\"checkout\",\"start\":" + T0 + ",\"end\":" + (T0 + 60_000);
        return Stream.of(
                Arguments.of("not JSON", "{\"service\":", "malformed-json"),
                Arguments.of("an array", "[]", "malformed-json"),
                Arguments.of("no service", "{\"start\":" + T0 + ",\"end\":" + (T0 + 1) + ",\"total\":1,\"bad\":0}",
                        "missing-field"),
                Arguments.of("empty service", "{\"service\":\"\"}", "invalid-field"),
                Arguments.of("no interval", "{\"service\":\"checkout\",\"total\":1,\"bad\":0}", "missing-field"),
                Arguments.of("start without end", "{\"service\":\"c\",\"start\":" + T0 + ",\"total\":1,\"bad\":0}",
                        "missing-field"),
                Arguments.of("timestamp without intervalSeconds", "{\"service\":\"c\",\"timestamp\":" + T0
                        + ",\"total\":1,\"bad\":0}", "missing-field"),
                Arguments.of("both interval forms", "{" + interval + ",\"timestamp\":" + T0
                        + ",\"intervalSeconds\":60,\"total\":1,\"bad\":0}", "invalid-field"),
                Arguments.of("no total", "{" + interval + ",\"bad\":0}", "missing-field"),
                Arguments.of("neither bad nor good", "{" + interval + ",\"total\":5}", "missing-field"),
                Arguments.of("negative total", "{" + interval + ",\"total\":-1,\"bad\":0}", "invalid-counts"),
                Arguments.of("negative bad", "{" + interval + ",\"total\":5,\"bad\":-1}", "invalid-counts"),
                Arguments.of("negative good", "{" + interval + ",\"total\":5,\"good\":-1}", "invalid-counts"),
                Arguments.of("bad over total", "{" + interval + ",\"total\":5,\"bad\":6}", "invalid-counts"),
                Arguments.of("good over total", "{" + interval + ",\"total\":5,\"good\":6}", "invalid-counts"),
                Arguments.of("bad + good is not total", "{" + interval + ",\"total\":5,\"bad\":1,\"good\":3}",
                        "invalid-counts"),
                Arguments.of("latency count over total", "{" + interval + ",\"total\":5,\"bad\":0,"
                        + "\"latencyOverMs\":{\"300\":6}}", "invalid-counts"),
                Arguments.of("latency threshold not a number", "{" + interval + ",\"total\":5,\"bad\":0,"
                        + "\"latencyOverMs\":{\"slow\":1}}", "invalid-field"),
                Arguments.of("fractional count", "{" + interval + ",\"total\":5.5,\"bad\":0}", "invalid-field"),
                Arguments.of("count as a string", "{" + interval + ",\"total\":\"5\",\"bad\":0}", "invalid-field"),
                Arguments.of("total twice", "{" + interval + ",\"total\":5,\"total\":6,\"bad\":0}", "invalid-field"),
                Arguments.of("end before start", "{\"service\":\"c\",\"start\":" + (T0 + 1) + ",\"end\":" + T0
                        + ",\"total\":1,\"bad\":0}", "invalid-interval"),
                Arguments.of("empty interval", "{\"service\":\"c\",\"start\":" + T0 + ",\"end\":" + T0
                        + ",\"total\":1,\"bad\":0}", "invalid-interval"),
                Arguments.of("zero intervalSeconds", "{\"service\":\"c\",\"timestamp\":" + T0
                        + ",\"intervalSeconds\":0,\"total\":1,\"bad\":0}", "invalid-interval"),
                // 1h + 1 ms: wider than counts.max.interval (1h)
                Arguments.of("wider than the maximum", "{\"service\":\"c\",\"start\":" + T0 + ",\"end\":"
                        + (T0 + 3_600_001) + ",\"total\":1,\"bad\":0}", "invalid-interval"),
                // ends at 12:15:01, NOW is 12:10 and the skew 5 min
                Arguments.of("in the future", "{\"service\":\"c\",\"start\":" + (T0 + 840_000) + ",\"end\":"
                        + (T0 + 901_000) + ",\"total\":1,\"bad\":0}", "invalid-timestamp"),
                Arguments.of("before 2000", "{\"service\":\"c\",\"start\":1000,\"end\":2000,\"total\":1,\"bad\":0}",
                        "invalid-timestamp"),
                Arguments.of("interval start before 2000", "{\"service\":\"c\",\"timestamp\":946684800500,"
                        + "\"intervalSeconds\":1,\"total\":1,\"bad\":0}", "invalid-timestamp"),
                Arguments.of("not a time", "{\"service\":\"c\",\"start\":\"yesterday\"}", "invalid-timestamp"),
                Arguments.of("service too long", "{\"service\":\"" + "s".repeat(257) + "\",\"start\":" + T0 + ",\"end\":"
                        + (T0 + 1) + ",\"total\":1,\"bad\":0}", "limit-exceeded"),
                Arguments.of("trailing content", "{" + interval + ",\"total\":5,\"bad\":0} x", "malformed-json"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void shouldRejectWithTheReason(final String name, final String json, final String reason) {
        final CountParser.Result r = parse(json);
        assertThat(r).isInstanceOf(CountParser.Rejected.class);
        assertThat(((CountParser.Rejected) r).rejection().reason()).as(((CountParser.Rejected) r).rejection().detail())
                .isEqualTo(reason);
    }

    @Test
    void shouldExplainCountRejections() {
        assertThat(detail("{" + "\"service\":\"c\",\"start\":" + T0 + ",\"end\":" + (T0 + 60_000)
                + ",\"total\":5,\"bad\":6}")).isEqualTo("bad (6) is more than total (5)");
        assertThat(detail("{\"service\":\"c\",\"start\":" + T0 + ",\"end\":" + (T0 + 3_600_001)
                + ",\"total\":1,\"bad\":0}")).isEqualTo("the interval is 3600001 ms, wider than 3600000 ms "
                + "(counts.max.interval)");
    }

    @Test
    void shouldSkipTheFutureCheckWithoutASkew() {
        final CountParser.Result r = CountParser.parse(bytes("{\"service\":\"c\",\"start\":" + (T0 + 840_000)
                + ",\"end\":" + (T0 + 901_000) + ",\"total\":1,\"bad\":0}"), InputLimits.DEFAULTS,
                new CountParser.Options(Duration.ofHours(1), null), NOW);
        assertThat(r).isInstanceOf(CountParser.Accepted.class);
    }

    private static String base() {
        return "{\"service\":\"checkout\",\"start\":" + T0 + ",\"end\":" + (T0 + 60_000);
    }

    private static CountParser.Result parse(final String json) {
        return CountParser.parse(bytes(json), InputLimits.DEFAULTS, CountParser.Options.DEFAULTS, NOW);
    }

    private static CountRecord accepted(final String json) {
        final CountParser.Result r = parse(json);
        assertThat(r).as(r instanceof CountParser.Rejected x ? x.rejection().toString() : "")
                .isInstanceOf(CountParser.Accepted.class);
        return ((CountParser.Accepted) r).record();
    }

    private static String detail(final String json) {
        return ((CountParser.Rejected) parse(json)).rejection().detail();
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
