package io.burnrate.engine.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.testing.Specs;
import io.burnrate.schemas.StatusSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReleaseGateTest {

    private static final Instant AT = Instant.parse("2026-03-02T10:00:00Z");

    private static SloSpec spec(final String budgetPolicy) {
        return Specs.parse(Specs.availabilityYaml("checkout-availability", "checkout", 0)
                + (budgetPolicy == null ? "" : "  budgetPolicy:\n    thresholds: " + budgetPolicy + "\n")).get(0).spec();
    }

    private static StatusSnapshot status(final double remaining, final String... firing) {
        return new StatusSnapshot("checkout-availability", "checkout", AT, 99.9, Duration.ofDays(30), List.of(), remaining,
                null, List.of(firing), Map.of());
    }

    private static final String POLICY = "[{percent: 50}, {percent: 25, action: notify-owners}, "
            + "{percent: 0, action: freeze-releases}]";

    @Test
    void shouldAllowWithTheWarningThresholdsCrossed() {
        // 20 % left: at or below 50 and 25 (warnings by default), above 0
        final ReleaseGate.SloAnswer a = ReleaseGate.evaluate(spec(POLICY), status(0.2));
        assertThat(a.decision()).isEqualTo("allow");
        assertThat(a.blocking()).isEmpty();
        assertThat(a.warning()).extracting(ReleaseGate.Threshold::percent).containsExactly(50.0, 25.0);
        assertThat(a.reason()).isEqualTo("checkout-availability: 20% of the error budget left, "
                + "below the warning threshold 25% (notify-owners)");
    }

    @Test
    void shouldDenyWhenTheBudgetIsSpentAndNamePagesThatFire() {
        // -12.34 % left: every threshold crossed; 0 % blocks (the default policy)
        final ReleaseGate.SloAnswer a = ReleaseGate.evaluate(spec(POLICY), status(-0.1234, "page-1h-5m", "ticket-1d-2h"));
        assertThat(a.decision()).isEqualTo("deny");
        assertThat(a.blocking()).containsExactly(new ReleaseGate.Threshold(0, "freeze-releases", "block"));
        assertThat(a.firingPages()).containsExactly("page-1h-5m");
        assertThat(a.reason()).isEqualTo("checkout-availability: -12.34% of the error budget left, at or below the "
                + "blocking threshold 0% (freeze-releases); below the warning threshold 25% (notify-owners); "
                + "paging: page-1h-5m");
    }

    @Test
    void shouldBlockExactlyAtTheThresholdAndNotAbove() {
        final SloSpec s = spec("[{percent: 25, gate: block}]");
        assertThat(ReleaseGate.evaluate(s, status(0.25)).decision()).as("at 25 %").isEqualTo("deny");
        assertThat(ReleaseGate.evaluate(s, status(0.2501)).decision()).as("above 25 %").isEqualTo("allow");
    }

    @Test
    void shouldFreezeAtZeroByDefaultEvenWithoutAZeroThreshold() {
        final SloSpec s = spec("[{percent: 50}]");
        assertThat(ReleaseGate.evaluate(s, status(0.0)).blocking())
                .containsExactly(new ReleaseGate.Threshold(0, null, "block"));
        // once a gate is stated the list is taken as written: nothing blocks here
        assertThat(ReleaseGate.evaluate(spec("[{percent: 50, gate: warn}]"), status(-1)).decision()).isEqualTo("allow");
    }

    @Test
    void shouldNotTellWithoutAStatus() {
        assertThat(ReleaseGate.evaluate(spec(null), null).decision()).isEqualTo("unknown");
        assertThat(ReleaseGate.evaluate(spec(null), status(Double.NaN)).decision()).isEqualTo("unknown");
    }

    @Test
    void shouldCombineDenyOverUnknownOverAllow() {
        final ReleaseGate.SloAnswer allow = ReleaseGate.evaluate(spec(POLICY), status(0.9));
        final ReleaseGate.SloAnswer deny = ReleaseGate.evaluate(spec(POLICY), status(-0.5));
        final ReleaseGate.SloAnswer unknown = ReleaseGate.evaluate(spec(POLICY), null);
        assertThat(ReleaseGate.combine("checkout", null, List.of(allow, unknown, deny)).decision()).isEqualTo("deny");
        assertThat(ReleaseGate.combine("checkout", null, List.of(allow, unknown)).decision()).isEqualTo("unknown");
        final ReleaseGate.Answer ok = ReleaseGate.combine("checkout", null, List.of(allow));
        assertThat(ok.allow()).isTrue();
        assertThat(ok.reason()).isEqualTo("allow: checkout-availability: 90% of the error budget left");
        final ReleaseGate.Answer none = ReleaseGate.combine("nope", null, List.of());
        assertThat(none.decision()).isEqualTo("unknown");
        assertThat(none.reason()).isEqualTo("no SLO is defined for service nope");
    }
}
