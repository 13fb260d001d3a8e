package io.burnrate.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.engine.testing.Drivers;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.engine.topology.BurnRateTopology;
import io.burnrate.engine.topology.EngineConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Prometheus exposition for SLOs driven through the real topology. */
class EngineMetricsTest {

    private static final EngineConfig CONFIG = Drivers.CONFIG;

    @TempDir
    Path stateDir;

    private Drivers.Rig rig;
    private TopologyTestDriver driver;
    private BurnRateTopology.Built built;
    private TestInputTopic<String, byte[]> slos;
    private TestInputTopic<String, byte[]> requests;
    private EngineMetrics metrics;

    @BeforeEach
    void start() {
        rig = new Drivers.Rig(stateDir);
        built = rig.built;
        driver = rig.driver;
        slos = rig.slos;
        requests = rig.requests;
        metrics = new EngineMetrics(built, EngineMetrics.DEFAULT_SLO_LABELS);
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    /** Applies the SLOs and drives 1 h healthy + 3 min outage on checkout, 1 h healthy on search. */
    static void outage(final TestInputTopic<String, byte[]> slos, final TestInputTopic<String, byte[]> requests,
                       final TopologyTestDriver driver) {
        for (final SloSpecParser.Parsed p : Specs.parse(Specs.availabilityYaml("checkout-availability", "checkout", 0)
                + "---\n" + Specs.availabilityYaml("search-availability", "search", 0).replace("team: payments",
                "team: discovery"))) {
            slos.pipeInput(p.spec().id(), SloSpecParser.toJson(p.document()));
        }
        final Traffic checkout = Traffic.of("checkout", 1, Traffic.T0);
        final Traffic search = Traffic.of("search", 1, Traffic.T0);
        final List<Traffic.Event> events = new ArrayList<>(checkout.next(Duration.ofHours(1), Traffic.none()));
        events.addAll(checkout.next(Duration.ofMinutes(3), Traffic.all()));
        events.addAll(search.next(Duration.ofMinutes(63), Traffic.none()));
        events.sort(Comparator.comparingLong(Traffic.Event::timestamp));
        events.forEach(e -> requests.pipeInput(e.service(), e.json().getBytes(StandardCharsets.UTF_8), e.timestamp()));
        driver.advanceWallClockTime(CONFIG.statusInterval());
    }

    /**
     * Once the 00:00 hour closes (an event at 01:06, past its end plus grace), each SLO has
     * series for its latest closed hour: search's 3,600 requests all good.
     */
    @Test
    void shouldExportTheLatestClosedComplianceHour() {
        outage(slos, requests, driver);
        assertThat(metrics.scrape()).doesNotContain("burnrate_slo_compliance_sli_ratio{");
        final long at = Traffic.T0.plus(Duration.ofMinutes(66)).toEpochMilli();
        requests.pipeInput("search", ("{\"service\":\"search\",\"timestamp\":" + at
                + ",\"latencyMs\":5,\"status\":200}").getBytes(StandardCharsets.UTF_8), at);
        final String text = metrics.scrape();
        final String search = "{period=\"hour\",service=\"search\",slo=\"search-availability\",team=\"discovery\","
                + "tier=\"0\"}";
        assertThat(text).contains("burnrate_slo_compliance_sli_ratio" + search + " 1.0\n")
                .contains("burnrate_slo_compliance_objective_met" + search + " 1.0\n")
                .contains("burnrate_slo_compliance_error_budget_remaining_ratio" + search + " 1.0\n")
                .contains("burnrate_slo_compliance_bad_seconds" + search + " 0.0\n")
                .contains("burnrate_slo_compliance_latency_p99_seconds" + search);
        assertThat(text).contains("burnrate_compliance_summaries_total 2.0");
    }

    @Test
    void shouldExportPerSloSeriesWithTheFiringRuleAtOne() {
        outage(slos, requests, driver);
        final String text = metrics.scrape();
        assertThat(text).contains("burnrate_slo_alert_firing{rule=\"page-1h-5m\",service=\"checkout\","
                + "severity=\"page\",slo=\"checkout-availability\",team=\"payments\",tier=\"0\"} 1.0");
        assertThat(text).contains("burnrate_slo_alert_firing{rule=\"page-1h-5m\",service=\"search\","
                + "severity=\"page\",slo=\"search-availability\",team=\"discovery\",tier=\"0\"} 0.0");
        assertThat(text).contains("burnrate_slo_objective_ratio{service=\"checkout\",slo=\"checkout-availability\","
                + "team=\"payments\",tier=\"0\"} 0.999\n");
        // search: 3,780 good events in its 30d window, none bad
        assertThat(text).contains("burnrate_slo_window_events{service=\"search\",slo=\"search-availability\","
                + "team=\"discovery\",tier=\"0\",window=\"30d\"} 3780.0");
        assertThat(text).contains("burnrate_slo_burn_rate{service=\"search\",slo=\"search-availability\","
                + "team=\"discovery\",tier=\"0\",window=\"1h\"} 0.0");
        assertThat(text).contains("burnrate_events_accepted_total 7560.0");
        assertThat(text).contains("burnrate_alert_transitions_total");
        assertThat(text).contains("jvm_memory_used_bytes");
    }

    @Test
    void shouldDropTheSeriesOfADeletedSlo() {
        outage(slos, requests, driver);
        assertThat(metrics.scrape()).contains("slo=\"checkout-availability\"");
        slos.pipeInput("checkout-availability", (byte[]) null);
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        final String text = metrics.scrape();
        assertThat(text).doesNotContain("slo=\"checkout-availability\"").contains("slo=\"search-availability\"");
    }
}
