package io.burnrate.engine.compliance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.engine.slo.BudgetingMethod;
import io.burnrate.engine.slo.CompliancePeriod;
import io.burnrate.engine.slo.Severity;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stored format of a compliance accumulator, pinned: a restarted engine must read
 * what the previous one wrote. The hex strings are what the engine wrote before the codec
 * moved out of {@link ComplianceAccumulator}; the hand-made example spells one of them out
 * field by field.
 */
class AccumulatorCodecTest {

    private static final long T0 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;

    /** An hour, objective 99, occurrences: 10 requests (1 bad, 0 ms) at 10:00:01, a page firing since 10:01. */
    private static final String HOUR_PAGING = "010004686f75720000019cadfd89000000019cae3477804058c00000000000000000"
            + "00000493e0000000000401048660000000000000000a0000000000000001000000000000000100000000000000000000"
            + "0001000000000000019cadfe73600000000000000000000000000000000000000000000000000000000001c2c1930000"
            + "019cadfd8ce8000000010000000001c2c198000000000000000a0000000000000009";
    /** A day, objective 99.5, 1-minute slices at 0.9: 4 good requests at 10:00, a ticket firing 10:01 .. 10:02. */
    private static final String DAY_TIMESLICES = "0100036461790000019cabd838000000019cb0fe94004058e000000000000000"
            + "0000000493e0010003302e39000000000000ea600000000401048440000000000000000400000000000000000000000"
            + "000000000000000000000000100000000000000000000019cadfe7360000000000000ea6000000000000000000000000"
            + "0000000000000000001c2c1930000019cadfd8900000000010000000001c2c1980000000000000004000000000000000"
            + "4000000000000000000000000000000000000000001c2c1930000019cadfd8900000000010000000001c2c198000000"
            + "00000000040000000000000004";

    private static ComplianceAccumulator hourPaging() {
        final ComplianceAccumulator a = new ComplianceAccumulator(Periods.hour(Instant.ofEpochMilli(T0)), 99.0,
                BudgetingMethod.OCCURRENCES, Duration.ofMinutes(5));
        a.add(T0 + 1_000, 10, 1, 0.0);
        a.onAlert(Severity.PAGE, true, Instant.ofEpochMilli(T0 + MINUTE));
        return a;
    }

    private static ComplianceAccumulator dayTimeslices() {
        final ComplianceAccumulator a = new ComplianceAccumulator(Periods.day(Instant.ofEpochMilli(T0)), 99.5,
                new BudgetingMethod.Timeslices(0.9), Duration.ofMinutes(5));
        a.add(T0, 4, 0, 0.0);
        a.onAlert(Severity.TICKET, true, Instant.ofEpochMilli(T0 + MINUTE));
        a.onAlert(Severity.TICKET, false, Instant.ofEpochMilli(T0 + 2 * MINUTE));
        return a;
    }

