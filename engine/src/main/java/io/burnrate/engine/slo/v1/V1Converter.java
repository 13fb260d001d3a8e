package io.burnrate.engine.slo.v1;

import io.burnrate.engine.slo.SloSpec;

/**
 * The one step from the {@code burnrate/v1} document model to the engine's
 * {@link SloSpec}: the nested document (metadata, spec, window, alerting) becomes the
 * flat internal value, and a calendar window gives both its periods and the SLO window
 * length the engine sizes buckets and thresholds by. It takes a document that
 * {@link V1Reader} read without problems, so it cannot fail. OpenSLO documents are first
 * converted into burnrate/v1 documents ({@link MixedDocuments}, {@code slo.openslo}), so the
 * SLO topic and every engine see burnrate/v1 only, and the engine only {@code SloSpec}.
 */
public final class V1Converter {

    private V1Converter() {
    }

    /** The internal spec of a document read without problems. */
    public static SloSpec toInternal(final V1Document doc) {
        final V1Document.Spec spec = doc.spec();
        final V1Document.Alerting alerting = spec.alerting();
        return new SloSpec(doc.metadata().name(), spec.service(), spec.selector(), spec.indicator(), spec.objective(),
                spec.window().length(), alerting.policy(), alerting.minEventsPerWindow(), alerting.runbook(),
                doc.metadata().labels(), spec.budgetThresholds(), spec.window().calendar(), spec.budgetingMethod(),
                spec.budgetAdjustments(), alerting.explainBy(), alerting.historyGuard(), alerting.noData());
    }
}
