package io.burnrate.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.StatusSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The detail page says why a rule fires: the top contributors of both windows, escaped. */
class StatusPageWhyTest {

    private static final Instant AT = Instant.parse("2026-03-02T10:05:00Z");

    @Test
    void shouldListTheContributorsOfAFiringRule() {
        final AlertTransition.Window shortWindow = new AlertTransition.Window(Duration.ofMinutes(5), 284, List.of(
                new AlertTransition.Dimension("operation", List.of(
                        new AlertTransition.Contributor("POST /cart<b>", 275, 275 / 284.0)), 0)));
        final AlertTransition.Window longWindow = new AlertTransition.Window(Duration.ofHours(1), 310, List.of(
                new AlertTransition.Dimension("operation", List.of(
                        new AlertTransition.Contributor("POST /cart<b>", 300, 300 / 310.0)), 0)));
        final AlertTransition firing = new AlertTransition("checkout-availability", "checkout", "page-1h-5m", "page",
                AlertTransition.FIRING, AT, AT, null, Duration.ofHours(1), Duration.ofMinutes(5), 200, 300, 14.4, 99.9,
                0.5, Duration.ZERO, 12.5, new AlertTransition.Contributors(AT.minusSeconds(300), shortWindow, longWindow),
                Map.of(), new AlertTransition.Annotations("s", "d", null), "0123456789abcdef");
        final StatusSnapshot s = new StatusSnapshot("checkout-availability", "checkout", AT, 99.9, Duration.ofDays(30),
                List.of(new StatusSnapshot.WindowStatus(Duration.ofHours(1), 1501, 310, 0.8, 200.0)), 0.5, Duration.ZERO,
                List.of("page-1h-5m"), Map.of());
        final SloView v = new SloView("checkout-availability", "checkout", 99.9, "30d", Map.of(),
                List.of(new SloView.Rule("page-1h-5m", "page", 14.4, "1h", "5m")), s, null, null, null, List.of(firing));

        final String html = StatusPage.detail(v);

        assertThat(html).contains("<h2>Why it fires</h2>")
                .contains("12.5% of the error budget consumed")
                // 275 / 284 = 96.8 %, 300 / 310 = 96.8 %; the value is escaped
                .contains("<td>PT5M</td><td>operation</td><td>POST /cart&lt;b&gt;</td><td class=num>275 of 284</td>")
                .contains("<td>PT1H</td><td>operation</td><td>POST /cart&lt;b&gt;</td><td class=num>300 of 310</td>")
                .doesNotContain("POST /cart<b>");
    }
}
