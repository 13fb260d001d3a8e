package io.burnrate.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
                Arguments.of("dead letter", DeadLetter.class, RecordFixtures.deadLetter(), Schemas.DEAD_LETTER));
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
