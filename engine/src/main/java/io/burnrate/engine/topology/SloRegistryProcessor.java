package io.burnrate.engine.topology;

import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.slo.SloSpecParser;
import io.burnrate.engine.slo.SloValidationException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global SLO store and the in-memory {@link SloRegistry} in step with the
 * compacted {@code burnrate.slos} topic: a document defines or replaces an SLO, a
 * tombstone deletes it. An invalid document is logged and ignored (the previous
 * definition stays); {@code burnrate slo apply} validates before publishing.
 */
final class SloRegistryProcessor implements Processor<String, byte[], Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(SloRegistryProcessor.class);

    private final SloRegistry registry;
    private final String topic;
    private KeyValueStore<String, byte[]> store;

    SloRegistryProcessor(final SloRegistry registry, final String topic) {
        this.registry = registry;
        this.topic = topic;
    }

    @Override
    public void init(final ProcessorContext<Void, Void> context) {
        store = context.getStateStore(Names.SLO_STORE);
        loadInto(registry, store, topic);
    }

    @Override
    public void process(final Record<String, byte[]> record) {
        final String id = record.key();
        if (id == null) {
            LOG.warn("ignoring SLO record without key on {}", topic);
            return;
        }
        if (record.value() == null) {
            store.delete(id);
            registry.remove(id);
            LOG.info("SLO {} deleted", id);
            return;
        }
        final SloSpec spec;
        try {
            spec = SloSpecParser.parseJson(record.value(), "topic " + topic + " key " + id);
        } catch (SloValidationException e) {
            LOG.warn("ignoring invalid SLO definition: {}", e.getMessage());
            return;
        }
        if (!spec.id().equals(id)) {
            LOG.warn("ignoring SLO record on {}: key {} differs from metadata.name {}", topic, id, spec.id());
            return;
        }
        store.put(id, record.value());
        registry.put(spec);
        LOG.info("SLO {} applied (service {}, objective {}%, window {})", id, spec.service(), spec.objective(),
                spec.windowLabel());
    }

    /** Fills the registry from the (restored) global store, once per registry. */
    static void loadInto(final SloRegistry registry, final KeyValueStore<String, byte[]> store, final String topic) {
        if (registry.loaded()) {
            return;
        }
        final List<SloSpec> specs = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                final var kv = it.next();
                if (kv.value == null) {
                    continue;
                }
                try {
                    specs.add(SloSpecParser.parseJson(kv.value, "topic " + topic + " key " + kv.key));
                } catch (SloValidationException e) {
                    LOG.warn("ignoring invalid SLO definition: {}", e.getMessage());
                }
            }
        }
        registry.loadOnce(specs);
    }
}
