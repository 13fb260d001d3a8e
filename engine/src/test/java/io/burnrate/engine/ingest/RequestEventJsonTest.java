package io.burnrate.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RequestEventJsonTest {

    private static final long T0 = 1_740_830_400_000L;

    @Test
    void shouldWriteTheCommonShapeTheScannerReads() {
        final byte[] json = RequestEventJson.write("checkout", T0, 12.345678, 503, false, "POST /cart",
                Map.of("region", "eu"));
        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"service\":\"checkout\",\"timestamp\":"
                + "1740830400000,\"latencyMs\":12.345678,\"status\":503,\"operation\":\"POST /cart\","
                + "\"attributes\":{\"region\":\"eu\"}}");
        // the byte scanner (fast path) takes it, not only Jackson
        assertThat(EventScanner.scan(json)).isNotNull();
    }

    @Test
    void shouldWriteAnOutcomeWithoutAStatusAndWholeLatenciesWithoutAFraction() {
        assertThat(new String(RequestEventJson.write("worker", T0, 40.0, 0, true, null, Map.of()), StandardCharsets.UTF_8))
                .isEqualTo("{\"service\":\"worker\",\"timestamp\":1740830400000,\"latencyMs\":40,\"outcome\":\"error\"}");
    }

    @Test
    void shouldEscapeWhatNeedsEscapingAndReadBackTheSameStrings() {
        final Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("k\"ey", "v\\al\u00e9\n");
        final byte[] json = RequestEventJson.write("caf\u00e9 \"s\"", T0, 1.5, 200, false, "GET /\u20ac", attributes);
        final RequestRecord back = ((EventParser.Accepted) EventParser.parse(json)).event();
        assertThat(back.service()).isEqualTo("caf\u00e9 \"s\"");
        assertThat(back.operation()).isEqualTo("GET /\u20ac");
        assertThat(back.attributes()).isEqualTo(attributes);
    }

    @Test
    void shouldReadBackTheSameLatencyDoubleForNanosecondDurations() {
        final SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 10_000; i++) {
            final long ns = r.nextLong(3_600_000_000_000L);
            final double ms = ns / 1e6;
            final byte[] json = RequestEventJson.write("s", T0, ms, 200, false, null, Map.of());
            final RequestRecord back = ((EventParser.Accepted) EventParser.parse(json)).event();
            assertThat(back.latencyMs()).as(ns + " ns").isEqualTo(ms);
        }
    }
}
