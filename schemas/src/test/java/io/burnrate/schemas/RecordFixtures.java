package io.burnrate.schemas;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Hand-written record instances shared by the serde and schema-conformance tests. */
final class RecordFixtures {

    static final Instant NOON = Instant.parse("2025-03-01T12:00:00Z");

    private RecordFixtures() {
    }

    static AlertTransition firingAlert() {
        return new AlertTransition(
                "checkout-availability", "checkout", "page-1h-5m", "page", AlertTransition.FIRING,
                NOON, NOON, null,
                Duration.ofHours(1), Duration.ofMinutes(5),
                20.0, 31.5, 14.4, 99.9, 0.97, Duration.ofSeconds(125_712), 2.8,
                new AlertTransition.Contributors(Instant.parse("2025-03-01T09:12:40Z"),
                        new AlertTransition.Window(Duration.ofMinutes(5), 36, List.of(
                                new AlertTransition.Dimension("operation", List.of(
                                        new AlertTransition.Contributor("POST /cart", 33, 33 / 36.0),
                                        new AlertTransition.Contributor("GET /cart", 3, 3 / 36.0)), 0))),
                        new AlertTransition.Window(Duration.ofHours(1), 280, List.of(
                                new AlertTransition.Dimension("operation", List.of(
                                        new AlertTransition.Contributor("POST /cart", 258, 258 / 280.0)), 22)))),
                Map.of("team", "payments", "tier", "0"),
                new AlertTransition.Annotations(
                        "checkout-availability: page-1h-5m firing",
                        "SLO checkout-availability (checkout, objective 99.9% over 30d)",
                        "https://runbooks.example/checkout"),
                "3fa2b1c0d9e8f712");
    }

    static AlertTransition resolvedAlert() {
        return new AlertTransition(
                "search", "search", "ticket-3d-6h", "ticket", AlertTransition.RESOLVED,
                Instant.parse("2025-03-04T08:30:00.125Z"), Instant.parse("2025-03-03T22:00:00Z"),
                Instant.parse("2025-03-04T08:30:00.125Z"),
                Duration.ofDays(3), Duration.ofHours(6),
                0.5, 0.0, 1.0, 99.0, -0.25, null,
                Map.of(),
                new AlertTransition.Annotations("search: ticket-3d-6h resolved", "", null),
                "00ff00ff00ff00ff");
    }

    static StatusSnapshot burningStatus() {
        return new StatusSnapshot(
                "checkout-availability", "checkout", NOON, 99.9, Duration.ofDays(30),
                List.of(
                        new StatusSnapshot.WindowStatus(Duration.ofMinutes(5), 1200, 36, 0.97, 30.0),
                        new StatusSnapshot.WindowStatus(Duration.ofHours(1), 14_000, 280, 0.98, 20.0),
                        new StatusSnapshot.WindowStatus(Duration.ofDays(30), 10_000_000, 300, 0.99997, 0.03)),
                0.97, Duration.ZERO, List.of("page-1h-5m"), Map.of("team", "payments"));
    }

    static StatusSnapshot quietStatus() {
        return new StatusSnapshot(
                "search", "search", NOON, 99.0, Duration.ofDays(7),
                List.of(new StatusSnapshot.WindowStatus(Duration.ofMinutes(5), 0, 0, null, 0.0),
                        new StatusSnapshot.WindowStatus(Duration.ofDays(7), 0, 0, null, 0.0)),
                1.0, null, List.of(), Map.of());
    }

    static RequestEvent statusRequest() {
        return new RequestEvent("checkout", 1_740_830_400_250L, 42.5, 503, null, "POST /cart",
                Map.of("region", "eu-west-1"));
    }

    static RequestEvent outcomeRequest() {
        return new RequestEvent("billing-worker", 946684800000L, 0.0, null, "error", null, null);
    }

    static CountsRecord startEndCounts() {
        return new CountsRecord("checkout", "POST /cart", Map.of("region", "eu-west-1"), 1_740_830_400_000L,
                1_740_830_460_000L, null, null, 1200, 3L, null, Map.of("300", 12L), "relay-7/checkout/1740830400000");
    }

    static CountsRecord intervalCounts() {
        return new CountsRecord("checkout", null, null, null, null, 1_740_830_460_000L, 60, 1200, null, 1197L, null, null);
    }

    static DeadLetter deadLetter() {
        return new DeadLetter(17, "invalid-timestamp", "timestamp 'yesterday' is neither epoch milliseconds nor RFC 3339",
                "{\"service\":\"checkout\",\"timestamp\":\"yesterday\",\"latencyMs\":3,\"status\":200}");
    }

    static ComplianceSummary overspentMonth() {
        return new ComplianceSummary(
                "checkout-availability", "checkout", Map.of("team", "payments", "tier", "0"),
                new ComplianceSummary.Period(ComplianceSummary.MONTH, Instant.parse("2026-03-01T00:00:00Z"),
                        Instant.parse("2026-04-01T00:00:00Z")),
                1_000_000, 998_800, 1_200, 0.9988, 99.9, false,
                new ComplianceSummary.ErrorBudget(1000.0, 1_200, -0.2),
                new ComplianceSummary.Latency(41.2, 180.5, 912.0),
                17, new ComplianceSummary.Alerts(2, 1), Duration.ofMinutes(85), 1);
    }

    static ComplianceSummary quietHour() {
        return new ComplianceSummary(
                "search", "search", Map.of(),
                new ComplianceSummary.Period(ComplianceSummary.HOUR, NOON, NOON.plus(Duration.ofHours(1))),
                0, 0, 0, null, 99.0, true,
                new ComplianceSummary.ErrorBudget(0.0, 0, 1.0),
                new ComplianceSummary.Latency(null, null, null),
                0, new ComplianceSummary.Alerts(0, 0), Duration.ZERO);
    }

    static BudgetPolicyEvent budgetDown() {
        return new BudgetPolicyEvent("checkout-availability", "checkout", 25.0, BudgetPolicyEvent.DOWN, 0.24,
                "freeze-releases", NOON, Map.of("team", "payments"));
    }

    static BudgetPolicyEvent budgetUpWithoutAction() {
        return new BudgetPolicyEvent("search", "search", 50.0, BudgetPolicyEvent.UP, 0.51, null, NOON, Map.of());
    }

    static BacktestReport backtest() {
        final BacktestReport.Stats none = new BacktestReport.Stats(0, null, null, null);
        return new BacktestReport(NOON, NOON.plus(Duration.ofDays(7)), 6_048_000, BacktestReport.FROM_FILE,
                Duration.ofMinutes(15), Duration.ofMinutes(15),
                List.of(new BacktestReport.Policy("google-30d", "catalogue", 2, 1, 2.0, 1, 1, 1, 0, 0.5,
                                new BacktestReport.Stats(1, 36.0, 36.0, 36.0), new BacktestReport.Stats(1, 36.0, 36.0, 36.0),
                                75.5, 0),
                        new BacktestReport.Policy("quiet", "quiet.yaml", 0, 0, 0.0, 0, 0, 0, 1, null, none, none, 0.0, 0)),
                List.of(new BacktestReport.Incident("checkout", null, "outage", NOON.plus(Duration.ofHours(1)),
                        NOON.plus(Duration.ofMinutes(70)),
                        List.of(new BacktestReport.Detection("google-30d", true, true, "checkout-availability/page-1h-5m",
                                        36.0, 36.0, 1.39),
                                new BacktestReport.Detection("quiet", false, false, null, null, null, 23.1)))));
    }
}
