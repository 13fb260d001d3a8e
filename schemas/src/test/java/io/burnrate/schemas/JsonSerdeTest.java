package io.burnrate.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonSerdeTest {

    static Stream<Arguments> records() {
        return Stream.of(
                Arguments.of(AlertTransition.class, RecordFixtures.firingAlert()),
                Arguments.of(AlertTransition.class, RecordFixtures.resolvedAlert()),
                Arguments.of(StatusSnapshot.class, RecordFixtures.burningStatus()),
                Arguments.of(StatusSnapshot.class, RecordFixtures.quietStatus()),
                Arguments.of(RequestEvent.class, RecordFixtures.statusRequest()),
                Arguments.of(RequestEvent.class, RecordFixtures.outcomeRequest()),
                Arguments.of(DeadLetter.class, RecordFixtures.deadLetter()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    <T> void shouldRoundTripRecords(final Class<T> type, final T value) {
        final JsonSerde<T> serde = JsonSerde.of(type);
        final byte[] bytes = serde.serializer().serialize("topic", value);
        assertThat(serde.deserializer().deserialize("topic", bytes)).isEqualTo(value);
    }

    @Test
    void shouldMapNullToNull() {
        final JsonSerde<AlertTransition> serde = JsonSerde.of(AlertTransition.class);
        assertThat(serde.serializer().serialize("topic", null)).isNull();
        assertThat(serde.deserializer().deserialize("topic", null)).isNull();
    }

    @Test
    void shouldThrowSerializationExceptionOnGarbage() {
        final JsonSerde<StatusSnapshot> serde = JsonSerde.of(StatusSnapshot.class);
        assertThatThrownBy(() -> serde.deserializer().deserialize("topic", "not json {".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("StatusSnapshot");
    }

    @Test
    void shouldThrowSerializationExceptionOnWrongFieldType() {
        final JsonSerde<DeadLetter> serde = JsonSerde.of(DeadLetter.class);
        assertThatThrownBy(() -> serde.deserializer().deserialize("topic",
                "{\"lineNumber\":\"seventeen\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("DeadLetter");
    }

    @Test
    void shouldIgnoreUnknownFieldsOnRead() {
        final DeadLetter read = JsonSerde.of(DeadLetter.class).deserializer().deserialize("topic",
                "{\"lineNumber\":2,\"reason\":\"late\",\"detail\":\"d\",\"line\":\"l\",\"newField\":true}"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(read).isEqualTo(new DeadLetter(2, "late", "d", "l"));
    }
}
