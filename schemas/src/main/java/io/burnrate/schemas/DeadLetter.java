package io.burnrate.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How {@code burnrate replay} writes a rejected input line to {@code dlq.ndjson}. On the
 * {@code burnrate.dlq} topic the original bytes travel unchanged as the value and the
 * same {@code reason} / {@code detail} travel as headers ({@code burnrate.error.reason},
 * {@code burnrate.error.detail}).
 *
 * <p>{@code reason} is a stable code: {@code malformed-json}, {@code missing-field},
 * {@code invalid-field}, {@code invalid-timestamp}, {@code late}, {@code too-large},
 * {@code limit-exceeded}, {@code processing-error}; for OTLP spans also {@code malformed-otlp},
 * {@code missing-service}, {@code negative-duration}; for pre-aggregated counts
 * {@code invalid-interval}, {@code invalid-counts}. {@code detail} is the human-readable
 * explanation. {@code originalBytes} is set (and {@code line} cut) when the line was longer
 * than the dead-letter copy limit.
 */
@JsonPropertyOrder({"lineNumber", "reason", "detail", "line", "originalBytes"})
public record DeadLetter(long lineNumber, String reason, String detail, String line,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Long originalBytes) {

    public DeadLetter(final long lineNumber, final String reason, final String detail, final String line) {
        this(lineNumber, reason, detail, line, null);
    }
}
