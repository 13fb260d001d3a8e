package io.burnrate.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.engine.slo.BudgetAdjustment;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.engine.testing.Cli;
import io.burnrate.engine.testing.Specs;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/**
 * {@code burnrate slo adjust}: the argument checks (exit 2, one line, before any Kafka
 * connection) and the document it publishes. The SLO is 30d rolling: its window's counts are
 * in 1-hour buckets for the last 30 days (720), the 3d rule's in 10-minute ones for the last
 * 3 days, the 6h rule's in 1-minute ones for 6 hours, and so on.
 */
class SloAdjustCommandTest {

    private static final Instant NOW = Instant.parse("2026-03-10T12:34:56Z");

    private static byte[] checkout() {
        return SloSpecParser.toJson(Specs.parse(Specs.availabilityYaml("checkout-availability", "checkout", 0)).get(0)
                .document());
    }

    private static SloAdjustCommand.Range range(final String start, final String end, final String mode) {
        return SloAdjustCommand.range(start, end, mode, "planned migration CHG-1234");
    }

    @Test
    void shouldAppendTheRangeToTheDocument() throws Exception {
        final byte[] out = SloAdjustCommand.adjusted("checkout-availability", checkout(),
                range("2026-03-09T10:00:00Z", "2026-03-09T12:00:00+00:00", "exclude"), NOW);
        final SloSpec spec = SloSpecParser.parseJson(out, "test");
        assertThat(spec.budgetAdjustments()).containsExactly(new BudgetAdjustment("planned migration CHG-1234",
                BudgetAdjustment.Kind.EXCLUDE, Instant.parse("2026-03-09T10:00:00Z"), Duration.ofHours(2),
                ZoneId.of("UTC"), null));
        assertThat(spec.objective()).isEqualTo(99.9);
        // a second one appends, the same one again is refused
        final byte[] twice = SloAdjustCommand.adjusted("checkout-availability", out,
                range("2026-03-10T12:00:00Z", "2026-03-10T12:30:00Z", "markGood"), NOW);
        assertThat(SloSpecParser.parseJson(twice, "test").budgetAdjustments()).hasSize(2)
                .last().extracting(BudgetAdjustment::kind).isEqualTo(BudgetAdjustment.Kind.MARK_GOOD);
        assertThatThrownBy(() -> SloAdjustCommand.adjusted("checkout-availability", out,
                range("2026-03-09T10:00:00Z", "2026-03-09T12:00:00Z", "exclude"), NOW))
                .hasMessage("SLO checkout-availability already has this adjustment; nothing was published");
    }

    @Test
    void shouldRefuseAPastRangeTheEngineCannotCorrectExactly() {
        // 10:05 two days ago: inside an hour bucket, older than the 10-minute ones (3 days back reach it, but
        // 10:05 is not on a 10-minute boundary either), older than the 1-minute ones (6 hours)
        assertThatThrownBy(() -> SloAdjustCommand.adjusted("checkout-availability", checkout(),
                range("2026-03-08T10:05:00Z", "2026-03-08T11:00:00Z", "exclude"), NOW))
                .hasMessage("SLO checkout-availability: the engine keeps counts in buckets of 1h for the last 30d, "
                        + "10m for the last 3d, 1m for the last 6h, 5s for the last 1h, 1s for the last 5m; a past "
                        + "range must start within one of them on its bucket boundary and end on one (or after now), "
                        + "so it can be corrected exactly");
        // older than 30 days of hour buckets: the oldest kept starts at 2026-02-08T13:00 (720 hours before 12:00)
        assertThatThrownBy(() -> SloAdjustCommand.adjusted("checkout-availability", checkout(),
                range("2026-02-08T12:00:00Z", "2026-02-08T14:00:00Z", "exclude"), NOW))
                .hasMessageContaining("a past range must start within one of them");
        // 10:10 two days ago is on a 10-minute boundary within 3 days: exact
        assertThat(SloAdjustCommand.adjusted("checkout-availability", checkout(),
                range("2026-03-08T10:10:00Z", "2026-03-08T10:40:00Z", "exclude"), NOW)).isNotEmpty();
        // the first hour still kept, and a range running on past now, are exact too
        assertThat(SloAdjustCommand.check(spec(), Instant.parse("2026-02-08T13:00:00Z").toEpochMilli(),
                Instant.parse("2026-02-08T14:00:00Z").toEpochMilli(), NOW.toEpochMilli())).isNull();
        assertThat(SloAdjustCommand.check(spec(), Instant.parse("2026-03-10T12:00:00Z").toEpochMilli(),
                Instant.parse("2026-03-10T12:40:07Z").toEpochMilli(), NOW.toEpochMilli())).isNull();
    }

    @Test
    void shouldRefuseThePastOfATimeslicesOrACalendarSlo() {
        final SloSpec slices = Specs.parse(Specs.availabilityYaml("a", "checkout", 0)
                + "  budgetingMethod: Timeslices\n  timeSliceTarget: 0.95\n  timeSliceWindow: 1m\n").get(0).spec();
        assertThat(SloAdjustCommand.check(slices, NOW.minusSeconds(3600).toEpochMilli(), NOW.toEpochMilli(),
                NOW.toEpochMilli())).contains("past slices are not kept");
        assertThat(SloAdjustCommand.check(slices, NOW.toEpochMilli(), NOW.plusSeconds(3600).toEpochMilli(),
                NOW.toEpochMilli())).as("a range ahead is fine").isNull();
        final SloSpec month = Specs.parse(Specs.availabilityYaml("a", "checkout", 0)
                .replace("window: 30d", "window: {calendar: month, timeZone: UTC}")
                .replace("policy: google-30d", "policy: [{severity: page, budgetPercent: 2, longWindow: 1h, "
                        + "shortWindow: 5m}]")).get(0).spec();
        assertThat(SloAdjustCommand.check(month, Instant.parse("2026-02-28T10:00:00Z").toEpochMilli(),
                Instant.parse("2026-02-28T11:00:00Z").toEpochMilli(), NOW.toEpochMilli()))
                .isEqualTo("the range starts before the current month (2026-03-01T00:00:00Z), whose predecessors are "
                        + "published and no longer kept");
    }

    private static SloSpec spec() {
        return Specs.availability("checkout-availability", "checkout", 0);
    }

    @Test
    void shouldExitTwoWithOneLineForBadArguments() {
        final String[][] cases = {
            {"2026-03-09T10:00", "2026-03-09T12:00:00Z", "exclude",
                "burnrate slo adjust: --start '2026-03-09T10:00' is not an RFC 3339 date-time such as 2026-03-02T10:00:00Z"},
            {"2026-03-09T12:00:00Z", "2026-03-09T10:00:00Z", "exclude",
                "burnrate slo adjust: --end 2026-03-09T10:00:00Z must be after --start 2026-03-09T12:00:00Z"},
            {"2026-03-09T12:00:00Z", "2026-03-09T13:00:00Z", "ignore",
                "burnrate slo adjust: --mode must be exclude or markGood, not 'ignore'"},
            {"2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z", "exclude",
                "burnrate slo adjust: the range is 59d long, more than the 31d one adjustment may cover"},
        };
        for (final String[] c : cases) {
            final Cli.Run run = Cli.run("slo", "adjust", "--slo", "checkout-availability", "--start", c[0], "--end", c[1],
                    "--mode", c[2], "--bootstrap-servers", "127.0.0.1:1");
            assertThat(run.code()).as(c[3]).isEqualTo(2);
            assertThat(run.err()).isEqualTo(c[3] + System.lineSeparator());
        }
    }
}
