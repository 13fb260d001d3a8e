package io.burnrate.engine.runtime;

import io.burnrate.engine.http.EngineMetrics;
import io.burnrate.engine.http.HttpLimits;
import io.burnrate.engine.http.HttpSecurity;
import io.burnrate.engine.http.StatusServer;
import io.burnrate.engine.topology.BurnRateTopology;
import io.burnrate.engine.topology.EngineConfig;
import io.burnrate.engine.topology.ErrorHandlers;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running engine: the topology inside a {@link KafkaStreams} client, with the
 * runtime concerns kept out of the topology (application id, guarantees, shutdown).
 */
public final class Engine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final KafkaStreams streams;
    private final BurnRateTopology.Built built;
    private StatusServer http;
    private EngineMetrics metrics;
    private String baseUrl;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private SloDeadLetters sloDeadLetters;
    private volatile Throwable failure;

    private Engine(final KafkaStreams streams, final BurnRateTopology.Built built) {
        this.streams = streams;
        this.built = built;
    }

    /**
     * Builds and starts the engine with its HTTP server (/metrics, API, status page) unless
     * {@code http.port} is -1; returns once started (not yet RUNNING).
     */
    public static Engine start(final Settings settings) throws IOException {
        final int port = settings.port(Settings.HTTP_PORT, true);
        // Kafka Streams would fail inside a stream thread, far from the cause: say it here
        Settings.writableDirectory(settings.stateDir(), "state directory");
        if (port < 0) {
            return startStreams(settings);
        }
        final StatusServer http = bindHttp(settings);
        settings.with(StreamsConfig.APPLICATION_SERVER_CONFIG, settings.advertisedHost() + ":" + http.port());
        final Engine engine = startStreams(settings);
        final EngineMetrics metrics = new EngineMetrics(engine.built,
                settings.sloMetricLabels()).bind(engine.streams);
        engine.http = http.start(engine.streams, engine.built, metrics, settings.advertisedHost());
        engine.metrics = metrics;
        final String base = http.scheme() + "://" + settings.advertisedHost() + ":" + http.port();
        engine.baseUrl = base;
        LOG.info("status page {}/ , metrics {}/metrics , API {}/api/v1/slos", base, base, base);
        return engine;
    }

    /** Binds {@code http.bind}:{@code http.port} with the {@code http.*} limits, auth and TLS settings. */
    static StatusServer bindHttp(final Settings settings) throws IOException {
        HttpLimits limits = HttpLimits.defaults();
        try {
            if (settings.get(StatusServer.THREADS) != null) {
                limits = limits.withWorkers(settings.intValue(StatusServer.THREADS), limits.queue());
            }
            if (settings.get(StatusServer.MAX_CONNECTIONS) != null) {
                limits = limits.withMaxConnections(settings.intValue(StatusServer.MAX_CONNECTIONS));
            }
            if (settings.duration(StatusServer.REQUEST_TIMEOUT) != null) {
                limits = limits.withRequestTimeout(settings.duration(StatusServer.REQUEST_TIMEOUT));
            }
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
        if (limits.workers() < 1 || limits.maxConnections() < 1) {
            throw new IOException(StatusServer.THREADS + " and " + StatusServer.MAX_CONNECTIONS
                    + " must be at least 1");
        }
        return StatusServer.bind(settings.get(Settings.HTTP_BIND), settings.intValue(Settings.HTTP_PORT), limits,
                HttpSecurity.from(settings::get));
    }

    /** The registry {@code /metrics} serves (others may add meters to it), or null when the HTTP server is off. */
    public PrometheusMeterRegistry metricsRegistry() {
        return metrics == null ? null : metrics.registry();
    }

    /** {@code http(s)://<advertised host>:<port>} of the status page, or null when the HTTP server is off. */
    public String statusUrl() {
        return baseUrl;
    }

    /** The HTTP server's port, or -1 when it is off. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** The producer batch size burnrate gives Kafka Streams unless {@code batch.size} is set (either form). */
    static final int DEFAULT_PRODUCER_BATCH_BYTES = 256 * 1024;

    /** What Kafka Streams is started with: the settings' Kafka keys plus burnrate's defaults. */
    static Properties streamsProperties(final Settings settings, final EngineConfig config) {
        final Properties props = new Properties();
        props.putAll(settings.kafkaProperties());
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.stateDir().toString());
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        // one record that fails to process or to write goes to the DLQ; it never stops a partition
        ErrorHandlers.configure(config.dlqTopic()).forEach(props::putIfAbsent);
        // A task reads the requests partition and its re-key partition. Streams would hold
        // records back to interleave the two in timestamp order; burnrate does not need
        // that (late events within grace count exactly), and the bookkeeping cost 38 % of
        // throughput in the load test (loadtest/RESULTS.md).
        props.putIfAbsent(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "-1");
        // Every commit writes the changed state of each busy SLO to the changelog (thousands
        // of small records per commit at 10,000 SLOs). In 16 KiB batches (the producer's
        // default) that cost a third of the engine's CPU at 10,000 SLOs; 256 KiB batches took
        // 23 CPU µs per event down to 14-16 (loadtest/RESULTS.md). It stays well under the
        // broker's default limit of 1 MiB per batch. A batch.size set by the user wins.
        if (!props.containsKey(ProducerConfig.BATCH_SIZE_CONFIG)
                && !props.containsKey(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG))) {
            props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG),
                    Integer.toString(DEFAULT_PRODUCER_BATCH_BYTES));
        }
        return props;
    }

    private static Engine startStreams(final Settings settings) {
        final EngineConfig config = settings.engineConfig();
        final BurnRateTopology.Built built = BurnRateTopology.build(config);
        built.registry().useLimits(settings.sloLimits());
        final SloDeadLetters sloDeadLetters = new SloDeadLetters(settings);
        built.registry().onRejection(sloDeadLetters);
        final Properties props = streamsProperties(settings, config);
        final KafkaStreams streams = new KafkaStreams(built.topology(), props);
        final Engine engine = new Engine(streams, built);
        engine.sloDeadLetters = sloDeadLetters;
        streams.setUncaughtExceptionHandler(e -> {
            engine.failure = e;
            LOG.error("stream thread failed; stopping the engine", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        // one line per restored store partition: records and time (state loss, takeover without standby)
        streams.setGlobalStateRestoreListener(new RestoreLog());
        streams.setStateListener((next, previous) -> {
            LOG.info("engine {} -> {}", previous, next);
            if (next == KafkaStreams.State.NOT_RUNNING || next == KafkaStreams.State.ERROR) {
                engine.stopped.countDown();
            }
        });
        LOG.info("starting engine {} on {} ({}, {} thread(s)); reading {}", props.get(StreamsConfig.APPLICATION_ID_CONFIG),
                props.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG), props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG),
                props.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG), config.requestsTopic()
                        + (config.otlp() == null ? "" : " and OTLP spans from " + config.otlp().topic() + " ("
                        + config.otlp().encoding().setting() + ")"));
        streams.start();
        return engine;
    }

    public KafkaStreams streams() {
        return streams;
    }

    public BurnRateTopology.Built built() {
        return built;
    }

    /** Waits until RUNNING; false on timeout or failure. */
    public boolean awaitRunning(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            final KafkaStreams.State s = streams.state();
            if (s == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING
                    || s == KafkaStreams.State.PENDING_ERROR) {
                return false;
            }
            if (stopped.await(100, TimeUnit.MILLISECONDS)) {
                return false;
            }
        }
        return false;
    }

    /** Blocks until the engine stops (error or {@link #close}). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    public Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        // Leave the consumer group: otherwise a restart (same application id) waits out the
        // previous member's session timeout in REBALANCING, 45 s with /readyz 503 (issue 13).
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        sloDeadLetters.close();
        stopped.countDown();
    }
}
