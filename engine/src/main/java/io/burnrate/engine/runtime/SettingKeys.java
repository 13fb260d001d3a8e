package io.burnrate.engine.runtime;

import io.burnrate.engine.forward.ForwardConfig;
import io.burnrate.engine.http.HttpSecurity;
import io.burnrate.engine.http.StatusServer;
import io.burnrate.engine.topology.OtlpInput;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Which setting keys mean something: burnrate's own, and every key Kafka Streams and its
 * clients know (with their role prefixes). A misspelt key in a settings file ({@code
 * partitons: 3}) would otherwise be passed to Kafka, ignored, and leave the default in
 * force without a word.
 */
public final class SettingKeys {

    /** Prefixes under which Kafka Streams passes settings to one client or to created topics. */
    private static final List<String> KAFKA_PREFIXES = List.of(StreamsConfig.PRODUCER_PREFIX,
            StreamsConfig.CONSUMER_PREFIX, StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.RESTORE_CONSUMER_PREFIX,
            StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX, StreamsConfig.TOPIC_PREFIX,
            "config.providers.", "sasl.", "ssl.", "listener.name.");

    private static final Set<String> KNOWN = known();

    private SettingKeys() {
    }

    private static Set<String> known() {
        final Set<String> k = new TreeSet<>(Settings.ownKeys());
        k.addAll(new Settings().keys());
        k.addAll(StreamsConfig.configDef().names());
        k.addAll(ProducerConfig.configNames());
        k.addAll(ConsumerConfig.configNames());
        k.addAll(AdminClientConfig.configNames());
        k.addAll(List.of(Settings.BOOTSTRAP, Settings.REPLICATION, "config.providers", StatusServer.THREADS,
                StatusServer.MAX_CONNECTIONS, StatusServer.REQUEST_TIMEOUT, HttpSecurity.AUTH_TOKEN,
                HttpSecurity.AUTH_TOKEN_FILE, HttpSecurity.AUTH_BASIC_FILE, HttpSecurity.TLS_KEYSTORE,
                HttpSecurity.TLS_KEYSTORE_PASSWORD, HttpSecurity.TLS_KEYSTORE_PASSWORD_FILE));
        k.addAll(ForwardConfig.KEYS);
        k.addAll(OtlpInput.KEYS);
        return k;
    }

    /** Whether {@code key} means something to burnrate or Kafka. */
    public static boolean known(final String key) {
        if (KNOWN.contains(key)) {
            return true;
        }
        for (final String p : KAFKA_PREFIXES) {
            if (key.startsWith(p) && key.length() > p.length()) {
                return !p.equals(StreamsConfig.TOPIC_PREFIX) || !key.equals(p);
            }
        }
        return false;
    }

    /**
     * Refuses the unknown keys of {@code keys}, set in {@code source}: one line naming
     * each, with the nearest known key when one is close.
     */
    public static void check(final Collection<String> keys, final String source) {
        final List<String> problems = keys.stream().filter(k -> !known(k)).map(k -> {
            final String near = nearest(k);
            return "unknown setting '" + k + "' in " + source + (near == null ? "" : " (did you mean '" + near + "'?)");
        }).toList();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /** The known key within edit distance 2 of {@code key}, or null. */
    static String nearest(final String key) {
        String best = null;
        int bestDistance = 3;
        for (final String k : KNOWN) {
            final int d = distance(key, k, bestDistance);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(final String a, final String b, final int cap) {
        if (Math.abs(a.length() - b.length()) >= cap) {
            return cap;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1),
                        prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            final int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
