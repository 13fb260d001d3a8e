package io.burnrate.loadtest.bench;

import io.burnrate.engine.runtime.EmbeddedKafka;
import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.runtime.Topics;
import io.burnrate.engine.topology.TopicRole;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The broker a benchmark runs against (the embedded real broker, or the one given with
 * {@code --bootstrap-servers}), a work directory, and the admin operations the
 * benchmarks share: topics, end offsets, committed offsets.
 */
public final class BenchEnv implements AutoCloseable {

    private final String bootstrap;
    private final EmbeddedKafka broker;
    private final Path workDir;
    private final boolean keepWorkDir;
    private final PrintStream log;
    private final Admin admin;
    private final String runId;
    private int engines;

    private BenchEnv(final String bootstrap, final EmbeddedKafka broker, final Path workDir, final boolean keep,
                     final PrintStream log) {
        this.bootstrap = bootstrap;
        this.broker = broker;
        this.workDir = workDir;
        this.keepWorkDir = keep;
        this.log = log;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
        this.runId = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
    }

    /** Starts the embedded broker unless {@code bootstrapServers} is given. */
    public static BenchEnv open(final String bootstrapServers, final Path workDir, final boolean keep,
                                final PrintStream log) throws IOException {
        Files.createDirectories(workDir);
        if (bootstrapServers != null && !bootstrapServers.isBlank()) {
            log.println("bench: using the Kafka cluster at " + bootstrapServers);
            return new BenchEnv(bootstrapServers, null, workDir, keep, log);
        }
        final long t0 = System.nanoTime();
        final EmbeddedKafka broker = EmbeddedKafka.start(workDir.resolve("kafka"), 0);
        log.printf("bench: embedded Kafka broker at %s (started in %.1f s), data in %s%n", broker.bootstrapServers(),
                (System.nanoTime() - t0) / 1e9, workDir.resolve("kafka"));
        return new BenchEnv(broker.bootstrapServers(), broker, workDir, keep, log);
    }

    public String bootstrap() {
        return bootstrap;
    }

    public boolean embedded() {
        return broker != null;
    }

    public Path workDir() {
        return workDir;
    }

    public PrintStream log() {
        return log;
    }

    public Admin admin() {
        return admin;
    }

    /** A name unique to this run: topics and application ids do not collide across runs. */
    public String name(final String what) {
        return "bench-" + runId + "-" + what;
    }

    /** A fresh engine identity (application id, state directory) under {@code prefix}. */
    public String nextEngineId(final String prefix) {
        engines++;
        return prefix + "-engine-" + engines;
    }

    /**
     * Engine settings for topics under {@code prefix}: exactly-once v2, idle advance off
     * (benchmarks must depend on their input only), no HTTP server (engines of one run,
     * and of runs side by side, must not compete for a port).
     */
    public Map<String, String> engineSettings(final String prefix, final String requestsTopic,
                                              final String applicationId, final int partitions) {
        final Map<String, String> s = new LinkedHashMap<>();
        s.put(Settings.BOOTSTRAP, bootstrap);
        s.put(Settings.APPLICATION_ID, applicationId);
        s.put(Settings.STATE_DIR, workDir.resolve("state").resolve(applicationId).toAbsolutePath().toString());
        s.put(Settings.DATA_DIR, workDir.resolve("data").toAbsolutePath().toString());
        s.put(Settings.GUARANTEE, "exactly_once_v2");
        s.put(Settings.PARTITIONS, Integer.toString(partitions));
        s.put(Settings.IDLE_ADVANCE, "off");
        s.put(Settings.MAX_EVENT_AGE, "off");
        s.put(Settings.HTTP_PORT, "-1");
        for (final TopicRole role : TopicRole.values()) {
            s.put(role.key(), role == TopicRole.REQUESTS ? requestsTopic : prefix + "." + role.role());
        }
        return s;
    }

    public static Settings toSettings(final Map<String, String> values) {
        final Settings s = new Settings();
        values.forEach(s::with);
        return s;
    }

    /**
     * Creates the requests topic (unlimited retention, any timestamp accepted: pre-filled
     * events carry event times in the past) and the engine's other topics.
     */
    public void createTopics(final Map<String, String> engineSettings, final int partitions) throws Exception {
        final Settings s = toSettings(engineSettings);
        createRequestsTopic(s.topic(TopicRole.REQUESTS), partitions);
        try (Admin a = Topics.admin(s)) {
            Topics.ensure(a, s);
        }
    }

    public void createRequestsTopic(final String topic, final int partitions) throws Exception {
        final Map<String, String> configs = new HashMap<>();
        configs.put("retention.ms", "-1");
        configs.put("retention.bytes", "-1");
        configs.put("message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE));
        configs.put("message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE));
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty()).configs(configs)))
                    .all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        awaitLeaders(topic);
    }

    /**
     * Returns once every partition of {@code topic} answers a list-offsets request, which
     * only its leader does. Why: a producer that sends right after the topic was created
     * can reach the broker before it leads the partition (NOT_LEADER_OR_FOLLOWER), and an
     * idempotent producer whose first batch failed that way was seen retrying the next ones
     * with OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout, failing the run.
     */
    public void awaitLeaders(final String topic) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                endOffsets(topic);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    public List<TopicPartition> partitions(final String topic) throws Exception {
        final List<TopicPartition> out = new ArrayList<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                .forEach(p -> out.add(new TopicPartition(topic, p.partition())));
        return out;
    }

    public Map<TopicPartition, Long> endOffsets(final String topic) throws Exception {
        final Map<TopicPartition, OffsetSpec> req = new HashMap<>();
        for (final TopicPartition tp : partitions(topic)) {
            req.put(tp, OffsetSpec.latest());
        }
        final Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(req).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    public static long sum(final Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Sum of the group's committed offsets on {@code topic} (0 for uncommitted partitions). */
    public long committed(final String group, final String topic) throws Exception {
        final Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        long sum = 0;
        for (final Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                sum += e.getValue().offset();
            }
        }
        return sum;
    }

    public static long directoryBytes(final Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // a file RocksDB deleted while we walked
                }
            }).sum();
        }
    }

    @Override
    public void close() {
        admin.close();
        if (broker != null) {
            broker.close();
        }
        if (!keepWorkDir) {
            try (Stream<Path> files = Files.walk(workDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                log.println("bench: could not delete " + workDir + ": " + e.getMessage());
            }
        } else {
            log.println("bench: kept the work directory " + workDir);
        }
    }
}
