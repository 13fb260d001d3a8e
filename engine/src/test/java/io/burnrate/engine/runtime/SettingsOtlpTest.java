package io.burnrate.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.engine.otlp.OtlpEncoding;
import io.burnrate.engine.otlp.SpanMapping;
import io.burnrate.engine.topology.OtlpInput;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code otlp.*} settings: off unless configured, and what turns the OTLP input on. */
class SettingsOtlpTest {

    @Test
    void shouldLeaveTheOtlpInputOffByDefault() {
        assertThat(new Settings().engineConfig().otlp()).isNull();
    }

    @Test
    void shouldTurnTheInputOnWithATopicOrWithEnabledAndTheExportersDefaultTopic() {
        final OtlpInput named = new Settings().with(OtlpInput.TOPIC, "traces.prod").engineConfig().otlp();
        assertThat(named.topic()).isEqualTo("traces.prod");
        assertThat(named.encoding()).isEqualTo(OtlpEncoding.OTLP_PROTO);
        assertThat(named.mapping()).isEqualTo(SpanMapping.DEFAULTS);

        final OtlpInput enabled = new Settings().with(OtlpInput.ENABLED, "true").engineConfig().otlp();
        assertThat(enabled.topic()).isEqualTo("otlp_spans");

        assertThat(new Settings().with(OtlpInput.TOPIC, "traces.prod").with(OtlpInput.ENABLED, "false")
                .engineConfig().otlp()).as("an explicit false wins").isNull();
    }

    @Test
    void shouldReadTheEncodingAndTheMappingOverrides() {
        final OtlpInput in = new Settings().with(OtlpInput.TOPIC, "otlp_spans").with(OtlpInput.ENCODING, "otlp_json")
                .with(SpanMapping.ALLOWED_ATTRIBUTES, "cloud.region").with(SpanMapping.KINDS, "server")
                .engineConfig().otlp();
        assertThat(in.encoding()).isEqualTo(OtlpEncoding.OTLP_JSON);
        assertThat(in.mapping().allowedAttributes()).containsExactly("cloud.region");
        assertThat(in.mapping().kinds()).containsExactly(SpanMapping.Kind.SERVER);
    }

    @Test
    void shouldRefuseUnusableValuesNamingTheKey() {
        assertThatThrownBy(() -> new Settings().with(OtlpInput.TOPIC, "t").with(OtlpInput.ENCODING, "jaeger_proto")
                .engineConfig()).hasMessage("otlp.encoding: unknown OTLP encoding 'jaeger_proto' (otlp_proto, otlp_json)");
        assertThatThrownBy(() -> new Settings().with(OtlpInput.ENABLED, "yes").engineConfig())
                .hasMessage("otlp.enabled must be true or false, not 'yes'");
        assertThatThrownBy(() -> new Settings().with(OtlpInput.TOPIC, "t").with(SpanMapping.KINDS, "server,bogus")
                .engineConfig()).hasMessageStartingWith("otlp.span.kinds: unknown span kind 'bogus'");
    }

    @Test
    void shouldKnowTheOtlpKeysAndKeepThemFromKafka() {
        for (final String key : OtlpInput.KEYS) {
            assertThat(SettingKeys.known(key)).as(key).isTrue();
        }
        assertThat(SettingKeys.nearest("otlp.topik")).isEqualTo("otlp.topic");
        final Settings s = new Settings().with(OtlpInput.TOPIC, "otlp_spans").with(SpanMapping.ALLOWED_ATTRIBUTES, "a");
        assertThat(s.kafkaProperties().keySet()).doesNotContainAnyElementsOf(List.of(OtlpInput.TOPIC,
                SpanMapping.ALLOWED_ATTRIBUTES));
    }
}
