package io.burnrate.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.engine.topology.TopicRole;
import io.burnrate.schemas.AlertTransition;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code burnrate run} and {@code burnrate slo apply}, each in its own JVM as an operator
 * runs them, against a broker that only speaks SASL_SSL (SCRAM-SHA-512) and mutual TLS
 * ({@link SecuredKafka}): an outage pages over either; wrong credentials fail in seconds
 * with one line naming the broker; and no password, keystore password or JAAS line
 * appears in anything the engine printed (Kafka's own loggers at INFO, so the client
 * config dumps are included), in its HTTP answers or in a thread dump of it.
 */
class SecuredBrokerIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern STATUS_PAGE = Pattern.compile("status page http://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir
    static Path dir;
    private static SecuredKafka kafka;

    @BeforeAll
    static void broker() throws Exception {
        final long start = System.nanoTime();
        kafka = new SecuredKafka(dir.resolve("broker"));
        System.out.printf("SecuredBrokerIT: certificates and secured broker ready in %d ms%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldPageOverSaslScramWithSecretsFromTheEnvironmentAndPrintNone() throws Exception {
        // the JAAS line and the truststore password from the environment, the rest as flags
        final Map<String, String> env = Map.of(
                "BURNRATE_SASL_JAAS_CONFIG", SecuredKafka.jaas(SecuredKafka.USER, kafka.scramPassword),
                "BURNRATE_SSL_TRUSTSTORE_PASSWORD", kafka.truststorePassword);
        final List<String> client = new ArrayList<>(List.of("--bootstrap-servers", kafka.saslBootstrap));
        kafka.saslClient().forEach((k, v) -> client.addAll(List.of("--set", k + "=" + v)));
        securedRun("sasl", client, env, kafka.saslClientWithSecrets(), "sasl.jaas.config = [hidden]");
    }

    @Test
    void shouldPageOverMutualTlsWithSecretsInAFileAndPrintNone() throws Exception {
        // the passwords live in a file the settings refer to through Kafka's FileConfigProvider
        final Path secrets = dir.resolve("mtls-secrets.properties");
        Files.writeString(secrets, "keystore.password=" + kafka.clientKeystorePassword + "\n"
                + "truststore.password=" + kafka.truststorePassword + "\n");
        final String ref = "${file:" + secrets + ":";
        final Path config = dir.resolve("mtls.yaml");
        Files.writeString(config, "bootstrap.servers: " + kafka.sslBootstrap + "\n"
                + "security.protocol: SSL\n"
                + "config.providers: file\n"
                + "config.providers.file.class: org.apache.kafka.common.config.provider.FileConfigProvider\n"
                + "ssl:\n"
                + "  keystore: {type: PKCS12, location: '" + kafka.clientKeystore + "', password: '" + ref
                + "keystore.password}'}\n"
                + "  key.password: '" + ref + "keystore.password}'\n"
                + "  truststore: {type: PKCS12, location: '" + kafka.truststore + "', password: '" + ref
                + "truststore.password}'}\n");
        securedRun("mtls", List.of("--config", config.toString()), Map.of(),
                kafka.sslClient(kafka.clientKeystore, kafka.clientKeystorePassword), "ssl.keystore.password = [hidden]");
    }

    @Test
    void shouldRefuseWrongCredentialsInSecondsWithOneLineNamingTheBroker() throws Exception {
        final String wrong = "wrong-" + kafka.scramPassword.substring(6);
        final Map<String, String> env = Map.of(
                "BURNRATE_SASL_JAAS_CONFIG", SecuredKafka.jaas(SecuredKafka.USER, wrong),
                "BURNRATE_SSL_TRUSTSTORE_PASSWORD", kafka.truststorePassword);
        final List<String> sasl = new ArrayList<>(List.of("--bootstrap-servers", kafka.saslBootstrap));
        kafka.saslClient().forEach((k, v) -> sasl.addAll(List.of("--set", k + "=" + v)));
        // mutual TLS with a client certificate the broker's CA did not sign
        final List<String> rogue = new ArrayList<>(List.of("--bootstrap-servers", kafka.sslBootstrap));
        kafka.sslClient(kafka.rogueKeystore, kafka.rogueKeystorePassword).forEach((k, v) -> {
            if (!k.equals("bootstrap.servers")) {
                rogue.addAll(List.of("--set", k + "=" + v));
            }
        });
        // mutual TLS with the right certificate but the wrong keystore password
        final String wrongKeystorePassword = "wrong-" + kafka.clientKeystorePassword;
        final List<String> locked = new ArrayList<>(List.of("--bootstrap-servers", kafka.sslBootstrap));
        kafka.sslClient(kafka.clientKeystore, wrongKeystorePassword).forEach((k, v) -> {
            if (!k.equals("bootstrap.servers")) {
                locked.addAll(List.of("--set", k + "=" + v));
            }
        });
        final Path slos = Files.writeString(dir.resolve("refused-slos.yaml"),
                Specs.availabilityYaml("refused-availability", "refused", 0));
        final List<String> runArgs = List.of("run", "--http-port", "-1", "--state-dir", dir.resolve("refused").toString());
        final List<String> applyArgs = List.of("slo", "apply", "-f", slos.toString());
        final Map<String, CompletableFuture<Child>> attempts = new LinkedHashMap<>();
        attempts.put("slo apply, wrong SCRAM password", attempt("refused-apply-sasl", applyArgs, sasl, env));
        attempts.put("run, wrong SCRAM password", attempt("refused-run-sasl", runArgs, sasl, env));
        attempts.put("slo apply, untrusted client certificate", attempt("refused-apply-mtls", applyArgs, rogue, Map.of()));
        attempts.put("run, untrusted client certificate", attempt("refused-run-mtls", runArgs, rogue, Map.of()));
        attempts.put("slo apply, wrong keystore password", attempt("refused-apply-keystore", applyArgs, locked,
                Map.of()));
        final List<String> secrets = new ArrayList<>(kafka.secrets());
        secrets.add(wrong);
        secrets.add(wrongKeystorePassword);
        for (final Map.Entry<String, CompletableFuture<Child>> a : attempts.entrySet()) {
            final Child c = a.getValue().get(90, TimeUnit.SECONDS);
            final String broker = a.getKey().contains("SCRAM") ? kafka.saslBootstrap : kafka.sslBootstrap;
            final String err = c.stderr();
            final List<String> ours = err.lines().filter(l -> l.startsWith("burnrate")).toList();
            System.out.printf("SecuredBrokerIT: %s: exit %d after %d ms: %s%n", a.getKey(), c.exitCode, c.millis,
                    ours);
            assertThat(c.exitCode).as(a.getKey() + " exit code; stderr:\n" + err).isEqualTo(2);
            assertThat(c.millis).as(a.getKey() + " took").isLessThan(20_000);
            assertThat(ours).as(a.getKey() + ": one line of ours").hasSize(1);
            assertThat(ours.get(0)).as(a.getKey()).contains(broker);
            assertThat(c.all()).as(a.getKey() + ": no stack trace")
                    .doesNotContain("\tat ").doesNotContain("Caused by").doesNotContain("Exception in thread");
            assertNoSecret(a.getKey(), c.all(), secrets);
        }
    }

    private void securedRun(final String prefix, final List<String> client, final Map<String, String> env,
                            final Map<String, Object> testClient, final String masked) throws Exception {
        final long start = System.nanoTime();
        final Map<String, String> topics = new LinkedHashMap<>();
        for (final TopicRole role : TopicRole.values()) {
            topics.put(role.role(), prefix + "." + role.role());
        }
        final List<String> topicArgs = new ArrayList<>();
        topics.forEach((role, name) -> topicArgs.addAll(List.of("--topic", role + "=" + name)));
        final List<String> run = new ArrayList<>(List.of("run", "--application-id", prefix + "-engine",
                "--state-dir", dir.resolve(prefix + "-state").toString(), "--partitions", "1",
                "--http-port", "0", "--http-bind", "127.0.0.1",
                "--set", "commit.interval.ms=200", "--set", "idle.advance.after=off", "--set", "max.event.age=off"));
        run.addAll(topicArgs);
        final Child engine = Child.start(prefix + "-run", run, client, env, true);
        final List<String> printed = new ArrayList<>();
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> engine.stderr().contains("-> RUNNING") || !engine.process.isAlive());
            assertThat(engine.process.isAlive()).as("engine running; its log:\n" + engine.stderr()).isTrue();
            final Matcher m = STATUS_PAGE.matcher(engine.stderr());
            assertThat(m.find()).as("status page line").isTrue();
            final int port = Integer.parseInt(m.group(1));

            final Path slos = Files.writeString(dir.resolve(prefix + "-slos.yaml"),
                    Specs.availabilityYaml("checkout-availability", "checkout", 0));
            final List<String> apply = new ArrayList<>(List.of("slo", "apply", "-f", slos.toString()));
            apply.addAll(topicArgs);
            final Child applied = Child.start(prefix + "-apply", apply, client, env, false).await();
            printed.add(applied.all());
            assertThat(applied.exitCode).as("slo apply; stderr:\n" + applied.stderr()).isZero();
            assertThat(applied.stdout()).contains("applied checkout-availability");
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> get(port, "/api/v1/slos").contains("checkout-availability"));

            final Traffic traffic = Traffic.of("checkout", 2, Traffic.T0);
            final List<Traffic.Event> events = new ArrayList<>(traffic.next(Duration.ofHours(1), Traffic.none()));
            events.addAll(traffic.next(Duration.ofMinutes(3), Traffic.all()));
            produce(testClient, topics.get("requests"), events);
            final List<AlertTransition> alerts = readUntil(testClient, topics.get("alerts"),
                    seen -> seen.stream().anyMatch(a -> a.rule().equals("page-1h-5m") && a.state().equals("firing")));
            assertThat(alerts).anyMatch(a -> a.sloId().equals("checkout-availability"));
            System.out.printf("SecuredBrokerIT: %s: engine started, SLO applied, outage paged in %d ms%n", prefix,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));

            await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> get(port, "/api/v1/slos").contains("page-1h-5m"));
            for (final String path : List.of("/", "/api/v1/slos", "/api/v1/slos/checkout-availability",
                    "/slos/checkout-availability", "/metrics", "/api/v1/slo-definitions/invalid")) {
                printed.add(get(port, path));
            }
            printed.add(threadDump(engine.process.pid()));
        } finally {
            engine.process.destroy();
            assertThat(engine.process.waitFor(60, TimeUnit.SECONDS)).as("engine stops on SIGTERM").isTrue();
        }
        final String log = engine.all();
        printed.add(log);
        assertThat(log).as("Kafka's client config dumps are in the log, masked").contains(masked);
        final String everything = String.join("\n", printed);
        assertNoSecret(prefix, everything, kafka.secrets());
        System.out.printf("SecuredBrokerIT: %s: %d characters printed or served, none of the %d secrets in them%n",
                prefix, everything.length(), kafka.secrets().size());
    }

    /** No secret anywhere in {@code text}; a failure names the lines (with the secret starred out). */
    private static void assertNoSecret(final String what, final String text, final List<String> secrets) {
        for (final String s : secrets) {
            final List<String> lines = text.lines().filter(l -> l.contains(s)).map(l -> l.replace(s, "***")).toList();
            assertThat(lines).as(what + ": printed a secret").isEmpty();
        }
        assertThat(text.lines().filter(l -> l.contains("LoginModule required username")).toList())
                .as(what + ": printed a JAAS line").isEmpty();
    }

    private static CompletableFuture<Child> attempt(final String name, final List<String> args,
                                                    final List<String> client, final Map<String, String> env) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Child.start(name, args, client, env, false).await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String get(final int port, final String path) throws Exception {
        final HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + "\n" + r.body();
    }

    private static String threadDump(final long pid) throws Exception {
        final Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        assertThat(out).contains("burnrate");
        return out;
    }

    private static void produce(final Map<String, Object> client, final String topic, final List<Traffic.Event> events)
            throws Exception {
        final Map<String, Object> props = new HashMap<>(client);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (final Traffic.Event e : events) {
                producer.send(new ProducerRecord<>(topic, null, e.timestamp(), e.service(), e.json()));
            }
            producer.flush();
        }
    }

    private static List<AlertTransition> readUntil(final Map<String, Object> client, final String topic,
                                                   final Predicate<List<AlertTransition>> done) {
        final Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final List<AlertTransition> seen = new ArrayList<>();
        try (KafkaConsumer<String, AlertTransition> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                KafkaTestSupport.alerts())) {
            final List<TopicPartition> parts = new ArrayList<>();
            for (final PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
                parts.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
                return done.test(seen);
            });
        }
        return seen;
    }

    /** A {@code burnrate} command line in its own JVM, stdout and stderr each in a file under target/. */
    private static final class Child {
        final Process process;
        final Path out;
        final Path err;
        final long started = System.nanoTime();
        int exitCode;
        long millis;

        private Child(final Process process, final Path out, final Path err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        static Child start(final String name, final List<String> args, final List<String> client,
                           final Map<String, String> env, final boolean kafkaInfo) throws Exception {
            final List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m"));
            if (kafkaInfo) {
                // Kafka's clients log their whole configuration at INFO: include it in what is grepped
                cmd.add("-Dorg.slf4j.simpleLogger.log.org.apache.kafka=info");
            } else {
                cmd.add("-XX:TieredStopAtLevel=1");
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.burnrate.engine.cli.BurnrateCli"));
            cmd.addAll(args);
            cmd.addAll(client);
            final Path target = Path.of("target", "secured-it");
            Files.createDirectories(target);
            final Path out = target.resolve(name + ".out");
            final Path err = target.resolve(name + ".err");
            final ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("BURNRATE_"));
            pb.environment().putAll(env);
            return new Child(pb.start(), out, err);
        }

        Child await() throws Exception {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("still running after 60 s:\n" + all());
            }
            exitCode = process.exitValue();
            millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            return this;
        }

        String stdout() throws Exception {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        String stderr() throws Exception {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        String all() throws Exception {
            return stdout() + "\n" + stderr();
        }
    }
}
