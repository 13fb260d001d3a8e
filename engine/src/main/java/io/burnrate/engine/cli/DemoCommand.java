package io.burnrate.engine.cli;

import io.burnrate.engine.http.HttpSecurity;
import io.burnrate.engine.runtime.EmbeddedKafka;
import io.burnrate.engine.runtime.Engine;
import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.runtime.SloPublisher;
import io.burnrate.engine.runtime.Topics;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.Numbers;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.engine.topology.OtlpInput;
import io.burnrate.engine.topology.TopicRole;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.ComplianceSummary;
import io.burnrate.schemas.JsonSerde;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code burnrate demo}: everything on one machine, with an incident, alerts printed. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start an embedded Kafka broker, the engine and a traffic generator for three services with an "
                + "incident partway through; print alert transitions as they happen.",
                "Time is compressed: --speed 60 (the default) plays one hour of traffic per wall-clock minute, so a "
                        + "page fires about 30 s after start and resolves within a minute.",
                "Runs until Ctrl-C or --duration."})
final class DemoCommand implements Callable<Integer> {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    @Spec
    private CommandSpec spec;

    @Option(names = "--speed", paramLabel = "X", defaultValue = "60",
            description = "event time runs X times faster than the wall clock (default ${DEFAULT-VALUE})")
    private double speed;

