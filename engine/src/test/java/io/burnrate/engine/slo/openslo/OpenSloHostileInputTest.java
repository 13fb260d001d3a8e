package io.burnrate.engine.slo.openslo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.burnrate.engine.slo.SloValidationException;
import io.burnrate.engine.slo.v1.SloSpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every field of the OpenSLO and Sloth test documents replaced, one at a time, by a mapping,
 * a list, a number and null: each variant either loads or is refused with
 * problems naming the file; none escapes as another exception.
 */
class OpenSloHostileInputTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void shouldNeverCrashOnAFieldOfTheWrongShape() throws Exception {
        int variants = 0;
        for (final String file : List.of("openslo/burnrate/web-availability.yaml", "openslo/burnrate/search-latency.yaml")) {
            final String text = Files.readString(Path.of("src/test/resources", file));
            final List<JsonNode> docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(text).readAll();
            final JsonNode root = docs.size() == 1 ? docs.get(0) : YAML.createArrayNode().addAll(docs);
            final List<Consumer<JsonNode>> edits = new ArrayList<>();
            collect(root, edits);
            for (final Consumer<JsonNode> edit : edits) {
                final JsonNode copy = root.deepCopy();
                edit.accept(copy);
                final String mutated = YAML.writeValueAsString(copy);
                try {
                    SloSpecParser.parseYaml(mutated, "m.yaml");
                } catch (SloValidationException e) {
                    // "cannot be read" is the guard catching an exception a check should have prevented
                    assertThat(e.problems()).as(mutated).isNotEmpty().allSatisfy(p -> assertThat(p).startsWith("m.yaml")
                            .doesNotContain("cannot be read"));
                }
                variants++;
            }
        }
        assertThat(variants).isGreaterThan(500);
    }

    private static final List<JsonNode> REPLACEMENTS = List.of(NODES.objectNode().put("x", 1), NODES.arrayNode().add(1),
            NODES.numberNode(-1), NODES.nullNode());

    /** One edit per (container position, replacement); an edit replays the same path on a copy. */
    private static void collect(final JsonNode node, final List<Consumer<JsonNode>> edits) {
        collect(node, new ArrayList<>(), edits);
    }

    private static void collect(final JsonNode node, final List<Object> path, final List<Consumer<JsonNode>> edits) {
        final List<Object> keys = new ArrayList<>();
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(keys::add);
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                keys.add(i);
            }
        }
        for (final Object k : keys) {
            final List<Object> at = new ArrayList<>(path);
            for (final JsonNode r : REPLACEMENTS) {
                edits.add(root -> {
                    final JsonNode parent = walk(root, at);
                    if (parent instanceof ObjectNode o) {
                        o.set((String) k, r.deepCopy());
                    } else {
                        ((ArrayNode) parent).set((Integer) k, r.deepCopy());
                    }
                });
            }
            final List<Object> child = new ArrayList<>(path);
            child.add(k);
            collect(k instanceof String s ? node.get(s) : node.get((Integer) k), child, edits);
        }
    }

    private static JsonNode walk(final JsonNode root, final List<Object> path) {
        JsonNode n = root;
        for (final Object p : path) {
            n = p instanceof String s ? n.get(s) : n.get((Integer) p);
        }
        return n;
    }
}
