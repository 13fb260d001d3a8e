package io.burnrate.engine.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.burnrate.engine.http.EngineMetrics;
import io.burnrate.engine.ingest.CountParser;
import io.burnrate.engine.ingest.InputLimits;
import io.burnrate.engine.otlp.OtlpEncoding;
import io.burnrate.engine.otlp.SpanMapping;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.Grace;
import io.burnrate.engine.slo.SloLimits;
import io.burnrate.engine.topology.EngineConfig;
import io.burnrate.engine.topology.OtlpInput;
import io.burnrate.engine.topology.TopicRole;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The engine's configuration as one flat key space, merged from (lowest first) defaults,
 * a YAML or properties file, {@code BURNRATE_*} environment variables and command-line
 * flags.
 *
 * <p>burnrate's own keys: {@code bootstrap.servers} (absent: embedded broker),
 * {@code topic.<role>} for every {@link TopicRole} ({@code requests}, {@code slos},
 * {@code alerts}, {@code status}, {@code dlq}, {@code budget-policy}, {@code compliance}),
 * {@code partitions}, {@code replication.factor}, {@code create.topics}, {@code grace},
 * {@code idle.advance.after}, {@code max.future.skew}, {@code max.event.age},
 * {@code limits.*}, {@code otlp.*} ({@link OtlpInput}), {@code slo.max-*}, {@code http.*}, {@code metrics.slo.labels},
 * {@code embedded.port}, {@code data.dir}. Every other key
 * ({@code application.id}, {@code state.dir}, {@code processing.guarantee},
 * {@code num.stream.threads}, {@code security.protocol}, {@code sasl.*}, {@code ssl.*},
 * ...) is passed to Kafka Streams and the Kafka clients unchanged. Nested YAML maps are
 * flattened with dots; {@code BURNRATE_SASL_JAAS_CONFIG} becomes {@code sasl.jaas.config}.
 */
public final class Settings {

    public static final String BOOTSTRAP = "bootstrap.servers";
    public static final String APPLICATION_ID = "application.id";
    public static final String STATE_DIR = "state.dir";
    public static final String GUARANTEE = "processing.guarantee";
    public static final String THREADS = "num.stream.threads";
    public static final String REPLICATION = "replication.factor";
    public static final String PARTITIONS = "partitions";
    public static final String CREATE_TOPICS = "create.topics";
    public static final String GRACE = "grace";
    public static final String IDLE_ADVANCE = "idle.advance.after";
    /** Events further ahead of the wall clock are dead-lettered; "off" disables the check. */
    public static final String MAX_FUTURE_SKEW = "max.future.skew";
    /** Events further behind the wall clock are dead-lettered; "off" disables the check. */
    public static final String MAX_EVENT_AGE = "max.event.age";
    /** Input limits ({@link io.burnrate.engine.ingest.InputLimits}). */
    public static final String LIMIT_RECORD_BYTES = "limits.record.bytes";
    public static final String LIMIT_FIELD_LENGTH = "limits.field.length";
    public static final String LIMIT_ATTRIBUTES = "limits.attributes";
    public static final String LIMIT_DLQ_VALUE_BYTES = "limits.dlq.value.bytes";
    /** The widest interval a count record ({@code burnrate.counts}) may cover. */
    public static final String COUNTS_MAX_INTERVAL = CountParser.MAX_INTERVAL;
    public static final String EMBEDDED_PORT = "embedded.port";
    public static final String DATA_DIR = "data.dir";
    /** HTTP port of /metrics, the API and the status page; -1 turns the server off. */
    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_BIND = "http.bind";
    /** Host other instances reach this one's HTTP server at (API fan-out across instances). */
    public static final String HTTP_ADVERTISED_HOST = "http.advertised.host";
    /** SLO labels copied onto every per-SLO metric series. */
    public static final String METRICS_SLO_LABELS = "metrics.slo.labels";

    /** Default port of the embedded broker, so {@code slo apply} finds it without flags. */
    public static final int DEFAULT_EMBEDDED_PORT = 19092;

    private static final Set<String> OWN = Set.of(PARTITIONS, CREATE_TOPICS, GRACE, IDLE_ADVANCE,
            MAX_FUTURE_SKEW, MAX_EVENT_AGE, LIMIT_RECORD_BYTES, LIMIT_FIELD_LENGTH, LIMIT_ATTRIBUTES,
            LIMIT_DLQ_VALUE_BYTES, SloLimits.MAX_SLOS,
            SloLimits.MAX_SELECTOR_ENTRIES, SloLimits.MAX_SELECTOR_BYTES,
            SloLimits.MAX_FILE_BYTES,
            EMBEDDED_PORT, DATA_DIR, "slos", Settings.HTTP_PORT, Settings.HTTP_BIND, Settings.HTTP_ADVERTISED_HOST,
            Settings.METRICS_SLO_LABELS, COUNTS_MAX_INTERVAL);

