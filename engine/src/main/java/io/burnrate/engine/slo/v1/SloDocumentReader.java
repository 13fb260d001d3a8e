package io.burnrate.engine.slo.v1;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.burnrate.engine.slo.AlertPolicies;
import io.burnrate.engine.slo.SloLimits;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.slo.SloValidationException;
import io.burnrate.engine.slo.sloth.SlothAlertWindows;
import io.burnrate.schemas.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a file, YAML text or a topic's JSON bytes into document trees and hands each to
 * a {@link Converter}: the size limit, the {@link YamlGuard} safety pass (aliases,
 * anchors, tags, duplicate keys, non-finite numbers, document count), the tree reader,
 * the bound on reported problems and names used by two documents. Nothing here knows a
 * field of an SLO document except {@code metadata.name}, which the converter returns.
 */
public final class SloDocumentReader {

    private static final ObjectMapper YAML = yamlMapper(SloLimits.DEFAULTS);

    private SloDocumentReader() {
    }

    /** Reads one document tree into a spec, or returns null after adding its problems. */
    @FunctionalInterface
    public interface Converter {
        SloSpec toSpec(JsonNode doc, String where, List<String> problems, SloLimits limits);
    }

    /** A spec with the document it was read from (what goes to the SLO topic). */
    public record Document(SloSpec spec, JsonNode document) {
    }

