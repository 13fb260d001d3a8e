package io.burnrate.engine.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node KRaft broker in the test JVM with two secured client listeners:
 * {@code SASL_SSL} (SCRAM-SHA-512, user {@link #USER} created at format time) and
 * {@code SSL} with {@code ssl.client.auth=required} (mutual TLS); brokers talk to each
 * other over the SSL listener, the controller listener is loopback PLAINTEXT. Every
 * certificate is made here with the JDK's keytool: a CA, a broker certificate for
 * 127.0.0.1/localhost, a client certificate signed by the CA and a self-signed
 * "rogue" client certificate the broker must refuse. Every password is random.
 */
final class SecuredKafka implements AutoCloseable {

    static final String USER = "burnrate";

    final String scramPassword = "scram-" + secret();
    final String truststorePassword = "trust-" + secret();
    final String clientKeystorePassword = "client-" + secret();
    final String rogueKeystorePassword = "rogue-" + secret();
    private final String brokerKeystorePassword = "broker-" + secret();
    private final String caPassword = "ca-" + secret();

    final Path truststore;
    final Path clientKeystore;
    final Path rogueKeystore;
    final String saslBootstrap;
    final String sslBootstrap;
    private final Path brokerKeystore;
    private final KafkaRaftServer server;

    SecuredKafka(final Path dir) throws Exception {
        Files.createDirectories(dir);
        truststore = dir.resolve("truststore.p12");
        clientKeystore = dir.resolve("client.p12");
        rogueKeystore = dir.resolve("rogue.p12");
        brokerKeystore = dir.resolve("broker.p12");
        certificates(dir);

        final int[] ports = freePorts(3);
        final int saslPort = ports[0];
        final int sslPort = ports[1];
        final int controllerPort = ports[2];
        saslBootstrap = "127.0.0.1:" + saslPort;
        sslBootstrap = "127.0.0.1:" + sslPort;
        final Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "SASL_SSL://127.0.0.1:" + saslPort + ",SSL://127.0.0.1:" + sslPort
                + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + saslPort + ",SSL://127.0.0.1:" + sslPort);
        p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "SSL");
        p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        p.put("listener.name.ssl.ssl.client.auth", "required");
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.location", brokerKeystore.toString());
        p.put("ssl.keystore.password", brokerKeystorePassword);
        p.put("ssl.key.password", brokerKeystorePassword);
        p.put("ssl.truststore.type", "PKCS12");
        p.put("ssl.truststore.location", truststore.toString());
        p.put("ssl.truststore.password", truststorePassword);
        p.put("log.dirs", dir.resolve("logs").toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        // the test's events are stamped in the past: time retention would delete them at once
        p.put("log.retention.hours", "-1");
        p.put("log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE));
        p.put("log.message.timestamp.before.max.ms", Long.toString(Long.MAX_VALUE));
        final Path propsFile = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(propsFile)) {
            p.store(out, "SecuredKafka");
        }
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final int code = kafka.tools.StorageTool$.MODULE$.execute(new String[] {"format",
                "--cluster-id", Uuid.randomUuid().toString(), "--config", propsFile.toString(),
                "--add-scram", "SCRAM-SHA-512=[name=" + USER + ",password=" + scramPassword + "]"},
                new PrintStream(output, true, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new IOException("format failed: " + output.toString(StandardCharsets.UTF_8));
        }
        server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
        server.startup();
        awaitReady();
    }

    /** Client settings for the SASL_SSL listener, without the JAAS line (the caller decides how to pass it). */
    Map<String, String> saslClient() {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put("security.protocol", "SASL_SSL");
        m.put("sasl.mechanism", "SCRAM-SHA-512");
        m.put("ssl.truststore.type", "PKCS12");
        m.put("ssl.truststore.location", truststore.toString());
        return m;
    }

    static String jaas(final String user, final String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** Complete client settings for the SASL_SSL listener. */
    Map<String, Object> saslClientWithSecrets() {
        final Map<String, Object> m = new LinkedHashMap<>(saslClient());
        m.put("bootstrap.servers", saslBootstrap);
        m.put("ssl.truststore.password", truststorePassword);
        m.put("sasl.jaas.config", jaas(USER, scramPassword));
        return m;
    }

    /** Complete client settings for the mutual-TLS listener with {@code keystore}. */
    Map<String, Object> sslClient(final Path keystore, final String password) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("bootstrap.servers", sslBootstrap);
        m.put("security.protocol", "SSL");
        m.put("ssl.keystore.type", "PKCS12");
        m.put("ssl.keystore.location", keystore.toString());
        m.put("ssl.keystore.password", password);
        m.put("ssl.key.password", password);
        m.put("ssl.truststore.type", "PKCS12");
        m.put("ssl.truststore.location", truststore.toString());
        m.put("ssl.truststore.password", truststorePassword);
        return m;
    }

    /** Every password this broker and its clients use (for the grep). */
    List<String> secrets() {
        return List.of(scramPassword, truststorePassword, clientKeystorePassword, rogueKeystorePassword,
                brokerKeystorePassword, caPassword);
    }

    private void awaitReady() throws Exception {
        final Map<String, Object> props = new LinkedHashMap<>(sslClient(brokerKeystore, brokerKeystorePassword));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = Admin.create(props)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("secured broker did not become ready", e);
                    }
                }
            }
        }
    }

    /** The keytool steps, in order, run in one JVM ({@link KeytoolBatch}): one JVM start instead of 14. */
    private void certificates(final Path dir) throws Exception {
        final Path ca = dir.resolve("ca.p12");
        final Path caPem = dir.resolve("ca.pem");
        final List<List<String>> steps = new ArrayList<>();
        steps.add(List.of("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=burnrate-test-ca", "-ext", "bc:c", "-storetype", "PKCS12", "-keystore", ca.toString(),
                "-storepass", caPassword));
        steps.add(List.of("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", caPassword,
                "-file", caPem.toString()));
        steps.add(List.of("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(),
                "-storetype", "PKCS12", "-keystore", truststore.toString(), "-storepass", truststorePassword));
        signed(steps, dir, "broker", "CN=localhost", "SAN=ip:127.0.0.1,dns:localhost", brokerKeystore,
                brokerKeystorePassword, ca, caPem);
        signed(steps, dir, "client", "CN=burnrate-engine", null, clientKeystore, clientKeystorePassword, ca, caPem);
        // same subject as the real client, but self-signed: the broker's CA never vouched for it
        steps.add(List.of("-genkeypair", "-alias", "rogue", "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "2", "-dname", "CN=burnrate-engine", "-storetype", "PKCS12",
                "-keystore", rogueKeystore.toString(), "-storepass", rogueKeystorePassword));
        KeytoolBatch.run(dir.resolve("keytool-steps.txt"), steps);
    }

    private void signed(final List<List<String>> steps, final Path dir, final String alias, final String dname,
                        final String san, final Path keystore, final String password, final Path ca, final Path caPem) {
        final Path csr = dir.resolve(alias + ".csr");
        final Path pem = dir.resolve(alias + ".pem");
        steps.add(List.of("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", dname, "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", password));
        steps.add(List.of("-certreq", "-alias", alias, "-keystore", keystore.toString(), "-storepass", password,
                "-file", csr.toString()));
        final List<String> gencert = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", ca.toString(),
                "-storepass", caPassword, "-validity", "2", "-infile", csr.toString(), "-outfile", pem.toString(),
                "-rfc"));
        if (san != null) {
            gencert.addAll(List.of("-ext", san));
        }
        steps.add(gencert);
        steps.add(List.of("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore",
                keystore.toString(), "-storepass", password));
        steps.add(List.of("-importcert", "-alias", alias, "-file", pem.toString(), "-keystore", keystore.toString(),
                "-storepass", password));
    }

    private static String secret() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** Distinct free loopback ports (all held open until each is known). */
    private static int[] freePorts(final int n) throws IOException {
        final ServerSocket[] sockets = new ServerSocket[n];
        final int[] ports = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
        } finally {
            for (final ServerSocket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return ports;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