    private final Set<String> fileKeys = new TreeSet<>();
    private final Map<String, String> values = new TreeMap<>();

    public Settings() {
        values.put(APPLICATION_ID, "burnrate");
        values.put(GUARANTEE, "exactly_once_v2");
        values.put(THREADS, "1");
        values.put(PARTITIONS, "6");
        values.put(CREATE_TOPICS, "true");
        values.put(DATA_DIR, "burnrate-data");
        values.put(EMBEDDED_PORT, Integer.toString(DEFAULT_EMBEDDED_PORT));
        final EngineConfig d = EngineConfig.defaults();
        for (final TopicRole role : TopicRole.values()) {
            values.put(role.key(), d.topic(role));
        }
        values.put(GRACE, Grace.DEFAULT_TEXT);
        values.put(IDLE_ADVANCE, "30s");
        values.put(MAX_FUTURE_SKEW, "1h");
        values.put(MAX_EVENT_AGE, "7d");
        final InputLimits limits = InputLimits.DEFAULTS;
        values.put(LIMIT_RECORD_BYTES, Integer.toString(limits.maxRecordBytes()));
        values.put(LIMIT_FIELD_LENGTH, Integer.toString(limits.maxFieldLength()));
        values.put(LIMIT_ATTRIBUTES, Integer.toString(limits.maxAttributes()));
        values.put(LIMIT_DLQ_VALUE_BYTES, Integer.toString(limits.maxDeadLetterBytes()));
        values.put(COUNTS_MAX_INTERVAL, "1h");
        values.put(HTTP_PORT, "8080");
        values.put(HTTP_BIND, "0.0.0.0");
        values.put(METRICS_SLO_LABELS, String.join(",", EngineMetrics.DEFAULT_SLO_LABELS));
    }

    /** The advertised HTTP host: configured, else the bind address, else localhost. */
    public String advertisedHost() {
        final String configured = values.get(HTTP_ADVERTISED_HOST);
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        final String bind = values.get(HTTP_BIND);
        return bind == null || bind.equals("0.0.0.0") || bind.equals("::") ? "localhost" : bind;
    }

