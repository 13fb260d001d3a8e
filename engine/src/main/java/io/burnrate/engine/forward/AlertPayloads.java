package io.burnrate.engine.forward;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.burnrate.engine.alert.AlertText;
import io.burnrate.schemas.AlertTransition;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How a transition looks to Alertmanager-shaped receivers: its label set, annotations,
 * wall-clock times and status-page link. Shared by {@link AlertmanagerReceiver} (API v2)
 * and {@link WebhookReceiver} (webhook payload version 4), so a route or silence matches
 * the same labels whichever way an alert arrived.
 */
final class AlertPayloads {

    /** The {@code alertname} of every burn-rate alert (Pyrra's name, so existing routes and inhibitions match). */
    static final String ALERTNAME = "ErrorBudgetBurn";
    /** Alertmanager's "no end" time in webhook payloads. */
    static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private AlertPayloads() {
    }

    /**
     * The SLO's labels (names made valid for Prometheus: {@code [a-zA-Z_][a-zA-Z0-9_]*}, empty values
     * dropped), then {@code alertname}, {@code slo}, {@code service}, {@code severity} and
     * {@code rule}, which win over an SLO label of the same name. Sorted by name.
     */
    static SortedMap<String, String> labels(final AlertTransition t) {
        final SortedMap<String, String> out = new TreeMap<>();
        if (t.labels() != null) {
            t.labels().forEach((k, v) -> {
                if (k != null && !k.isEmpty() && v != null && !v.isEmpty()) {
                    out.put(labelName(k), v);
                }
            });
        }
        out.put("alertname", ALERTNAME);
        out.put("slo", t.sloId());
        putIfPresent(out, "service", t.service());
        putIfPresent(out, "severity", t.severity());
        out.put("rule", t.rule());
        return out;
    }

    /** {@code team-name} gives {@code team_name}; a leading digit gets an underscore before it. */
    static String labelName(final String key) {
        final StringBuilder b = new StringBuilder(key.length() + 1);
        for (int i = 0; i < key.length(); i++) {
            final char c = key.charAt(i);
            final boolean ok = c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9';
            if (i == 0 && c >= '0' && c <= '9') {
                b.append('_').append(c);
            } else {
                b.append(ok ? c : '_');
            }
        }
        return b.toString();
    }

    /**
     * summary, description, runbook_url (when the SLO has one), the numbers behind the
     * decision (with the budget consumed since the alert started and, firing, the top
     * contributors) and the transition's event times (which may run ahead of or behind the
     * wall clock Alertmanager judges {@code startsAt}/{@code endsAt} by).
     */
    static SortedMap<String, String> annotations(final AlertTransition t) {
        final SortedMap<String, String> out = new TreeMap<>();
        final AlertTransition.Annotations a = t.annotations();
        if (a != null) {
            putIfPresent(out, "summary", a.summary());
            putIfPresent(out, "description", a.description());
            putIfPresent(out, "runbook_url", a.runbookUrl());
        }
        out.put("burn_rate_long", number(t.burnRateLong()));
        out.put("burn_rate_short", number(t.burnRateShort()));
        out.put("threshold", number(t.threshold()));
        out.put("error_budget_remaining", number(t.errorBudgetRemaining()));
        out.put("budget_consumed_percent", number(t.budgetConsumedPercent()));
        putIfPresent(out, "contributors", contributors(t));
        putIfPresent(out, "event_at", t.at() == null ? null : t.at().toString());
        putIfPresent(out, "event_starts_at", t.startsAt() == null ? null : t.startsAt().toString());
        putIfPresent(out, "event_ends_at", t.endsAt() == null ? null : t.endsAt().toString());
        return out;
    }

