package io.burnrate.engine.topology;

import io.burnrate.engine.ingest.InputLimits;
import io.burnrate.engine.ingest.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Builds dead letters that always fit on the dead-letter topic, whatever the rejected
 * record held: the value is cut to {@link InputLimits#maxDeadLetterBytes} (header
 * {@value Names#HEADER_TRUNCATED} gives the original size), a key over
 * {@value #MAX_KEY_BYTES} bytes is cut ({@value Names#HEADER_KEY_TRUNCATED}), the
 * original headers are copied only while they total at most {@value #MAX_COPIED_HEADER_BYTES}
 * bytes ({@value Names#HEADER_HEADERS_DROPPED}), and the detail is at most
 * {@value #MAX_DETAIL_CHARS} characters. A dead letter is therefore at most about
 * 80 KiB with the defaults, far below any producer's {@code max.request.size}: a record
 * the broker accepted can never make its dead letter fail to send.
 */
public final class DeadLetters {

    static final int MAX_KEY_BYTES = 1024;
    static final int MAX_COPIED_HEADER_BYTES = 8 * 1024;
    static final int MAX_DETAIL_CHARS = 1024;

    private DeadLetters() {
    }

    /** The value to keep: {@code raw} itself, or its first {@code max} bytes. */
    public static byte[] value(final byte[] raw, final InputLimits limits) {
        final int max = limits.maxDeadLetterBytes();
        return raw == null || raw.length <= max ? raw : Arrays.copyOf(raw, max);
    }

    /** The key to keep: {@code key}, or its first {@value #MAX_KEY_BYTES} bytes (on a character boundary). */
    public static String key(final String key) {
        if (key == null || key.length() <= MAX_KEY_BYTES / 4) {
            return key;
        }
        final byte[] b = key.getBytes(StandardCharsets.UTF_8);
        if (b.length <= MAX_KEY_BYTES) {
            return key;
        }
        // cut at the last whole character
        int end = MAX_KEY_BYTES;
        while (end > 0 && (b[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    /** As {@link #key(String)} for a key read as bytes: the bytes themselves when they fit. */
    public static byte[] key(final byte[] key) {
        if (key == null || key.length <= MAX_KEY_BYTES) {
            return key;
        }
        return key(new String(key, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The dead-letter headers: what the record came with (when small), then reason,
     * detail, source topic/partition/offset and what was cut.
     */
    public static Headers headers(final Headers original, final String key, final byte[] raw, final Rejection r,
                                  final ProcessingContext context, final InputLimits limits) {
        return headers(original, key, raw, r, context.recordMetadata().orElse(null), limits);
    }

    /** As above, with the source record's metadata (or null when unknown). */
    public static Headers headers(final Headers original, final String key, final byte[] raw, final Rejection r,
                                  final RecordMetadata meta, final InputLimits limits) {
        final Header[] in = original.toArray();
        long size = 0;
        for (final Header h : in) {
            size += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        final Headers h = size <= MAX_COPIED_HEADER_BYTES ? new RecordHeaders(in) : new RecordHeaders();
        if (size > MAX_COPIED_HEADER_BYTES) {
            h.add(Names.HEADER_HEADERS_DROPPED, utf8(Integer.toString(in.length)));
        }
        h.remove(Names.HEADER_REASON);
        h.remove(Names.HEADER_DETAIL);
        h.remove(Names.HEADER_TRUNCATED);
        h.add(Names.HEADER_REASON, utf8(r.reason()));
        final String detail = r.detail().length() <= MAX_DETAIL_CHARS ? r.detail()
                : r.detail().substring(0, MAX_DETAIL_CHARS - 3) + "...";
        h.add(Names.HEADER_DETAIL, utf8(detail));
        if (raw != null && raw.length > limits.maxDeadLetterBytes()) {
            h.add(Names.HEADER_TRUNCATED, utf8(Integer.toString(raw.length)));
        }
        if (key != null && !key.equals(key(key))) {
            h.remove(Names.HEADER_KEY_TRUNCATED);
            h.add(Names.HEADER_KEY_TRUNCATED, utf8(Integer.toString(key.getBytes(StandardCharsets.UTF_8).length)));
        }
        if (meta != null && !h.headers(Names.HEADER_TOPIC).iterator().hasNext()) {
            h.add(Names.HEADER_TOPIC, utf8(meta.topic()));
            h.add(Names.HEADER_PARTITION, utf8(Integer.toString(meta.partition())));
            h.add(Names.HEADER_OFFSET, utf8(Long.toString(meta.offset())));
        }
        return h;
    }

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