    private static ObjectMapper yamlMapper(final SloLimits limits) {
        return new YAMLMapper(YAMLFactory.builder().loaderOptions(YamlGuard.loaderOptions(limits))
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    }

    /** Reads a YAML (or JSON) file of one or more documents, refusing it past {@code limits}. */
    public static List<Document> readFile(final Path file, final SloLimits limits, final Converter converter)
            throws SloValidationException, IOException {
        return readFile(file, limits, converter, Map.of());
    }

    /**
     * Reads a file of SLO documents whose SLOs may also name the alert policies in
     * {@code alertWindows} (Sloth catalogues of other files: {@link #readAlertWindows}).
     */
    public static List<Document> readFile(final Path file, final SloLimits limits, final Converter converter,
                                          final Map<String, AlertPolicies.Policy> alertWindows)
            throws SloValidationException, IOException {
        final String source = file.getFileName().toString();
        return readYaml(text(file, source, limits), source, limits, converter, alertWindows);
    }

    /**
     * Reads a file that holds only Sloth {@code AlertWindows} catalogues (Sloth's
     * {@code --slo-period-windows-path} files) as named alert policies, checked as in an SLO file.
     */
    public static Map<String, AlertPolicies.Policy> readAlertWindows(final Path file, final SloLimits limits)
            throws SloValidationException, IOException {
        final String source = file.getFileName().toString();
        final List<JsonNode> docs = documents(text(file, source, limits), source, limits);
        final List<String> problems = new ArrayList<>();
        final MixedDocuments.Read read = MixedDocuments.expand(docs, source, problems, Map.of());
        for (final MixedDocuments.Entry e : read.slos()) {
            problems.add(e.where() + ": an alert-windows file holds only Sloth AlertWindows documents (apiVersion: "
                    + SlothAlertWindows.API_VERSION + ", kind: " + SlothAlertWindows.KIND + "); put SLOs in the SLO file");
        }
        if (read.policies().isEmpty() && problems.isEmpty()) {
            problems.add(source + ": contains no AlertWindows document");
        }
        if (!problems.isEmpty()) {
            throw new SloValidationException(problems);
        }
        return read.policies();
    }

    private static String text(final Path file, final String source, final SloLimits limits)
            throws SloValidationException, IOException {
        final long size = Files.size(file);
        if (size > limits.maxFileBytes()) {
            throw new SloValidationException(List.of(tooLarge(source, size, limits)));
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /**
     * Reads YAML text with one or more documents within {@code limits}. Two passes: the
     * event-level {@link YamlGuard}, then the tree reader and the converter.
     */
    public static List<Document> readYaml(final String text, final String source, final SloLimits limits,
                                          final Converter converter) throws SloValidationException {
        return readYaml(text, source, limits, converter, Map.of());
    }

    /** {@link #readYaml(String, String, SloLimits, Converter)} with the alert policies of other files. */
    public static List<Document> readYaml(final String text, final String source, final SloLimits limits,
                                          final Converter converter, final Map<String, AlertPolicies.Policy> alertWindows)
            throws SloValidationException {
        final List<JsonNode> docs = documents(text, source, limits);
        final List<String> problems = new ArrayList<>();
        final MixedDocuments.Read mixed = MixedDocuments.expand(docs, source, problems, alertWindows);
        return convert(mixed, source, limits, converter, problems);
    }

    /** The document trees of YAML text, after the size and structural checks. */
    private static List<JsonNode> documents(final String text, final String source, final SloLimits limits)
            throws SloValidationException {
        final long bytes = utf8Length(text);
        if (bytes > limits.maxFileBytes()) {
            throw new SloValidationException(List.of(tooLarge(source, bytes, limits)));
        }
        try {
            final List<String> structural = YamlGuard.check(text, source, limits);
            if (!structural.isEmpty()) {
                throw new SloValidationException(structural);
            }
        } catch (YamlGuard.Refused e) {
            throw new SloValidationException(List.of(e.getMessage()));
        }
        final ObjectMapper yaml = limits.equals(SloLimits.DEFAULTS) ? YAML : yamlMapper(limits);
        final List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNextValue()) {
                final JsonNode doc = it.nextValue();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new SloValidationException(List.of(source + ": not valid YAML: " + firstLine(e.getMessage())));
        }
        if (docs.isEmpty()) {
            throw new SloValidationException(List.of(source + ": contains no SLO document"));
        }
        return docs;
    }

    private static List<Document> convert(final MixedDocuments.Read mixed, final String source, final SloLimits limits,
                                          final Converter converter, final List<String> problems)
            throws SloValidationException {
        final List<Document> read = new ArrayList<>();
        final Map<String, String> seen = new HashMap<>();
        for (int i = 0; i < mixed.slos().size() && problems.size() <= YamlGuard.MAX_PROBLEMS; i++) {
            final MixedDocuments.Entry entry = mixed.slos().get(i);
            final String where = entry.where();
            final SloSpec spec = converter.toSpec(entry.document(), where, problems, limits);
            if (spec != null) {
                final String earlier = seen.putIfAbsent(spec.id(), where);
                if (earlier != null) {
                    problems.add(where + ": SLO " + FieldReader.quote(spec.id())
                            + ": metadata.name is used by an earlier document (" + earlier.substring(source.length())
                            .replaceAll("^ \\((.*?)\\).*$", "$1").trim() + ")");
                } else {
                    read.add(new Document(spec, entry.document().deepCopy()));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new SloValidationException(problems.size() > YamlGuard.MAX_PROBLEMS
                    ? concat(problems.subList(0, YamlGuard.MAX_PROBLEMS), "... more problems not shown (fix these first)")
                    : problems);
        }
        return read;
    }

    /** Reads one JSON document within {@code limits}; duplicate keys are refused, as in YAML. */
    public static SloSpec readJson(final byte[] json, final String source, final SloLimits limits,
                                   final Converter converter) throws SloValidationException {
        if (json.length > limits.maxFileBytes()) {
            throw new SloValidationException(List.of(tooLarge(source, json.length, limits)));
        }
        final JsonNode doc;
        try {
            doc = Json.MAPPER.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION).readTree(json);
        } catch (IOException | RuntimeException e) {
            throw new SloValidationException(List.of(source + ": not valid JSON: "
                    + firstLine(e.getMessage()).replaceFirst("^Duplicate (field|Object property) ", "duplicate key ")));
        }
        if (doc == null || doc.isMissingNode()) {
            throw new SloValidationException(List.of(source + ": not valid JSON: empty"));
        }
        final List<String> problems = new ArrayList<>();
        final SloSpec spec = converter.toSpec(doc, source, problems, limits);
        if (!problems.isEmpty() || spec == null) {
            throw new SloValidationException(problems);
        }
        return spec;
    }

    /** The UTF-8 length of {@code text}, without encoding it. */
    static long utf8Length(final String text) {
        long n = 0;
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }

    private static String tooLarge(final String source, final long size, final SloLimits limits) {
        return source + ": larger than the limit of " + limits.maxFileBytes() + " bytes (" + SloLimits.MAX_FILE_BYTES
                + " = " + limits.maxFileBytes() + "; it is " + size + " bytes): split it into several files";
    }

    private static List<String> concat(final List<String> head, final String last) {
        final List<String> out = new ArrayList<>(head);
        out.add(last);
        return out;
    }

    /** The first line of a parser's message (not stripped, unlike {@link YamlGuard#firstLine}). */
    private static String firstLine(final String message) {
        if (message == null) {
            return "unreadable";
        }
        final int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