    /**
     * The top value of each contributor dimension in both windows, e.g. {@code over 5m:
     * operation=POST /cart 91.7%; over 1h: operation=POST /cart 92.1%}; null when the
     * transition has none (resolved, or no bad event counted).
     */
    static String contributors(final AlertTransition t) {
        final AlertTransition.Contributors c = t.contributors();
        if (c == null || c.shortWindow() == null || c.longWindow() == null) {
            return null;
        }
        return AlertText.contributors(c.shortWindow(), c.since(), t.at()) + "; "
                + AlertText.contributors(c.longWindow(), c.since(), t.at());
    }

    /**
     * When the alert started by the wall clock: the transition's start, or {@code now} where the
     * event time runs ahead of it (the demo's compressed time); milliseconds.
     */
    static Instant startsAt(final AlertTransition t, final Instant now) {
        final Instant s = t.startsAt() != null ? t.startsAt() : t.at() != null ? t.at() : now;
        return (s.isAfter(now) ? now : s).truncatedTo(ChronoUnit.MILLIS);
    }

    /** {@code <base>/slos/<slo id>}: the SLO's page on the engine's status page. */
    static String generatorUrl(final String statusBase, final AlertTransition t) {
        return statusBase + "/slos/" + URLEncoder.encode(t.sloId(), StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** One alert of Alertmanager's API v2 ({@code POST /api/v2/alerts}); {@code endsAt} null while firing. */
    static ObjectNode alertmanagerAlert(final AlertTransition t, final Instant startsAt, final Instant endsAt,
                                        final String statusBase) {
        final ObjectNode a = JSON.objectNode();
        a.set("labels", object(labels(t)));
        a.set("annotations", object(annotations(t)));
        a.put("startsAt", startsAt.toString());
        if (endsAt != null) {
            a.put("endsAt", endsAt.toString());
        }
        a.put("generatorURL", generatorUrl(statusBase, t));
        return a;
    }

    /** Alertmanager's webhook payload (version 4) carrying the one alert of {@code t}. */
    static ObjectNode webhookMessage(final AlertTransition t, final Instant startsAt, final Instant endsAt,
                                     final String statusBase) {
        final SortedMap<String, String> labels = labels(t);
        final SortedMap<String, String> group = new TreeMap<>();
        group.put("alertname", labels.get("alertname"));
        group.put("rule", labels.get("rule"));
        group.put("slo", labels.get("slo"));
        final StringBuilder key = new StringBuilder("{}:{");
        group.forEach((k, v) -> key.append(key.length() > 4 ? ", " : "").append(k).append("=\"")
                .append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
        key.append('}');
        final ObjectNode m = JSON.objectNode();
        m.put("version", "4");
        m.put("groupKey", key.toString());
        m.put("truncatedAlerts", 0);
        m.put("status", t.state());
        m.put("receiver", "burnrate");
        m.set("groupLabels", object(group));
        m.set("commonLabels", object(labels));
        m.set("commonAnnotations", object(annotations(t)));
        m.put("externalURL", statusBase);
        final ObjectNode a = m.putArray("alerts").addObject();
        a.put("status", t.state());
        a.set("labels", object(labels));
        a.set("annotations", object(annotations(t)));
        a.put("startsAt", startsAt.toString());
        a.put("endsAt", endsAt == null ? ZERO_TIME : endsAt.toString());
        a.put("generatorURL", generatorUrl(statusBase, t));
        a.put("fingerprint", t.fingerprint());
        return m;
    }

    static boolean firing(final AlertTransition t) {
        return AlertTransition.FIRING.equals(t.state());
    }

    /** Four significant digits, no exponent: 14.4, 0.9861, 1000; NaN and infinities spelt out. */
    static String number(final double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return Double.toString(x);
        }
        return BigDecimal.valueOf(x).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static ObjectNode object(final Map<String, String> map) {
        final ObjectNode o = JSON.objectNode();
        map.forEach(o::put);
        return o;
    }

    private static void putIfPresent(final Map<String, String> map, final String key, final String value) {
        if (value != null && !value.isEmpty()) {
            map.put(key, value);
        }
    }
}
