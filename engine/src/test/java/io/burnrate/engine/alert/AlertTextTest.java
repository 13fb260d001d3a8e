package io.burnrate.engine.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.testing.Specs;
import io.burnrate.schemas.AlertTransition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text an on-call person reads: budget consumed, projected exhaustion, top contributors. */
class AlertTextTest {

    private static final SloSpec SPEC = Specs.availability("checkout-availability", "checkout", 0);
    private static final Instant AT = Instant.parse("2025-03-01T12:00:00Z");

    @Test
    void shouldSayHowMuchBudgetWentAndWhenTheRestRunsOut() {
        // 97 % left at 20x over a 30d window: 0.97 x 720 h / 20 = 34.92 h = 34 h 55 min 12 s
        final Duration ttx = Duration.ofSeconds(125_712);
        assertThat(AlertText.summary(SPEC, "page-1h-5m", SPEC.alerts().get(0), true, 20, 14.4, 2.78, AT, ttx))
                .isEqualTo("checkout-availability: page-1h-5m firing, error budget burning 20x over 1h (threshold 14.4x); "
                        + "2.78% of the budget spent since it started, exhausted around 2025-03-02T22:55:12Z at this rate");
        assertThat(AlertText.summary(SPEC, "page-1h-5m", SPEC.alerts().get(0), false, 1, 14.4, 3.5, AT, ttx))
                .isEqualTo("checkout-availability: page-1h-5m resolved, error budget burning 1x over 1h (threshold 14.4x); "
                        + "3.5% of the budget spent since it started");
    }

    @Test
    void shouldNameTheTopValueOfEachDimensionInTheDescription() {
        final AlertTransition.Contributors why = new AlertTransition.Contributors(AT.minusSeconds(3600),
                new AlertTransition.Window(Duration.ofMinutes(5), 36, List.of(
                        new AlertTransition.Dimension("operation", List.of(
                                new AlertTransition.Contributor("POST /cart", 33, 33 / 36.0),
                                new AlertTransition.Contributor("GET /cart", 3, 3 / 36.0)), 0),
                        new AlertTransition.Dimension("region", List.of(
                                new AlertTransition.Contributor("eu-west-1", 32, 32 / 36.0)), 0))),
                new AlertTransition.Window(Duration.ofHours(1), 280, List.of(
                        new AlertTransition.Dimension("operation", List.of(
                                new AlertTransition.Contributor("POST /cart", 258, 258 / 280.0)), 22),
                        new AlertTransition.Dimension("region", List.of(
                                new AlertTransition.Contributor("eu-west-1", 246, 246 / 280.0)), 34))));
        // 33/36 = 91.67 %, 32/36 = 88.89 %, 258/280 = 92.14 %, 246/280 = 87.86 %
        assertThat(AlertText.description(SPEC, SPEC.alerts().get(0), 20, 31.5, 14.4, 0.97, 2.8, AT,
                Duration.ofSeconds(125_712), why)).isEqualTo("SLO checkout-availability (checkout, objective 99.9% "
                + "over 30d): burn rate 20 over 1h and 31.5 over 5m, threshold 14.4; 97% of the error budget left, "
                + "2.8% consumed since the alert started, exhausted around 2025-03-02T22:55:12Z at the 1h burn rate. "
                + "Bad events over 5m: operation=POST /cart 91.7%, region=eu-west-1 88.9%; "
                + "over 1h: operation=POST /cart 92.1%, region=eu-west-1 87.9%.");
    }
}
