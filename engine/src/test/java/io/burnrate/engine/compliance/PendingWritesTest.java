package io.burnrate.engine.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.slo.CompliancePeriod;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PendingWritesTest {

    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @Test
    void shouldKeyByRoleKindAndStart() {
        final CompliancePeriod hour = Periods.hour(T0);
        assertThat(PendingWrites.key(ComplianceTracker.OPEN, hour)).isEqualTo("oh0000019cadfd8900");
        assertThat(PendingWrites.key(ComplianceTracker.PART, Periods.day(T0))).isEqualTo("rd0000019cabd83800");
    }

    @Test
    void shouldWriteTheLatestStateAndDeleteWhatWasDropped() {
        final PendingWrites w = new PendingWrites();
        assertThat(w.isEmpty()).isTrue();
        final ComplianceAccumulator hour = new ComplianceAccumulator(Periods.hour(T0), 99.0);
        final ComplianceAccumulator day = new ComplianceAccumulator(Periods.day(T0), 99.0);
        w.write("a", hour);
        w.write("b", day);
        w.delete("b");
        w.delete("c");
        assertThat(w.isDirty("a")).isTrue();
        assertThat(w.isDirty("b")).isFalse();
        assertThat(w.isPending("b")).isTrue();
        assertThat(w.isPending("d")).isFalse();
        hour.add(T0.toEpochMilli(), 3, 1, 5); // written as it is at the commit
        final Map<String, byte[]> drained = w.drain();
        assertThat(drained).containsOnlyKeys("a", "b", "c");
        assertThat(drained.get("a")).isEqualTo(AccumulatorCodec.encode(hour));
        assertThat(drained.get("b")).isNull();
        assertThat(drained.get("c")).isNull();
        assertThat(w.isEmpty()).isTrue();
        assertThat(w.drain()).isEmpty();
    }

    @Test
    void shouldWriteAKeyDeletedAndWrittenAgain() {
        final PendingWrites w = new PendingWrites();
        final ComplianceAccumulator hour = new ComplianceAccumulator(Periods.hour(T0), 99.0);
        w.delete("a");
        w.write("a", hour);
        assertThat(w.drain().get("a")).isEqualTo(AccumulatorCodec.encode(hour));
    }
}
