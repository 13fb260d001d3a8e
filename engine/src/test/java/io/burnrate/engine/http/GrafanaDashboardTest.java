package io.burnrate.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.testing.Drivers;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.engine.topology.BurnRateTopology;
import io.burnrate.engine.topology.EngineConfig;
import io.burnrate.schemas.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Grafana dashboard queries only metrics the engine exports. */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "burnrate-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\b([a-z_][a-z0-9_]*)\\s*(\\{|\\[|\\)|$| ==)");
    private static final Set<String> PROMQL = Set.of("sum", "rate", "increase", "max", "by", "min", "avg", "count",
            "label_values", "without");

    @TempDir
    Path stateDir;

    @Test
    void shouldUseOnlyExportedMetricNames() throws Exception {
        final JsonNode dash = Json.MAPPER.readTree(Files.readString(DASHBOARD, StandardCharsets.UTF_8));
        final Set<String> used = new TreeSet<>();
        dash.findValues("expr").forEach(e -> used.addAll(metricNames(e.asText())));
        dash.findValues("definition").forEach(e -> used.addAll(metricNames(e.asText())));
        assertThat(used).contains("burnrate_slo_error_budget_remaining_ratio", "burnrate_slo_burn_rate",
                "burnrate_slo_alert_firing", "burnrate_slo_alert_threshold", "burnrate_slo_sli_ratio");

        final Set<String> exported = exportedNames();
        used.remove("up");  // Prometheus' own per-target series
        assertThat(exported).containsAll(used);
    }

    private Set<String> exportedNames() {
        final BurnRateTopology.Built built = BurnRateTopology.build(EngineConfig.defaults().withIdleAdvanceAfter(null)
                .withMaxFutureSkew(null));
        try (TopologyTestDriver driver = Drivers.of(built, stateDir)) {
            EngineMetricsTest.outage(
                    driver.createInputTopic(EngineConfig.defaults().slosTopic(), new StringSerializer(),
                            new ByteArraySerializer()),
                    driver.createInputTopic(EngineConfig.defaults().requestsTopic(), new StringSerializer(),
                            new ByteArraySerializer()),
                    driver);
            // one more event closes the 00:00 hour: the compliance series appear
            final long at = Traffic.T0.plusSeconds(66 * 60).toEpochMilli();
            driver.createInputTopic(EngineConfig.defaults().requestsTopic(), new StringSerializer(),
                    new ByteArraySerializer()).pipeInput("search", ("{\"service\":\"search\",\"timestamp\":" + at
                    + ",\"latencyMs\":5,\"status\":200}").getBytes(StandardCharsets.UTF_8), at);
            final Set<String> names = new TreeSet<>();
            for (final String line : new EngineMetrics(built, EngineMetrics.DEFAULT_SLO_LABELS).scrape().split("\n")) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    names.add(line.split("[{ ]")[0]);
                }
            }
            return names;
        }
    }

    private static Set<String> metricNames(final String expr) {
        final Set<String> out = new TreeSet<>();
        final String withoutLabels = expr.replaceAll("label_values\\(([^,]+),[^)]*\\)", "$1 ")
                .replaceAll("\\{[^}]*\\}", "{}").replaceAll("\\[[^\\]]*\\]", "[]")
                .replaceAll("by \\([^)]*\\)", "");
        final Matcher m = METRIC.matcher(withoutLabels);
        while (m.find()) {
            if (!PROMQL.contains(m.group(1))) {
                out.add(m.group(1));
            }
        }
        return out;
    }
}
