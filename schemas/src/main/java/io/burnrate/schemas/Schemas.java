package io.burnrate.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The JSON Schemas (draft 2020-12) shipped in this jar, as classpath resource names.
 * Each schema's {@code $id} is {@link #BASE_ID} followed by its file name, so a
 * validator can map that prefix to {@code classpath:schemas/}.
 */
public final class Schemas {

    /** Prefix of every schema's {@code $id}. */
    public static final String BASE_ID = "https://burnrate.io/schemas/";

    /** Classpath folder holding the schemas. */
    public static final String RESOURCE_DIR = "schemas/";

    /** {@link RequestEvent}, topic {@code burnrate.requests} and replay input. */
    public static final String REQUEST_EVENT = RESOURCE_DIR + "request-event.schema.json";
    /** The {@code apiVersion: burnrate/v1, kind: SLO} document, topic {@code burnrate.slos}. */
    public static final String SLO_SPEC = RESOURCE_DIR + "slo-spec.schema.json";
    /** {@link AlertTransition}, topic {@code burnrate.alerts}. */
    public static final String ALERT_TRANSITION = RESOURCE_DIR + "alert-transition.schema.json";
    /** {@link StatusSnapshot}, topic {@code burnrate.status}. */
    public static final String STATUS_SNAPSHOT = RESOURCE_DIR + "status-snapshot.schema.json";
    /** {@link DeadLetter}, replay's {@code dlq.ndjson}. */
    public static final String DEAD_LETTER = RESOURCE_DIR + "dead-letter.schema.json";

    /** {@link ComplianceSummary}, topic {@code burnrate.compliance}. */
    public static final String COMPLIANCE_SUMMARY = RESOURCE_DIR + "compliance-summary.schema.json";
    /** {@link BudgetPolicyEvent}, topic {@code burnrate.budget-policy}. */
    public static final String BUDGET_POLICY_EVENT = RESOURCE_DIR + "budget-policy-event.schema.json";

    /** {@link CountsRecord}, topic {@code burnrate.counts} (pre-aggregated counts). */
    public static final String COUNT_RECORD = RESOURCE_DIR + "count-record.schema.json";

    /** {@link BacktestReport}, {@code burnrate backtest}'s {@code backtest.json}. */
    public static final String BACKTEST_REPORT = RESOURCE_DIR + "backtest.schema.json";

    /** Every schema resource, in the order above. */
    public static final List<String> ALL = List.of(REQUEST_EVENT, SLO_SPEC, ALERT_TRANSITION, STATUS_SNAPSHOT, DEAD_LETTER,
            COMPLIANCE_SUMMARY, BUDGET_POLICY_EVENT, COUNT_RECORD, BACKTEST_REPORT);

    private Schemas() {
    }

    /**
     * Opens a schema resource; the caller closes the stream.
     *
     * @param resource one of the constants of this class
     * @throws IllegalArgumentException when no such resource is on the classpath
     */
    public static InputStream open(final String resource) {
        final InputStream in = Schemas.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalArgumentException("no schema resource '" + resource + "' (known: " + ALL + ")");
        }
        return in;
    }

    /** The text of a schema resource (UTF-8). */
    public static String read(final String resource) {
        try (InputStream in = open(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema resource '" + resource + "'", e);
        }
    }

    /** The {@code $id} a schema resource declares, e.g. {@code https://burnrate.io/schemas/request-event.schema.json}. */
    public static String id(final String resource) {
        if (!resource.startsWith(RESOURCE_DIR)) {
            throw new IllegalArgumentException("not a schema resource: '" + resource + "'");
        }
        return BASE_ID + resource.substring(RESOURCE_DIR.length());
    }
}
