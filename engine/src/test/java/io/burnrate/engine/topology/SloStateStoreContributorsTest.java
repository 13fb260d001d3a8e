package io.burnrate.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.ingest.RequestRecord;
import io.burnrate.engine.monitor.SloMonitor;
import io.burnrate.engine.monitor.SloStateCodec;
import io.burnrate.engine.slo.AlertWindow;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.testing.Specs;
import io.burnrate.schemas.AlertTransition;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Contributors survive a restart exactly: a store restarted from its last flush and fed the
 * same later events explains every rule as a store that never stopped.
 */
class SloStateStoreContributorsTest {

    private static final long T = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    private static final String ID = "checkout-availability";

    private KeyValueStore<Bytes, byte[]> inner;

    @BeforeEach
    void open() {
        inner = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("slo-state"), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        inner.init(context.getStateStoreContext(), inner);
    }

    private static SloSpec spec() {
        return Specs.parse(Specs.availabilityYaml(ID, "checkout", 0) + "    explainBy: [region]\n").get(0).spec();
    }

    /**
     * Two hours, one event every 10 s: every third bad, over 45 operations (more than the
     * table's 32, so values are evicted) and three regions; the store flushes after the
     * first hour and restarts; both go on with the second hour.
     */
    @Test
    void shouldExplainAfterARestartAsWithout() {
        final SloSpec spec = spec();
        final SloStateStore first = new SloStateStore(inner);
        final SloMonitor uninterrupted = first.monitor(spec);
        send(uninterrupted, 0, 360);
        first.markDirty(ID);
        first.flushCache();
        assertThat(inner.get(Bytes.wrap(SloStateCodec.contributorsKey(ID)))).isNotNull();

        final SloMonitor restored = new SloStateStore(inner).monitor(spec);
        assertThat(explainAll(restored)).isEqualTo(explainAll(uninterrupted));
        send(uninterrupted, 360, 720);
        send(restored, 360, 720);

        final String expected = explainAll(uninterrupted);
        assertThat(explainAll(restored)).isEqualTo(expected);
        assertThat(expected).contains("untrackedBadEvents=").contains("eu-west-1").doesNotContain("since=2");
    }

    @Test
    void shouldDropTheStoredContributorsWithTheSlo() {
        final SloStateStore store = new SloStateStore(inner);
        send(store.monitor(spec()), 0, 30);
        store.markDirty(ID);
        store.flushCache();
        store.remove(ID);
        store.flushCache();
        assertThat(store.storedEntries(ID)).isZero();
    }

    private static void send(final SloMonitor m, final int from, final int to) {
        for (int i = from; i < to; i++) {
            final long ts = T + 10_000L * i;
            final boolean bad = i % 3 == 0;
            final String op = String.format(Locale.ROOT, "op-%02d", i % 45);
            final String region = i % 5 == 0 ? "us-east-1" : i % 7 == 0 ? "ap-south-1" : "eu-west-1";
            m.advanceTo(ts);
            m.record(ts, 1, bad ? 1 : 0, 5);
            if (bad) {
                m.contributors().recordBad(ts, new RequestRecord("checkout", ts, 5, 500, false, op,
                        Map.of("region", region), new byte[0]));
            }
        }
    }

    /** Every rule's contributors at the monitor's time, as text (records compare by value). */
    private static String explainAll(final SloMonitor m) {
        final StringBuilder b = new StringBuilder();
        for (final AlertWindow w : m.spec().alerts()) {
            final AlertTransition.Contributors c = m.contributors().explain(w.shortWindow(), w.longWindow(),
                    m.counts().now());
            b.append(w.ruleName()).append(' ').append(c).append('\n');
        }
        return b.toString();
    }
}
