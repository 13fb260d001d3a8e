package io.burnrate.engine.otlp;

import java.util.Locale;

/** The two OTLP encodings of the OpenTelemetry Collector's Kafka exporter, by their names there. */
public enum OtlpEncoding {
    /** Binary protobuf {@code TracesData} (the exporter's default). */
    OTLP_PROTO("otlp_proto"),
    /** OTLP/JSON: protobuf JSON with hex trace and span ids and integer enums. */
    OTLP_JSON("otlp_json");

    private final String setting;

    OtlpEncoding(final String setting) {
        this.setting = setting;
    }

    /** The name the exporter's {@code encoding} setting (and burnrate's) uses. */
    public String setting() {
        return setting;
    }

    /** The encoding named {@code name} ({@code otlp_proto}, {@code otlp_json}; also with '-'). */
    public static OtlpEncoding of(final String name) {
        final String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (final OtlpEncoding e : values()) {
            if (e.setting.equals(n)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown OTLP encoding '" + name + "' (otlp_proto, otlp_json)");
    }
}
