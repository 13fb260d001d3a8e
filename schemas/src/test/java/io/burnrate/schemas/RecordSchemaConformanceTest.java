package io.burnrate.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Serializes real record instances with {@link JsonSerde} and validates the bytes against
 * the record's schema, so records and schemas cannot drift apart: a renamed or added
 * record field breaks these tests (the output schemas reject unknown fields and require
 * every field).
 */
class RecordSchemaConformanceTest {

    static Stream<Arguments> records() {
        return Stream.of(
                Arguments.of("firing alert", AlertTransition.class, RecordFixtures.firingAlert(), Schemas.ALERT_TRANSITION),
                Arguments.of("resolved alert, nulls", AlertTransition.class, RecordFixtures.resolvedAlert(),
                        Schemas.ALERT_TRANSITION),
                Arguments.of("burning status", StatusSnapshot.class, RecordFixtures.burningStatus(), Schemas.STATUS_SNAPSHOT),
                Arguments.of("quiet status, nulls", StatusSnapshot.class, RecordFixtures.quietStatus(),
                        Schemas.STATUS_SNAPSHOT),
                Arguments.of("request with status", RequestEvent.class, RecordFixtures.statusRequest(),
                        Schemas.REQUEST_EVENT),
                Arguments.of("request with outcome only", RequestEvent.class, RecordFixtures.outcomeRequest(),
                        Schemas.REQUEST_EVENT),
                Arguments.of("dead letter", DeadLetter.class, RecordFixtures.deadLetter(), Schemas.DEAD_LETTER),
                Arguments.of("counts, start and end", CountsRecord.class, RecordFixtures.startEndCounts(),
                        Schemas.COUNT_RECORD),
                Arguments.of("counts, timestamp and interval", CountsRecord.class, RecordFixtures.intervalCounts(),
                        Schemas.COUNT_RECORD),
                Arguments.of("overspent month", ComplianceSummary.class, RecordFixtures.overspentMonth(),
                        Schemas.COMPLIANCE_SUMMARY),
                Arguments.of("quiet hour, nulls", ComplianceSummary.class, RecordFixtures.quietHour(),
                        Schemas.COMPLIANCE_SUMMARY),
                Arguments.of("budget threshold crossed down", BudgetPolicyEvent.class, RecordFixtures.budgetDown(),
                        Schemas.BUDGET_POLICY_EVENT),
                Arguments.of("budget recovered, no action", BudgetPolicyEvent.class,
                        RecordFixtures.budgetUpWithoutAction(), Schemas.BUDGET_POLICY_EVENT),
                Arguments.of("back-test report", BacktestReport.class, RecordFixtures.backtest(), Schemas.BACKTEST_REPORT));
    }

