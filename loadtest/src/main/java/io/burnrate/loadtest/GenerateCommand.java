package io.burnrate.loadtest;

import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.SloValidationException;
import io.burnrate.engine.topology.TopicRole;
import io.burnrate.loadtest.gen.EventFactory;
import io.burnrate.loadtest.gen.Generator;
import io.burnrate.loadtest.gen.Scenario;
import io.burnrate.loadtest.gen.SloSet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code generate}: request events to Kafka and/or an NDJSON file. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Produce request events for S services to Kafka (keyed by service) at a target rate or as fast "
                + "as possible, shaped by an optional scenario of incidents; optionally publish K SLOs for them and "
                + "write the events as NDJSON for `burnrate replay`. Prints progress every few seconds.",
                "",
                "Event time: with --rate and no --event-time-rate, each event carries the wall clock when it is "
                        + "produced (live). Otherwise event i carries start + i / event-time-rate seconds (paced), "
                        + "which makes a run deterministic for a given --seed and --start."})
final class GenerateCommand implements Callable<Integer> {

    /** How long topic look-ups and creation may take before the broker counts as unreachable. */
    static final int ADMIN_TIMEOUT_MS = 15_000;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers (default 127.0.0.1:" + Settings.DEFAULT_EMBEDDED_PORT + ", the broker of "
                    + "`burnrate run`/`burnrate demo` without bootstrap servers)")
    private String bootstrap;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = "burnrate.requests",
            description = "requests topic (default ${DEFAULT-VALUE}); created with --partitions when missing")
    private String topic;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "6",
            description = "partitions when the topic has to be created (default ${DEFAULT-VALUE})")
    private int partitions;

    @Option(names = "--rate", paramLabel = "EVENTS_PER_S", defaultValue = "1000",
            description = "target rate; 0 = as fast as possible (default ${DEFAULT-VALUE})")
    private double rate;

    @Option(names = "--events", paramLabel = "N", defaultValue = "0",
            description = "stop after N events (0 = no limit)")
    private long events;

    @Option(names = "--duration", paramLabel = "DURATION",
            description = "stop after this much wall-clock time, e.g. 60s, 10m")
    private String duration;

    @Option(names = "--services", paramLabel = "S", defaultValue = "10",
            description = "services svc-00000 .. (default ${DEFAULT-VALUE}); incident services are added")
    private int services;

    @Option(names = "--operations", paramLabel = "N", defaultValue = "8",
            description = "distinct operations per service (default ${DEFAULT-VALUE})")
    private int operations;

    @Option(names = "--slos", paramLabel = "K", defaultValue = "0",
            description = "publish K SLOs spread over the services before producing (0 = none): per service an "
                    + "availability SLO, then a latency SLO, then per-operation availability SLOs")
    private int slos;

    @Option(names = "--slo-topic", paramLabel = "NAME", defaultValue = "burnrate.slos",
            description = "SLO topic for --slos (default ${DEFAULT-VALUE})")
    private String sloTopic;

    @Option(names = "--slos-out", paramLabel = "FILE", description = "also write the K SLOs as YAML to FILE")
    private Path slosOut;

    @Option(names = "--scenario", paramLabel = "FILE", description = "YAML: baseline and incidents (see "
            + "loadtest/scenarios/example.yaml)")
    private Path scenarioFile;

    @Option(names = "--out", paramLabel = "FILE", description = "also write every event as NDJSON to FILE")
    private Path out;

    @Option(names = "--no-kafka", description = "do not produce to Kafka (with --out: write the file only)")
    private boolean noKafka;

    @Option(names = "--event-time-rate", paramLabel = "EVENTS_PER_S",
            description = "paced event time: this many events per second of event time")
    private Double eventTimeRate;

    @Option(names = "--start", paramLabel = "TIME",
            description = "event time of the first event, epoch ms or RFC 3339 (default now)")
    private String start;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "random seed (default ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--progress", paramLabel = "DURATION", defaultValue = "5s",
            description = "progress interval (default ${DEFAULT-VALUE})")
    private String progress;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "producer/admin client setting, e.g. security.protocol=SASL_SSL, linger.ms=50")
    private Map<String, String> extra = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        final PrintWriter err = spec.commandLine().getErr();
        final Scenario scenario;
        final Duration maxDuration;
        final Duration progressEvery;
        final Long startMs;
        try {
            scenario = scenarioFile == null ? Scenario.STEADY : Scenario.load(scenarioFile);
            maxDuration = duration == null ? null : Durations.parse(duration);
            progressEvery = Durations.parse(progress);
            startMs = start == null ? null : start.matches("\\d+") ? Long.valueOf(start)
                    : Long.valueOf(Instant.parse(start).toEpochMilli());
            if (events <= 0 && maxDuration == null) {
                throw new IllegalArgumentException("give --events or --duration");
            }
            if (noKafka && out == null) {
                throw new IllegalArgumentException("--no-kafka needs --out");
            }
            if (services < 1 || rate < 0) {
                throw new IllegalArgumentException("--services must be >= 1 and --rate >= 0");
            }
        } catch (IOException | RuntimeException e) {
            err.println("burnrate-loadtest generate: " + e.getMessage());
            return LoadtestCli.UNUSABLE_INPUT;
        }
        final List<String> names = EventFactory.services(services, scenario);
        final boolean live = rate > 0 && eventTimeRate == null;
        final double paced = eventTimeRate != null ? eventTimeRate : 100_000;
        final String brokers = bootstrap != null ? bootstrap : "127.0.0.1:" + Settings.DEFAULT_EMBEDDED_PORT;
        final List<Generator.Sink> sinks = new ArrayList<>();
        try {
            if (slos > 0) {
                final String yaml = SloSet.yaml(names, slos);
                if (slosOut != null) {
                    Files.writeString(slosOut, yaml);
                }
                if (!noKafka) {
                    final Settings s = new Settings().with(Settings.BOOTSTRAP, brokers)
                            .withTopic(TopicRole.SLOS, sloTopic);
                    extra.forEach(s::with);
                    createTopic(brokers, sloTopic, 1, Map.of("cleanup.policy", "compact"));
                    System.out.printf("generate: published %,d SLOs to %s%n", SloSet.publish(s, yaml), sloTopic);
                }
            }
            if (!noKafka) {
                createTopic(brokers, topic, partitions, Map.of());
                final Map<String, Object> p = live ? Generator.liveProducer(brokers) : Generator.bulkProducer(brokers);
                p.putAll(extra);
                sinks.add(new Generator.KafkaSink(p, topic));
            }
            if (out != null) {
                sinks.add(new Generator.NdjsonSink(out));
            }
            final AtomicBoolean stop = new AtomicBoolean();
            final Thread hook = new Thread(() -> stop.set(true));
            Runtime.getRuntime().addShutdownHook(hook);
            System.out.printf("generate: %d services, %s, %s event time%s%n", names.size(),
                    rate > 0 ? String.format("%,.0f ev/s", rate) : "as fast as possible",
                    live ? "live (wall clock)" : String.format("paced (%,.0f ev/s of event time)", paced),
                    noKafka ? "" : " -> " + topic + " on " + brokers);
            new Generator(new Generator.Config(names, operations, rate, events, maxDuration, startMs, paced, live,
                    scenario, seed, progressEvery)).run(sinks, System.out, stop::get);
            return 0;
        } catch (SloValidationException e) {
            err.println("burnrate-loadtest generate: " + e.getMessage());
            return LoadtestCli.UNUSABLE_INPUT;
        } catch (TimeoutException e) {
            err.println("burnrate-loadtest generate: cannot reach Kafka at " + brokers + " within "
                    + ADMIN_TIMEOUT_MS / 1000 + " s (is `burnrate run` or `burnrate demo` up? -b sets the brokers)");
            return 1;
        } catch (IOException | ExecutionException | RuntimeException e) {
            err.println("burnrate-loadtest generate: " + describe(e));
            return 1;
        } finally {
            for (final Generator.Sink s : sinks) {
                s.close();
            }
        }
    }

    /**
     * Admin client settings: the user's {@code -s} settings win; the timeouts default to
     * {@link #ADMIN_TIMEOUT_MS} and keep {@code default.api.timeout.ms >= request.timeout.ms},
     * which the admin client requires (it refused to start when only the API timeout was
     * lowered below the 30 s request-timeout default).
     */
    static Map<String, Object> adminProperties(final String brokers, final Map<String, String> extra) {
        final Map<String, Object> props = new HashMap<>(extra);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(ADMIN_TIMEOUT_MS));
        final long request = Long.parseLong(props.get(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG).toString().trim());
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                Long.toString(Math.max(request, ADMIN_TIMEOUT_MS)));
        return props;
    }

    /** An exception and its causes in one line ("Failed to create new KafkaAdminClient" alone says nothing). */
    static String describe(final Throwable e) {
        final StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            final String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (b.indexOf(m) < 0) {
                b.append(b.length() == 0 ? "" : ": ").append(m);
            }
        }
        return b.toString();
    }

    private void createTopic(final String brokers, final String name, final int parts, final Map<String, String> cfg)
            throws ExecutionException, InterruptedException, TimeoutException {
        try (Admin admin = Admin.create(adminProperties(brokers, extra))) {
            if (admin.listTopics().names().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS).contains(name)) {
                return;
            }
            admin.createTopics(List.of(new NewTopic(name, Optional.of(parts), Optional.empty()).configs(cfg)))
                    .all().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }
}
