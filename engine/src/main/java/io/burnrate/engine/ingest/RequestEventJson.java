package io.burnrate.engine.ingest;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes a {@link RequestRecord} as the engine's request-event JSON, the form
 * {@link EventParser} reads back to an equal record (same service, timestamp, latency
 * double, status or outcome, operation and attributes). Events that did not arrive as
 * request JSON (OTLP spans, later pre-aggregated counts) are written this way once, where
 * they are decoded, and then travel as ordinary request events: on the by-service
 * repartition topic, into the dead-letter topic when they are late, and in replay.
 *
 * <p>Plain ASCII strings, an integer timestamp and a plain decimal latency are written
 * in the shape {@code EventScanner} takes (the fast path); anything else is escaped
 * properly and read by Jackson to the same values.
 */
public final class RequestEventJson {

    private RequestEventJson() {
    }

    /** The event as one JSON object, UTF-8, without a line terminator. */
    public static byte[] write(final String service, final long timestamp, final double latencyMs, final int status,
                               final boolean errorOutcome, final String operation, final Map<String, String> attributes) {
        final Bytes out = new Bytes(96 + service.length() + (operation == null ? 0 : operation.length())
                + 48 * attributes.size());
        ascii(out, "{\"service\":");
        string(out, service);
        ascii(out, ",\"timestamp\":");
        ascii(out, Long.toString(timestamp));
        ascii(out, ",\"latencyMs\":");
        ascii(out, decimal(latencyMs));
        if (status > 0) {
            ascii(out, ",\"status\":");
            ascii(out, Integer.toString(status));
        } else {
            ascii(out, errorOutcome ? ",\"outcome\":\"error\"" : ",\"outcome\":\"ok\"");
        }
        if (operation != null) {
            ascii(out, ",\"operation\":");
            string(out, operation);
        }
        if (!attributes.isEmpty()) {
            ascii(out, ",\"attributes\":{");
            boolean first = true;
            for (final Map.Entry<String, String> a : attributes.entrySet()) {
                if (!first) {
                    out.write(',');
                }
                first = false;
                string(out, a.getKey());
                out.write(':');
                string(out, a.getValue());
            }
            out.write('}');
        }
        out.write('}');
        return out.toByteArray();
    }

    /** A growable byte buffer without ByteArrayOutputStream's per-byte locking. */
    private static final class Bytes {
        private byte[] b;
        private int n;

        Bytes(final int capacity) {
            b = new byte[capacity];
        }

        void write(final int c) {
            if (n == b.length) {
                b = Arrays.copyOf(b, b.length * 2);
            }
            b[n++] = (byte) c;
        }

        void writeBytes(final byte[] more) {
            if (n + more.length > b.length) {
                b = Arrays.copyOf(b, Math.max(b.length * 2, n + more.length));
            }
            System.arraycopy(more, 0, b, n, more.length);
            n += more.length;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(b, n);
        }
    }

    /** {@link #write} of a record's fields (its {@code raw} is not looked at). */
    public static byte[] write(final RequestRecord e) {
        return write(e.service(), e.timestamp(), e.latencyMs(), e.status(), e.errorOutcome(), e.operation(),
                e.attributes());
    }

    /**
     * A latency in milliseconds as JSON text that parses back to the same double: whole
     * numbers without a fraction, others in Java's round-trip form (e.g. {@code 12.345678}).
     */
    static String decimal(final double ms) {
        if (ms == Math.rint(ms) && ms < 1e15) {
            return Long.toString((long) ms);
        }
        return Double.toString(ms);
    }

    private static void ascii(final Bytes out, final String s) {
        for (int i = 0; i < s.length(); i++) {
            out.write(s.charAt(i));
        }
    }

    private static void string(final Bytes out, final String s) {
        out.write('"');
        boolean plain = true;
        for (int i = 0; i < s.length() && plain; i++) {
            final char c = s.charAt(i);
            plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
        }
        if (plain) {
            ascii(out, s);
        } else {
            out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(s));
        }
        out.write('"');
    }

    /** The JSON text of {@link #write(RequestRecord)}, for messages and tests. */
    public static String text(final RequestRecord e) {
        return new String(write(e), StandardCharsets.UTF_8);
    }
}
