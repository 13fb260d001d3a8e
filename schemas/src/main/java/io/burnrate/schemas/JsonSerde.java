package io.burnrate.schemas;

import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One class-typed JSON serde for every burnrate record: null in, null out; any failure
 * is wrapped in Kafka's {@link SerializationException} naming the target type.
 */
public final class JsonSerde<T> implements Serde<T> {

    private final Class<T> type;
    private final Serializer<T> serializer = this::write;
    private final Deserializer<T> deserializer = this::read;

    private JsonSerde(final Class<T> type) {
        this.type = type;
    }

    public static <T> JsonSerde<T> of(final Class<T> type) {
        return new JsonSerde<>(type);
    }

    public byte[] write(final String topic, final T data) {
        if (data == null) {
            return null;
        }
        try {
            return Json.MAPPER.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new SerializationException("cannot write " + type.getSimpleName() + " as JSON: " + e.getMessage(), e);
        }
    }

    public T read(final String topic, final byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(data, type);
        } catch (IOException e) {
            throw new SerializationException("cannot read " + type.getSimpleName() + " from JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
