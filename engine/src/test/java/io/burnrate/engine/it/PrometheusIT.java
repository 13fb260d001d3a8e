package io.burnrate.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.burnrate.engine.runtime.Engine;
import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.runtime.SloPublisher;
import io.burnrate.engine.runtime.Topics;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.engine.topology.TopicRole;
import io.burnrate.schemas.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's real Prometheus scrapes a running engine through an incident, with the shipped
 * {@code deploy/prometheus/prometheus.yml} and {@code burnrate-rules.yml}: every PromQL
 * expression of the Grafana dashboard returns data, the burn-rate and budget series agree
 * with the engine's own API, {@code promtool check metrics} accepts {@code /metrics}, and the
 * shipped alerting rule fires for the page.
 */
class PrometheusIT {

    private static final Duration WAIT = Duration.ofSeconds(45);
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    @RegisterExtension
    static final BrokerExtension BROKER = new BrokerExtension();

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void shouldAcceptTheShippedRulesAndConfigWithPromtool() throws Exception {
        final Path promtool = DebianBinary.find("promtool");
        assumeTrue(promtool != null, "Debian's prometheus (promtool) is not installed (.ci/run installs it)");
        final Result rules = run(List.of(promtool.toString(), "check", "rules",
                DEPLOY.resolve("prometheus/burnrate-rules.yml").toString()), null);
        assertThat(rules.code()).as(rules.out()).isZero();
        assertThat(rules.out()).contains("SUCCESS: 5 rules found");
        final Result config = run(List.of(promtool.toString(), "check", "config",
                DEPLOY.resolve("prometheus/prometheus.yml").toString()), null);
        assertThat(config.code()).as(config.out()).isZero();
    }

    @Test
    void shouldAnswerEveryDashboardQueryFromARealPrometheusAsTheEngineApiDoes() throws Exception {
        final Path prometheus = DebianBinary.find("prometheus");
        final Path promtool = DebianBinary.find("promtool");
        assumeTrue(prometheus != null && promtool != null,
                "Debian's prometheus is not installed (.ci/run installs it); the dashboard's metric names are "
                        + "still checked by GrafanaDashboardTest");
        final String prefix = "prom-" + UUID.randomUUID().toString().substring(0, 8);
        final Settings s = KafkaTestSupport.settings(BROKER.bootstrapServers(), prefix, dir.resolve("engine"));
        try (Admin admin = Topics.admin(s)) {
            Topics.ensure(admin, s);
        }
        new SloPublisher(s).apply(Specs.parse(Specs.availabilityYaml("checkout-availability", "checkout", 0)));
        final Engine engine = Engine.start(s);
        open.add(engine);
        assertThat(engine.awaitRunning(WAIT)).isTrue();

        // 23:00 to 00:05 good, then 3 min all bad: the hour and the day (and the rolling window's daily summary)
        // close once event time passes midnight plus the 5 min grace, and page-1h-5m fires (180 of the last 300
        // events bad) and is still firing when traffic stops
        final Traffic checkout = Traffic.of("checkout", 1, Instant.parse("2026-05-31T23:00:00Z"));
        final List<Traffic.Event> events = new ArrayList<>(checkout.next(Duration.ofMinutes(65), Traffic.none()));
        events.addAll(checkout.next(Duration.ofMinutes(3), Traffic.all()));
        KafkaTestSupport.produce(BROKER.bootstrapServers(), s.topic(TopicRole.REQUESTS),
                events.stream().map(e -> new String[] {e.service(), e.json()}).toList(),
                events.stream().map(Traffic.Event::timestamp).toList());
        final String engineUrl = "http://127.0.0.1:" + engine.httpPort();
        final String[] last = {""};
        try {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                final JsonNode status = status(engineUrl);
                last[0] = String.valueOf(status);
                return status != null && status.get("firing").toString().contains("page-1h-5m")
                        && longest(status).get("total").asLong() == 4080
                        && get(engineUrl + "/metrics").contains("burnrate_slo_compliance_sli_ratio{");
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the engine did not show the incident: " + last[0] + "\ncompliance series: "
                    + get(engineUrl + "/metrics").lines().filter(l -> l.contains("compliance")).toList(), e);
        }

        // promtool lints the exposition as Prometheus' own tooling does
        final Result lint = run(List.of(promtool.toString(), "check", "metrics"), get(engineUrl + "/metrics"));
        assertThat(lint.code()).as("promtool check metrics: " + lint.out()).isZero();

