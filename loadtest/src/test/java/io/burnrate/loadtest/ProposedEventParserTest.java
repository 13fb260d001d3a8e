package io.burnrate.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.topology.EventParser;
import io.burnrate.engine.topology.RequestRecord;
import io.burnrate.loadtest.gen.EventFactory;
import io.burnrate.loadtest.gen.Scenario;
import io.burnrate.loadtest.jmh.ProposedEventParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The proposed fast parser returns exactly what the engine's parser returns. */
class ProposedEventParserTest {

    @Test
    void generatedEventsParseIdentically() {
        final Scenario s = new Scenario(Scenario.Baseline.DEFAULT, List.of(new Scenario.Incident("svc-00001",
                Duration.ZERO, Duration.ofDays(1), 0.5, 333.3, "")));
        final EventFactory f = new EventFactory(EventFactory.services(20, s), 8, s);
        final SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 50_000; i++) {
            final byte[] e = f.next(r.nextInt(20), 1_772_409_600_000L + i, i, r);
            same(e);
        }
        for (int i = 0; i < 20_000; i++) {
            final double latency = r.nextInt(1_000_000) / Math.pow(10, r.nextInt(6));
            same(f.json("svc", r.nextLong(1L << 50), latency, 200, 1, "x"));
        }
    }

    @Test
    void everythingUnusualFallsBackToTheSameResult() {
        final String[] cases = {
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":1,\"status\":200}",
            " { \"service\" : \"a\" , \"timestamp\" : 0 , \"latencyMs\" : 0.25 , \"outcome\" : \"error\" } ",
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":1,\"outcome\":\"OK\"}",
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":1,\"outcome\":\"meh\"}",
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":1,\"outcome\":null,\"status\":503}",
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":1}",
            "{\"service\":\"\",\"timestamp\":1,\"latencyMs\":1,\"status\":200}",
            "{\"service\":\"a\",\"timestamp\":\"2026-03-02T10:15:00.123Z\",\"latencyMs\":1,\"status\":200}",
            "{\"service\":\"a\",\"timestamp\":-5,\"latencyMs\":1,\"status\":200}",
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":-0.0,\"status\":200}",
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":1.5e2,\"status\":200}",
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":01,\"status\":200}",
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":1.,\"status\":200}",
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":1,\"status\":200.0}",
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":1,\"status\":99}",
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":1,\"status\":200,\"extra\":{\"x\":[1,2]}}",
            "{\"service\":\"a\\u00e9\",\"timestamp\":1,\"latencyMs\":1,\"status\":200}",
            "{\"service\":\"caf\u00e9\",\"timestamp\":1,\"latencyMs\":1,\"status\":200}",
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":1,\"status\":200,\"attributes\":{\"n\":5,\"s\":\"x\"}}",
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":1,\"status\":200,\"attributes\":{}}",
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":1,\"status\":200,\"attributes\":null}",
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":1,\"status\":200,\"attributes\":{\"k\":{\"n\":1}}}",
            "{\"service\":\"a\",\"service\":\"b\",\"timestamp\":1,\"latencyMs\":1,\"status\":200}",
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":1,\"status\":200}x",
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":1,\"status\":200",
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":1,\"status\":200,}",
            "{\"service\":\"a\",\"timestamp\":99999999999999999999,\"latencyMs\":1,\"status\":200}",
            "{\"service\":\"a\",\"timestamp\":1,\"latencyMs\":12345678901234567.5,\"status\":200}",
            "{}", "[]", "null", "", "{\"service\":\"a\"", "\"x\"",
        };
        for (final String c : cases) {
            same(c.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void same(final byte[] raw) {
        final EventParser.Result expected = EventParser.parse(raw);
        final EventParser.Result actual = ProposedEventParser.parse(raw);
        final String input = new String(raw, StandardCharsets.UTF_8);
        if (expected instanceof EventParser.Accepted a) {
            assertThat(actual).as(input).isInstanceOf(EventParser.Accepted.class);
            final RequestRecord x = a.event();
            final RequestRecord y = ((EventParser.Accepted) actual).event();
            assertThat(y.service()).as(input).isEqualTo(x.service());
            assertThat(y.timestamp()).as(input).isEqualTo(x.timestamp());
            assertThat(Double.doubleToRawLongBits(y.latencyMs())).as(input)
                    .isEqualTo(Double.doubleToRawLongBits(x.latencyMs()));
            assertThat(y.status()).as(input).isEqualTo(x.status());
            assertThat(y.errorOutcome()).as(input).isEqualTo(x.errorOutcome());
            assertThat(y.operation()).as(input).isEqualTo(x.operation());
            assertThat(y.attributes()).as(input).isEqualTo(x.attributes());
            assertThat(y.raw()).as(input).isSameAs(raw);
        } else {
            assertThat(actual).as(input).isEqualTo(expected);
        }
    }
}
