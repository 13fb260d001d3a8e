package io.burnrate.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.engine.topology.TopicRole;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** {@code --topic ROLE=NAME}: every role, and only roles. */
class KafkaOptionsTest {

    @Test
    void shouldListEveryTopicRoleInTheHelp() {
        assertThat(KafkaOptions.TOPIC_ROLES).isEqualTo(TopicRole.roles());
    }

    @Test
    void shouldRenameTheTopicOfARole() throws IOException {
        final KafkaOptions o = new KafkaOptions();
        o.topics.put("budget-policy", "team-a.budget-policy");

        assertThat(o.settings().topic(TopicRole.BUDGET_POLICY)).isEqualTo("team-a.budget-policy");
        assertThat(o.settings().topic(TopicRole.COMPLIANCE)).isEqualTo("burnrate.compliance");
    }

    @Test
    void shouldRefuseARoleThatDoesNotExist() {
        final KafkaOptions o = new KafkaOptions();
        o.topics.put("budget_policy", "x");

        assertThatThrownBy(o::settings).isInstanceOf(IOException.class)
                .hasMessage("--topic budget_policy=x: unknown topic role 'budget_policy' (roles: requests, slos, alerts, "
                        + "status, dlq, budget-policy, compliance, counts)");
    }
}
