package io.burnrate.schemas;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * How {@code burnrate replay} writes a rejected input line to {@code dlq.ndjson}. On the
 * {@code burnrate.dlq} topic the original bytes travel unchanged as the value and the
 * same {@code reason} / {@code detail} travel as headers ({@code burnrate.error.reason},
 * {@code burnrate.error.detail}).
 *
 * <p>{@code reason} is a stable code: {@code malformed-json}, {@code missing-field},
 * {@code invalid-field}, {@code invalid-timestamp}, {@code late}. {@code detail} is the
 * human-readable explanation.
 */
@JsonPropertyOrder({"lineNumber", "reason", "detail", "line"})
public record DeadLetter(long lineNumber, String reason, String detail, String line) {
}