    /** {@link #HOUR_PAGING}, one field at a time. */
    private static byte[] handMadeHourPaging() throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(1);                                  // format
        out.writeUTF("hour");                              // period kind (2-byte length, then UTF-8)
        out.writeLong(T0);                                 // period start, 10:00
        out.writeLong(T0 + 60 * MINUTE);                   // period end, 11:00
        out.writeDouble(99.0);                             // objective
        out.writeLong(5 * MINUTE);                         // grace
        out.writeBoolean(false);                           // occurrences: no slice target and window follow
        final byte[] sketch = {1, 4, (byte) 0x86, 0x60};   // LatencySketch format 1, then DDSketch: ten zeros
        out.writeInt(sketch.length);
        out.write(sketch);
        out.writeLong(10);                                 // total
        out.writeLong(1);                                  // bad
        out.writeLong(1);                                  // pages fired
        out.writeLong(0);                                  // tickets fired
        out.writeInt(1);                                   // pages firing
        out.writeInt(0);                                   // tickets firing
        out.writeLong(T0 + MINUTE);                        // alerting since
        out.writeLong(0);                                  // alerted (closed) ms
        // the bad-minutes counter: settled good, settled with traffic, settled below (minute index),
        // newest event, then the open minutes (index, total, good)
        out.writeLong(0);
        out.writeLong(0);
        out.writeLong((T0 + 1_000 - 5 * MINUTE) / MINUTE);
        out.writeLong(T0 + 1_000);
        out.writeInt(1);
        out.writeLong(T0 / MINUTE);
        out.writeLong(10);
        out.writeLong(9);
        out.flush();
        return bytes.toByteArray();
    }

    @Test
    void shouldWriteTheFormatTheEngineAlwaysWrote() throws IOException {
        final LatencySketch tenZeros = new LatencySketch();
        tenZeros.add(0.0, 10);
        assertThat(tenZeros.toBytes()).as("the sketch inside the example").isEqualTo(new byte[] {1, 4, (byte) 0x86, 0x60});
        assertThat(handMadeHourPaging()).isEqualTo(HexFormat.of().parseHex(HOUR_PAGING));

        assertThat(HexFormat.of().formatHex(AccumulatorCodec.encode(hourPaging()))).isEqualTo(HOUR_PAGING);
        assertThat(HexFormat.of().formatHex(AccumulatorCodec.encode(dayTimeslices()))).isEqualTo(DAY_TIMESLICES);
    }

    @Test
    void shouldReadWhatTheEngineWroteBefore() throws IOException {
        final ComplianceAccumulator a = AccumulatorCodec.decode(handMadeHourPaging());
        final CompliancePeriod hour = Periods.hour(Instant.ofEpochMilli(T0));
        assertThat(a.period()).isEqualTo(hour);
        assertThat(a.objective()).isEqualTo(99.0);
        assertThat(a.method()).isEqualTo(BudgetingMethod.OCCURRENCES);
        assertThat(a.total()).isEqualTo(10);
        assertThat(a.bad()).isEqualTo(1);
        assertThat(a.pagesFired()).isEqualTo(1);
        assertThat(a.alertTime()).isEqualTo(new AlertTime(1, 0, T0 + MINUTE, 0));
        assertThat(a.timeInAlert(Instant.ofEpochMilli(T0 + 31 * MINUTE))).isEqualTo(Duration.ofMinutes(30));
        assertThat(a.summary("s", "s", Map.of(), hour.end())).isEqualTo(hourPaging().summary("s", "s", Map.of(), hour.end()));

        final ComplianceAccumulator b = AccumulatorCodec.decode(HexFormat.of().parseHex(DAY_TIMESLICES));
        assertThat(b.method()).isEqualTo(new BudgetingMethod.Timeslices(0.9));
        assertThat(b.slices()).isNotNull();
        assertThat(b.alertTime()).isEqualTo(new AlertTime(0, 0, T0 + MINUTE, MINUTE));
        assertThat(b.ticketsFired()).isEqualTo(1);
        final Instant end = b.period().end();
        assertThat(b.summary("s", "s", Map.of(), end)).isEqualTo(dayTimeslices().summary("s", "s", Map.of(), end));
    }

    /** Decoded accumulators keep accumulating as the original would, and encode to the same bytes again. */
    @Test
    void shouldRoundTripAndCarryOn() {
        for (final ComplianceAccumulator original : new ComplianceAccumulator[] {hourPaging(), dayTimeslices()}) {
            final byte[] bytes = AccumulatorCodec.encode(original);
            final ComplianceAccumulator back = AccumulatorCodec.decode(bytes);
            assertThat(AccumulatorCodec.encode(back)).isEqualTo(bytes);
            for (final ComplianceAccumulator a : new ComplianceAccumulator[] {original, back}) {
                a.add(T0 + 20 * MINUTE, 5, 5, 250);
                a.advanceTo(T0 + 40 * MINUTE);
                a.onAlert(Severity.PAGE, false, Instant.ofEpochMilli(T0 + 45 * MINUTE));
            }
            assertThat(AccumulatorCodec.encode(back)).isEqualTo(AccumulatorCodec.encode(original));
            final Instant end = original.period().end();
            assertThat(back.summary("s", "s", Map.of(), end)).isEqualTo(original.summary("s", "s", Map.of(), end));
        }
    }

    @Test
    void shouldRefuseWhatIsNotAnAccumulator() {
        final byte[] bytes = HexFormat.of().parseHex(HOUR_PAGING);
        assertThatThrownBy(() -> AccumulatorCodec.decode(new byte[] {7})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format 7");
        assertThatThrownBy(() -> AccumulatorCodec.decode(Arrays.copyOf(bytes, bytes.length + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing bytes");
        assertThatThrownBy(() -> AccumulatorCodec.decode(Arrays.copyOf(bytes, bytes.length - 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("corrupt compliance accumulator");
        assertThatThrownBy(() -> AccumulatorCodec.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
