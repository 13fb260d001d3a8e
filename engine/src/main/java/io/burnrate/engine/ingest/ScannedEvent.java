package io.burnrate.engine.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * An event of the common shape as {@link EventScanner} read it: numbers decoded, strings
 * left in place as offsets into the original bytes (printable ASCII, no escapes, so one
 * byte is one character). One instance is reused for event after event by one stream
 * thread; the hot path matches the service and operation bytes against the SLO index and
 * never builds a {@code String}. {@link #service()}, {@link #operation()},
 * {@link #attributes()} and {@link #toRecord()} build strings on demand (an event that is
 * dead-lettered, or an SLO whose selector reads attributes) and cache them until the next
 * event.
 *
 * <p>Not thread-safe, and valid only until the next event is scanned into it: whoever
 * keeps an event beyond the call that received it keeps {@link #toRecord()}.
 */
public final class ScannedEvent implements AcceptedEvent {

    byte[] raw;
    int serviceStart;
    int serviceLength;
    /** -1 when the event has no operation. */
    int operationStart;
    int operationLength;
    long timestamp;
    double latencyMs;
    int status;
    boolean errorOutcome;
    int attributeCount;
    /** Per attribute: key start, key length, value start, value length. */
    int[] attributePositions = new int[16];
    private String service;
    private String operation;
    private Map<String, String> attributes;

    /** Forgets the previous event. */
    void reset(final byte[] bytes) {
        raw = bytes;
        operationStart = -1;
        operationLength = 0;
        attributeCount = 0;
        service = null;
        operation = null;
        attributes = null;
    }

    void addAttribute(final int keyStart, final int keyLength, final int valueStart, final int valueLength) {
        final int at = attributeCount * 4;
        if (at + 4 > attributePositions.length) {
            attributePositions = Arrays.copyOf(attributePositions, attributePositions.length * 2);
        }
        attributePositions[at] = keyStart;
        attributePositions[at + 1] = keyLength;
        attributePositions[at + 2] = valueStart;
        attributePositions[at + 3] = valueLength;
        attributeCount++;
    }

    /** The original bytes; the service and operation are ranges of them. */
    @Override
    public byte[] raw() {
        return raw;
    }

    public int serviceStart() {
        return serviceStart;
    }

    public int serviceLength() {
        return serviceLength;
    }

    /** Where the operation starts in {@link #raw()}, or -1 when the event has none. */
    public int operationStart() {
        return operationStart;
    }

    public int operationLength() {
        return operationLength;
    }

    /** Whether the service is exactly {@code bytes} (e.g. the record key). */
    public boolean serviceEquals(final byte[] bytes) {
        return bytes != null && Arrays.equals(raw, serviceStart, serviceStart + serviceLength, bytes, 0, bytes.length);
    }

    /** The service's bytes (a copy: its UTF-8 encoding, as the service is ASCII). */
    public byte[] serviceBytes() {
        return Arrays.copyOfRange(raw, serviceStart, serviceStart + serviceLength);
    }

    @Override
    public String service() {
        if (service == null) {
            service = ascii(serviceStart, serviceLength);
        }
        return service;
    }

    @Override
    public long timestamp() {
        return timestamp;
    }

    @Override
    public double latencyMs() {
        return latencyMs;
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public boolean errorOutcome() {
        return errorOutcome;
    }

    @Override
    public String operation() {
        if (operation == null && operationStart >= 0) {
            operation = ascii(operationStart, operationLength);
        }
        return operation;
    }

    @Override
    public Map<String, String> attributes() {
        if (attributes == null) {
            if (attributeCount == 0) {
                attributes = Map.of();
            } else {
                final Map<String, String> out = new HashMap<>();
                for (int k = 0; k < attributeCount * 4; k += 4) {
                    out.put(ascii(attributePositions[k], attributePositions[k + 1]),
                            ascii(attributePositions[k + 2], attributePositions[k + 3]));
                }
                attributes = out;
            }
        }
        return attributes;
    }

    /** The longest of service, operation, attribute keys and values, in characters (= bytes here). */
    int longestField() {
        int max = Math.max(serviceLength, operationLength);
        for (int k = 0; k < attributeCount * 4; k += 2) {
            max = Math.max(max, attributePositions[k + 1]);
        }
        return max;
    }

    @Override
    public RequestRecord toRecord() {
        return new RequestRecord(service(), timestamp, latencyMs, status, errorOutcome, operation(), attributes(), raw);
    }

    private String ascii(final int start, final int length) {
        return new String(raw, start, length, StandardCharsets.ISO_8859_1);
    }
}
