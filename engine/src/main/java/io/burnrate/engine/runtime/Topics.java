package io.burnrate.engine.runtime;

import io.burnrate.engine.topology.OtlpInput;
import io.burnrate.engine.topology.TopicRole;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks that the engine's topics exist and creates the missing ones when allowed:
 * {@code burnrate.slos}, {@code burnrate.status} and {@code burnrate.compliance} compacted
 * ({@link #compacted}), the others with the broker's retention. Fails fast, naming the broker or the topic, rather than hanging.
 */
public final class Topics {

    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);
    static final int CONNECT_TIMEOUT_SECONDS = 15;

    /** A problem an operator has to fix; the message says how. */
    public static class Unavailable extends Exception {
        public Unavailable(final String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The brokers were reached but refused burnrate's credentials, or the TLS material could not
     * be used: a settings problem, not an outage (the commands exit 2, not 1). The message names
     * the broker and Kafka's reason, never a secret.
     */
    public static final class Refused extends Unavailable {
        public Refused(final String message) {
            super(message);
        }
    }

    private static final String CHECK_SECURITY = "check the security settings (security.protocol, sasl.mechanism, "
            + "sasl.jaas.config, ssl.keystore.*, ssl.truststore.*)";

    private Topics() {
    }

    /** An admin client that gives up within the connect timeout. */
    public static Admin admin(final Settings settings) throws Unavailable {
        final Map<String, Object> props = new HashMap<>(settings.clientProperties());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, CONNECT_TIMEOUT_SECONDS * 1000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try {
            return Admin.create(props);
        } catch (KafkaException e) {
            final String tls = tlsMaterialProblem(e);
            if (tls != null) {
                throw new Refused("cannot connect to Kafka at " + settings.get(Settings.BOOTSTRAP) + ": " + tls
                        + "; " + CHECK_SECURITY);
            }
            throw new Unavailable("cannot connect to Kafka at " + settings.get(Settings.BOOTSTRAP) + ": "
                    + rootMessage(e));
        }
    }

    /** Fails within the connect timeout when the brokers cannot be reached. */
    public static void checkReachable(final Admin admin, final String bootstrap) throws Unavailable {
        try {
            admin.describeCluster().clusterId().get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // SASL (wrong password, unknown user or mechanism) and TLS (certificate refused or not
            // trusted): Kafka gives up at once rather than retrying, so do we
            if (e.getCause() instanceof AuthenticationException) {
                throw new Refused("Kafka at " + bootstrap + " refused the connection: authentication failed ("
                        + rootMessage(e) + "); " + CHECK_SECURITY);
            }
            throw new Unavailable("cannot reach Kafka at " + bootstrap + " within " + CONNECT_TIMEOUT_SECONDS
                    + " s (" + rootMessage(e) + "); check --bootstrap-servers and the security settings");
        } catch (TimeoutException e) {
            throw new Unavailable("cannot reach Kafka at " + bootstrap + " within " + CONNECT_TIMEOUT_SECONDS
                    + " s (" + rootMessage(e) + "); check --bootstrap-servers and the security settings");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while connecting to Kafka");
        }
    }

    /** Creates what is missing (if allowed) or explains how to. */
    public static void ensure(final Admin admin, final Settings settings) throws Unavailable {
        final String bootstrap = settings.get(Settings.BOOTSTRAP);
        checkReachable(admin, bootstrap);
        final Map<String, Map<String, String>> wanted = new LinkedHashMap<>();
        for (final TopicRole role : TopicRole.values()) {
            wanted.put(settings.topic(role), compacted(role) ? Map.of("cleanup.policy", "compact") : Map.of());
        }
        // the OTLP input, when on: the Collector's exporter writes it, burnrate creates it like its requests topic
        final String otlp = otlpTopic(settings);
        if (otlp != null) {
            wanted.putIfAbsent(otlp, Map.of());
        }
        final Set<String> existing;
        try {
            existing = admin.listTopics().names().get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new Unavailable("cannot list topics on " + bootstrap + ": " + rootMessage(e));
        }
        final List<NewTopic> missing = new ArrayList<>();
        for (final Map.Entry<String, Map<String, String>> e : wanted.entrySet()) {
            if (!existing.contains(e.getKey())) {
                final String requests = settings.topic(TopicRole.REQUESTS);
                final int partitions = e.getKey().equals(settings.topic(TopicRole.SLOS)) ? 1
                        // a new counts topic next to an existing requests topic takes its partition count
                        : e.getKey().equals(settings.topic(TopicRole.COUNTS)) && existing.contains(requests)
                        ? partitionsOf(admin, requests, settings.partitions())
                        : settings.partitions();
                final short rf = settings.replicationFactor();
                missing.add(new NewTopic(e.getKey(), Optional.of(partitions),
                        rf > 0 ? Optional.of(rf) : Optional.empty()).configs(e.getValue()));
            }
        }
        if (missing.isEmpty()) {
            checkCountsPartitions(admin, settings);
            return;
        }
        if (!settings.createTopics()) {
            final NewTopic first = missing.get(0);
            throw new Unavailable("topic " + first.name() + " does not exist"
                    + (missing.size() > 1 ? " (nor " + names(missing.subList(1, missing.size())) + ")" : "")
                    + "; create it with: kafka-topics.sh --bootstrap-server " + bootstrap + " --create --topic "
                    + first.name() + " --partitions " + first.numPartitions()
                    + (first.replicationFactor() > 0 ? " --replication-factor " + first.replicationFactor() : "")
                    + (first.configs().isEmpty() ? "" : " --config cleanup.policy=compact")
                    + ", or allow burnrate to create topics (create.topics=true)");
        }
        try {
            admin.createTopics(missing).values().forEach((name, f) -> {
                try {
                    f.get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    LOG.info("created topic {}", name);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + name + ": " + rootMessage(e));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("cannot create topic " + name + ": " + rootMessage(e));
                }
            });
        } catch (IllegalStateException e) {
            throw new Unavailable(e.getMessage());
        }
        // the engine (its global store first) and the checks below need the new topics in the
        // brokers' metadata, which may follow the creation by a moment
        describe(admin, missing.stream().map(NewTopic::name).toList());
        // also when a topic listed as missing was created by someone else meanwhile
        checkCountsPartitions(admin, settings);
    }

    /** The partition count of {@code topic}, or {@code fallback} when the brokers do not say in time. */
    private static int partitionsOf(final Admin admin, final String topic, final int fallback) throws Unavailable {
        final Map<String, TopicDescription> d = describe(admin, List.of(topic));
        if (d == null) {
            LOG.warn("cannot read the partitions of {}: creating the counts topic with {}", topic, fallback);
            return fallback;
        }
        return d.get(topic).partitions().size();
    }

    /**
     * The descriptions of {@code topics}, or null when the brokers do not give them within the
     * connect timeout. A topic created a moment ago may not be in every broker's metadata
     * yet (unknown topic): asked again every 100 ms until then.
     */
    private static Map<String, TopicDescription> describe(final Admin admin, final List<String> topics)
            throws Unavailable {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CONNECT_TIMEOUT_SECONDS);
        while (true) {
            try {
                return admin.describeTopics(topics).allTopicNames().get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unavailable("interrupted while describing topics " + topics);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    LOG.debug("describing {} failed: {}", topics, rootMessage(e));
                    return null;
                }
            } catch (TimeoutException e) {
                return null;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unavailable("interrupted while describing topics " + topics);
            }
        }
    }

    /**
     * Refuses a counts topic whose partition count differs from the requests topic's: both
     * feed the same tasks (a service's events and counts update one SLO state), so a service
     * must hash to the same partition number on both. When the brokers do not describe the
     * topics in time, the check is skipped with a warning rather than holding up the start.
     */
    static void checkCountsPartitions(final Admin admin, final Settings settings) throws Unavailable {
        final String requests = settings.topic(TopicRole.REQUESTS);
        final String counts = settings.topic(TopicRole.COUNTS);
        final Map<String, TopicDescription> d = describe(admin, List.of(requests, counts));
        if (d == null) {
            LOG.warn("cannot compare the partitions of {} and {}: the brokers did not describe them in time", requests,
                    counts);
            return;
        }
        final int r = d.get(requests).partitions().size();
        final int c = d.get(counts).partitions().size();
        if (r != c) {
            throw new Unavailable("topic " + counts + " has " + c + " partitions and " + requests + " has " + r
                    + ": they must have as many (a service's events and counts update the same SLO state); recreate "
                    + counts + " with --partitions " + r);
        }
    }

    /**
     * The engine's own topics that do not exist now, for the message when it stopped (a
     * topic deleted under a running engine makes its writes time out); empty when the
     * brokers cannot tell within the connect timeout.
     */
    public static List<String> missing(final Settings settings) {
        try (Admin admin = admin(settings)) {
            final Set<String> existing = admin.listTopics().names().get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            final List<String> out = new ArrayList<>();
            for (final TopicRole role : TopicRole.values()) {
                if (!existing.contains(settings.topic(role))) {
                    out.add(settings.topic(role));
                }
            }
            final String otlp = otlpTopic(settings);
            if (otlp != null && !existing.contains(otlp)) {
                out.add(otlp);
            }
            return out;
        } catch (Unavailable | ExecutionException | TimeoutException | RuntimeException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** The OTLP input topic when {@code otlp.*} turns it on, else null. */
    static String otlpTopic(final Settings settings) {
        final OtlpInput otlp = settings.engineConfig().otlp();
        return otlp == null ? null : otlp.topic();
    }

    /**
     * Whether the topic of {@code role} is compacted: those keyed by SLO (definitions,
     * latest status) and compliance, one record per SLO and period that is never updated,
     * where compaction keeps the history and time retention would drop it.
     */
    static boolean compacted(final TopicRole role) {
        return switch (role) {
            case SLOS, STATUS, COMPLIANCE -> true;
            case REQUESTS, ALERTS, DLQ, BUDGET_POLICY, COUNTS -> false;
        };
    }

    private static String names(final List<NewTopic> topics) {
        return String.join(", ", topics.stream().map(NewTopic::name).toList());
    }

    /**
     * Kafka's reason when a keystore or truststore cannot be loaded (missing file, wrong
     * password, wrong type): "Failed to load SSL keystore FILE of type T: keystore password was
     * incorrect". Null for other failures.
     */
    static String tlsMaterialProblem(final Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            final String m = t.getMessage();
            if (m != null && (m.startsWith("Failed to load SSL keystore") || m.startsWith("Failed to load SSL truststore")
                    || m.startsWith("Failed to load PEM"))) {
                final Throwable cause = t.getCause();
                return cause == null || cause.getMessage() == null ? m : m + ": " + cause.getMessage();
            }
            if (t instanceof GeneralSecurityException) {
                return rootMessage(t);
            }
        }
        return null;
    }

    static String rootMessage(final Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