        // the shipped scrape config and rules, pointed at this engine and scraping every second
        final YAMLMapper yaml = new YAMLMapper();
        final ObjectNode config = (ObjectNode) yaml.readTree(DEPLOY.resolve("prometheus/prometheus.yml").toFile());
        ((ObjectNode) config.get("global")).put("scrape_interval", "1s").put("evaluation_interval", "1s");
        final ArrayNode jobs = (ArrayNode) config.get("scrape_configs");
        for (int i = jobs.size() - 1; i >= 0; i--) {
            final ObjectNode job = (ObjectNode) jobs.get(i);
            if (job.get("job_name").asText().equals("burnrate")) {
                job.put("scrape_interval", "1s");
                ((ArrayNode) job.get("static_configs").get(0).get("targets")).removeAll().add("127.0.0.1:" + engine.httpPort());
            } else {
                jobs.remove(i);
            }
        }
        Files.writeString(dir.resolve("prometheus.yml"), yaml.writeValueAsString(config));
        Files.copy(DEPLOY.resolve("prometheus/burnrate-rules.yml"), dir.resolve("burnrate-rules.yml"));
        final int port = DebianBinary.freePort();
        final DebianBinary server = DebianBinary.start(List.of(prometheus.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"), dir.resolve("prometheus.log"));
        open.add(server);
        final String prom = "http://127.0.0.1:" + port;
        server.awaitReady(URI.create(prom + "/-/ready"), Duration.ofSeconds(30));
        // two scrapes at least, so rate() over the counters has two samples
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> !query(prom, "sum(rate(burnrate_events_accepted_total[1m]))").isEmpty());

        final JsonNode dashboard = Json.MAPPER.readTree(DEPLOY.resolve("grafana/burnrate-dashboard.json").toFile());
        final List<String> expressions = new ArrayList<>(new TreeSet<>(dashboard.findValues("expr").stream()
                .map(JsonNode::asText).toList()));
        assertThat(expressions).hasSizeGreaterThanOrEqualTo(20);
        // $slo as Grafana renders it: the "All" value (allValue .*) and one SLO; $__rate_interval is
        // max($__interval + scrape interval, 4 x scrape interval) = 4s at a 1 s scrape interval
        final Map<String, String> empty = new LinkedHashMap<>();
        for (final String slo : List.of(".*", "checkout-availability")) {
            for (final String expr : expressions) {
                final String promql = expr.replace("$__rate_interval", "4s").replace("$__interval", "1s")
                        .replace("$__range", "5m").replace("${slo}", slo).replace("$slo", slo);
                final List<JsonNode> result = query(prom, promql);
                final boolean finite = result.stream().anyMatch(r -> Double.isFinite(r.get("value").get(1).asDouble()));
                if (!finite) {
                    empty.put(promql, result.toString());
                }
            }
        }
        assertThat(empty).as("dashboard queries without a finite value").isEmpty();
        // the $slo variable's own query (label_values is Grafana's): the label's values on that metric
        final JsonNode values = Json.MAPPER.readTree(get(prom + "/api/v1/label/slo/values?match[]="
                + URLEncoder.encode("burnrate_slo_objective_ratio", StandardCharsets.UTF_8)));
        assertThat(values.get("data")).extracting(JsonNode::asText).containsExactly("checkout-availability");

        // the same numbers as the engine's API, window by window (the engine is idle: event time stands still)
        final JsonNode status = status(engineUrl);
        for (final JsonNode w : status.get("windows")) {
            final String window = Durations.format(Duration.parse(w.get("window").asText()));
            final List<JsonNode> burn = query(prom, "burnrate_slo_burn_rate{slo=\"checkout-availability\",window=\""
                    + window + "\"}");
            assertThat(burn).as("burn rate over " + window).hasSize(1);
            assertThat(burn.get(0).get("value").get(1).asDouble()).as("burn rate over " + window)
                    .isCloseTo(w.get("burnRate").asDouble(), within(1e-9 * Math.max(1, w.get("burnRate").asDouble())));
        }
        final List<JsonNode> budget = query(prom, "burnrate_slo_error_budget_remaining_ratio{slo=\"checkout-availability\"}");
        assertThat(budget.get(0).get("value").get(1).asDouble())
                .isCloseTo(status.get("errorBudgetRemaining").asDouble(), within(1e-9));
        // 1h window: 180 bad of 3600 = 5 %; burn rate 0.05 / 0.001 = 50
        assertThat(query(prom, "burnrate_slo_burn_rate{slo=\"checkout-availability\",window=\"1h\"}").get(0).get("value")
                .get(1).asDouble()).isCloseTo(50.0, within(1e-9));

        // the shipped alerting rule fires for the page, labelled as the engine's alert
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> query(prom,
                "ALERTS{alertname=\"ErrorBudgetBurn\",alertstate=\"firing\",rule=\"page-1h-5m\",severity=\"page\","
                        + "slo=\"checkout-availability\"}").size() == 1);
    }

    private static JsonNode status(final String engineUrl) throws Exception {
        final JsonNode slos = Json.MAPPER.readTree(get(engineUrl + "/api/v1/slos")).get("slos");
        return slos.isEmpty() || slos.get(0).get("status").isNull() ? null : slos.get(0).get("status");
    }

    private static JsonNode longest(final JsonNode status) {
        final JsonNode windows = status.get("windows");
        return windows.get(windows.size() - 1);
    }

    private static List<JsonNode> query(final String prom, final String promql) throws Exception {
        final JsonNode r = Json.MAPPER.readTree(get(prom + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8)));
        assertThat(r.get("status").asText()).as(promql + ": " + r).isEqualTo("success");
        final List<JsonNode> out = new ArrayList<>();
        r.get("data").get("result").forEach(out::add);
        return out;
    }

    private static String get(final String url) throws Exception {
        final HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(url + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    private record Result(int code, String out) {
    }

    private Result run(final List<String> command, final String stdin) throws Exception {
        final Path out = Files.createTempFile(dir, "cmd", ".out");
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(String.join(" ", command) + " finished").isTrue();
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }
}
