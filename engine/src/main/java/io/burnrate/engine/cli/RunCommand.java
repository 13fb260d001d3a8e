package io.burnrate.engine.cli;

import io.burnrate.engine.forward.ForwardConfig;
import io.burnrate.engine.http.HttpSecurity;
import io.burnrate.engine.runtime.EmbeddedKafka;
import io.burnrate.engine.runtime.Engine;
import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.runtime.SloPublisher;
import io.burnrate.engine.runtime.Topics;
import io.burnrate.engine.slo.Grace;
import io.burnrate.engine.slo.SloLimits;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.engine.topology.ErrorHandlers;
import io.burnrate.engine.topology.TopicRole;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code burnrate run}: the engine in production mode. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the engine against Kafka until SIGTERM / Ctrl-C.",
                "Without bootstrap servers it starts an embedded single-node Apache Kafka broker (KRaft, loopback "
                        + "only, data under --data-dir) and says so in the log."})
final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Spec
    private CommandSpec spec;

    @Mixin
    private KafkaOptions kafka;

    @Option(names = "--application-id", paramLabel = "ID", description = "Kafka Streams application id (default burnrate)")
    private String applicationId;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "RocksDB state directory (default <data-dir>/state)")
    private Path stateDir;

    @Option(names = "--processing-guarantee", paramLabel = "exactly_once_v2|at_least_once",
            description = "default exactly_once_v2")
    private String guarantee;

    @Option(names = "--threads", paramLabel = "N", description = "stream threads (default 1)")
    private Integer threads;

    @Option(names = "--replication-factor", paramLabel = "N",
            description = "for created and internal topics (default: the broker's)")
    private Integer replicationFactor;

    @Option(names = "--partitions", paramLabel = "N", description = "partitions of created topics (default 6)")
    private Integer partitions;

    @Option(names = "--create-topics", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "create missing topics (default true); with --no-create-topics a missing topic stops the "
                    + "engine with the command that creates it")
    private boolean createTopics;

    @Option(names = "--slos", paramLabel = "FILE", description = "validate and apply this SLO file at start-up")
    private Path slos;

    @Mixin
    private AlertWindowsOption alertWindows;

    @Option(names = "--grace", paramLabel = "DURATION",
            description = "how late an event may be and still count (default " + Grace.DEFAULT_TEXT + ")")
    private String grace;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "port of /metrics, /api/v1/slos, /healthz, /readyz and the status page (default 8080; -1: off)")
    private Integer httpPort;

    @Option(names = "--http-bind", paramLabel = "ADDRESS", description = "address the HTTP server binds (default 0.0.0.0)")
    private String httpBind;

    @Option(names = "--http-advertised-host", paramLabel = "HOST",
            description = "host other instances reach this one's HTTP server at (default: the bind address, or localhost)")
    private String advertisedHost;

    @Mixin
    private HttpSecurityOptions httpSecurity;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = {"embedded broker and state data (default:", "./burnrate-data)"})
    private Path dataDir;

    @Option(names = "--embedded-port", paramLabel = "PORT",
            description = "port of the embedded broker (default " + Settings.DEFAULT_EMBEDDED_PORT + ")")
    private Integer embeddedPort;

    @Option(names = "--alertmanager", paramLabel = "URL",
            description = "also deliver alert transitions to this Alertmanager from this process, as burnrate forward "
                    + "does (repeatable; HA pairs: each gets every alert)")
    private List<URI> alertmanagers = new ArrayList<>();

    @Option(names = "--webhook", paramLabel = "URL",
            description = "also deliver to this URL Alertmanager's webhook payload (repeatable)")
    private List<URI> webhooks = new ArrayList<>();

    @Option(names = "--pagerduty-routing-key-file", paramLabel = "FILE",
            description = "also deliver to PagerDuty (Events API v2) with the routing key in FILE")
    private Path pagerDutyKeyFile;

    @Override
    public Integer call() throws Exception {
        final PrintWriter err = spec.commandLine().getErr();
        final Settings settings;
        final List<SloSpecParser.Parsed> initial;
        final boolean forwarding;
        try {
            ForwardCommand.refuseSecrets(kafka.extra);
            settings = kafka.settings()
                    .with(Settings.APPLICATION_ID, applicationId)
                    .with(Settings.STATE_DIR, stateDir == null ? null : stateDir.toAbsolutePath())
                    .with(Settings.GUARANTEE, guarantee)
                    .with(Settings.THREADS, threads)
                    .with(Settings.REPLICATION, replicationFactor)
                    .with(Settings.PARTITIONS, partitions)
                    .with(Settings.CREATE_TOPICS, createTopics ? null : "false")
                    .with(Settings.GRACE, grace)
                    .with(Settings.DATA_DIR, dataDir)
                    .with(Settings.EMBEDDED_PORT, embeddedPort)
                    .with(Settings.HTTP_PORT, httpPort)
                    .with(Settings.HTTP_BIND, httpBind)
                    .with(Settings.HTTP_ADVERTISED_HOST, advertisedHost);
            httpSecurity.applyTo(settings);
            settings.engineConfig();
            settings.port(Settings.HTTP_PORT, true);
            settings.port(Settings.EMBEDDED_PORT, false);
            HttpSecurity.from(settings::get);
            ForwardCommand.withReceivers(settings, alertmanagers, webhooks, pagerDutyKeyFile);
            // checked now, so a bad receiver setting is exit 2 before anything starts
            forwarding = ForwardConfig.from(settings::get, settings.topic(TopicRole.ALERTS)).hasReceivers();
            if (forwarding && settings.get(ForwardConfig.HTTP_PORT) != null) {
                settings.port(ForwardConfig.HTTP_PORT, true);
            }
            initial = slos == null ? List.of() : SloFiles.load(slos, SloLimits.DEFAULTS, alertWindows.files);
        } catch (SloFiles.Unusable e) {
            err.println("burnrate run: " + e.getMessage());
            return BurnrateCli.UNUSABLE_INPUT;
        } catch (IllegalArgumentException | IOException e) {
            err.println("burnrate run: " + e.getMessage());
            return BurnrateCli.UNUSABLE_INPUT;
        }
        return run(settings, initial, forwarding, err);
    }

    /**
     * One line: the write that failed first (a later error is often its consequence, e.g.
     * the aborted transaction's dead letter), and which of the engine's topics are gone.
     */
    static String stopReason(final Settings settings, final Throwable failure) {
        final String output = ErrorHandlers.OUTPUT_FAILURE.get();
        String why = output != null ? output : failure.getMessage();
        if (why == null) {
            why = failure.getClass().getSimpleName();
        }
        final List<String> missing = Topics.missing(settings);
        if (!missing.isEmpty()) {
            why = "topic " + String.join(", ", missing) + " does not exist (deleted while the engine ran?); "
                    + (settings.createTopics() ? "a restart creates it" : "create it, then restart") + "; " + why;
        }
        return why.replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * Runs the engine until it stops; with {@code forwarding}, also {@code burnrate forward}'s
     * forwarder in this process (its series on the engine's /metrics, or on
     * {@code forward.http.port} when set), whose failure stops the engine too.
     */
    static int run(final Settings settings, final List<SloSpecParser.Parsed> initial, final boolean forwarding,
                   final PrintWriter err) throws Exception {
        EmbeddedKafka broker = null;
        final Path dir = Path.of(settings.get(Settings.DATA_DIR), "kafka").toAbsolutePath();
        // before anything starts: a full disk or read-only mount is one line, not a broker stack trace
        if (!usableDirectory("run", settings.embedded() ? dir : null, "embedded broker data directory",
                "--data-dir", err)
                || !usableDirectory("run", settings.stateDir(), "state directory", "--state-dir or --data-dir", err)) {
            return BurnrateCli.UNUSABLE_INPUT;
        }
        if (settings.embedded()) {
            try {
                broker = EmbeddedKafka.start(dir, settings.intValue(Settings.EMBEDDED_PORT));
            } catch (EmbeddedKafka.PortInUse e) {
                err.println("burnrate run: the embedded broker's port " + e.port() + " on 127.0.0.1 is already in use "
                        + "(another burnrate run?); choose another with --embedded-port, or use a running broker "
                        + "with --bootstrap-servers");
                return BurnrateCli.UNUSABLE_INPUT;
            } catch (IOException e) {
                err.println("burnrate run: " + e.getMessage());
                return 1;
            }
            settings.with(Settings.BOOTSTRAP, broker.bootstrapServers());
            LOG.info("no bootstrap servers configured: started an embedded Apache Kafka broker (KRaft, single node) "
                    + "at {}, data in {}", broker.bootstrapServers(), dir);
        }
        final EmbeddedKafka ownedBroker = broker;
        try {
            try (Admin admin = Topics.admin(settings)) {
                Topics.ensure(admin, settings);
            }
            if (!initial.isEmpty()) {
                new SloPublisher(settings).apply(initial);
                LOG.info("applied {} SLO(s) from the --slos file", initial.size());
            }
        } catch (Topics.Unavailable e) {
            err.println("burnrate run: " + e.getMessage());
            if (ownedBroker != null) {
                ownedBroker.close();
            }
            // refused credentials or unusable TLS material are settings to fix, like a bad flag
            return e instanceof Topics.Refused ? BurnrateCli.UNUSABLE_INPUT : 1;
        }
        final Engine engine;
        try {
            engine = Engine.start(settings);
        } catch (ConfigException | IOException e) {
            err.println("burnrate run: " + e.getMessage());
            if (ownedBroker != null) {
                ownedBroker.close();
            }
            return BurnrateCli.UNUSABLE_INPUT;
        }
        ForwardCommand.Forwarding forwarder = null;
        if (forwarding) {
            try {
                forwarder = startForwarder(settings, engine);
            } catch (ForwardCommand.CannotStart | IOException e) {
                err.println("burnrate run: cannot forward alerts: " + e.getMessage());
                engine.close();
                if (ownedBroker != null) {
                    ownedBroker.close();
                }
                return e instanceof ForwardCommand.CannotStart c ? c.code : BurnrateCli.UNUSABLE_INPUT;
            }
        }
        final ForwardCommand.Forwarding forwards = forwarder;
        final Thread hook = new Thread(() -> {
            LOG.info("shutting down");
            if (forwards != null) {
                forwards.close();
            }
            engine.close();
            if (ownedBroker != null) {
                ownedBroker.close();
            }
        }, "burnrate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (forwards != null) {
            // a forwarder that stops by itself (its dead-letter topic unwritable) stops the engine: no silent half
            final Thread watch = new Thread(() -> {
                try {
                    while (!forwards.forwarder().awaitStop(Duration.ofDays(1))) {
                        // until it stops
                    }
                    if (forwards.forwarder().failure() != null) {
                        engine.close();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "burnrate-forward-watch");
            watch.setDaemon(true);
            watch.start();
        }
        engine.awaitStop();
        if (forwards != null && forwards.forwarder().failure() != null) {
            forwards.close();
            err.println("burnrate run: the forwarder stopped: " + forwards.forwarder().failure().getMessage());
            return 1;
        }
        if (engine.failure() != null) {
            if (forwards != null) {
                forwards.close();
            }
            err.println("burnrate run: the engine stopped: " + stopReason(settings, engine.failure()));
            return 1;
        }
        return 0;
    }

    /** The forwarder of {@code burnrate forward}, in this process: generatorURL defaults to this engine's status page. */
    private static ForwardCommand.Forwarding startForwarder(final Settings settings, final Engine engine)
            throws ForwardCommand.CannotStart, IOException {
        if (settings.get(ForwardConfig.STATUS_URL) == null && engine.statusUrl() != null) {
            settings.with(ForwardConfig.STATUS_URL, engine.statusUrl());
        }
        final ForwardConfig config = ForwardConfig.from(settings::get, settings.topic(TopicRole.ALERTS));
        final boolean ownPort = settings.get(ForwardConfig.HTTP_PORT) != null || engine.metricsRegistry() == null;
        final int port = settings.get(ForwardConfig.HTTP_PORT) == null ? -1 : settings.port(ForwardConfig.HTTP_PORT, true);
        return ForwardCommand.start(settings, config, port, ownPort ? null : engine.metricsRegistry());
    }

    /** True when {@code dir} is null or writable; otherwise prints one line naming it and the flag. */
    static boolean usableDirectory(final String command, final Path dir, final String what, final String flag,
                                   final PrintWriter err) {
        if (dir == null) {
            return true;
        }
        try {
            Settings.writableDirectory(dir, what);
            return true;
        } catch (IOException e) {
            err.println("burnrate " + command + ": " + e.getMessage() + "; choose another with " + flag);
            return false;
        }
    }
}
