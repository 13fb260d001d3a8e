package io.burnrate.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.runtime.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code burnrate-loadtest generate} against a real broker in this JVM: the way to send
 * events to a running {@code burnrate run} (issue 13: it failed with only "Failed to create
 * new KafkaAdminClient" against any broker).
 */
class GenerateCommandIT {

    @TempDir
    static Path dir;

    private static EmbeddedKafka broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    /** Exit code and what went to stdout and stderr. */
    private record Run(int code, String out, String err) {
    }

    private static synchronized Run generate(final String... args) {
        final PrintStream oldOut = System.out;
        final PrintStream oldErr = System.err;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            final String[] all = new String[args.length + 1];
            all[0] = "generate";
            System.arraycopy(args, 0, all, 1, args.length);
            final int code = LoadtestCli.run(all);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static long endOffsets(final String topic, final int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()))) {
            final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(r -> r.offset()).sum();
        }
    }

    @Test
    void generatesLiveEventsAndSlosIntoARealBroker() throws Exception {
        // the command line, shorter, against this broker and its own topics
        final Run run = generate("-b", broker.bootstrapServers(), "--rate", "200", "--duration", "2s",
                "--services", "2", "--topic", "gen.requests", "--partitions", "2",
                "--slos", "2", "--slo-topic", "gen.slos");
        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.err()).doesNotContain("Failed to create new KafkaAdminClient");
        assertThat(run.out()).contains("published 2 SLOs to gen.slos", "-> gen.requests on " + broker.bootstrapServers());
        final Matcher done = Pattern.compile("generate: done: ([\\d,]+) events").matcher(run.out());
        assertThat(done.find()).as(run.out()).isTrue();
        final long sent = Long.parseLong(done.group(1).replace(",", ""));
        assertThat(sent).isBetween(200L, 600L);
        assertThat(endOffsets("gen.requests", 2)).as("events on the topic").isEqualTo(sent);
        assertThat(endOffsets("gen.slos", 1)).as("SLO records").isEqualTo(2);
    }

    @Test
    void clientSettingsGivenWithSetStillWinAndAFailureIsOneLineWithItsCause() {
        // nothing listens on port 1; the user's short timeouts make this fail in about a second
        final Run run = generate("-b", "127.0.0.1:1", "--events", "10", "--topic", "gen.nowhere",
                "-s", "request.timeout.ms=500", "-s", "default.api.timeout.ms=1000");
        assertThat(run.code()).as(run.err()).isEqualTo(1);
        // the Kafka client's own WARN lines about the refused connection may come first
        assertThat(run.err().lines().filter(l -> l.startsWith("burnrate-loadtest generate: ")))
                .as(run.err()).hasSize(1).allSatisfy(l -> assertThat(l).contains("imed out"));
        assertThat(run.err()).doesNotContain("\tat ");
    }

    @Test
    void adminTimeoutsAreConsistentWhateverTheUserSets() {
        final Map<String, Object> defaults = GenerateCommand.adminProperties("127.0.0.1:1", Map.of());
        assertThat(Long.parseLong(defaults.get("default.api.timeout.ms").toString()))
                .isGreaterThanOrEqualTo(Long.parseLong(defaults.get("request.timeout.ms").toString()));
        final Map<String, Object> longRequests = GenerateCommand.adminProperties("127.0.0.1:1",
                Map.of("request.timeout.ms", "40000"));
        assertThat(longRequests).containsEntry("default.api.timeout.ms", "40000");
        assertThat(GenerateCommand.adminProperties("127.0.0.1:1", Map.of("default.api.timeout.ms", "90000")))
                .containsEntry("default.api.timeout.ms", "90000");
        List.of(defaults, longRequests).forEach(p -> Admin.create(p).close());
    }
}
