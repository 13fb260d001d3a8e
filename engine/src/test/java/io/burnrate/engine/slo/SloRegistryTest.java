package io.burnrate.engine.slo;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.testing.Specs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Changes are published once per batch at the next snapshot: 10,000 puts (a restore, an
 * {@code slo apply} of a large catalogue) build one copy and one index, not 10,000, and
 * every snapshot still shows every change made before it.
 */
class SloRegistryTest {

    @Test
    void shouldPublishABatchOfChangesOnceAndShowEveryChangeMadeBeforeASnapshot() {
        final SloSpec template = Specs.availability("svc-0-availability", "svc-0", 0);
        final List<SloSpec> specs = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            specs.add(new SloSpec("svc-" + i + "-availability", "svc-" + i, template.selector(), template.indicator(),
                    template.objective(), template.window(), template.alerts(), 0, template.runbook(), template.labels(),
                    template.budgetThresholds(), template.calendar(), template.budgetingMethod(),
                    template.budgetAdjustments()));
        }
        final SloRegistry registry = new SloRegistry();
        final long v0 = registry.snapshot().version();
        for (final SloSpec s : specs) {
            registry.put(s);
        }
        // what the global-store processor asks between records, without publishing
        assertThat(registry.size()).isEqualTo(10_000);
        assertThat(registry.defines("svc-9999-availability")).isTrue();
        final SloRegistry.Snapshot s1 = registry.snapshot();
        assertThat(s1.version()).as("one version for the batch").isEqualTo(v0 + 1);
        assertThat(s1.byId()).hasSize(10_000);
        assertThat(s1.index().match("svc-42", null, Map.of())).extracting(SloSpec::id)
                .containsExactly("svc-42-availability");
        assertThat(registry.snapshot()).as("nothing changed: the same snapshot").isSameAs(s1);

        registry.remove("svc-42-availability");
        registry.reject(new SloRegistry.Invalid("svc-43-availability", SloRegistry.INVALID_SLO, "x", 7, true));
        registry.put(specs.get(43));
        final SloRegistry.Snapshot s2 = registry.snapshot();
        assertThat(s2.version()).isEqualTo(v0 + 2);
        assertThat(s2.byId()).hasSize(9_999).doesNotContainKey("svc-42-availability");
        assertThat(s2.invalid()).as("a valid document clears the refusal").isEmpty();
        assertThat(s2.index().match("svc-42", null, Map.of())).isEmpty();
        // the earlier snapshot is immutable
        assertThat(s1.byId()).hasSize(10_000).containsKey("svc-42-availability");
    }
}
