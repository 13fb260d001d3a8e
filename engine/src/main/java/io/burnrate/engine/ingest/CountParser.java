package io.burnrate.engine.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Validates and reads one pre-aggregated count record (topic {@code burnrate.counts};
 * schema {@code count-record.schema.json}) with Jackson's streaming parser. As for request
 * events, unknown fields are skipped, a known field may appear once, and the same
 * {@link InputLimits} bound the record, its strings and its attributes.
 *
 * <p>Reasons: {@code malformed-json}, {@code too-large}, {@code missing-field},
 * {@code invalid-field} (wrong type, twice, both interval forms), {@code limit-exceeded},
 * {@code invalid-timestamp} (outside [2000, 2100), or ending more than the allowed skew
 * after the clock), {@code invalid-interval} (end not after start, wider than
 * {@code counts.max.interval}) and {@code invalid-counts} (a negative count, bad or good
 * over total, bad + good not total, a latency count over total).
 */
public final class CountParser {

    public static final String INVALID_INTERVAL = "invalid-interval";
    public static final String INVALID_COUNTS = "invalid-counts";

    /** Setting keys of {@link Options}. */
    public static final String MAX_INTERVAL = "counts.max.interval";

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(1 << 20).build())
            .build();

    private static final Set<String> KNOWN = Set.of("service", "operation", "attributes", "start", "end", "timestamp",
            "intervalSeconds", "total", "bad", "good", "latencyOverMs", "id");

    /**
     * How far a count record may reach.
     *
     * @param maxInterval   widest interval accepted ({@code counts.max.interval}, default 1h)
     * @param maxFutureSkew how far after the clock an interval may end; null: no check (replay judges
     *                      against the input's own time instead)
     */
    public record Options(Duration maxInterval, Duration maxFutureSkew) {
        public static final Options DEFAULTS = new Options(Duration.ofHours(1), Duration.ofMinutes(5));

        public Options {
            if (maxInterval.isNegative() || maxInterval.isZero()) {
                throw new IllegalArgumentException(MAX_INTERVAL + " must be positive");
            }
        }
    }

    /** Either a count record or a rejection. */
    public sealed interface Result permits Accepted, Rejected {
    }

    public record Accepted(CountRecord record) implements Result {
    }

    public record Rejected(Rejection rejection, byte[] raw) implements Result {
    }

    private CountParser() {
    }

    /**
     * Reads one count record.
     *
     * @param nowMs the wall clock for the future check (ignored when {@code options.maxFutureSkew()} is null)
     */
    public static Result parse(final byte[] raw, final InputLimits limits, final Options options, final long nowMs) {
        if (raw == null || raw.length == 0) {
            return new Rejected(new Rejection(Rejection.MALFORMED_JSON, "empty value"), raw);
        }
        if (raw.length > limits.maxRecordBytes()) {
            return new Rejected(new Rejection(Rejection.TOO_LARGE, "record is " + raw.length
                    + " bytes, over the limit of " + limits.maxRecordBytes() + " (limits.record.bytes)"), raw);
        }
        try (JsonParser p = FACTORY.createParser(raw)) {
            final CountRecord r = read(p, raw, limits);
            check(r, limits, options, nowMs);
            return new Accepted(r);
        } catch (Rejection.Failure f) {
            return new Rejected(f.rejection, raw);
        } catch (JsonProcessingException e) {
            return new Rejected(new Rejection(Rejection.MALFORMED_JSON, "not valid JSON: " + e.getOriginalMessage()), raw);
        } catch (IOException e) {
            return new Rejected(new Rejection(Rejection.MALFORMED_JSON, "not valid JSON: " + e.getMessage()), raw);
        }
    }

    private static CountRecord read(final JsonParser p, final byte[] raw, final InputLimits limits)
            throws IOException, Rejection.Failure {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new Rejection.Failure(Rejection.MALFORMED_JSON, "not a JSON object");
        }
        String service = null;
        String operation = null;
        String id = null;
        Map<String, String> attributes = Map.of();
        long start = Long.MIN_VALUE;
        long end = Long.MIN_VALUE;
        long timestamp = Long.MIN_VALUE;
        long intervalSeconds = -1;
        long total = Long.MIN_VALUE;
        long bad = Long.MIN_VALUE;
        long good = Long.MIN_VALUE;
        SortedMap<Double, Long> over = Collections.emptySortedMap();
        final Set<String> seen = new HashSet<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            final String field = p.currentName();
            final JsonToken v = p.nextToken();
            if (KNOWN.contains(field) && !seen.add(field)) {
                throw invalid(field, "appears twice (a record must say each field once)");
            }
            switch (field) {
                case "service":
                    service = string(p, v, "service", false);
                    if (service == null || service.isEmpty()) {
                        throw invalid("service", "must be a non-empty string");
                    }
                    break;
                case "operation":
                    operation = string(p, v, "operation", true);
                    break;
                case "id":
                    id = string(p, v, "id", true);
                    break;
                case "attributes":
                    attributes = attributes(p, v, limits.maxAttributes());
                    break;
                case "start":
                    start = time(p, v, "start");
                    break;
                case "end":
                    end = time(p, v, "end");
                    break;
                case "timestamp":
                    timestamp = time(p, v, "timestamp");
                    break;
                case "intervalSeconds":
                    intervalSeconds = count(p, v, "intervalSeconds");
                    if (intervalSeconds <= 0 || intervalSeconds > Integer.MAX_VALUE) {
                        throw new Rejection.Failure(INVALID_INTERVAL, "intervalSeconds must be a positive whole number "
                                + "of seconds, got " + p.getText());
                    }
                    break;
                case "total":
                    total = count(p, v, "total");
                    break;
                case "bad":
                    bad = count(p, v, "bad");
                    break;
                case "good":
                    good = count(p, v, "good");
                    break;
                case "latencyOverMs":
                    over = latencyOver(p, v, limits.maxAttributes());
                    break;
                default:
                    p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new Rejection.Failure(Rejection.MALFORMED_JSON, "not valid JSON");
        }
        if (p.nextToken() != null) {
            throw new Rejection.Failure(Rejection.MALFORMED_JSON, "trailing content after the JSON object");
        }
        if (service == null) {
            throw missing("service");
        }
        final boolean startEnd = start != Long.MIN_VALUE || end != Long.MIN_VALUE;
        final boolean tsInterval = timestamp != Long.MIN_VALUE || intervalSeconds >= 0;
        if (startEnd && tsInterval) {
            throw invalid("start", "and end cannot be combined with timestamp and intervalSeconds: give one interval");
        }
        if (startEnd) {
            if (start == Long.MIN_VALUE || end == Long.MIN_VALUE) {
                throw missing(start == Long.MIN_VALUE ? "start" : "end");
            }
        } else if (tsInterval) {
            if (timestamp == Long.MIN_VALUE || intervalSeconds < 0) {
                throw missing(timestamp == Long.MIN_VALUE ? "timestamp" : "intervalSeconds");
            }
            end = timestamp;
            start = timestamp - intervalSeconds * 1000L;
        } else {
            throw missing("start and end, or timestamp and intervalSeconds");
        }
        if (total == Long.MIN_VALUE) {
            throw missing("total");
        }
        if (bad == Long.MIN_VALUE && good == Long.MIN_VALUE) {
            throw missing("bad or good");
        }
        if (total < 0) {
            throw counts("total must be >= 0, got " + total);
        }
        if (bad != Long.MIN_VALUE && bad < 0) {
            throw counts("bad must be >= 0, got " + bad);
        }
        if (good != Long.MIN_VALUE && good < 0) {
            throw counts("good must be >= 0, got " + good);
        }
        if (bad > total) {
            throw counts("bad (" + bad + ") is more than total (" + total + ")");
        }
        if (good > total) {
            throw counts("good (" + good + ") is more than total (" + total + ")");
        }
        if (bad != Long.MIN_VALUE && good != Long.MIN_VALUE && bad + good != total) {
            throw counts("bad (" + bad + ") + good (" + good + ") is not total (" + total + ")");
        }
        for (final Map.Entry<Double, Long> o : over.entrySet()) {
            if (o.getValue() > total) {
                throw counts("latencyOverMs." + threshold(o.getKey()) + " (" + o.getValue() + ") is more than total ("
                        + total + ")");
            }
        }
        return new CountRecord(service, operation, attributes, start, end, total,
                bad != Long.MIN_VALUE ? bad : total - good, over, id, raw);
    }

    private static void check(final CountRecord r, final InputLimits limits, final Options options, final long nowMs)
            throws Rejection.Failure {
        if (!InputLimits.plausibleTime(r.startMs()) || !InputLimits.plausibleTime(r.endMs())) {
            throw new Rejection.Failure(Rejection.INVALID_TIMESTAMP, "the interval must lie in [2000-01-01T00:00:00Z, "
                    + "2100-01-01T00:00:00Z), got [" + r.startMs() + ", " + r.endMs() + ") (epoch ms)");
        }
        if (r.endMs() <= r.startMs()) {
            throw new Rejection.Failure(INVALID_INTERVAL, "end (" + r.endMs() + ") must be after start (" + r.startMs()
                    + ")");
        }
        if (r.widthMs() > options.maxInterval().toMillis()) {
            throw new Rejection.Failure(INVALID_INTERVAL, "the interval is " + r.widthMs() + " ms, wider than "
                    + options.maxInterval().toMillis() + " ms (" + MAX_INTERVAL + ")");
        }
        if (options.maxFutureSkew() != null && r.endMs() > nowMs + options.maxFutureSkew().toMillis()) {
            throw new Rejection.Failure(Rejection.INVALID_TIMESTAMP, "the interval ends " + (r.endMs() - nowMs)
                    + " ms in the future, more than the allowed skew of " + options.maxFutureSkew().toMillis() + " ms");
        }
        final int max = limits.maxFieldLength();
        check("service", r.service(), max);
        check("operation", r.operation(), max);
        check("id", r.id(), max);
        for (final Map.Entry<String, String> a : r.attributes().entrySet()) {
            check("an attribute key", a.getKey(), max);
            check("attributes." + EventParser.abbreviate(a.getKey()), a.getValue(), max);
        }
    }

    private static void check(final String field, final String value, final int max) throws Rejection.Failure {
        if (value != null && value.length() > max) {
            throw new Rejection.Failure(Rejection.LIMIT_EXCEEDED, field + " is " + value.length()
                    + " characters, over the limit of " + max + " (limits.field.length)");
        }
    }

    private static String string(final JsonParser p, final JsonToken v, final String field, final boolean nullable)
            throws IOException, Rejection.Failure {
        if (v == JsonToken.VALUE_NULL && nullable) {
            return null;
        }
        if (v != JsonToken.VALUE_STRING) {
            throw invalid(field, "must be a string");
        }
        return p.getText();
    }

    /** A non-negative whole number (negative ones are returned for the caller's message). */
    private static long count(final JsonParser p, final JsonToken v, final String field)
            throws IOException, Rejection.Failure {
        if (v == JsonToken.VALUE_NUMBER_FLOAT && p.getDoubleValue() == Math.rint(p.getDoubleValue())
                && Math.abs(p.getDoubleValue()) < 1e15) {
            return (long) p.getDoubleValue();
        }
        if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw invalid(field, "must be a whole number");
        }
        return p.getLongValue();
    }

    private static long time(final JsonParser p, final JsonToken v, final String field)
            throws IOException, Rejection.Failure {
        if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            final long ms = p.getLongValue();
            if (!InputLimits.plausibleTime(ms)) {
                throw outOfRange(field, Long.toString(ms));
            }
            return ms;
        }
        if (v == JsonToken.VALUE_STRING) {
            String text = p.getText().trim();
            if (text.length() > 10 && (text.charAt(10) == ' ' || text.charAt(10) == 't')) {
                text = text.substring(0, 10) + 'T' + text.substring(11);
            }
            final long ms;
            try {
                ms = OffsetDateTime.parse(text.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                        .toInstant().toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new Rejection.Failure(Rejection.INVALID_TIMESTAMP, field + " \"" + EventParser.abbreviate(p.getText())
                        + "\" is neither epoch milliseconds nor RFC 3339");
            }
            if (!InputLimits.plausibleTime(ms)) {
                throw outOfRange(field, "\"" + EventParser.abbreviate(p.getText()) + "\"");
            }
            return ms;
        }
        throw new Rejection.Failure(Rejection.INVALID_TIMESTAMP, field
                + " must be epoch milliseconds or an RFC 3339 string");
    }

    private static Rejection.Failure outOfRange(final String field, final String got) {
        return new Rejection.Failure(Rejection.INVALID_TIMESTAMP, field + " must lie in [2000-01-01T00:00:00Z, "
                + "2100-01-01T00:00:00Z), got " + got);
    }

    private static Map<String, String> attributes(final JsonParser p, final JsonToken v, final int maxAttributes)
            throws IOException, Rejection.Failure {
        if (v == JsonToken.VALUE_NULL) {
            return Map.of();
        }
        if (v != JsonToken.START_OBJECT) {
            throw invalid("attributes", "must be an object of string values");
        }
        final Map<String, String> out = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String key = p.currentName();
            final JsonToken value = p.nextToken();
            if (value.isStructStart()) {
                throw invalid("attributes." + EventParser.abbreviate(key), "must be a string, not a nested value");
            }
            if (value != JsonToken.VALUE_NULL && out.put(key, p.getText()) != null) {
                throw invalid("attributes." + EventParser.abbreviate(key), "appears twice");
            }
            if (out.size() > maxAttributes) {
                throw new Rejection.Failure(Rejection.LIMIT_EXCEEDED, "more than " + maxAttributes
                        + " attributes (limits.attributes)");
            }
        }
        return out;
    }

    private static SortedMap<Double, Long> latencyOver(final JsonParser p, final JsonToken v, final int max)
            throws IOException, Rejection.Failure {
        if (v == JsonToken.VALUE_NULL) {
            return Collections.emptySortedMap();
        }
        if (v != JsonToken.START_OBJECT) {
            throw invalid("latencyOverMs", "must be an object of threshold (ms) to count, e.g. {\"300\": 12}");
        }
        final TreeMap<Double, Long> out = new TreeMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            final String key = p.currentName();
            final JsonToken value = p.nextToken();
            final double threshold;
            try {
                threshold = Double.parseDouble(key);
            } catch (NumberFormatException e) {
                throw invalid("latencyOverMs", "key \"" + EventParser.abbreviate(key) + "\" is not a threshold in ms");
            }
            if (!(threshold > 0) || Double.isInfinite(threshold)) {
                throw invalid("latencyOverMs", "threshold " + EventParser.abbreviate(key) + " must be a positive number");
            }
            final long c = count(p, value, "latencyOverMs." + EventParser.abbreviate(key));
            if (c < 0) {
                throw counts("latencyOverMs." + EventParser.abbreviate(key) + " must be >= 0, got " + c);
            }
            if (out.put(threshold, c) != null) {
                throw invalid("latencyOverMs." + EventParser.abbreviate(key), "appears twice");
            }
            if (out.size() > max) {
                throw new Rejection.Failure(Rejection.LIMIT_EXCEEDED, "more than " + max
                        + " latency thresholds (limits.attributes)");
            }
        }
        return Collections.unmodifiableSortedMap(out);
    }

    private static String threshold(final double ms) {
        return ms == Math.rint(ms) ? Long.toString((long) ms) : Double.toString(ms);
    }

    private static Rejection.Failure invalid(final String field, final String why) {
        return new Rejection.Failure(Rejection.INVALID_FIELD, field + " " + why);
    }

    private static Rejection.Failure missing(final String field) {
        return new Rejection.Failure(Rejection.MISSING_FIELD, "missing field: " + field);
    }

    private static Rejection.Failure counts(final String why) {
        return new Rejection.Failure(INVALID_COUNTS, why);
    }
}
