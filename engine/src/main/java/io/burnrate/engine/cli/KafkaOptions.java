package io.burnrate.engine.cli;

import io.burnrate.engine.runtime.SettingKeys;
import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.topology.TopicRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Connection and topic options shared by every command that talks to Kafka. */
final class KafkaOptions {

    // one description element per line, each at most 49 characters: the narrowest description column at 80
    // columns (run's) less picocli's 2-character indent of wrapped lines, so picocli never splits a setting name
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = {"settings file: YAML, or .properties (flat keys).",
                "Precedence: flags > BURNRATE_* environment",
                "variables (BURNRATE_SASL_JAAS_CONFIG sets",
                "sasl.jaas.config) > this file > defaults."})
    Path config;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
            description = {"Kafka brokers. Without it, run/demo start an embedded single-node broker on 127.0.0.1 "
                    + "and the slo commands talk to it (127.0.0.1:" + Settings.DEFAULT_EMBEDDED_PORT + ")."})
    String bootstrapServers;

    /** The roles --topic lists; {@code KafkaOptionsTest} checks they are {@link TopicRole#roles()}. */
    static final String TOPIC_ROLES = "requests, slos, alerts, status, dlq, budget-policy, compliance, counts";

    @Option(names = "--topic", paramLabel = "ROLE=NAME",
            description = {"rename a topic; roles: " + TOPIC_ROLES + " (default burnrate.<role>)"})
    Map<String, String> topics = new LinkedHashMap<>();

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = {"any other setting, such as",
                "security.protocol=SASL_SSL,",
                "sasl.mechanism=SCRAM-SHA-512,",
                "ssl.truststore.location=...,",
                "commit.interval.ms=1000; Kafka keys are passed to",
                "the clients unchanged"})
    Map<String, String> extra = new LinkedHashMap<>();

    /** Defaults, then the file, the environment and these flags. */
    Settings settings() throws IOException {
        final Settings s = new Settings();
        if (config != null) {
            if (!Files.isRegularFile(config)) {
                throw new IOException("settings file " + config + " does not exist");
            }
            s.withFile(config);
            SettingKeys.check(s.fileKeys(), config.toString());
        }
        s.withEnvironment(System.getenv());
        s.with(Settings.BOOTSTRAP, bootstrapServers);
        for (final Map.Entry<String, String> t : topics.entrySet()) {
            final TopicRole role;
            try {
                role = TopicRole.ofRole(t.getKey());
            } catch (IllegalArgumentException e) {
                throw new IOException("--topic " + t.getKey() + "=" + t.getValue() + ": " + e.getMessage());
            }
            s.withTopic(role, t.getValue());
        }
        SettingKeys.check(extra.keySet(), "--set");
        extra.forEach(s::with);
        return s;
    }

    /** Settings for a client command: the embedded broker's address when none is configured. */
    Settings clientSettings() throws IOException {
        final Settings s = settings();
        if (s.embedded()) {
            s.with(Settings.BOOTSTRAP, "127.0.0.1:" + s.get(Settings.EMBEDDED_PORT));
        }
        return s;
    }
}
