package io.burnrate.engine.cli;

import io.burnrate.engine.forward.AlertForwarder;
import io.burnrate.engine.forward.DeliveryMetrics;
import io.burnrate.engine.forward.Dispatcher;
import io.burnrate.engine.forward.ForwardConfig;
import io.burnrate.engine.forward.MetricsServer;
import io.burnrate.engine.forward.Receiver;
import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.runtime.Topics;
import io.burnrate.engine.topology.TopicRole;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code burnrate forward}: alert transitions to Alertmanager, webhooks and PagerDuty. */
@Command(name = "forward", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Deliver every alert transition of the alerts topic to Alertmanager (API v2), webhooks "
                + "(Alertmanager's webhook payload, version 4) and PagerDuty (Events API v2), at least once, "
                + "until SIGTERM / Ctrl-C.",
                "Secrets come from files or the environment: BURNRATE_FORWARD_PAGERDUTY_ROUTING_KEY, "
                        + "BURNRATE_FORWARD_ALERTMANAGER_BEARER_TOKEN, BURNRATE_FORWARD_WEBHOOK_BEARER_TOKEN, or the "
                        + "forward.*.file settings (see docs/forward.md)."})
final class ForwardCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ForwardCommand.class);

    @Spec
    private CommandSpec spec;

    @Mixin
    private KafkaOptions kafka;

    @Option(names = "--alertmanager", paramLabel = "URL",
            description = "an Alertmanager (http://host:9093); repeat for each instance of an HA pair: each gets every alert")
    private List<URI> alertmanagers = new ArrayList<>();

    @Option(names = "--webhook", paramLabel = "URL", description = "a URL that takes Alertmanager's webhook payload; repeatable")
    private List<URI> webhooks = new ArrayList<>();

    @Option(names = "--pagerduty-routing-key-file", paramLabel = "FILE",
            description = "send to PagerDuty with the Events API v2 routing key in FILE "
                    + "(or BURNRATE_FORWARD_PAGERDUTY_ROUTING_KEY)")
    private Path pagerDutyKeyFile;

    @Option(names = "--pagerduty-url", paramLabel = "URL",
            description = "PagerDuty's events endpoint (default " + ForwardConfig.PAGERDUTY_EVENTS_URL + ")")
    private URI pagerDutyUrl;

    @Option(names = "--status-url", paramLabel = "URL",
            description = "the engine's status page, for generatorURL and links (default http://localhost:8080)")
    private URI statusUrl;

    @Option(names = "--group-id", paramLabel = "ID", description = "consumer group (default burnrate-forward)")
    private String groupId;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "port of the forwarder's /metrics (default " + ForwardConfig.DEFAULT_HTTP_PORT + "; -1: off)")
    private Integer httpPort;

    @Option(names = "--http-bind", paramLabel = "ADDRESS", description = "address /metrics binds (default 0.0.0.0)")
    private String httpBind;

    @Override
    public Integer call() throws Exception {
        final PrintWriter err = spec.commandLine().getErr();
        final Settings settings;
        final ForwardConfig config;
        final int port;
        try {
            refuseSecrets(kafka.extra);
            settings = kafka.clientSettings();
            withReceivers(settings, alertmanagers, webhooks, pagerDutyKeyFile);
            settings.with(ForwardConfig.PAGERDUTY_URL, pagerDutyUrl)
                    .with(ForwardConfig.STATUS_URL, statusUrl)
                    .with(ForwardConfig.GROUP_ID, groupId)
                    .with(ForwardConfig.HTTP_PORT, httpPort)
                    .with(ForwardConfig.HTTP_BIND, httpBind);
            if (settings.get(ForwardConfig.HTTP_PORT) == null) {
                settings.with(ForwardConfig.HTTP_PORT, ForwardConfig.DEFAULT_HTTP_PORT);
            }
            port = settings.port(ForwardConfig.HTTP_PORT, true);
            config = ForwardConfig.from(settings::get, settings.topic(TopicRole.ALERTS));
            if (!config.hasReceivers()) {
                throw new IOException("no receiver: give --alertmanager URL, --webhook URL or "
                        + "--pagerduty-routing-key-file FILE (or the forward.* settings)");
            }
        } catch (IllegalArgumentException | IOException e) {
            err.println("burnrate forward: " + e.getMessage());
            return BurnrateCli.UNUSABLE_INPUT;
        }
        return run(settings, config, port, err);
    }

    /** Refuses a secret given with {@code --set}, naming the key and where to put it instead (never the value). */
    static void refuseSecrets(final Map<String, String> extra) throws IOException {
        for (final String secret : extra.keySet()) {
            if (ForwardConfig.SECRET_KEYS.contains(secret)) {
                throw new IOException("--set " + secret + ": secrets are not taken from the command line; use the "
                        + "environment (BURNRATE_" + secret.toUpperCase(Locale.ROOT).replace('.', '_') + ") or a file");
            }
        }
    }

    /** The receiver flags ({@code --alertmanager}, {@code --webhook}, {@code --pagerduty-routing-key-file}) as settings. */
    static void withReceivers(final Settings settings, final List<URI> alertmanagers, final List<URI> webhooks,
                              final Path pagerDutyKeyFile) {
        if (!alertmanagers.isEmpty()) {
            settings.with(ForwardConfig.ALERTMANAGER_URLS, join(alertmanagers));
        }
        if (!webhooks.isEmpty()) {
            settings.with(ForwardConfig.WEBHOOK_URLS, join(webhooks));
        }
        settings.with(ForwardConfig.PAGERDUTY_ROUTING_KEY_FILE, pagerDutyKeyFile);
    }

    private static String join(final List<URI> urls) {
        return String.join(",", urls.stream().map(URI::toString).toList());
    }

    /** A started forwarder and its /metrics server (null when served elsewhere or off); closing stops both, once. */
    static final class Forwarding implements AutoCloseable {
        private final AlertForwarder forwarder;
        private final MetricsServer server;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Forwarding(final AlertForwarder forwarder, final MetricsServer server) {
            this.forwarder = forwarder;
            this.server = server;
        }

        AlertForwarder forwarder() {
            return forwarder;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                forwarder.close();
                if (server != null) {
                    server.close();
                }
            }
        }
    }

    /** Why the forwarder cannot start: a line to print, and the exit code. */
    static final class CannotStart extends Exception {
        final int code;

        CannotStart(final String message, final int code) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    /**
     * Checks the broker, creates the delivery dead-letter topic if missing and starts the
     * forwarder, with its metrics on {@code registry} (the engine's, inside {@code burnrate run})
     * or on a registry of its own served on {@code port} (-1: none).
     */
    static Forwarding start(final Settings settings, final ForwardConfig config, final int port,
                            final PrometheusMeterRegistry shared) throws CannotStart {
        try (Admin admin = Topics.admin(settings)) {
            Topics.checkReachable(admin, settings.get(Settings.BOOTSTRAP));
            createIfMissing(admin, config.deadLetterTopic(), settings);
        } catch (Topics.Unavailable e) {
            throw new CannotStart(e.getMessage(), e instanceof Topics.Refused ? BurnrateCli.UNUSABLE_INPUT : 1);
        }
        final PrometheusMeterRegistry registry = shared != null ? shared : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final DeliveryMetrics metrics = new DeliveryMetrics(registry);
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        final List<Receiver> receivers = Dispatcher.receivers(config, client, metrics);
        final MetricsServer server;
        final String bind = settings.get(ForwardConfig.HTTP_BIND) == null ? "0.0.0.0" : settings.get(ForwardConfig.HTTP_BIND);
        try {
            server = port < 0 ? null : MetricsServer.start(bind, port, registry);
        } catch (IOException e) {
            throw new CannotStart("cannot serve the forwarder's /metrics on port " + port + ": " + e.getMessage()
                    + "; choose another with --http-port or " + ForwardConfig.HTTP_PORT + " (-1: off)",
                    BurnrateCli.UNUSABLE_INPUT);
        }
        if (server != null) {
            LOG.info("forwarder metrics at http://{}:{}/metrics", settings.get(ForwardConfig.HTTP_BIND) == null
                    ? "localhost" : bind, server.port());
        }
        LOG.info("receivers: {}", config);
        final AlertForwarder forwarder = new AlertForwarder(config, settings.clientProperties(),
                settings.topic(TopicRole.ALERTS), new Dispatcher(receivers, config.retry(), metrics, Clock.systemUTC(),
                        d -> TimeUnit.MILLISECONDS.sleep(d.toMillis()), new SecureRandom()), metrics).start();
        return new Forwarding(forwarder, server);
    }

    static int run(final Settings settings, final ForwardConfig config, final int port, final PrintWriter err)
            throws Exception {
        final Forwarding forwarding;
        try {
            forwarding = start(settings, config, port, null);
        } catch (CannotStart e) {
            err.println("burnrate forward: " + e.getMessage());
            return e.code;
        }
        final Thread hook = new Thread(() -> {
            LOG.info("shutting down");
            forwarding.close();
        }, "burnrate-forward-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        while (!forwarding.forwarder().awaitStop(Duration.ofDays(1))) {
            // runs until the shutdown hook closes it
        }
        if (forwarding.forwarder().failure() != null) {
            err.println("burnrate forward: the forwarder stopped: " + forwarding.forwarder().failure().getMessage());
            return 1;
        }
        return 0;
    }

    private static void createIfMissing(final Admin admin, final String topic, final Settings settings)
            throws Topics.Unavailable {
        try {
            final short rf = settings.replicationFactor();
            if (AlertForwarder.createDeadLetterTopic(admin, topic, rf < 0 ? Optional.empty() : Optional.of(rf))) {
                LOG.info("created the delivery dead-letter topic {}", topic);
            }
        } catch (ExecutionException e) {
            throw new Topics.Unavailable("cannot create the delivery dead-letter topic " + topic + ": "
                    + e.getCause().getMessage() + "; create it, or name another with --set " + ForwardConfig.DEAD_LETTER_TOPIC
                    + "=NAME");
        } catch (TimeoutException e) {
            throw new Topics.Unavailable("cannot list topics within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Topics.Unavailable("interrupted");
        }
    }
}
