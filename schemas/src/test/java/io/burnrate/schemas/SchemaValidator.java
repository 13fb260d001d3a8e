package io.burnrate.schemas;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates JSON text against the schemas in this module with networknt
 * json-schema-validator (3.x: its own Jackson 3 tree, so documents are handed over as
 * text). Schemas are loaded by their {@code $id}, mapped to {@code classpath:schemas/},
 * which also proves each {@code $id} matches its file name. {@code format} is asserted
 * (draft 2020-12 only annotates it by default); error paths are JSON paths ({@code $.spec.objective}).
 */
final class SchemaValidator {

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder
                    .schemaRegistryConfig(SchemaRegistryConfig.builder()
                            .formatAssertionsEnabled(true)
                            .pathType(PathType.JSON_PATH)
                            .build())
                    .schemaIdResolvers(resolvers -> resolvers.mapPrefix(Schemas.BASE_ID, "classpath:" + Schemas.RESOURCE_DIR)));

    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

    private SchemaValidator() {
    }

    /** The schema of a resource constant of {@link Schemas}, loaded by its {@code $id}. */
    static Schema schema(final String resource) {
        return SCHEMAS.computeIfAbsent(resource, r -> REGISTRY.getSchema(SchemaLocation.of(Schemas.id(r))));
    }

    /** The draft 2020-12 meta-schema (bundled in the validator jar). */
    static Schema metaSchema() {
        return SCHEMAS.computeIfAbsent("meta", r -> REGISTRY.getSchema(
                SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId())));
    }

    /** Every violation of {@code json} against the schema of {@code resource}, as readable messages. */
    static List<String> errors(final String resource, final String json) {
        return messages(schema(resource).validate(json, InputFormat.JSON));
    }

    static List<String> messages(final List<Error> errors) {
        return errors.stream().map(Error::toString).toList();
    }
}
