package io.burnrate.engine.runtime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) inside
 * this JVM, from Maven Central artifacts only, listening on loopback only. The same two
 * steps Kafka's scripts run: format the storage, then start the server. Used by
 * {@code burnrate demo}, by {@code burnrate run} when no bootstrap servers are
 * configured, and by the integration tests.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafka(final KafkaRaftServer server, final String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /** The broker port asked for is taken by another process; callers name their flag for it. */
    public static final class PortInUse extends IOException {
        private final int port;

        PortInUse(final int port) {
            super("port " + port + " on 127.0.0.1 is already in use");
            this.port = port;
        }

        public int port() {
            return port;
        }
    }

    /**
     * Formats {@code dataDir} if needed and starts a broker on {@code port} (0 picks a free
     * one); returns once the broker answers metadata requests.
     *
     * @throws PortInUse when {@code port} is taken, before anything is started or written
     * @throws IOException when the data directory cannot be created or written, or the broker
     *         does not start
     */
    public static EmbeddedKafka start(final Path dataDir, final int port) throws IOException {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("broker port must be between 0 and 65535, not " + port);
        }
        if (port != 0 && !available(port)) {
            throw new PortInUse(port);
        }
        Files.createDirectories(dataDir);
        final int brokerPort = port == 0 ? freePort() : port;
        final int controllerPort = freePort();
        final Path logDir = dataDir.resolve("logs");
        final Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", "1");
        props.put("default.replication.factor", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        props.put("log.retention.hours", "-1");
        // replays and the demo's compressed time carry event timestamps far from now
        props.put("log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE));
        props.put("log.message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE));
        props.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        final Path propsFile = dataDir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(propsFile)) {
            props.store(out, "written by burnrate; regenerated at every start");
        }
        format(dataDir, propsFile);
        final KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            // the controller may be up while the broker failed: stop it, or its threads outlive us
            try {
                server.shutdown();
            } catch (RuntimeException ignored) {
                // the original failure is the one to report
            }
            if (boundFailed(e, brokerPort)) {
                // taken between the check above and the broker's bind
                throw new PortInUse(brokerPort);
            }
            throw new IOException("the embedded Kafka broker did not start: " + rootMessage(e), e);
        }
        final String bootstrap = "127.0.0.1:" + brokerPort;
        final EmbeddedKafka kafka = new EmbeddedKafka(server, bootstrap);
        try {
            kafka.awaitReady(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    private static void format(final Path dataDir, final Path propsFile) throws IOException {
        final Path clusterIdFile = dataDir.resolve("cluster.id");
        final String clusterId;
        if (Files.exists(clusterIdFile)) {
            clusterId = Files.readString(clusterIdFile, StandardCharsets.UTF_8).trim();
        } else {
            clusterId = Uuid.randomUuid().toString();
            Files.writeString(clusterIdFile, clusterId, StandardCharsets.UTF_8);
        }
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final int code = kafka.tools.StorageTool$.MODULE$.execute(new String[] {"format", "--cluster-id", clusterId,
                "--config", propsFile.toString(), "--ignore-formatted"},
                new PrintStream(output, true, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new IOException("formatting Kafka storage in " + dataDir + " failed: "
                    + output.toString(StandardCharsets.UTF_8).trim());
        }
    }

    /** An open port is not readiness: wait until the broker lists itself. */
    private void awaitReady(final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000"))) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("embedded Kafka broker at " + bootstrapServers
                                + " did not become ready within " + timeout.toSeconds() + " s", e);
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("embedded Kafka broker at " + bootstrapServers
                            + " did not become ready within " + timeout.toSeconds() + " s");
                }
                Thread.onSpinWait();
            }
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("embedded Kafka broker did not shut down cleanly: {}", e.toString());
        }
    }

    /** Whether the broker could bind 127.0.0.1:{@code port} now (same socket options as the broker). */
    static boolean available(final int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return s.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean boundFailed(final Throwable e, final int port) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(":" + port + ": Address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(final Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
