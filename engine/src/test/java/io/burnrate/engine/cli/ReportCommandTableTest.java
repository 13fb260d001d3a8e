package io.burnrate.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.schemas.ComplianceSummary;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report table: units on every duration, and columns that stay put whatever the values' widths. */
class ReportCommandTableTest {

    private static ComplianceSummary summary(final String id, final long total, final long bad, final double allowed,
                                             final Duration inAlert) {
        final Instant start = Instant.parse("2026-01-01T00:00:00Z");
        return new ComplianceSummary(id, "checkout", Map.of(),
                new ComplianceSummary.Period("rolling", start, start.plus(Duration.ofDays(30))),
                total, total - bad, bad, (total - bad) / (double) total, 99.9, bad <= allowed,
                new ComplianceSummary.ErrorBudget(allowed, bad, 1 - bad / allowed),
                new ComplianceSummary.Latency(10.0, 20.0, 1234.5), bad / 100, new ComplianceSummary.Alerts(3, 12),
                inAlert);
    }

    private static List<String> print(final ComplianceSummary... rows) {
        final StringWriter s = new StringWriter();
        try (PrintWriter out = new PrintWriter(s)) {
            ReportCommand.print(out, List.of(rows));
        }
        return s.toString().lines().toList();
    }

    @Test
    void shouldShowNoTimeInAlertAs0sLikeTheOtherDurations() {
        // before: "IN ALERT" showed a bare 0 next to rows such as 59m56s
        final List<String> lines = print(summary("checkout-availability", 72_000, 10, 72, Duration.ZERO),
                summary("checkout-latency", 72_000, 6_000, 72, Duration.ofSeconds(3596)));
        assertThat(lines.get(1)).endsWith(" 0s");
        assertThat(lines.get(3)).endsWith(" 59m56s");
    }

    @Test
    void shouldKeepColumnsAlignedWithLargeNegativeBudgets() {
        // before: -83233.3% was wider than the LEFT column and pushed P99, BAD MIN, ALERTS and IN ALERT right
        final List<String> lines = print(summary("checkout-latency", 72_000, 60_000, 72, Duration.ofSeconds(3596)),
                summary("checkout-availability", 72_000, 10, 72, Duration.ZERO));
        final String header = lines.get(0);
        final String negative = lines.get(1);
        final String positive = lines.get(3);
        assertThat(negative).contains("-83233.3%");
        assertThat(positive).contains("86.1%");
        for (final String column : List.of("LEFT", "P99", "BAD MIN")) {
            final int end = header.indexOf(column) + column.length();
            assertThat(negative.charAt(end - 1)).as(column + " right-aligned under its header").isNotEqualTo(' ');
            assertThat(positive.charAt(end - 1)).as(column + " right-aligned under its header").isNotEqualTo(' ');
            assertThat(end == negative.length() || negative.charAt(end) == ' ').isTrue();
        }
        for (final String column : List.of("ALERTS", "IN ALERT")) {
            final int at = header.lastIndexOf(column); // "BAD MIN ALERTS" contains "IN ALERT"
            assertThat(negative.charAt(at - 1)).isEqualTo(' ');
            assertThat(negative.charAt(at)).isNotEqualTo(' ');
            assertThat(positive.substring(at)).doesNotStartWith(" ");
        }
        assertThat(lines.get(2)).isEqualTo("  sli 0.166667 (12000 good / 72000 requests; 60000 bad of 72 allowed)");
    }

    @Test
    void shouldSizeColumnsToTheLongestCell() {
        final String id = "a-very-long-slo-name-that-is-longer-than-twenty-eight";
        final List<String> lines = print(summary(id, 72_000, 10, 72, Duration.ZERO),
                summary("short", 72_000, 10, 72, Duration.ZERO));
        assertThat(lines.get(0).indexOf("PERIOD")).isEqualTo(id.length() + 1);
        assertThat(lines.get(3).indexOf("rolling")).isEqualTo(id.length() + 1);
    }
}
