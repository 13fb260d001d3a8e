package io.burnrate.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Counted ids: found by id and start, expired by start once a newer end is retention ahead. */
class CountIdsTest {

    private static final long T0 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
    private static final long MIN = 60_000;

    private KeyValueStore<Bytes, Long> store;
    private CountIds ids;

    @BeforeEach
    void open() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("count-ids"), Serdes.Bytes(), Serdes.Long())
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<Void, Void>().getStateStoreContext(), store);
        ids = new CountIds(store, Duration.ofHours(1));
    }

    @Test
    void shouldFindARecordByItsIdAndStartOnly() {
        ids.remember("a", T0, T0 + MIN);
        assertThat(ids.counted("a", T0)).isTrue();
        assertThat(ids.counted("a", T0 + MIN)).as("same id, next interval").isFalse();
        assertThat(ids.counted("b", T0)).as("other id, same start").isFalse();
        assertThat(ids.counted("", T0)).as("empty id").isFalse();
    }

    @Test
    void shouldExpireStartsMoreThanTheRetentionBeforeTheNewestEnd() {
        ids.remember("a", T0, T0 + MIN);                  // expiry ran at end T0+1m: cutoff T0-59m
        ids.remember("b", T0 + 10 * MIN, T0 + 11 * MIN);  // 10 min later: expiry runs, cutoff T0-49m
        assertThat(ids.counted("a", T0)).isTrue();
        // end T0+62m: cutoff T0+2m, so a (start T0) goes, b (start T0+10m) stays
        ids.remember("c", T0 + 61 * MIN, T0 + 62 * MIN);
        assertThat(ids.counted("a", T0)).as("a expired").isFalse();
        assertThat(ids.counted("b", T0 + 10 * MIN)).isTrue();
        assertThat(ids.counted("c", T0 + 61 * MIN)).isTrue();
        assertThat(store.approximateNumEntries()).isEqualTo(2);
    }

    @Test
    void shouldNotScanMoreThanOnceAMinuteOfEventTime() {
        ids.remember("a", T0, T0 + MIN);
        // ends 30 s apart: the second is within a minute of the last expiry, which therefore does not run
        store.put(Bytes.wrap("left over".getBytes(StandardCharsets.UTF_8)), 1L);
        ids.remember("b", T0 + MIN, T0 + MIN + 30_000);
        assertThat(store.get(Bytes.wrap("left over".getBytes(StandardCharsets.UTF_8)))).isEqualTo(1L);
        ids.remember("c", T0 + 2 * MIN, T0 + 2 * MIN + 1);
        assertThat(store.get(Bytes.wrap("left over".getBytes(StandardCharsets.UTF_8))))
                .as("a key of another layout (an old window-store key) is deleted by the next expiry").isNull();
    }
}
