package io.burnrate.loadtest.gen;

import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.slo.SloValidationException;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.engine.topology.TopicRole;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * K SLOs spread over S services, as {@code burnrate/v1} YAML. SLO {@code j} belongs to
 * service {@code j mod S}; the first SLO of each service is a 99.9 % availability SLO,
 * the second a 99 % latency SLO (300 ms), further ones availability SLOs selecting one
 * operation each. All use the default {@code google-30d} policy on a 30d window.
 */
public final class SloSet {

    private SloSet() {
    }

    public static String yaml(final List<String> services, final int count) {
        final StringBuilder b = new StringBuilder(count * 330);
        final int s = services.size();
        for (int j = 0; j < count; j++) {
            final String service = services.get(j % s);
            final int round = j / s;
            if (j > 0) {
                b.append("---\n");
            }
            final String name;
            final String indicator;
            String selector = null;
            if (round == 0) {
                name = service + "-availability";
                indicator = "{availability: {badStatusMin: 500}}";
            } else if (round == 1) {
                name = service + "-latency";
                indicator = "{latency: {thresholdMs: 300}}";
            } else {
                name = service + "-op-" + (round - 2) + "-availability";
                indicator = "{availability: {badStatusMin: 500}}";
                selector = "{operation: \"" + EventFactory.operationName(round - 2) + "\"}";
            }
            b.append("apiVersion: burnrate/v1\nkind: SLO\nmetadata:\n  name: ").append(name)
                    .append("\n  labels: {team: loadtest}\nspec:\n  service: ").append(service).append('\n');
            if (selector != null) {
                b.append("  selector: ").append(selector).append('\n');
            }
            b.append("  indicator: ").append(indicator).append('\n')
                    .append("  objective: ").append(round == 1 ? "99" : "99.9").append('\n')
                    .append("  window: 30d\n  alerting: {policy: google-30d, minEventsPerWindow: 0}\n");
        }
        return b.toString();
    }

    /** Documents per parse: the parser takes files up to 16 MiB (slo.max-file-bytes); 100,000 SLOs are 27 MB. */
    static final int DOCUMENTS_PER_PARSE = 10_000;

    /** Parses {@code yaml} {@link #DOCUMENTS_PER_PARSE} documents at a time. */
    static List<SloSpecParser.Parsed> parse(final String yaml) throws SloValidationException {
        final List<SloSpecParser.Parsed> parsed = new ArrayList<>();
        final String[] docs = yaml.split("(?m)^---\\n");
        for (int i = 0; i < docs.length; i += DOCUMENTS_PER_PARSE) {
            final String chunk = String.join("---\n",
                    Arrays.asList(docs).subList(i, Math.min(docs.length, i + DOCUMENTS_PER_PARSE)));
            parsed.addAll(SloSpecParser.parseYaml(chunk, "loadtest"));
        }
        return parsed;
    }

    /**
     * Validates and publishes the SLOs to the settings' SLO topic (async sends, one flush),
     * parsing {@link #DOCUMENTS_PER_PARSE} documents at a time.
     */
    public static int publish(final Settings settings, final String yaml) throws SloValidationException {
        final List<SloSpecParser.Parsed> parsed = parse(yaml);
        final Map<String, Object> props = new HashMap<>(settings.clientProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        final AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            for (final SloSpecParser.Parsed p : parsed) {
                producer.send(new ProducerRecord<>(settings.topic(TopicRole.SLOS), p.spec().id(),
                        SloSpecParser.toJson(p.document())), (md, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("publishing SLOs failed: " + failure.get().getMessage(), failure.get());
        }
        return parsed.size();
    }
}
