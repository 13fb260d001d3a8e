package io.burnrate.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.slo.SloLimits;
import io.burnrate.engine.slo.SloRegistry;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.engine.testing.Specs;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SLO registry against broken, mis-keyed and excess documents on burnrate.slos, live and after a restart. */
class SloRegistryProcessorTest {

    private static final String TOPIC = "burnrate.slos";
    private KeyValueStore<String, byte[]> store;
    private final List<String> deadLetters = new ArrayList<>();

    @BeforeEach
    void store() {
        final MockProcessorContext<Void, Void> ctx = new MockProcessorContext<>();
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(Names.SLO_STORE), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(ctx.getStateStoreContext(), store);
    }

    /** A processor over {@link #store} with a fresh registry: an engine (re)starting on its state directory. */
    private final class Engine {
        final SloRegistry registry = new SloRegistry();
        final MockProcessorContext<Void, Void> ctx = new MockProcessorContext<>();
        final SloRegistryProcessor processor = new SloRegistryProcessor(registry, TOPIC);

        Engine(final SloLimits limits) {
            registry.useLimits(limits);
            registry.onRejection((k, v, why) -> deadLetters.add(k + " " + why.reason() + " offset " + why.offset()));
            ctx.addStateStore(store);
            processor.init(ctx);
        }

        Engine() {
            this(SloLimits.DEFAULTS);
        }

        void read(final long offset, final String key, final byte[] value) {
            ctx.setRecordMetadata(TOPIC, 0, offset);
            processor.process(new Record<>(key, value, 0));
        }
    }

    private static byte[] doc(final String name, final String objective) {
        return SloSpecParser.toJson(Specs.parse(Specs.availabilityYaml(name, "checkout", 0)
                .replace("objective: 99.9", "objective: " + objective)).get(0).document());
    }

    private static final byte[] BROKEN = "{\"apiVersion\":\"burnrate/v1\",\"kind\":\"SLO\",\"metadata\":{\"name\":\"a\"},"
            .concat("\"spec\":{\"service\":\"checkout\",\"indicator\":{\"availability\":{}},\"objective\":100}}")
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldKeepTheLastValidVersionAndSayTheTopicHoldsAnInvalidOne() {
        final Engine e = new Engine();
        e.read(0, "a", doc("a", "99.9"));
        e.read(1, "a", BROKEN);
        final SloRegistry.Snapshot snap = e.registry.snapshot();
        assertThat(snap.byId().get("a").objective()).isEqualTo(99.9);
        assertThat(snap.invalid().get("a")).satisfies(i -> {
            assertThat(i.reason()).isEqualTo("invalid-slo");
            assertThat(i.offset()).isEqualTo(1);
            assertThat(i.keptPrevious()).isTrue();
            assertThat(i.detail()).isEqualTo("topic burnrate.slos key 'a': SLO 'a': spec.objective: must be a percentage "
                    + "above 0 and below 100, not 100");
        });
        assertThat(e.registry.rejectedCount("invalid-slo")).isEqualTo(1);
        assertThat(deadLetters).containsExactly("a invalid-slo offset 1");
        // a valid version clears the flag
        e.read(2, "a", doc("a", "99"));
        assertThat(e.registry.snapshot().byId().get("a").objective()).isEqualTo(99.0);
        assertThat(e.registry.snapshot().invalid()).isEmpty();
    }

    @Test
    void shouldStillRunTheLastValidVersionAfterARestartOnceCompactionLeftOnlyTheBrokenDocument() {
        final Engine before = new Engine();
        before.read(0, "a", doc("a", "99.9"));
        before.read(1, "a", BROKEN);
        // restart on the same state: Kafka Streams re-runs the processor over what the topic still holds,
        // which after compaction is the broken document alone
        final Engine after = new Engine();
        assertThat(after.registry.snapshot().byId().get("a").objective()).isEqualTo(99.9);
        assertThat(after.registry.snapshot().invalid().get("a").keptPrevious()).isTrue();
        after.read(1, "a", BROKEN);
        assertThat(after.registry.snapshot().byId().get("a").objective()).isEqualTo(99.9);
        assertThat(after.registry.snapshot().invalid().get("a").offset()).isEqualTo(1);
    }

    @Test
    void shouldRefuseADocumentWhoseKeyIsNotItsName() {
        final Engine e = new Engine();
        e.read(0, "b", doc("a", "99.9"));
        assertThat(e.registry.snapshot().byId()).isEmpty();
        assertThat(e.registry.snapshot().invalid().get("b")).satisfies(i -> {
            assertThat(i.reason()).isEqualTo("key-mismatch");
            assertThat(i.keptPrevious()).isFalse();
            assertThat(i.detail()).isEqualTo("topic burnrate.slos key 'b': metadata.name is 'a': the key must be the "
                    + "SLO's metadata.name");
        });
    }

    @Test
    void shouldRefuseNewSlosPastTheEngineLimitButStillRedefineExistingOnes() {
        final Engine e = new Engine(SloLimits.DEFAULTS.withMaxSlos(2));
        e.read(0, "a", doc("a", "99.9"));
        e.read(1, "b", doc("b", "99.9"));
        e.read(2, "c", doc("c", "99.9"));
        e.read(3, "a", doc("a", "99"));
        assertThat(e.registry.snapshot().byId()).containsOnlyKeys("a", "b");
        assertThat(e.registry.snapshot().byId().get("a").objective()).isEqualTo(99.0);
        assertThat(e.registry.snapshot().invalid().get("c").detail()).isEqualTo("topic burnrate.slos key 'c': the "
                + "engine already holds 2 SLOs, the limit (slo.max-slos = 2)");
        assertThat(deadLetters).containsExactly("c limit offset 2");
    }

    @Test
    void shouldRefuseAKeyThatIsNotAValidNameWithoutEchoingIt() {
        final Engine e = new Engine();
        final String key = "x/".repeat(5_000);
        e.read(0, key, doc("a", "99.9"));
        assertThat(e.registry.snapshot().byId()).isEmpty();
        assertThat(e.registry.snapshot().invalid().get(key).detail())
                .startsWith("topic burnrate.slos key 'x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/...' (10000 characters)")
                .hasSizeLessThan(300);
    }

    @Test
    void shouldForgetTheFlagWhenTheSloIsDeleted() {
        final Engine e = new Engine();
        e.read(0, "a", doc("a", "99.9"));
        e.read(1, "a", BROKEN);
        e.read(2, "a", null);
        assertThat(e.registry.snapshot().byId()).isEmpty();
        assertThat(e.registry.snapshot().invalid()).isEmpty();
        assertThat(new Engine().registry.snapshot().invalid()).isEmpty();
    }
}
