package io.burnrate.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.http.EngineMetrics;
import io.burnrate.engine.slo.Grace;
import io.burnrate.engine.topology.EngineConfig;
import io.burnrate.engine.topology.TopicRole;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Topic roles and the defaults that live in one place: what {@link Settings} makes of them. */
class SettingsTopicsTest {

    @Test
    void shouldNameEveryRolesTopicBurnratePrefixedByDefault() {
        final Settings s = new Settings();

        for (final TopicRole role : TopicRole.values()) {
            assertThat(s.topic(role)).isEqualTo("burnrate." + role.role()).isEqualTo(s.get("topic." + role.role()));
            assertThat(s.engineConfig().topic(role)).isEqualTo(s.topic(role));
            assertThat(s.kafkaProperties()).doesNotContainKey(role.key());
        }
        assertThat(Arrays.stream(TopicRole.values()).map(TopicRole::role))
                .containsExactly("requests", "slos", "alerts", "status", "dlq", "budget-policy", "compliance", "counts");
    }

    @Test
    void shouldCarryEveryRenamedTopicIntoTheTopology() {
        final Settings s = new Settings();
        for (final TopicRole role : TopicRole.values()) {
            s.withTopic(role, "bench-7." + role.role());
        }
        final EngineConfig config = s.engineConfig();

        for (final TopicRole role : TopicRole.values()) {
            assertThat(config.topic(role)).isEqualTo("bench-7." + role.role());
        }
        assertThat(config.budgetPolicyTopic()).isEqualTo("bench-7.budget-policy");
        assertThat(config.complianceTopic()).isEqualTo("bench-7.compliance");
    }

    @Test
    void shouldCompactTheTopicsKeyedBySloAndTheComplianceHistory() {
        assertThat(Arrays.stream(TopicRole.values()).filter(Topics::compacted))
                .containsExactly(TopicRole.SLOS, TopicRole.STATUS, TopicRole.COMPLIANCE);
    }

    @Test
    void shouldTakeItsDefaultsFromTheirOneDefinition() {
        final Settings s = new Settings();

        assertThat(s.get(Settings.GRACE)).isEqualTo("5m");
        assertThat(s.duration(Settings.GRACE)).isEqualTo(Grace.DEFAULT).isEqualTo(EngineConfig.defaults().grace());
        assertThat(s.engineConfig().grace()).isEqualTo(Grace.DEFAULT);
        assertThat(s.sloMetricLabels()).isEqualTo(EngineMetrics.DEFAULT_SLO_LABELS).containsExactly("team", "tier");
    }
}
