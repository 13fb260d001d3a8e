package io.burnrate.engine.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Validates and reads one request event: the common shape through a byte scanner
 * ({@link EventScanner}), anything else with Jackson's streaming parser (no tree, no
 * databind: this runs once per event). Unknown fields are skipped. The result is either
 * a {@link RequestRecord} or a {@link Rejection} naming the field at fault.
 */
public final class EventParser {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(1 << 20).build())
            .build();

    /** Either an event or a rejection. */
    public sealed interface Result permits Accepted, Rejected {
    }

    public record Accepted(RequestRecord event) implements Result {
    }

    public record Rejected(Rejection rejection, byte[] raw) implements Result {
    }

    /** The fields an event may say at most once. */
    private static final Set<String> KNOWN = Set.of("service", "timestamp", "latencyMs", "status",
            "outcome", "operation", "attributes");

    private EventParser() {
    }

    public static Result parse(final byte[] raw) {
        return parse(raw, InputLimits.DEFAULTS);
    }

    /** Reads one event within {@code limits}. */
    public static Result parse(final byte[] raw, final InputLimits limits) {
        if (raw == null || raw.length == 0) {
            return new Rejected(new Rejection(Rejection.MALFORMED_JSON, "empty value"), raw);
        }
        if (raw.length > limits.maxRecordBytes()) {
            return new Rejected(new Rejection(Rejection.TOO_LARGE, "record is " + raw.length
                    + " bytes, over the limit of " + limits.maxRecordBytes() + " (limits.record.bytes)"), raw);
        }
        final RequestRecord common = EventScanner.scan(raw, limits.maxAttributes());
        final Result r = common != null ? new Accepted(common) : parseWithJackson(raw, limits);
        return r instanceof Accepted a ? withinLimits(a, limits) : r;
    }

    /**
     * The allocation-free path for the hot loop: scans {@code raw} into {@code into} and
     * returns true when it is an event of the common shape within {@code limits}. False
     * means "call {@link #parse(byte[], InputLimits)}", which decides (Jackson, or a
     * rejection with its reason): results are those of {@code parse} either way.
     */
    public static boolean scan(final byte[] raw, final InputLimits limits, final Reader reader) {
        return raw != null && raw.length > 0 && raw.length <= limits.maxRecordBytes()
                && reader.scanner.scan(raw, limits.maxAttributes(), reader.event)
                && reader.event.longestField() <= limits.maxFieldLength();
    }

    /** One stream thread's reusable scanner state and event (not thread-safe). */
    public static final class Reader {
        private final EventScanner scanner = new EventScanner();
        private final ScannedEvent event = new ScannedEvent();

        /** The event the last successful {@link EventParser#scan} read (overwritten by the next). */
        public ScannedEvent event() {
            return event;
        }
    }

    private static Result withinLimits(final Accepted a, final InputLimits limits) {
        final RequestRecord e = a.event();
        final int max = limits.maxFieldLength();
        String field = null;
        int length = 0;
        if (e.service().length() > max) {
            field = "service";
            length = e.service().length();
        } else if (e.operation() != null && e.operation().length() > max) {
            field = "operation";
            length = e.operation().length();
        } else {
            for (final Map.Entry<String, String> at : e.attributes().entrySet()) {
                if (at.getKey().length() > max) {
                    field = "an attribute key";
                    length = at.getKey().length();
                    break;
                }
                if (at.getValue().length() > max) {
                    field = "attributes." + at.getKey();
                    length = at.getValue().length();
                    break;
                }
            }
        }
        if (field == null) {
            return a;
        }
        return new Rejected(new Rejection(Rejection.LIMIT_EXCEEDED, field + " is " + length
                + " characters, over the limit of " + max + " (limits.field.length)"), e.raw());
    }

    /**
     * The general path: Jackson's streaming parser, for everything {@link EventScanner}
     * does not take (public for the benchmarks that compare the two).
     */
    public static Result parseWithJackson(final byte[] raw) {
        return parseWithJackson(raw, InputLimits.DEFAULTS);
    }

    private static Result parseWithJackson(final byte[] raw, final InputLimits limits) {
        if (raw == null || raw.length == 0) {
            return new Rejected(new Rejection(Rejection.MALFORMED_JSON, "empty value"), raw);
        }
        try (JsonParser p = FACTORY.createParser(raw)) {
            return new Accepted(read(p, raw, limits));
        } catch (Rejection.Failure f) {
            return new Rejected(f.rejection, raw);
        } catch (JsonProcessingException e) {
            return new Rejected(new Rejection(Rejection.MALFORMED_JSON, "not valid JSON: " + e.getOriginalMessage()), raw);
        } catch (IOException e) {
            return new Rejected(new Rejection(Rejection.MALFORMED_JSON, "not valid JSON: " + e.getMessage()), raw);
        }
    }

    private static RequestRecord read(final JsonParser p, final byte[] raw, final InputLimits limits)
            throws IOException, Rejection.Failure {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new Rejection.Failure(Rejection.MALFORMED_JSON, "not a JSON object");
        }
        String service = null;
        long timestamp = Long.MIN_VALUE;
        double latency = Double.NaN;
        int status = -1;
        String outcome = null;
        String operation = null;
        Map<String, String> attributes = Map.of();
        final Set<String> seen = new HashSet<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            final String field = p.currentName();
            final JsonToken v = p.nextToken();
            if (KNOWN.contains(field) && !seen.add(field)) {
                throw invalid(field, "appears twice (an event must say each field once)");
            }
            switch (field) {
                case "service":
                    if (v != JsonToken.VALUE_STRING || p.getText().isEmpty()) {
                        throw invalid("service", "must be a non-empty string");
                    }
                    service = p.getText();
                    break;
                case "timestamp":
                    timestamp = timestamp(p, v);
                    break;
                case "latencyMs":
                    if (!v.isNumeric()) {
                        throw invalid("latencyMs", "must be a number");
                    }
                    latency = p.getDoubleValue();
                    if (!(latency >= 0) || Double.isInfinite(latency)) {
                        throw invalid("latencyMs", "must be >= 0, got " + abbreviate(p.getText()));
                    }
                    break;
                case "status":
                    if (v != JsonToken.VALUE_NUMBER_INT) {
                        throw invalid("status", "must be an integer HTTP status");
                    }
                    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        throw invalid("status", "must be between 100 and 599, got " + abbreviate(p.getText()));
                    }
                    final long s = p.getLongValue();
                    if (s < 100 || s > 599) {
                        throw invalid("status", "must be between 100 and 599, got " + s);
                    }
                    status = (int) s;
                    break;
                case "outcome":
                    if (v == JsonToken.VALUE_NULL) {
                        break;
                    }
                    if (v != JsonToken.VALUE_STRING) {
                        throw invalid("outcome", "must be \"ok\" or \"error\"");
                    }
                    outcome = p.getText().toLowerCase(Locale.ROOT);
                    if (!"ok".equals(outcome) && !"error".equals(outcome)) {
                        throw invalid("outcome", "must be \"ok\" or \"error\", got \"" + abbreviate(p.getText()) + "\"");
                    }
                    break;
                case "operation":
                    if (v == JsonToken.VALUE_NULL) {
                        break;
                    }
                    if (v != JsonToken.VALUE_STRING) {
                        throw invalid("operation", "must be a string");
                    }
                    operation = p.getText();
                    break;
                case "attributes":
                    attributes = attributes(p, v, limits.maxAttributes());
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
        if (timestamp == Long.MIN_VALUE) {
            throw missing("timestamp");
        }
        if (Double.isNaN(latency)) {
            throw missing("latencyMs");
        }
        if (status < 0 && outcome == null) {
            throw missing("status or outcome");
        }
        return new RequestRecord(service, timestamp, latency, Math.max(status, 0), "error".equals(outcome),
                operation, attributes, raw);
    }

    private static long timestamp(final JsonParser p, final JsonToken v) throws IOException, Rejection.Failure {
        if (v == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw outOfRange(abbreviate(p.getText()));
            }
            final long ms = p.getLongValue();
            if (!InputLimits.plausibleTime(ms)) {
                throw outOfRange(Long.toString(ms));
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
                throw new Rejection.Failure(Rejection.INVALID_TIMESTAMP,
                        "timestamp \"" + abbreviate(p.getText()) + "\" is neither epoch milliseconds nor RFC 3339");
            }
            if (!InputLimits.plausibleTime(ms)) {
                throw outOfRange("\"" + abbreviate(p.getText()) + "\"");
            }
            return ms;
        }
        throw new Rejection.Failure(Rejection.INVALID_TIMESTAMP,
                "timestamp must be epoch milliseconds or an RFC 3339 string, got " + describe(v));
    }

    private static Rejection.Failure outOfRange(final String got) {
        return new Rejection.Failure(Rejection.INVALID_TIMESTAMP, "timestamp must lie in [2000-01-01T00:00:00Z, "
                + "2100-01-01T00:00:00Z) (epoch ms " + InputLimits.MIN_TIMESTAMP + " to " + InputLimits.MAX_TIMESTAMP
                + "), got " + got);
    }

    /** At most 64 characters of {@code s}, for messages about hostile input. */
    public static String abbreviate(final String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
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
                throw invalid("attributes." + abbreviate(key), "must be a string, not a nested value");
            }
            if (value != JsonToken.VALUE_NULL && out.put(key, p.getText()) != null) {
                throw invalid("attributes." + abbreviate(key), "appears twice");
            }
            if (out.size() > maxAttributes) {
                throw new Rejection.Failure(Rejection.LIMIT_EXCEEDED, "more than " + maxAttributes
                        + " attributes (limits.attributes)");
            }
        }
        return out;
    }

    private static String describe(final JsonToken t) {
        switch (t) {
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case VALUE_NULL:
                return "null";
            case VALUE_NUMBER_FLOAT:
                return "a fractional number";
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "an array";
            default:
                return t.name();
        }
    }

    private static Rejection.Failure invalid(final String field, final String why) {
        return new Rejection.Failure(Rejection.INVALID_FIELD, field + " " + why);
    }

    private static Rejection.Failure missing(final String field) {
        return new Rejection.Failure(Rejection.MISSING_FIELD, "missing field: " + field);
    }
}