    public List<String> sloMetricLabels() {
        final String v = values.get(METRICS_SLO_LABELS);
        return v == null || v.isBlank() ? List.of()
                : Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    /** Every key set now (defaults included). */
    public Set<String> keys() {
        return Collections.unmodifiableSet(values.keySet());
    }

    /** burnrate's own keys (the rest go to Kafka). */
    public static Set<String> ownKeys() {
        return OWN;
    }

    /** The keys the settings file set ({@link SettingKeys#check} refuses unknown ones). */
    public Set<String> fileKeys() {
        return Collections.unmodifiableSet(fileKeys);
    }

    /** Reads a {@code .properties} file, or YAML otherwise. */
    public Settings withFile(final Path file) throws IOException {
        if (file.getFileName().toString().endsWith(".properties")) {
            final Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            p.forEach((k, v) -> {
                values.put(k.toString().trim(), v.toString().trim());
                fileKeys.add(k.toString().trim());
            });
        } else {
            final JsonNode root = new YAMLMapper().readTree(file.toFile());
            if (root != null && !root.isNull() && !root.isMissingNode()) {
                if (!root.isObject()) {
                    throw new IOException(file + ": expected a mapping of settings");
                }
                flatten("", root);
            }
        }
        return this;
    }

    /** Applies {@code BURNRATE_*} variables. */
    public Settings withEnvironment(final Map<String, String> env) {
        env.forEach((k, v) -> {
            if (k.startsWith("BURNRATE_") && k.length() > "BURNRATE_".length() && !k.equals("BURNRATE_JAVA_OPTS")) {
                values.put(k.substring("BURNRATE_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), v);
            }
        });
        return this;
    }

    /** Sets a value when it is not null (flags). */
    public Settings with(final String key, final Object value) {
        if (value != null) {
            values.put(key, value.toString());
        }
        return this;
    }

    public String get(final String key) {
        return values.get(key);
    }

    public boolean embedded() {
        final String b = values.get(BOOTSTRAP);
        return b == null || b.isBlank();
    }

    public String topic(final TopicRole role) {
        return values.get(role.key());
    }

    /** Names the topic of {@code role}. */
    public Settings withTopic(final TopicRole role, final String name) {
        return with(role.key(), name);
    }

    public int partitions() {
        return intValue(PARTITIONS);
    }

    public short replicationFactor() {
        final String v = values.get(REPLICATION);
        return v == null ? -1 : (short) Integer.parseInt(v.trim());
    }

    public boolean createTopics() {
        return Boolean.parseBoolean(values.get(CREATE_TOPICS));
    }

    public int intValue(final String key) {
        try {
            return Integer.parseInt(values.get(key).trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + values.get(key) + "'");
        }
    }

    public Duration duration(final String key) {
        final String v = values.get(key);
        if (v == null || v.isBlank() || v.equals("0") || v.equalsIgnoreCase("off")) {
            return null;
        }
        try {
            return Durations.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    /** The Kafka Streams state directory: {@code state.dir}, else {@code <data.dir>/state}. */
    public Path stateDir() {
        final String configured = values.get(STATE_DIR);
        return (configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(values.get(DATA_DIR), "state")).toAbsolutePath().normalize();
    }

    /**
     * A port setting: 0 to 65535, or -1 (off) where {@code offAllowed}; the message names
     * the key.
     */
    public int port(final String key, final boolean offAllowed) {
        final int p = intValue(key);
        if (p < (offAllowed ? -1 : 0) || p > 65_535) {
            throw new IllegalArgumentException(key + " must be between " + (offAllowed ? "-1 (off)" : "0") + " and 65535, "
                    + "not " + p);
        }
        return p;
    }

    /**
     * Creates {@code dir} if needed and proves a file can be written in it, so a missing,
     * read-only or full disk is one clear message at start instead of a failure deep inside
     * Kafka. {@code what} names the directory's role in the message.
     *
     * @return the absolute directory
     * @throws IOException whose message names the directory and the reason
     */
    public static Path writableDirectory(final Path dir, final String what) throws IOException {
        final Path abs = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(abs);
            final Path probe = Files.createTempFile(abs, ".burnrate-write-check-", ".tmp");
            try {
                Files.write(probe, new byte[4096]);
            } finally {
                Files.deleteIfExists(probe);
            }
            return abs;
        } catch (FileAlreadyExistsException e) {
            throw new IOException(what + " " + abs + " is not usable: " + e.getFile() + " is a file, not a directory");
        } catch (AccessDeniedException e) {
            throw new IOException(what + " " + abs + " is not usable: permission denied"
                    + (e.getFile() == null || Path.of(e.getFile()).equals(abs) ? "" : " (" + e.getFile() + ")"));
        } catch (FileSystemException e) {
            for (Path p = abs; p != null; p = p.getParent()) {
                if (Files.isRegularFile(p)) {
                    throw new IOException(what + " " + abs + " is not usable: " + p + " is a file, not a directory");
                }
            }
            final String reason = e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
            throw new IOException(what + " " + abs + " is not usable: " + reason
                    + (e.getFile() == null || Path.of(e.getFile()).equals(abs) ? "" : " (" + e.getFile() + ")"));
        } catch (IOException | UnsupportedOperationException e) {
            throw new IOException(what + " " + abs + " is not usable: " + e.getMessage());
        }
    }

    /** The topology's configuration. */
    public EngineConfig engineConfig() {
        final EngineConfig d = EngineConfig.defaults();
        final Duration grace = duration(GRACE);
        final InputLimits limits = new InputLimits(intValue(LIMIT_RECORD_BYTES), intValue(LIMIT_FIELD_LENGTH),
                intValue(LIMIT_ATTRIBUTES), intValue(LIMIT_DLQ_VALUE_BYTES));
        return d.withTopics(this::topic)
                .withGrace(grace == null ? Duration.ZERO : grace)
                .withIdleAdvanceAfter(duration(IDLE_ADVANCE))
                .withMaxFutureSkew(duration(MAX_FUTURE_SKEW))
                .withMaxEventAge(duration(MAX_EVENT_AGE))
                .withCountsMaxInterval(countsMaxInterval())
                .withLimits(limits)
                .withOtlp(otlpInput(limits));
    }

    /**
     * The OTLP span input, or null when it is off: on when {@code otlp.enabled} is true or
     * {@code otlp.topic} is set (an explicit {@code otlp.enabled: false} wins), reading
     * {@code otlp.topic} (default {@value OtlpInput#DEFAULT_TOPIC}) in {@code otlp.encoding}
     * (default {@code otlp_proto}) with the {@code otlp.*} span mapping.
     *
     * @throws IllegalArgumentException naming the key when a value is unusable
     */
    public OtlpInput otlpInput(final InputLimits limits) {
        final String enabled = values.get(OtlpInput.ENABLED);
        final String topic = values.get(OtlpInput.TOPIC);
        if (enabled != null && !enabled.isBlank() && !enabled.trim().equalsIgnoreCase("true")
                && !enabled.trim().equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(OtlpInput.ENABLED + " must be true or false, not '" + enabled + "'");
        }
        final boolean on = enabled != null && !enabled.isBlank() ? Boolean.parseBoolean(enabled.trim())
                : topic != null && !topic.isBlank();
        if (!on) {
            return null;
        }
        final String encoding = values.getOrDefault(OtlpInput.ENCODING, OtlpEncoding.OTLP_PROTO.setting());
        final OtlpEncoding e;
        try {
            e = OtlpEncoding.of(encoding);
        } catch (IllegalArgumentException x) {
            throw new IllegalArgumentException(OtlpInput.ENCODING + ": " + x.getMessage());
        }
        return new OtlpInput(topic == null || topic.isBlank() ? OtlpInput.DEFAULT_TOPIC : topic.trim(), e,
                SpanMapping.fromSettings(values, limits));
    }

    private Duration countsMaxInterval() {
        final Duration max = duration(COUNTS_MAX_INTERVAL);
        if (max == null || max.isZero() || max.isNegative()) {
            throw new IllegalArgumentException(COUNTS_MAX_INTERVAL + " must be a positive duration (e.g. 1h), not '"
                    + get(COUNTS_MAX_INTERVAL) + "'");
        }
        return max;
    }

    /** Everything that goes to Kafka: all keys but burnrate's own. */
    public Map<String, Object> kafkaProperties() {
        final Map<String, Object> out = new TreeMap<>();
        values.forEach((k, v) -> {
            // http.*: the HTTP server's own (auth and TLS secrets among them), never Kafka's
            // forward.*: the forwarder's (routing keys and tokens among them), never Kafka's
            // otlp.*: the OTLP input's and span mapping's
            if (!OWN.contains(k) && !k.startsWith(TopicRole.KEY_PREFIX) && !k.startsWith("http.") && !k.startsWith("forward.")
                    && !k.startsWith("otlp.") && !k.equals(REPLICATION)) {
                out.put(k, v);
            }
        });
        if (values.containsKey(REPLICATION)) {
            out.put(REPLICATION, values.get(REPLICATION));
        }
        return out;
    }

    /** Limits SLO documents are held to ({@code slo.max-*}; defaults {@link io.burnrate.engine.slo.SloLimits#DEFAULTS}). */
    public SloLimits sloLimits() {
        final SloLimits d = SloLimits.DEFAULTS;
        return new SloLimits(
                values.containsKey(SloLimits.MAX_SLOS) ? intValue(SloLimits.MAX_SLOS) : d.maxSlos(),
                values.containsKey(SloLimits.MAX_SELECTOR_ENTRIES) ? intValue(SloLimits.MAX_SELECTOR_ENTRIES)
                        : d.maxSelectorEntries(),
                values.containsKey(SloLimits.MAX_SELECTOR_BYTES) ? intValue(SloLimits.MAX_SELECTOR_BYTES) : d.maxSelectorBytes(),
                values.containsKey(SloLimits.MAX_FILE_BYTES) ? Long.parseLong(values.get(SloLimits.MAX_FILE_BYTES).trim())
                        : d.maxFileBytes());
    }

    /** Kafka client settings only (no Streams keys): for admin, producers, consumers. */
    public Map<String, Object> clientProperties() {
        final Map<String, Object> out = new TreeMap<>();
        kafkaProperties().forEach((k, v) -> {
            // config.providers*: secrets referenced as ${file:...:key} must resolve in these clients too
            if (k.equals(BOOTSTRAP) || k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")
                    || k.startsWith("config.providers") || k.startsWith("client.dns.") || k.equals("client.id")) {
                out.put(k, v);
            }
        });
        return out;
    }

    private void flatten(final String prefix, final JsonNode node) {
        for (final Map.Entry<String, JsonNode> e : node.properties()) {
            final String key = prefix + e.getKey();
            if (e.getValue().isObject()) {
                flatten(key + ".", e.getValue());
            } else if (!e.getValue().isNull()) {
                values.put(key, e.getValue().asText());
                fileKeys.add(key);
            }
        }
    }
}
