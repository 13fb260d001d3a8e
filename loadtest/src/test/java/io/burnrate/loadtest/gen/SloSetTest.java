package io.burnrate.loadtest.gen;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.slo.v1.SloSpecParser;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SloSetTest {

    @Test
    void largeSetsAreParsedInChunksWithoutLosingOrDuplicatingADocument() throws Exception {
        // 25,000 SLOs = 2 full chunks of 10,000 + one of 5,000; 2,500 services × 10 SLOs each
        final List<String> services = EventFactory.services(2_500, Scenario.STEADY);
        final List<SloSpecParser.Parsed> parsed = SloSet.parse(SloSet.yaml(services, 25_000));
        assertThat(parsed).hasSize(25_000);
        final HashSet<String> ids = new HashSet<>();
        parsed.forEach(p -> ids.add(p.spec().id()));
        assertThat(ids).hasSize(25_000);
    }
}
