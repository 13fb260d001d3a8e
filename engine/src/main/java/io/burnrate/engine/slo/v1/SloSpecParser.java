package io.burnrate.engine.slo.v1;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.slo.AlertPolicies;
import io.burnrate.engine.slo.SloLimits;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.slo.SloValidationException;
import io.burnrate.schemas.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code apiVersion: burnrate/v1, kind: SLO} documents (YAML, several per file
 * separated by {@code ---}, or the same document as JSON on the {@code burnrate.slos}
 * topic) into {@link SloSpec}s. Every problem is collected, not just the first, and
 * each names the source, the SLO and the field path.
 *
 * <p>The work is in {@code slo.v1}: {@link SloDocumentReader} (files, multi-document
 * YAML, the safety pass, duplicate names), {@link V1Reader} with its section readers
 * (document tree to {@link V1Document}) and {@code V1Converter} (to {@link SloSpec}).
 */
public final class SloSpecParser {

    public static final String API_VERSION = V1Document.API_VERSION;
    public static final String KIND = V1Document.KIND;

    private SloSpecParser() {
    }

    /** A parsed SLO together with the JSON document it was read from (what goes to the topic). */
    public record Parsed(SloSpec spec, JsonNode document) {
    }

    /** Reads a YAML (or JSON) file of one or more SLO documents. */
    public static List<Parsed> parseFile(final Path file) throws SloValidationException, IOException {
        return parseFile(file, SloLimits.DEFAULTS);
    }

    /** Reads a YAML (or JSON) file of one or more SLO documents, refusing it past {@code limits}. */
    public static List<Parsed> parseFile(final Path file, final SloLimits limits)
            throws SloValidationException, IOException {
        return parsed(SloDocumentReader.readFile(file, limits, V1Reader::toSpec));
    }

    /**
     * Reads a file of SLO documents whose SLOs may also name the alert policies of
     * {@code alertWindows} ({@link #alertWindows}: Sloth catalogues in files of their own).
     */
    public static List<Parsed> parseFile(final Path file, final SloLimits limits,
                                         final Map<String, AlertPolicies.Policy> alertWindows)
            throws SloValidationException, IOException {
        return parsed(SloDocumentReader.readFile(file, limits, V1Reader::toSpec, alertWindows));
    }

    /** The Sloth {@code AlertWindows} catalogues of a file that holds only those, by policy name. */
    public static Map<String, AlertPolicies.Policy> alertWindows(final Path file, final SloLimits limits)
            throws SloValidationException, IOException {
        return SloDocumentReader.readAlertWindows(file, limits);
    }

    /** Reads YAML text with one or more documents; {@code source} names it in errors. */
    public static List<Parsed> parseYaml(final String text, final String source) throws SloValidationException {
        return parseYaml(text, source, SloLimits.DEFAULTS);
    }

    /**
     * Reads YAML text with one or more documents within {@code limits}. Two passes: the
     * event-level safety pass (aliases, anchors, tags, duplicate keys, non-finite
     * numbers, document count), then the tree reader and the field checks.
     */
    public static List<Parsed> parseYaml(final String text, final String source, final SloLimits limits)
            throws SloValidationException {
        return parsed(SloDocumentReader.readYaml(text, source, limits, V1Reader::toSpec));
    }

    private static List<Parsed> parsed(final List<SloDocumentReader.Document> documents) {
        final List<Parsed> out = new ArrayList<>(documents.size());
        for (final SloDocumentReader.Document d : documents) {
            out.add(new Parsed(d.spec(), d.document()));
        }
        return out;
    }

    /**
     * An SLO name as shown in messages: quoted, control characters escaped, and cut
     * after 40 characters (with the length) so a 10,000-character name does not flood
     * the output.
     */
    public static String quote(final String name) {
        return FieldReader.quote(name);
    }

    /** Reads one JSON document, as stored on the SLO topic. */
    public static SloSpec parseJson(final byte[] json, final String source) throws SloValidationException {
        return parseJson(json, source, SloLimits.DEFAULTS);
    }

    /** Reads one JSON document within {@code limits}; duplicate keys are refused, as in YAML. */
    public static SloSpec parseJson(final byte[] json, final String source, final SloLimits limits)
            throws SloValidationException {
        return SloDocumentReader.readJson(json, source, limits, V1Reader::toSpec);
    }

    /** The JSON bytes of a parsed document. */
    public static byte[] toJson(final JsonNode document) {
        try {
            return Json.MAPPER.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
