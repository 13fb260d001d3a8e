package io.burnrate.engine.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.slo.openslo.OpenSloReader;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each receiver's request, hand-written, against a local recording server; retry and dead-letter decisions. */
class ReceiversTest {

    /** The wall clock of these tests: half an hour BEHIND the event time (the demo's compressed time). */
    private static final Instant NOW = Instant.parse("2026-03-02T00:30:00Z");
    private static final Instant EVENT = Instant.parse("2026-03-02T01:05:00Z");
    private static final String STATUS = "http://status.example:8080";

    private final List<RecordingServer> servers = new ArrayList<>();
    private final DeliveryMetrics metrics = new DeliveryMetrics(new SimpleMeterRegistry());
    private final HttpPoster http = new HttpPoster(HttpClient.newHttpClient(), Duration.ofSeconds(10));

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        servers.forEach(RecordingServer::close);
    }

    static AlertTransition firing() {
        return new AlertTransition("checkout-availability", "checkout", "page-1h-5m", "page", AlertTransition.FIRING,
                EVENT, EVENT, null, Duration.ofHours(1), Duration.ofMinutes(5), 20.0, 30.0, 14.4, 99.9, 0.75,
                Duration.ofHours(36), 2.5, new AlertTransition.Contributors(EVENT.minusSeconds(3600),
                        contributors(Duration.ofMinutes(5), 18, 20), contributors(Duration.ofHours(1), 90, 120)),
                Map.of("team", "payments", "tier", "0", "cost-center", "42"),
                new AlertTransition.Annotations("checkout-availability burns its budget", "20x over 1h",
                        "https://runbooks.example/checkout"), "0123456789abcdef");
    }

    /** POST /cart with {@code cart} of the window's {@code bad} bad events, the rest GET /a. */
    private static AlertTransition.Window contributors(final Duration window, final long cart, final long bad) {
        return new AlertTransition.Window(window, bad, List.of(new AlertTransition.Dimension("operation", List.of(
                new AlertTransition.Contributor("POST /cart", cart, (double) cart / bad),
                new AlertTransition.Contributor("GET /a", bad - cart, (double) (bad - cart) / bad)), 0)));
    }

    static AlertTransition resolved() {
        final AlertTransition f = firing();
        final Instant end = EVENT.plus(Duration.ofMinutes(20));
        return new AlertTransition(f.sloId(), f.service(), f.rule(), f.severity(), AlertTransition.RESOLVED, end, EVENT, end,
                f.longWindow(), f.shortWindow(), 2.0, 0.0, 14.4, 99.9, 0.5, Duration.ofDays(2), f.labels(),
                f.annotations(), f.fingerprint());
    }

    private RecordingServer server(final int status) throws IOException {
        final RecordingServer s = new RecordingServer(status);
        servers.add(s);
        return s;
    }

    private ForwardConfig config(final Map<String, String> extra) throws IOException {
        final Map<String, String> m = new HashMap<>(extra);
        m.putIfAbsent(ForwardConfig.STATUS_URL, STATUS + "/");
        return ForwardConfig.from(m::get, "burnrate.alerts");
    }

    private static JsonNode json(final String text) throws IOException {
        return Json.MAPPER.readTree(text);
    }

    // labels common to every Alertmanager-shaped payload: the SLO's (cost-center made a valid label name) and ours
    private static final String LABELS = "{\"alertname\":\"ErrorBudgetBurn\",\"cost_center\":\"42\",\"rule\":\"page-1h-5m\","
            + "\"service\":\"checkout\",\"severity\":\"page\",\"slo\":\"checkout-availability\",\"team\":\"payments\","
            + "\"tier\":\"0\"}";

    @Test
    void shouldPostAFiringAlertToAlertmanagerStartingNowWhenEventTimeRunsAhead() throws Exception {
        final RecordingServer am = server(200);
        final AlertmanagerReceiver r = new AlertmanagerReceiver("alertmanager-1", am.url("/"), config(Map.of()), http, metrics);

        assertThat(r.deliver(firing(), NOW).result()).isEqualTo(Receiver.Result.ACCEPTED);

        final RecordingServer.Request req = am.requests().get(0);
        assertThat(req.method()).isEqualTo("POST");
        assertThat(req.path()).isEqualTo("/api/v2/alerts");
        assertThat(req.contentType()).isEqualTo("application/json");
        // startsAt: the event start 01:05 is ahead of the wall clock 00:30, so 00:30; no endsAt while firing;
        // numbers to 4 significant digits (20.0 -> "20"); event times as annotations
        assertThat(json(req.body())).isEqualTo(json("[{\"labels\":" + LABELS + ",\"annotations\":{"
                + "\"burn_rate_long\":\"20\",\"burn_rate_short\":\"30\",\"description\":\"20x over 1h\","
                + "\"budget_consumed_percent\":\"2.5\","
                + "\"contributors\":\"over 5m: operation=POST /cart 90%; over 1h: operation=POST /cart 75%\","
                + "\"error_budget_remaining\":\"0.75\",\"event_at\":\"2026-03-02T01:05:00Z\","
                + "\"event_starts_at\":\"2026-03-02T01:05:00Z\",\"runbook_url\":\"https://runbooks.example/checkout\","
                + "\"summary\":\"checkout-availability burns its budget\",\"threshold\":\"14.4\"},"
                + "\"startsAt\":\"2026-03-02T00:30:00Z\","
                + "\"generatorURL\":\"http://status.example:8080/slos/checkout-availability\"}]"));
    }

    @Test
    void shouldGiveEveryAlertToEachAlertmanagerOfAnHaPairWhileOneIsDown() throws Exception {
        final RecordingServer a = server(200);
        final RecordingServer b = server(503);
        final ForwardConfig c = config(Map.of(ForwardConfig.ALERTMANAGER_URLS, a.url("") + "," + b.url(""),
                ForwardConfig.RETRY_ATTEMPTS, "2"));
        final List<Receiver> receivers = Dispatcher.receivers(c, HttpClient.newHttpClient(), metrics);
        assertThat(receivers).extracting(Receiver::name).containsExactly("alertmanager-1", "alertmanager-2");
        try (Dispatcher d = new Dispatcher(receivers, c.retry(), metrics, Clock.fixed(NOW, ZoneOffset.UTC), x -> { },
                new Random(1))) {
            // b answers 503 twice (2 attempts) and gives up; a has the alert after its first attempt
            final List<Dispatcher.Failure> failed = d.deliver(firing());
            assertThat(failed).extracting(f -> f.receiver().name()).containsExactly("alertmanager-2");
            assertThat(a.requests()).hasSize(1);
            assertThat(b.requests()).hasSize(2);
            // b is back: the next re-send gives it the firing alert it missed, and a gets it again
            b.answerFromNowOn(200);
            d.tick();
            assertThat(a.requests()).hasSize(2);
            assertThat(b.requests()).hasSize(3);
            for (final RecordingServer am : List.of(a, b)) {
                final JsonNode alert = json(am.requests().get(am.requests().size() - 1).body()).get(0);
                assertThat(alert.get("labels").get("rule").asText()).isEqualTo("page-1h-5m");
                assertThat(alert.has("endsAt")).isFalse();
            }
        }
    }

    @Test
    void shouldEndAResolvedAlertNowAndResendItWithTheSameEndUntilTheRetentionPasses() throws Exception {
        final RecordingServer am = server(200);
        final AlertmanagerReceiver r = new AlertmanagerReceiver("alertmanager-1", am.url("/"), config(Map.of()), http, metrics);
        r.deliver(firing(), NOW);
        // resolved 10 wall minutes later; the event end (01:25) is still ahead of the wall clock (00:40)
        final Instant resolvedAt = NOW.plus(Duration.ofMinutes(10));
        r.deliver(resolved(), resolvedAt);
        JsonNode alert = json(am.requests().get(1).body()).get(0);
        assertThat(alert.get("startsAt").asText()).isEqualTo("2026-03-02T00:30:00Z");
        assertThat(alert.get("endsAt").asText()).isEqualTo("2026-03-02T00:40:00Z");
        assertThat(alert.get("annotations").get("event_ends_at").asText()).isEqualTo("2026-03-02T01:25:00Z");

        // a re-delivery of the same resolve (at least once) and a re-send keep the first end
        r.deliver(resolved(), resolvedAt.plus(Duration.ofMinutes(1)));
        assertThat(json(am.requests().get(2).body()).get(0).get("endsAt").asText()).isEqualTo("2026-03-02T00:40:00Z");
        r.tick(resolvedAt.plus(Duration.ofMinutes(2)));
        alert = json(am.requests().get(3).body()).get(0);
        assertThat(alert.get("endsAt").asText()).isEqualTo("2026-03-02T00:40:00Z");
        assertThat(alert.get("labels")).isEqualTo(json(LABELS));

        // kept 15 minutes after its end (00:40 + 15m = 00:55): at 00:56 it is forgotten and nothing is sent
        r.tick(resolvedAt.plus(Duration.ofMinutes(16)));
        assertThat(r.remembered()).isZero();
        assertThat(am.requests()).hasSize(4);
    }

    @Test
    void shouldResendFiringAlertsWithTheirFirstStart() throws Exception {
        final RecordingServer am = server(200);
        final AlertmanagerReceiver r = new AlertmanagerReceiver("alertmanager-1", am.url("/"), config(Map.of()), http, metrics);
        r.deliver(firing(), NOW);
        r.tick(NOW.plus(Duration.ofMinutes(1)));
        r.tick(NOW.plus(Duration.ofMinutes(2)));
        assertThat(am.requests()).hasSize(3);
        for (final RecordingServer.Request req : am.requests()) {
            final JsonNode a = json(req.body()).get(0);
            assertThat(a.get("startsAt").asText()).isEqualTo("2026-03-02T00:30:00Z");
            assertThat(a.has("endsAt")).isFalse();
        }
    }

    @Test
    void shouldSendAlertmanagersWebhookPayloadVersion4() throws Exception {
        final RecordingServer hook = server(204);
        final ForwardConfig c = config(Map.of(ForwardConfig.WEBHOOK_BEARER_TOKEN, "s3cret"));
        final WebhookReceiver r = new WebhookReceiver("webhook-1", hook.url("/hook"), c, http);

        assertThat(r.deliver(resolved(), NOW).result()).isEqualTo(Receiver.Result.ACCEPTED);

        final RecordingServer.Request req = hook.requests().get(0);
        assertThat(req.path()).isEqualTo("/hook");
        assertThat(req.authorization()).isEqualTo("Bearer s3cret");
        final String annotations = "{\"burn_rate_long\":\"2\",\"burn_rate_short\":\"0\",\"description\":\"20x over 1h\","
                + "\"budget_consumed_percent\":\"0\","
                + "\"error_budget_remaining\":\"0.5\",\"event_at\":\"2026-03-02T01:25:00Z\","
                + "\"event_ends_at\":\"2026-03-02T01:25:00Z\",\"event_starts_at\":\"2026-03-02T01:05:00Z\","
                + "\"runbook_url\":\"https://runbooks.example/checkout\","
                + "\"summary\":\"checkout-availability burns its budget\",\"threshold\":\"14.4\"}";
        // a resolve ends now by the wall clock (00:30), and started no later than that
        assertThat(json(req.body())).isEqualTo(json("{\"version\":\"4\","
                + "\"groupKey\":\"{}:{alertname=\\\"ErrorBudgetBurn\\\", rule=\\\"page-1h-5m\\\", "
                + "slo=\\\"checkout-availability\\\"}\",\"truncatedAlerts\":0,\"status\":\"resolved\",\"receiver\":\"burnrate\","
                + "\"groupLabels\":{\"alertname\":\"ErrorBudgetBurn\",\"rule\":\"page-1h-5m\",\"slo\":\"checkout-availability\"},"
                + "\"commonLabels\":" + LABELS + ",\"commonAnnotations\":" + annotations + ","
                + "\"externalURL\":\"http://status.example:8080\",\"alerts\":[{\"status\":\"resolved\",\"labels\":" + LABELS
                + ",\"annotations\":" + annotations + ",\"startsAt\":\"2026-03-02T00:30:00Z\","
                + "\"endsAt\":\"2026-03-02T00:30:00Z\","
                + "\"generatorURL\":\"http://status.example:8080/slos/checkout-availability\","
                + "\"fingerprint\":\"0123456789abcdef\"}]}"));
    }

    @Test
    void shouldSkipTheResolvedWebhookMessageOfAnSloThatSaysAlertWhenResolvedFalse() throws Exception {
        final RecordingServer hook = server(204);
        final RecordingServer am = server(200);
        final ForwardConfig c = config(Map.of());
        final WebhookReceiver webhook = new WebhookReceiver("webhook-1", hook.url("/hook"), c, http);
        final AlertmanagerReceiver alertmanager = new AlertmanagerReceiver("alertmanager-1", am.url(""), c, http,
                new DeliveryMetrics(new SimpleMeterRegistry()));
        final Map<String, String> labels = new HashMap<>(resolved().labels());
        labels.put(OpenSloReader.LABEL_ALERT_WHEN_RESOLVED, "false");
        final AlertTransition f = firing();
        final AlertTransition r = resolved();
        final AlertTransition quietFiring = new AlertTransition(f.sloId(), f.service(), f.rule(), f.severity(), f.state(),
                f.at(), f.startsAt(), f.endsAt(), f.longWindow(), f.shortWindow(), f.burnRateLong(), f.burnRateShort(),
                f.threshold(), f.objective(), f.errorBudgetRemaining(), f.timeToExhaustion(), labels, f.annotations(),
                f.fingerprint());
        final AlertTransition quietResolve = new AlertTransition(r.sloId(), r.service(), r.rule(), r.severity(), r.state(),
                r.at(), r.startsAt(), r.endsAt(), r.longWindow(), r.shortWindow(), r.burnRateLong(), r.burnRateShort(),
                r.threshold(), r.objective(), r.errorBudgetRemaining(), r.timeToExhaustion(), labels, r.annotations(),
                r.fingerprint());
        // the firing message goes out; the resolve is accepted without a request (as send_resolved: false)
        assertThat(webhook.deliver(quietFiring, NOW).result()).isEqualTo(Receiver.Result.ACCEPTED);
        assertThat(webhook.deliver(quietResolve, NOW).result()).isEqualTo(Receiver.Result.ACCEPTED);
        assertThat(hook.requests()).hasSize(1);
        assertThat(json(hook.requests().get(0).body()).get("status").asText()).isEqualTo("firing");
        // Alertmanager still gets the resolve (the alert must end), with the label to route it by
        assertThat(alertmanager.deliver(quietResolve, NOW).result()).isEqualTo(Receiver.Result.ACCEPTED);
        final JsonNode alert = json(am.requests().get(0).body()).get(0);
        assertThat(alert.get("endsAt").asText()).isEqualTo("2026-03-02T00:30:00Z");
        assertThat(alert.get("labels").get("openslo_alert_when_resolved").asText()).isEqualTo("false");
    }

    @Test
    void shouldTriggerAndResolvePagerDutyWithTheFingerprintAsDedupKey() throws Exception {
        final RecordingServer pd = server(202);
        final Path key = Files.writeString(dir.resolve("routing-key"), "R0UTINGKEY0123456789abcdef012345\n");
        final ForwardConfig c = config(Map.of(ForwardConfig.PAGERDUTY_ROUTING_KEY_FILE, key.toString(),
                ForwardConfig.PAGERDUTY_URL, pd.url("/v2/enqueue").toString()));
        final PagerDutyReceiver r = new PagerDutyReceiver(c, http);

        assertThat(r.deliver(firing(), NOW).result()).isEqualTo(Receiver.Result.ACCEPTED);
        assertThat(r.deliver(resolved(), NOW).result()).isEqualTo(Receiver.Result.ACCEPTED);

        assertThat(pd.requests()).extracting(RecordingServer.Request::path).containsExactly("/v2/enqueue", "/v2/enqueue");
        // page -> critical; the custom details carry the numbers unrounded
        assertThat(json(pd.requests().get(0).body())).isEqualTo(json("{\"routing_key\":\"R0UTINGKEY0123456789abcdef012345\","
                + "\"dedup_key\":\"0123456789abcdef\",\"event_action\":\"trigger\",\"client\":\"burnrate\","
                + "\"client_url\":\"http://status.example:8080/slos/checkout-availability\",\"payload\":{"
                + "\"summary\":\"checkout-availability burns its budget\",\"source\":\"checkout\",\"severity\":\"critical\","
                + "\"timestamp\":\"2026-03-02T00:30:00Z\",\"component\":\"checkout-availability\",\"group\":\"checkout\","
                + "\"class\":\"page-1h-5m\",\"custom_details\":{\"slo\":\"checkout-availability\",\"rule\":\"page-1h-5m\","
                + "\"severity\":\"page\",\"burn_rate_long\":20.0,\"burn_rate_short\":30.0,\"threshold\":14.4,"
                + "\"long_window\":\"PT1H\",\"short_window\":\"PT5M\",\"objective\":99.9,\"error_budget_remaining\":0.75,"
                + "\"time_to_exhaustion\":\"PT36H\",\"budget_consumed_percent\":2.5,"
                + "\"contributors\":\"over 5m: operation=POST /cart 90%; over 1h: operation=POST /cart 75%\","
                + "\"event_at\":\"2026-03-02T01:05:00Z\","
                + "\"event_starts_at\":\"2026-03-02T01:05:00Z\",\"description\":\"20x over 1h\",\"labels\":" + LABELS + "}},"
                + "\"links\":[{\"href\":\"http://status.example:8080/slos/checkout-availability\","
                + "\"text\":\"SLO status: checkout-availability\"},{\"href\":\"https://runbooks.example/checkout\","
                + "\"text\":\"Runbook\"}]}"));
        assertThat(json(pd.requests().get(1).body())).isEqualTo(json("{\"routing_key\":\"R0UTINGKEY0123456789abcdef012345\","
                + "\"dedup_key\":\"0123456789abcdef\",\"event_action\":\"resolve\"}"));
    }

    @Test
    void shouldMapTicketSeverityAsConfigured() throws Exception {
        final RecordingServer pd = server(202);
        final ForwardConfig c = config(Map.of(ForwardConfig.PAGERDUTY_ROUTING_KEY, "k",
                ForwardConfig.PAGERDUTY_URL, pd.url("/").toString(), ForwardConfig.PAGERDUTY_SEVERITY_TICKET, "info"));
        final AlertTransition f = firing();
        final AlertTransition ticket = new AlertTransition(f.sloId(), f.service(), "ticket-1d-2h", "ticket", f.state(), f.at(),
                f.startsAt(), null, f.longWindow(), f.shortWindow(), 3.5, 3.5, 3, 99.9, 0.5, null, Map.of(), null, "ffff");
        assertThat(new PagerDutyReceiver(c, http).event(ticket, NOW).get("payload").get("severity").asText()).isEqualTo("info");
        assertThat(new PagerDutyReceiver(c, http).event(f, NOW).get("payload").get("severity").asText()).isEqualTo("critical");
    }

    @Test
    void shouldRetryWithBackoffThenDeadLetterWhileTheOtherReceiversGetTheTransition() throws Exception {
        final RecordingServer good = server(200);
        final RecordingServer dead = server(503);
        final RecordingServer refusing = server(400);
        final ForwardConfig c = config(Map.of(ForwardConfig.RETRY_ATTEMPTS, "4", ForwardConfig.RETRY_INITIAL, "1s",
                ForwardConfig.RETRY_MAX, "3s"));
        final List<Duration> pauses = new ArrayList<>();
        final List<Receiver> receivers = List.of(new WebhookReceiver("webhook-1", good.url("/"), c, http),
                new WebhookReceiver("webhook-2", dead.url("/"), c, http),
                new WebhookReceiver("webhook-3", refusing.url("/"), c, http));
        // unit 0: each pause is the lower end of its jitter range, half the backoff
        final Random zero = new Random() {
            @Override
            public double nextDouble() {
                return 0;
            }
        };
        try (Dispatcher d = new Dispatcher(receivers, c.retry(), metrics, Clock.fixed(NOW, ZoneOffset.UTC),
                p -> {
                    synchronized (pauses) {
                        pauses.add(p);
                    }
                }, zero)) {
            final List<Dispatcher.Failure> failed = d.deliver(firing());

            assertThat(good.requests()).hasSize(1);
            // 4 attempts, 3 pauses: backoff 1 s, 2 s, 4 s capped at 3 s; halves 0.5 s, 1 s, 1.5 s
            assertThat(dead.requests()).hasSize(4);
            assertThat(pauses).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(1500));
            // 400: refused for good, no retry
            assertThat(refusing.requests()).hasSize(1);
            assertThat(failed).extracting(f -> f.receiver().name() + " " + f.reason() + " " + f.attempts())
                    .containsExactlyInAnyOrder("webhook-2 retries-exhausted 4", "webhook-3 rejected 1");
            assertThat(failed).filteredOn(f -> f.receiver().name().equals("webhook-2")).first()
                    .extracting(Dispatcher.Failure::detail).asString().startsWith("HTTP 503");
        }
        final var registry = metrics.registry();
        assertThat(registry.get("burnrate.forward.deliveries").tags("receiver", "webhook-1", "outcome", "accepted").counter()
                .count()).isEqualTo(1);
        assertThat(registry.get("burnrate.forward.deliveries").tags("receiver", "webhook-2", "outcome", "dead_lettered")
                .counter().count()).isEqualTo(1);
        assertThat(registry.get("burnrate.forward.failures").tags("receiver", "webhook-2", "result", "retry").counter()
                .count()).isEqualTo(4);
        assertThat(registry.get("burnrate.forward.request").tags("receiver", "webhook-2").timer().count()).isEqualTo(4);
    }

    @Test
    void shouldRecoverWhenAReceiverComesBackWithinTheRetries() throws Exception {
        final RecordingServer flaky = server(200).thenAnswer(500, 429);
        final ForwardConfig c = config(Map.of());
        try (Dispatcher d = new Dispatcher(List.of(new WebhookReceiver("webhook-1", flaky.url("/"), c, http)), c.retry(),
                metrics, Clock.fixed(NOW, ZoneOffset.UTC), p -> { }, new Random(1))) {
            assertThat(d.deliver(firing())).isEmpty();
        }
        assertThat(flaky.requests()).hasSize(3);
    }

    @Test
    void shouldPauseWithExponentialBackoffAndEqualJitter() {
        final ForwardConfig.Retry r = new ForwardConfig.Retry(6, Duration.ofMillis(500), Duration.ofSeconds(30));
        // retry n: 500 ms * 2^(n-1), capped at 30 s, drawn from [half, full)
        assertThat(r.pause(1, 0)).isEqualTo(Duration.ofMillis(250));
        assertThat(r.pause(1, 0.5)).isEqualTo(Duration.ofMillis(375));
        assertThat(r.pause(3, 0.999)).isEqualTo(Duration.ofMillis(1000 + 999));
        assertThat(r.pause(7, 0)).isEqualTo(Duration.ofSeconds(15));
        assertThat(r.pause(40, 0)).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void shouldNameTheDeadLetterTopicLikeTheOtherTopicsAndKeepSecretsOutOfToString() throws Exception {
        final Path key = Files.writeString(dir.resolve("key"), "TOPSECRETKEY");
        final Map<String, String> m = Map.of(ForwardConfig.PAGERDUTY_ROUTING_KEY_FILE, key.toString(),
                ForwardConfig.ALERTMANAGER_URLS, "http://am-1:9093, http://am-2:9093");
        final ForwardConfig c = ForwardConfig.from(m::get, "team-a.alerts");
        assertThat(c.deadLetterTopic()).isEqualTo("team-a.delivery-dlq");
        assertThat(ForwardConfig.from(Map.<String, String>of()::get, "alerts").deadLetterTopic()).isEqualTo("delivery-dlq");
        assertThat(c.alertmanagers()).extracting(Object::toString).containsExactly("http://am-1:9093", "http://am-2:9093");
        assertThat(c.pagerDutyRoutingKey()).isEqualTo("TOPSECRETKEY");
        assertThat(c.pagerDutyUrl().toString()).isEqualTo("https://events.pagerduty.com/v2/enqueue");
        assertThat(c.toString()).doesNotContain("TOPSECRETKEY").contains("routing key set");
    }

    @Test
    void shouldLogWebhookUrlsWithoutTheirPathWhichOftenHoldsAToken() throws Exception {
        // chat webhooks carry their credential in the path (https://hooks.example/services/T0/B0/SECRETTOKEN)
        final ForwardConfig c = ForwardConfig.from(Map.of(ForwardConfig.WEBHOOK_URLS,
                "https://hooks.example/services/T0/B0/SECRETTOKEN?token=QUERYSECRET, http://bot:8080")::get, "burnrate.alerts");
        assertThat(c.webhooks()).hasSize(2);
        assertThat(c.toString()).doesNotContain("SECRETTOKEN").doesNotContain("QUERYSECRET")
                .contains("webhook [https://hooks.example/..., http://bot:8080]");
    }

    @Test
    void shouldRefuseCredentialsInUrlsAndBadSettingsNamingTheKey() {
        final Map<String, String> creds = Map.of(ForwardConfig.ALERTMANAGER_URLS, "http://admin:hunter2@am:9093");
        assertThatThrownBy(() -> ForwardConfig.from(creds::get, "burnrate.alerts")).hasMessageContaining(
                ForwardConfig.ALERTMANAGER_URLS).hasMessageNotContaining("hunter2");
        final Map<String, String> severity = Map.of(ForwardConfig.PAGERDUTY_SEVERITY_PAGE, "sev1");
        assertThatThrownBy(() -> ForwardConfig.from(severity::get, "burnrate.alerts"))
                .hasMessage("forward.pagerduty.severity.page must be one of critical, error, warning, info, not 'sev1'");
        final Map<String, String> missing = Map.of(ForwardConfig.PAGERDUTY_ROUTING_KEY_FILE, "/nonexistent/key");
        assertThatThrownBy(() -> ForwardConfig.from(missing::get, "burnrate.alerts"))
                .hasMessage("forward.pagerduty.routing.key.file: /nonexistent/key does not exist");
    }

    @Test
    void shouldMakeSloLabelNamesValidForAlertmanager() {
        assertThat(AlertPayloads.labelName("cost-center")).isEqualTo("cost_center");
        assertThat(AlertPayloads.labelName("app.kubernetes.io/name")).isEqualTo("app_kubernetes_io_name");
        assertThat(AlertPayloads.labelName("0tier")).isEqualTo("_0tier");
        // our labels win over an SLO label of the same name
        final AlertTransition f = firing();
        final AlertTransition clash = new AlertTransition(f.sloId(), f.service(), f.rule(), f.severity(), f.state(), f.at(),
                f.startsAt(), null, f.longWindow(), f.shortWindow(), 1, 1, 1, 99, 1, null,
                Map.of("severity", "low", "slo", "other", "empty", ""), null, "x");
        assertThat(AlertPayloads.labels(clash)).containsEntry("severity", "page").containsEntry("slo", "checkout-availability")
                .doesNotContainKey("empty");
    }
}
