package io.burnrate.engine.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.burnrate.engine.slo.SloRegistry;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.slo.SloValidationException;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.schemas.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global SLO store and the in-memory {@link SloRegistry} in step with the
 * compacted {@code burnrate.slos} topic: a document defines or replaces an SLO, a
 * tombstone deletes it.
 *
 * <p>A refused document (invalid, key different from {@code metadata.name}, or a new SLO
 * past {@code slo.max-slos}) never replaces anything: the store keeps the SLO's last
 * valid document under its id, and a refusal record under {@code NUL "invalid" NUL id}
 * (valid SLO names cannot contain NUL). So once compaction has left only the broken
 * document on the topic, an engine restarted on its state directory still runs the last
 * valid version, and still reports that the topic holds an invalid one. Kafka Streams
 * ({@code StreamsBuilder#addGlobalStore}, KAFKA-7663) restores a global store by
 * re-running this processor over the topic from the store's checkpoint, not by copying
 * bytes, so the rule holds on restore too. Each refusal is logged on one line (no stack
 * trace), counted ({@link SloRegistry#rejectedCount}), listed in the registry snapshot
 * (status API) and passed to the registry's listener, which the engine uses to
 * dead-letter the document.
 */
final class SloRegistryProcessor implements Processor<String, byte[], Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(SloRegistryProcessor.class);
    /** Store-key prefix of refusal records; SLO names cannot contain NUL. */
    static final String INVALID_PREFIX = "\u0000invalid\u0000";
    private static final int MAX_DETAIL = 2_000;

    private final SloRegistry registry;
    private final String topic;
    private KeyValueStore<String, byte[]> store;
    private ProcessorContext<Void, Void> context;

    SloRegistryProcessor(final SloRegistry registry, final String topic) {
        this.registry = registry;
        this.topic = topic;
    }

    @Override
    public void init(final ProcessorContext<Void, Void> context) {
        this.context = context;
        store = context.getStateStore(Names.SLO_STORE);
        loadInto(registry, store, topic);
    }

    @Override
    public void process(final Record<String, byte[]> record) {
        final String id = record.key();
        final long offset = context == null ? -1 : context.recordMetadata().map(RecordMetadata::offset).orElse(-1L);
        if (id == null) {
            registry.countRejected(SloRegistry.MISSING_KEY);
            LOG.error("SLO topic {} offset {}: record without key ignored (the key must be the SLO's metadata.name)",
                    topic, offset);
            registry.listener().rejected(null, record.value(), new SloRegistry.Invalid(null, SloRegistry.MISSING_KEY,
                    "record without key", offset, false));
            return;
        }
        if (record.value() == null) {
            store.delete(id);
            store.delete(INVALID_PREFIX + id);
            registry.remove(id);
            LOG.info("SLO {} deleted", id);
            return;
        }
        final String source = "topic " + topic + " key " + SloSpecParser.quote(id);
        final SloSpec spec;
        try {
            spec = SloSpecParser.parseJson(record.value(), source, registry.limits());
        } catch (SloValidationException e) {
            refuse(id, record.value(), SloRegistry.INVALID_SLO, e.getMessage(), offset);
            return;
        }
        if (!spec.id().equals(id)) {
            refuse(id, record.value(), SloRegistry.KEY_MISMATCH, source + ": metadata.name is "
                    + SloSpecParser.quote(spec.id()) + ": the key must be the SLO's metadata.name", offset);
            return;
        }
        final int held = registry.size();
        if (!registry.defines(id) && held >= registry.limits().maxSlos()) {
            refuse(id, record.value(), SloRegistry.LIMIT, source + ": the engine already holds "
                    + held + " SLOs, the limit (slo.max-slos = " + registry.limits().maxSlos() + ")",
                    offset);
            return;
        }
        store.put(id, record.value());
        store.delete(INVALID_PREFIX + id);
        registry.put(spec);
        LOG.info("SLO {} applied (service {}, objective {}%, window {})", id, spec.service(), spec.objective(),
                spec.windowLabel());
    }

    private void refuse(final String id, final byte[] value, final String reason, final String detail,
                        final long offset) {
        final boolean kept = registry.defines(id);
        final String shortDetail = detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) + "..." : detail;
        final SloRegistry.Invalid why = new SloRegistry.Invalid(id, reason, shortDetail, offset, kept);
        store.put(INVALID_PREFIX + id, encode(why));
        registry.countRejected(reason);
        registry.reject(why);
        LOG.error("SLO {}: {} holds an invalid definition at offset {} ({}; {}): {}", SloSpecParser.quote(id), topic,
                offset, reason, kept ? "the last valid version stays in force" : "no valid version: not evaluated",
                shortDetail);
        registry.listener().rejected(id, value, why);
    }

    private static byte[] encode(final SloRegistry.Invalid why) {
        final ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("id", why.id()).put("reason", why.reason()).put("detail", why.detail()).put("offset", why.offset())
                .put("keptPrevious", why.keptPrevious());
        return SloSpecParser.toJson(n);
    }

    private static SloRegistry.Invalid decode(final String id, final byte[] bytes) {
        try {
            final JsonNode n = Json.MAPPER.readTree(bytes);
            return new SloRegistry.Invalid(id, n.path("reason").asText(SloRegistry.INVALID_SLO),
                    n.path("detail").asText(""), n.path("offset").asLong(-1), n.path("keptPrevious").asBoolean());
        } catch (IOException e) {
            return new SloRegistry.Invalid(id, SloRegistry.INVALID_SLO, "unreadable refusal record", -1, false);
        }
    }

    /** Fills the registry from the (restored) global store, once per registry. */
    static void loadInto(final SloRegistry registry, final KeyValueStore<String, byte[]> store, final String topic) {
        if (registry.loaded()) {
            return;
        }
        final List<SloSpec> specs = new ArrayList<>();
        final List<SloRegistry.Invalid> refused = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                final var kv = it.next();
                if (kv.value == null) {
                    continue;
                }
                if (kv.key.startsWith(INVALID_PREFIX)) {
                    refused.add(decode(kv.key.substring(INVALID_PREFIX.length()), kv.value));
                    continue;
                }
                try {
                    specs.add(SloSpecParser.parseJson(kv.value, "topic " + topic + " key " + kv.key,
                            registry.limits()));
                } catch (SloValidationException e) {
                    // written by an older engine, which stored what it could not read
                    refused.add(new SloRegistry.Invalid(kv.key, SloRegistry.INVALID_SLO, e.getMessage(), -1, false));
                }
            }
        }
        final Set<String> ids = new HashSet<>();
        specs.forEach(s -> ids.add(s.id()));
        final List<SloRegistry.Invalid> stillRefused = new ArrayList<>();
        for (final SloRegistry.Invalid i : refused) {
            final SloRegistry.Invalid now = new SloRegistry.Invalid(i.id(), i.reason(), i.detail(), i.offset(),
                    ids.contains(i.id()));
            stillRefused.add(now);
            LOG.error("SLO {}: {} holds an invalid definition at offset {} ({}; {})", SloSpecParser.quote(i.id()),
                    topic, i.offset(), i.reason(), now.keptPrevious() ? "the last valid version stays in force"
                            : "no valid version: not evaluated");
        }
        registry.loadOnce(specs, stillRefused);
    }
}