    @Test
    void shouldCoverEveryOutputAndInputSchemaButTheSloSpec() {
        final Set<String> covered = new HashSet<>();
        records().forEach(a -> covered.add((String) a.get()[3]));
        assertThat(covered).containsExactlyInAnyOrderElementsOf(
                Schemas.ALL.stream().filter(s -> !s.equals(Schemas.SLO_SPEC)).toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    <T> void shouldSerializeRecordsThatValidateAgainstTheirSchema(final String name, final Class<T> type, final T value,
                                                                   final String schema) {
        final String json = new String(JsonSerde.of(type).serializer().serialize("topic", value), StandardCharsets.UTF_8);
        assertThat(SchemaValidator.errors(schema, json)).as(json).isEmpty();
    }

    @Test
    void shouldWriteAlertTransitionsInTheDocumentedShape() throws Exception {
        final byte[] bytes = JsonSerde.of(AlertTransition.class).serializer().serialize("burnrate.alerts",
                RecordFixtures.firingAlert());
        assertThat(Json.MAPPER.readTree(bytes)).isEqualTo(Json.MAPPER.readTree("""
                {"sloId":"checkout-availability","service":"checkout","rule":"page-1h-5m","severity":"page",
                 "state":"firing","at":"2025-03-01T12:00:00Z","startsAt":"2025-03-01T12:00:00Z","endsAt":null,
                 "longWindow":"PT1H","shortWindow":"PT5M","burnRateLong":20.0,"burnRateShort":31.5,
                 "threshold":14.4,"objective":99.9,"errorBudgetRemaining":0.97,"timeToExhaustion":"PT34H55M12S",
                 "budgetConsumedPercent":2.8,
                 "contributors":{"since":"2025-03-01T09:12:40Z",
                   "shortWindow":{"window":"PT5M","badEvents":36,"dimensions":[{"dimension":"operation","top":[
                     {"value":"POST /cart","badEvents":33,"share":0.9166666666666666},
                     {"value":"GET /cart","badEvents":3,"share":0.08333333333333333}],"untrackedBadEvents":0}]},
                   "longWindow":{"window":"PT1H","badEvents":280,"dimensions":[{"dimension":"operation","top":[
                     {"value":"POST /cart","badEvents":258,"share":0.9214285714285714}],"untrackedBadEvents":22}]}},
                 "labels":{"team":"payments","tier":"0"},
                 "annotations":{"summary":"checkout-availability: page-1h-5m firing",
                   "description":"SLO checkout-availability (checkout, objective 99.9% over 30d)",
                   "runbook_url":"https://runbooks.example/checkout"},
                 "fingerprint":"3fa2b1c0d9e8f712"}
                """));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).startsWith("{\"sloId\":");
    }

    @Test
    void shouldWriteStatusSnapshotsInTheDocumentedShape() throws Exception {
        final byte[] bytes = JsonSerde.of(StatusSnapshot.class).serializer().serialize("burnrate.status",
                RecordFixtures.quietStatus());
        assertThat(Json.MAPPER.readTree(bytes)).isEqualTo(Json.MAPPER.readTree("""
                {"sloId":"search","service":"search","at":"2025-03-01T12:00:00Z","objective":99.0,"window":"PT168H",
                 "windows":[{"window":"PT5M","total":0,"bad":0,"sli":null,"burnRate":0.0},
                            {"window":"PT168H","total":0,"bad":0,"sli":null,"burnRate":0.0}],
                 "errorBudgetRemaining":1.0,"timeToExhaustion":null,"firing":[],"labels":{}}
                """));
    }

    @Test
    void shouldWriteComplianceSummariesInTheDocumentedShape() throws Exception {
        final byte[] bytes = JsonSerde.of(ComplianceSummary.class).serializer().serialize("burnrate.compliance",
                RecordFixtures.overspentMonth());
        assertThat(Json.MAPPER.readTree(bytes)).isEqualTo(Json.MAPPER.readTree("""
                {"sloId":"checkout-availability","service":"checkout","labels":{"team":"payments","tier":"0"},
                 "period":{"kind":"month","start":"2026-03-01T00:00:00Z","end":"2026-04-01T00:00:00Z"},
                 "total":1000000,"good":998800,"bad":1200,"sli":0.9988,"objective":99.9,"met":false,
                 "errorBudget":{"allowedBad":1000.0,"consumedBad":1200,"remainingFraction":-0.2},
                 "latency":{"p50Ms":41.2,"p95Ms":180.5,"p99Ms":912.0},
                 "badMinutes":17,"alerts":{"page":2,"ticket":1},"timeInAlert":"PT1H25M","revision":1}
                """));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).startsWith("{\"sloId\":");
    }

    @Test
    void shouldWriteBudgetPolicyEventsInTheDocumentedShape() {
        final byte[] bytes = JsonSerde.of(BudgetPolicyEvent.class).serializer().serialize("burnrate.budget-policy",
                RecordFixtures.budgetUpWithoutAction());
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(
                "{\"sloId\":\"search\",\"service\":\"search\",\"threshold\":50.0,\"direction\":\"up\","
                        + "\"remainingFraction\":0.51,\"action\":null,\"at\":\"2025-03-01T12:00:00Z\",\"labels\":{}}");
    }

    @Test
    void shouldWriteRequestTimestampsAsEpochMillisAndOmitAbsentFields() throws Exception {
        final byte[] bytes = JsonSerde.of(RequestEvent.class).serializer().serialize("burnrate.requests",
                RecordFixtures.outcomeRequest());
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(
                "{\"service\":\"billing-worker\",\"timestamp\":946684800000,\"latencyMs\":0.0,\"outcome\":\"error\"}");
    }

    @Test
    void shouldWriteDeadLettersInTheDocumentedShape() {
        final byte[] bytes = JsonSerde.of(DeadLetter.class).serializer().serialize("dlq", new DeadLetter(1, "late", "too old",
                "{}"));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(
                "{\"lineNumber\":1,\"reason\":\"late\",\"detail\":\"too old\",\"line\":\"{}\"}");
    }
}
