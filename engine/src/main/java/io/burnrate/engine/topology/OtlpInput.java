package io.burnrate.engine.topology;

import io.burnrate.engine.otlp.OtlpEncoding;
import io.burnrate.engine.otlp.SpanMapping;
import java.util.List;
import java.util.Objects;

/**
 * The OTLP span input: the topic the OpenTelemetry Collector's Kafka exporter writes
 * {@code TracesData} to, its encoding, and how a span becomes a request event. Off unless
 * configured ({@code otlp.enabled} or {@code otlp.topic}); then {@value Names#OTLP_SOURCE}
 * -> {@value Names#DECODE_SPANS} joins the topology.
 *
 * @param topic    the topic ({@code otlp.topic}, default {@value #DEFAULT_TOPIC}, the exporter's default)
 * @param encoding {@code otlp.encoding}: {@code otlp_proto} (default, as the exporter's) or {@code otlp_json}
 * @param mapping  the span mapping ({@code otlp.span.kinds}, {@code otlp.attributes.allow}, ...)
 */
public record OtlpInput(String topic, OtlpEncoding encoding, SpanMapping mapping) {

    public static final String ENABLED = "otlp.enabled";
    public static final String TOPIC = "otlp.topic";
    public static final String ENCODING = "otlp.encoding";
    /** The Collector's Kafka exporter writes traces to this topic unless told otherwise. */
    public static final String DEFAULT_TOPIC = "otlp_spans";

    /** Every {@code otlp.*} setting key: these and the mapping's. */
    public static final List<String> KEYS = List.of(ENABLED, TOPIC, ENCODING, SpanMapping.KINDS,
            SpanMapping.OPERATION_ATTRIBUTE, SpanMapping.STATUS_ATTRIBUTES, SpanMapping.ALLOWED_ATTRIBUTES,
            SpanMapping.RECORD_BYTES);

    public OtlpInput {
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(mapping, "mapping");
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException(TOPIC + " must name a topic");
        }
    }
}