    @Option(names = "--duration", paramLabel = "DURATION", description = "stop after this long (e.g. 2m); default: until Ctrl-C")
    private String duration;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "20",
            description = "requests per service per event-time second (default ${DEFAULT-VALUE})")
    private int rate;

    @Option(names = "--input", paramLabel = "FORMAT", defaultValue = "json",
            description = "how the traffic arrives: 'json' (request events on burnrate.requests, the default) or 'otlp' "
                    + "(OpenTelemetry spans, protobuf TracesData as the Collector's Kafka exporter writes them, on "
                    + "otlp_spans)")
    private String input;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "broker and state data (default: a fresh temporary directory, removed at exit)")
    private Path dataDir;

    @Option(names = "--broker-port", paramLabel = "PORT", defaultValue = "0",
            description = "port of the embedded broker on 127.0.0.1 (default: any free port)")
    private int port;

    /** The old name of --broker-port, kept so existing scripts work; not in the help. */
    @Option(names = "--port", paramLabel = "PORT", hidden = true)
    private Integer oldPortName;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
            description = "status page and /metrics port (default ${DEFAULT-VALUE}, or any free port when it is "
                    + "taken; 0: any free port; -1: off)")
    private int httpPort;

    @Mixin
    private HttpSecurityOptions httpSecurity;

    @Option(names = "--http-bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "address the HTTP server binds (default ${DEFAULT-VALUE})")
    private String httpBind;

    @Override
    public Integer call() throws Exception {
        // the table below shows every transition; the engine's own log line for each would repeat it
        System.setProperty("org.slf4j.simpleLogger.log.io.burnrate.engine.topology", "warn");
        // the demo prints where everything is itself; engine state changes would land inside the table
        System.setProperty("org.slf4j.simpleLogger.log.io.burnrate.engine.runtime", "warn");
        // an in-process broker and client on one machine: only errors are worth a line here
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        System.setProperty("org.slf4j.simpleLogger.log.kafka", "error");
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Duration limit;
        try {
            limit = duration == null ? null : Durations.parse(duration);
        } catch (IllegalArgumentException e) {
            err.println("burnrate demo: --duration: " + e.getMessage());
            return BurnrateCli.UNUSABLE_INPUT;
        }
        if (!(speed > 0) || rate < 1 || rate > 1000) {
            err.println("burnrate demo: --speed must be > 0 and --rate between 1 and 1000");
            return BurnrateCli.UNUSABLE_INPUT;
        }
        if (!input.equals("json") && !input.equals("otlp")) {
            err.println("burnrate demo: --input must be 'json' or 'otlp', not '" + input + "'");
            return BurnrateCli.UNUSABLE_INPUT;
        }
        final boolean otlp = input.equals("otlp");
        if (oldPortName != null) {
            port = oldPortName;
        }
        if (port < 0 || port > 65_535 || httpPort < -1 || httpPort > 65_535) {
            err.println("burnrate demo: --broker-port must be between 0 and 65535 and --http-port between -1 (off) "
                    + "and 65535");
            return BurnrateCli.UNUSABLE_INPUT;
        }
        if (dataDir != null && !RunCommand.usableDirectory("demo", dataDir, "data directory", "--data-dir", err)) {
            return BurnrateCli.UNUSABLE_INPUT;
        }
        final Settings http = httpSecurity.applyTo(new Settings()
                .with(HttpSecurity.AUTH_TOKEN, System.getenv("BURNRATE_HTTP_AUTH_TOKEN"))
                .with(HttpSecurity.TLS_KEYSTORE_PASSWORD, System.getenv("BURNRATE_HTTP_TLS_KEYSTORE_PASSWORD")));
        try {
            HttpSecurity.from(http::get);
        } catch (IOException e) {
            err.println("burnrate demo: " + e.getMessage());
            return BurnrateCli.UNUSABLE_INPUT;
        }
        // a temporary directory is ours: removed when the demo ends, however it ends (short of SIGKILL)
        final Path dir = dataDir != null ? dataDir.toAbsolutePath() : Files.createTempDirectory("burnrate-demo");
        final Runnable cleanUp = dataDir != null ? () -> { } : () -> deleteTree(dir);
        out.println("burnrate demo: starting an embedded Apache Kafka broker (KRaft) ...");
        out.flush();
        final EmbeddedKafka broker;
        try {
            broker = EmbeddedKafka.start(dir.resolve("kafka"), port);
        } catch (EmbeddedKafka.PortInUse e) {
            cleanUp.run();
            err.println("burnrate demo: the embedded broker's port " + e.port() + " on 127.0.0.1 is already in use; "
                    + "choose another with --broker-port (0 picks a free port)");
            return BurnrateCli.UNUSABLE_INPUT;
        } catch (IOException e) {
            cleanUp.run();
            err.println("burnrate demo: " + e.getMessage());
            return 1;
        }
        final Settings settings = new Settings()
                .with(Settings.BOOTSTRAP, broker.bootstrapServers())
                .with(Settings.APPLICATION_ID, "burnrate-demo")
                .with(Settings.DATA_DIR, dir)
                .with(Settings.PARTITIONS, 3)
                .with(Settings.HTTP_BIND, httpBind)
                .with(Settings.MAX_FUTURE_SKEW, "off")
                .with(Settings.MAX_EVENT_AGE, "off")
                .with(Settings.HTTP_PORT, httpPort < 0 ? -1 : portOrFree(httpBind, httpPort));
        if (otlp) {
            settings.with(OtlpInput.TOPIC, OtlpInput.DEFAULT_TOPIC);
        }
        for (final String key : List.of(HttpSecurity.AUTH_TOKEN, HttpSecurity.AUTH_TOKEN_FILE, HttpSecurity.AUTH_BASIC_FILE,
                HttpSecurity.TLS_KEYSTORE, HttpSecurity.TLS_KEYSTORE_PASSWORD, HttpSecurity.TLS_KEYSTORE_PASSWORD_FILE)) {
            settings.with(key, http.get(key));
        }
        final String scheme = httpSecurity.tlsKeystore != null ? "https" : "http";
        final List<SloSpecParser.Parsed> slos = SloSpecParser.parseYaml(DemoTraffic.slosYaml(), "demo SLOs");
        final Engine engine;
        try {
            try (Admin admin = Topics.admin(settings)) {
                Topics.ensure(admin, settings);
            }
            new SloPublisher(settings).apply(slos);
            engine = Engine.start(settings);
        } catch (Exception e) {
            broker.close();
            cleanUp.run();
            err.println("burnrate demo: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return e instanceof IOException ? BurnrateCli.UNUSABLE_INPUT : 1;
        }
        final long start = System.currentTimeMillis();
        final DemoTraffic traffic = new DemoTraffic(broker.bootstrapServers(),
                otlp ? OtlpInput.DEFAULT_TOPIC : settings.topic(TopicRole.REQUESTS), start, speed, rate, otlp);
        final CountDownLatch done = new CountDownLatch(1);
        final Thread generator = new Thread(traffic, "demo-traffic");
        final Thread printer = new Thread(() -> printAlerts(settings, out, traffic, start, done), "demo-alerts");
        final Thread hook = new Thread(() -> {
            done.countDown();
            traffic.stop();
            engine.close();
            broker.close();
            cleanUp.run();
        }, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        out.printf("burnrate demo: broker at %s, data in %s%s%n", broker.bootstrapServers(), dir,
                dataDir == null ? " (removed at exit)" : "");
        if (engine.httpPort() < 0) {
            out.printf("  HTTP off (--http-port -1): no status page or metrics%n");
        } else {
            final String host = httpBind.equals("0.0.0.0") || httpBind.equals("::") ? "127.0.0.1" : httpBind;
            out.printf("  status page %s://%s:%d/   metrics %s://%s:%d/metrics%s%n", scheme, host, engine.httpPort(),
                    scheme, host, engine.httpPort(), HttpSecurity.from(http::get).authEnabled() ? " (credentials required)" : "");
        }
        out.printf("  SLOs: %s%n", String.join(", ", slos.stream().map(p -> p.spec().id() + " ("
                + p.spec().objective() + "%)").toList()));
        out.printf("  traffic: %s at %d req/s each; time runs %sx (1 wall second = %s of event time)%n",
                String.join(", ", DemoTraffic.SERVICES), rate, Numbers.plain(speed), Durations.format(
                        Duration.ofSeconds(Math.max(1, Math.round(speed)))));
        if (otlp) {
            out.printf("  input: OpenTelemetry spans (otlp_proto TracesData) on %s, re-keyed by service; checkout's CLIENT "
                    + "spans are not requests and do not count%n", OtlpInput.DEFAULT_TOPIC);
        }
        for (final DemoTraffic.Incident i : DemoTraffic.INCIDENTS) {
            out.printf("  incident: %s from minute %d to %d of event time (about %ds to %ds after start)%n",
                    i.description(), i.from().toMinutes(), i.to().toMinutes(), Math.round(i.from().toSeconds() / speed),
                    Math.round(i.to().toSeconds() / speed));
        }
        out.printf("  budgets are over the minutes of history the demo has, so an incident overspends them%n");
        out.printf("  alerts as they happen, and each SLO's compliance summary as an hour of event time closes "
                + "(Ctrl-C to stop):%n%n");
        out.printf("%-8s  %-9s  %-8s  %-6s  %-22s  %-12s  %-28s  %s%n", "WALL", "EVENT", "STATE", "SEV", "SLO", "RULE",
                "BURN long / short (thresh)", "BUDGET LEFT");
        out.flush();
        generator.start();
        printer.start();
        final boolean timedOut = limit != null && !done.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        if (limit == null) {
            done.await();
        }
        if (timedOut) {
            out.printf("%nburnrate demo: --duration %s reached; %d events sent; stopping%n", duration, traffic.sent());
            out.flush();
            Runtime.getRuntime().removeShutdownHook(hook);
            hook.run();
        }
        return 0;
    }

    /** The requested port when it is free, otherwise any free port (a second demo still starts). */
    private static int portOrFree(final String bind, final int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(bind))) {
            return s.getLocalPort();
        } catch (IOException busy) {
            return 0;
        }
    }

    /** Deletes a directory tree, best effort (the demo is exiting). */
    static void deleteTree(final Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a file still open is left behind
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }

    private static void printAlerts(final Settings settings, final PrintWriter out, final DemoTraffic traffic,
                                    final long start, final CountDownLatch done) {
        final var alerts = JsonSerde.of(AlertTransition.class).deserializer();
        final var summaries = JsonSerde.of(ComplianceSummary.class).deserializer();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(Settings.BOOTSTRAP),
                ConsumerConfig.GROUP_ID_CONFIG, "burnrate-demo-printer",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(settings.topic(TopicRole.ALERTS), settings.topic(TopicRole.COMPLIANCE)));
            while (done.getCount() > 0) {
                for (final ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                    if (r.topic().equals(settings.topic(TopicRole.COMPLIANCE))) {
                        printSummary(out, summaries.deserialize(r.topic(), r.value()), start);
                        continue;
                    }
                    final AlertTransition a = alerts.deserialize(r.topic(), r.value());
                    final Duration eventOffset = Duration.between(Instant.ofEpochMilli(start), a.at());
                    out.printf(Locale.ROOT, "%-8s  %-9s  %-8s  %-6s  %-22s  %-12s  %-28s  %s%n",
                            CLOCK.format(Instant.now()),
                            "+" + eventOffset.toMinutes() + "m" + String.format("%02ds", eventOffset.toSecondsPart()),
                            a.state().toUpperCase(Locale.ROOT), a.severity(), a.sloId(), a.rule(),
                            String.format(Locale.ROOT, "%.1fx / %.1fx (%s)", a.burnRateLong(), a.burnRateShort(),
                                    Numbers.plain(a.threshold())),
                            String.format(Locale.ROOT, "%.1f%%", a.errorBudgetRemaining() * 100));
                    out.flush();
                }
            }
        } catch (KafkaException e) {
            // shutting down
        }
    }

    /** An hour (or day) of an SLO closed: its compliance summary, in the alert table's columns. */
    private static void printSummary(final PrintWriter out, final ComplianceSummary s, final long start) {
        final Duration eventOffset = Duration.between(Instant.ofEpochMilli(start), s.period().end());
        out.printf(Locale.ROOT, "%-8s  %-9s  %-8s  %-6s  %-22s  %-12s  %-28s  %s%n",
                CLOCK.format(Instant.now()),
                "+" + eventOffset.toMinutes() + "m" + String.format("%02ds", eventOffset.toSecondsPart()),
                "SUMMARY", s.period().kind(), s.sloId(), s.total() + " req",
                s.sli() == null ? "no traffic" : String.format(Locale.ROOT, "sli %.3f%% %s, %d bad min", s.sli() * 100,
                        s.met() ? "met" : "MISSED", s.badMinutes()),
                String.format(Locale.ROOT, "%.1f%%", s.errorBudget().remainingFraction() * 100));
        out.flush();
    }

}
