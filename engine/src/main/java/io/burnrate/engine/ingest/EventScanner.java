package io.burnrate.engine.ingest;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The fast path of {@link EventParser}: a byte scanner for the common shape of a request
 * event, a flat object of the known fields with plain ASCII strings (no escapes), an
 * integer epoch-millisecond timestamp, a plain decimal latency (at most 15 significant
 * digits), an integer status and string attributes. Anything else (unknown fields, RFC
 * 3339 timestamps, exponents, escapes, non-ASCII, nulls, invalid values, missing fields)
 * makes it give up, and Jackson's streaming parser decides, accepting or naming the
 * rejection. So results are those of the Jackson path by construction;
 * {@code EventScannerTest} checks it on generated events and edge cases.
 *
 * <p>Why: JSON parsing was a quarter of the stream thread's time (Jackson parser set-up
 * per event, a {@code String} per field); this is about half as costly (JMH in
 * {@code loadtest/RESULTS.md}). It writes into a reused {@link ScannedEvent} (offsets, no
 * strings, no maps), so the common event allocates nothing here; one scanner per stream
 * thread (not thread-safe).
 */
final class EventScanner {

    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
        1e13, 1e14, 1e15};

    /** The event, or null when the input is not of the common shape (the caller asks Jackson). */
    static RequestRecord scan(final byte[] raw) {
        return scan(raw, Integer.MAX_VALUE);
    }

    /** As {@link #scan(byte[])}, giving up (null) past {@code maxAttributes} attributes. */
    static RequestRecord scan(final byte[] raw, final int maxAttributes) {
        final ScannedEvent e = new ScannedEvent();
        return new EventScanner().scan(raw, maxAttributes, e) ? e.toRecord() : null;
    }

    private byte[] b;
    private int i;
    private int maxAttributes;
    private ScannedEvent out;
    private boolean outcomeSeen;
    /** Known fields seen so far, one bit each: a repeated field is Jackson's to refuse. */
    private int seen;
    // string result of the last str() call
    private int strStart;
    private int strEnd;

    /**
     * One pass over the bytes into {@code into} (reused: nothing is allocated); false when
     * the input is not of the common shape (let Jackson decide; {@code into} then holds
     * nothing useful).
     */
    boolean scan(final byte[] raw, final int maxAttributesAllowed, final ScannedEvent into) {
        b = raw;
        i = 0;
        maxAttributes = maxAttributesAllowed;
        out = into;
        outcomeSeen = false;
        seen = 0;
        into.reset(raw);
        into.serviceLength = 0;
        into.timestamp = -1;
        into.latencyMs = -1;
        into.status = -1;
        into.errorOutcome = false;
        final boolean ok = object();
        b = null;
        out = null;
        return ok;
    }

    /** Marks field {@code bit} seen; false when it was already. */
    private boolean first(final int bit) {
        if ((seen & bit) != 0) {
            return false;
        }
        seen |= bit;
        return true;
    }

    private boolean object() {
        ws();
        if (!eat('{')) {
            return false;
        }
        ws();
        if (peek() == '}') {
            return false; // empty object: missing fields, let Jackson say which
        }
        while (true) {
            ws();
            if (!str()) {
                return false;
            }
            final int ks = strStart;
            final int kl = strEnd - strStart;
            ws();
            if (!eat(':')) {
                return false;
            }
            ws();
            if (!field(ks, kl)) {
                return false;
            }
            ws();
            if (eat(',')) {
                continue;
            }
            if (eat('}')) {
                break;
            }
            return false;
        }
        ws();
        if (i != b.length) {
            return false;
        }
        if (out.serviceLength == 0 || out.timestamp < 0 || out.latencyMs < 0 || (out.status < 0 && !outcomeSeen)) {
            return false;
        }
        out.status = Math.max(out.status, 0);
        return true;
    }

    private boolean field(final int ks, final int kl) {
        switch (kl) {
            case 6:
                if (is(ks, "status")) {
                    if (!first(1)) {
                        return false;
                    }
                    final long v = integer(3);
                    if (v < 100 || v > 599) {
                        return false;
                    }
                    out.status = (int) v;
                    return true;
                }
                return false;
            case 7:
                if (is(ks, "service")) {
                    if (!first(2) || !str() || strEnd == strStart) {
                        return false;
                    }
                    out.serviceStart = strStart;
                    out.serviceLength = strEnd - strStart;
                    return true;
                }
                if (is(ks, "outcome")) {
                    if (!first(4) || !str()) {
                        return false;
                    }
                    if (strEnd - strStart == 2 && is(strStart, "ok")) {
                        out.errorOutcome = false;
                    } else if (strEnd - strStart == 5 && is(strStart, "error")) {
                        out.errorOutcome = true;
                    } else {
                        return false;
                    }
                    outcomeSeen = true;
                    return true;
                }
                return false;
            case 9:
                if (is(ks, "timestamp")) {
                    if (!first(8)) {
                        return false;
                    }
                    out.timestamp = integer(18);
                    return InputLimits.plausibleTime(out.timestamp);
                }
                if (is(ks, "latencyMs")) {
                    if (!first(16)) {
                        return false;
                    }
                    out.latencyMs = decimal();
                    return out.latencyMs >= 0;
                }
                if (is(ks, "operation")) {
                    if (!first(32) || !str()) {
                        return false;
                    }
                    out.operationStart = strStart;
                    out.operationLength = strEnd - strStart;
                    return true;
                }
                return false;
            case 10:
                if (is(ks, "attributes")) {
                    return first(64) && attributes();
                }
                return false;
            default:
                return false;
        }
    }

    private boolean attributes() {
        if (!eat('{')) {
            return false;
        }
        ws();
        if (eat('}')) {
            return true;
        }
        while (true) {
            ws();
            if (!str()) {
                return false;
            }
            final int keyStart = strStart;
            final int keyLength = strEnd - strStart;
            ws();
            if (!eat(':')) {
                return false;
            }
            ws();
            if (!str()) {
                return false;
            }
            if (out.attributeCount >= maxAttributes || repeated(keyStart, keyLength)) {
                return false;
            }
            out.addAttribute(keyStart, keyLength, strStart, strEnd - strStart);
            ws();
            if (eat(',')) {
                continue;
            }
            return eat('}');
        }
    }

    /** Whether an attribute key already read equals the one at {@code start} (Jackson refuses repeats). */
    private boolean repeated(final int start, final int length) {
        final int[] at = out.attributePositions;
        for (int k = 0; k < out.attributeCount * 4; k += 4) {
            if (at[k + 1] == length && Arrays.equals(b, at[k], at[k] + length, b, start, start + length)) {
                return true;
            }
        }
        return false;
    }

    /** A string of printable ASCII without escapes; sets strStart/strEnd. */
    private boolean str() {
        if (!eat('"')) {
            return false;
        }
        final int start = i;
        final byte[] a = b;
        final int n = a.length;
        int j = start;
        // eight bytes at a time while none of them is a quote, a backslash, a control or a
        // non-ASCII byte; in the word that has one, the lowest flagged byte is the first such
        // byte (the borrows that flag bytes falsely only run towards higher bytes), so the byte
        // loop below starts right at it and decides
        while (j + 8 <= n) {
            final long w = (long) LONG.get(a, j);
            final long quote = w ^ 0x2222_2222_2222_2222L;
            final long backslash = w ^ 0x5C5C_5C5C_5C5C_5C5CL;
            final long any = (((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash)
                    | ((w - 0x2020_2020_2020_2020L) & ~w) | w) & HIGHS;
            if (any != 0) {
                j += Long.numberOfTrailingZeros(any) >>> 3;
                break;
            }
            j += 8;
        }
        while (j < n) {
            final byte c = a[j];
            if (c == '"') {
                if (j - start > 50_000) {
                    i = j;
                    return false; // near Jackson's stream-read limits: let it decide
                }
                strStart = start;
                strEnd = j;
                i = j + 1;
                return true;
            }
            if (c == '\\' || c < 0x20) {
                i = j;
                return false; // escapes, control or non-ASCII bytes (negative): Jackson
            }
            j++;
        }
        i = j;
        return false;
    }

    /** Eight bytes of a byte array as one little-endian long (the string scan's word). */
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;

    private boolean is(final int start, final String name) {
        for (int k = 0; k < name.length(); k++) {
            if (b[start + k] != name.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** A non-negative integer of at most maxDigits digits without a leading zero; -1 otherwise. */
    private long integer(final int maxDigits) {
        final int start = i;
        long v = 0;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            v = v * 10 + (b[i] - '0');
            i++;
        }
        final int n = i - start;
        if (n == 0 || n > maxDigits || (n > 1 && b[start] == '0') || (i < b.length && (b[i] == '.'
                || b[i] == 'e' || b[i] == 'E'))) {
            return -1;
        }
        return v;
    }

    /**
     * A non-negative decimal {@code d+(.d+)?} with at most 15 significant digits, converted
     * exactly as {@link Double#parseDouble} would (one correctly rounded division of two
     * exactly representable doubles); -1 otherwise.
     */
    private double decimal() {
        final int start = i;
        long mantissa = 0;
        int digits = 0;
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            mantissa = mantissa * 10 + (b[i] - '0');
            digits++;
            i++;
        }
        if (digits == 0 || (digits > 1 && b[start] == '0')) {
            return -1;
        }
        int fraction = 0;
        if (i < b.length && b[i] == '.') {
            i++;
            while (i < b.length && b[i] >= '0' && b[i] <= '9') {
                mantissa = mantissa * 10 + (b[i] - '0');
                digits++;
                fraction++;
                i++;
            }
            if (fraction == 0) {
                return -1;
            }
        }
        if (digits > 15 || (i < b.length && (b[i] == 'e' || b[i] == 'E'))) {
            return -1;
        }
        return mantissa / POW10[fraction];
    }

    private void ws() {
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
    }

    private boolean eat(final char c) {
        if (i < b.length && b[i] == c) {
            i++;
            return true;
        }
        return false;
    }

    private int peek() {
        return i < b.length ? b[i] : -1;
    }
}
