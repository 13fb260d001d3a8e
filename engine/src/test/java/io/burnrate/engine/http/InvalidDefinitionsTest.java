package io.burnrate.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.slo.SloRegistry;
import io.burnrate.engine.testing.Drivers;
import io.burnrate.engine.topology.BurnRateTopology;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A refused document on the SLO topic shows on /metrics and on the status page. */
class InvalidDefinitionsTest {

    @Test
    void shouldExportAndShowInvalidDefinitions() {
        final BurnRateTopology.Built built = BurnRateTopology.build(Drivers.CONFIG);
        final SloRegistry.Invalid why = new SloRegistry.Invalid("checkout", SloRegistry.INVALID_SLO,
                "topic burnrate.slos key 'checkout': SLO 'checkout': spec.objective: must be ...", 7, true);
        built.registry().reject(why);
        final String scrape = new EngineMetrics(built, EngineMetrics.DEFAULT_SLO_LABELS).scrape();
        assertThat(scrape).contains("burnrate_slo_definitions_invalid 1.0")
                .contains("burnrate_slo_definitions_rejected_total{reason=\"invalid-slo\"} 0.0");
        final String page = StatusPage.index(List.of(), built.registry().snapshot().invalid().values());
        assertThat(page).contains("invalid definition</span> SLO <b>&#39;checkout&#39;</b>: the SLO topic holds a "
                + "refused document (invalid-slo, offset 7); the last valid version stays in force.");
    }
}
