package io.burnrate.engine.forward;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.Json;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * PagerDuty Events API v2 ({@code POST https://events.pagerduty.com/v2/enqueue}): a firing
 * transition triggers, a resolved one resolves, both with {@code dedup_key} = the alert's
 * fingerprint, so a re-delivered transition changes nothing. Severity: page → critical,
 * ticket → warning unless configured; the routing key goes in the body (PagerDuty's design)
 * and never into a log or a dead letter.
 */
public final class PagerDutyReceiver implements Receiver {

    /** PagerDuty cuts {@code payload.summary} at 1024 characters. */
    static final int MAX_SUMMARY = 1024;

    private final URI url;
    private final String routingKey;
    private final Map<String, String> severities;
    private final String statusBase;
    private final HttpPoster http;

    PagerDutyReceiver(final ForwardConfig config, final HttpPoster http) {
        this.url = config.pagerDutyUrl();
        this.routingKey = config.pagerDutyRoutingKey();
        this.severities = config.pagerDutySeverities();
        this.statusBase = config.statusBaseUrl();
        this.http = http;
    }

    @Override
    public String name() {
        return "pagerduty";
    }

    @Override
    public String kind() {
        return "pagerduty";
    }

    @Override
    public Attempt deliver(final AlertTransition t, final Instant now) {
        try {
            return http.post(url, Json.MAPPER.writeValueAsBytes(event(t, now)), null);
        } catch (JsonProcessingException e) {
            return Attempt.rejected("cannot write the event as JSON: " + e.getOriginalMessage());
        }
    }

    /** The Events API v2 body for {@code t}; {@code now} (wall clock) is the trigger's timestamp. */
    ObjectNode event(final AlertTransition t, final Instant now) {
        final ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("routing_key", routingKey);
        e.put("dedup_key", t.fingerprint());
        if (!AlertPayloads.firing(t)) {
            e.put("event_action", "resolve");
            return e;
        }
        e.put("event_action", "trigger");
        final String link = AlertPayloads.generatorUrl(statusBase, t);
        e.put("client", "burnrate");
        e.put("client_url", link);
        final ObjectNode p = e.putObject("payload");
        String summary = t.annotations() != null && t.annotations().summary() != null ? t.annotations().summary()
                : t.sloId() + " " + t.rule() + " firing";
        if (summary.length() > MAX_SUMMARY) {
            summary = summary.substring(0, MAX_SUMMARY - 3) + "...";
        }
        p.put("summary", summary);
        p.put("source", t.service() != null ? t.service() : t.sloId());
        p.put("severity", severities.getOrDefault(t.severity(), "warning"));
        p.put("timestamp", now.truncatedTo(ChronoUnit.MILLIS).toString());
        p.put("component", t.sloId());
        p.put("group", t.service());
        p.put("class", t.rule());
        final ObjectNode d = p.putObject("custom_details");
        d.put("slo", t.sloId());
        d.put("rule", t.rule());
        d.put("severity", t.severity());
        d.put("burn_rate_long", t.burnRateLong());
        d.put("burn_rate_short", t.burnRateShort());
        d.put("threshold", t.threshold());
        d.put("long_window", t.longWindow() == null ? null : t.longWindow().toString());
        d.put("short_window", t.shortWindow() == null ? null : t.shortWindow().toString());
        d.put("objective", t.objective());
        d.put("error_budget_remaining", t.errorBudgetRemaining());
        d.put("time_to_exhaustion", t.timeToExhaustion() == null ? null : t.timeToExhaustion().toString());
        d.put("budget_consumed_percent", t.budgetConsumedPercent());
        final String contributors = AlertPayloads.contributors(t);
        if (contributors != null) {
            d.put("contributors", contributors);
        }
        d.put("event_at", t.at() == null ? null : t.at().toString());
        d.put("event_starts_at", t.startsAt() == null ? null : t.startsAt().toString());
        if (t.annotations() != null && t.annotations().description() != null) {
            d.put("description", t.annotations().description());
        }
        final ObjectNode labels = d.putObject("labels");
        AlertPayloads.labels(t).forEach(labels::put);
        final ArrayNode links = e.putArray("links");
        links.addObject().put("href", link).put("text", "SLO status: " + t.sloId());
        if (t.annotations() != null && t.annotations().runbookUrl() != null && !t.annotations().runbookUrl().isBlank()) {
            links.addObject().put("href", t.annotations().runbookUrl()).put("text", "Runbook");
        }
        return e;
    }
}
