package io.burnrate.engine.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link EventParser#parse} (scanner first) returns exactly what the Jackson path alone returns. */
class EventScannerTest {

    /**
     * 70,000 events of the shapes producers send: epoch-ms timestamps, latencies with 0 to
     * 5 decimals, status or outcome, optional operation and attributes, fields in varying
     * order and spacing. Most take the scanner's path; every result must equal Jackson's.
     */
    @Test
    void generatedEventsParseIdentically() {
        final SplittableRandom r = new SplittableRandom(3);
        int scanned = 0;
        for (int i = 0; i < 70_000; i++) {
            final byte[] e = event(r, i).getBytes(StandardCharsets.UTF_8);
            same(e);
            if (EventScanner.scan(e) != null) {
                scanned++;
            }
        }
        assertThat(scanned).as("the common shape takes the fast path").isGreaterThan(60_000);
    }

    private static String event(final SplittableRandom r, final int i) {
        final String sep = r.nextInt(4) == 0 ? ", " : ",";
        final double latency = r.nextInt(1_000_000) / Math.pow(10, r.nextInt(6));
        final StringBuilder b = new StringBuilder("{");
        final String[] fields = {
            "\"service\":\"svc-" + r.nextInt(100) + "\"",
            "\"timestamp\":" + (1_772_409_600_000L + i * 37L),
            "\"latencyMs\":" + (r.nextBoolean() ? String.valueOf(latency) : Integer.toString((int) latency)),
            r.nextInt(5) == 0 ? "\"outcome\":\"" + (r.nextBoolean() ? "ok" : "error") + "\""
                    : "\"status\":" + (r.nextInt(20) == 0 ? 503 : 200),
            "\"operation\":\"GET /item/" + r.nextInt(10) + "\"",
            "\"attributes\":{\"region\":\"eu-" + r.nextInt(3) + "\",\"tier\":\"" + r.nextInt(2) + "\"}",
        };
        // the four required fields and 0-2 optional ones, rotated so every field comes first sometimes
        final int n = 4 + r.nextInt(3);
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                b.append(sep);
            }
            b.append(fields[(k + i) % n]);
        }
        return b.append('}').toString();
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

    /**
     * The string scan reads eight bytes at a time: every byte that ends or leaves the fast
     * path (a quote, a backslash, a control byte, a non-ASCII byte, DEL and the bytes next to
     * the masks' values) at every position of operation strings 1 to 24 bytes long, so it
     * falls at each offset of a word, agrees with Jackson.
     */
    @Test
    void specialBytesAtEveryWordOffsetOfAStringAgreeWithJackson() {
        final byte[] specials = {'"', '\\', 0x00, 0x01, 0x1F, 0x20, 0x21, 0x23, 0x5B, 0x5D, 0x7F, (byte) 0x80,
            (byte) 0xC3, (byte) 0xFF, '\n', '\t'};
        for (int length = 1; length <= 24; length++) {
            for (int at = 0; at < length; at++) {
                for (final byte special : specials) {
                    final byte[] op = "abcdefghijklmnopqrstuvwxyz".substring(0, length).getBytes(StandardCharsets.US_ASCII);
                    op[at] = special;
                    same(withOperation(op));
                }
            }
        }
    }

    /**
     * Two bytes that stop the fast path in one string, the later one at every offset after the
     * earlier: the scan jumps to the lowest flagged byte of a word, so a byte flagged falsely
     * above a real stop (a borrow of the word arithmetic) must never be taken for the first.
     */
    @Test
    void twoSpecialBytesInOneWordAgreeWithJackson() {
        final byte[] specials = {'"', '\\', 0x00, 0x1F, 0x20, 0x21, 0x23, 0x5D, 0x7F, (byte) 0x80, (byte) 0xC3};
        for (int length = 2; length <= 17; length++) {
            for (int at = 0; at < length; at++) {
                for (int later = at + 1; later < length; later++) {
                    for (final byte first : specials) {
                        for (final byte second : specials) {
                            final byte[] op = "abcdefghijklmnopq".substring(0, length).getBytes(StandardCharsets.US_ASCII);
                            op[at] = first;
                            op[later] = second;
                            same(withOperation(op));
                        }
                    }
                }
            }
        }
    }

    private static byte[] withOperation(final byte[] op) {
        final byte[] head = "{\"service\":\"a\",\"operation\":\"".getBytes(StandardCharsets.US_ASCII);
        final byte[] tail = "\",\"timestamp\":1767225600000,\"latencyMs\":1,\"status\":200}"
                .getBytes(StandardCharsets.US_ASCII);
        final byte[] raw = new byte[head.length + op.length + tail.length];
        System.arraycopy(head, 0, raw, 0, head.length);
        System.arraycopy(op, 0, raw, head.length, op.length);
        System.arraycopy(tail, 0, raw, head.length + op.length, tail.length);
        return raw;
    }

    /** One reader for every case, as one stream thread has: nothing of an event may leak into the next. */
    private static final EventParser.Reader READER = new EventParser.Reader();

    private static void same(final byte[] raw) {
        final EventParser.Result expected = EventParser.parseWithJackson(raw);
        final EventParser.Result actual = EventParser.parse(raw);
        final String input = new String(raw, StandardCharsets.UTF_8);
        if (EventParser.scan(raw, InputLimits.DEFAULTS, READER)) {
            // the allocation-free path of the stream thread: accepted only what Jackson accepts, same fields
            assertThat(expected).as(input).isInstanceOf(EventParser.Accepted.class);
            sameEvent(input, ((EventParser.Accepted) expected).event(), READER.event().toRecord(), raw);
        }
        if (expected instanceof EventParser.Accepted a) {
            assertThat(actual).as(input).isInstanceOf(EventParser.Accepted.class);
            sameEvent(input, a.event(), ((EventParser.Accepted) actual).event(), raw);
        } else {
            assertThat(actual).as(input).isEqualTo(expected);
        }
    }

    private static void sameEvent(final String input, final RequestRecord x, final RequestRecord y, final byte[] raw) {
        assertThat(y.service()).as(input).isEqualTo(x.service());
        assertThat(y.timestamp()).as(input).isEqualTo(x.timestamp());
        assertThat(Double.doubleToRawLongBits(y.latencyMs())).as(input)
                .isEqualTo(Double.doubleToRawLongBits(x.latencyMs()));
        assertThat(y.status()).as(input).isEqualTo(x.status());
        assertThat(y.errorOutcome()).as(input).isEqualTo(x.errorOutcome());
        assertThat(y.operation()).as(input).isEqualTo(x.operation());
        assertThat(y.attributes()).as(input).isEqualTo(x.attributes());
        assertThat(y.raw()).as(input).isSameAs(raw);
    }
}
