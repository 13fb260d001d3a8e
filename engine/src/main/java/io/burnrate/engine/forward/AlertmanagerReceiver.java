package io.burnrate.engine.forward;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.Json;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Alertmanager's API v2: {@code POST <url>/api/v2/alerts} with a JSON array of alerts.
 *
 * <p>Alertmanager forgets a firing alert that is not re-sent within its {@code resolve_timeout}
 * (default 5m), so every firing alert is re-sent each {@code forward.alertmanager.resend.interval}
 * (default 1m, as Prometheus' {@code --rules.alert.resend-delay}) until it resolves, and a resolved
 * alert is re-sent with its first {@code endsAt} for {@code forward.alertmanager.resolved.resend.for}
 * (default 15m, as Prometheus keeps resolved alerts), so an instance that missed the resolve (an HA
 * peer restarting) still learns of it. Times are by the wall clock: {@code startsAt} is the
 * transition's start or now, whichever is earlier, and a resolve ends the alert now, even where the
 * event time runs ahead (the demo, a replay); the event times travel in annotations.
 */
public final class AlertmanagerReceiver implements Receiver {

    /** What is re-sent for one alert. */
    private record Active(AlertTransition transition, Instant startsAt, Instant endsAt) {
    }

    private final String name;
    private final URI endpoint;
    private final String authorization;
    private final String statusBase;
    private final HttpPoster http;
    private final Duration resolvedResendFor;
    private final DeliveryMetrics metrics;
    private final Map<String, Active> active = new ConcurrentHashMap<>();

    AlertmanagerReceiver(final String name, final URI base, final ForwardConfig config, final HttpPoster http,
                         final DeliveryMetrics metrics) {
        this.name = name;
        final String b = base.toString();
        this.endpoint = URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + "/api/v2/alerts");
        this.authorization = config.alertmanagerAuthorization();
        this.statusBase = config.statusBaseUrl();
        this.http = http;
        this.resolvedResendFor = config.resolvedResendFor();
        this.metrics = metrics;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "alertmanager";
    }

    /** The URL alerts are posted to. */
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public Attempt deliver(final AlertTransition t, final Instant now) {
        final Active a = remember(t, now);
        return post(List.of(a));
    }

    /**
     * Records what to re-send: a firing alert keeps the start it was first sent with; a resolve
     * ends it now (wall clock), once: a retried or re-sent resolve keeps its first {@code endsAt}.
     */
    Active remember(final AlertTransition t, final Instant now) {
        final Instant wall = now.truncatedTo(ChronoUnit.MILLIS);
        final Active known = active.get(t.fingerprint());
        // the same episode (still firing, or this very resolve again) keeps the start Alertmanager already has
        final boolean sameEpisode = known != null && (known.endsAt() == null || known.transition().equals(t));
        final Instant starts = sameEpisode ? known.startsAt() : AlertPayloads.startsAt(t, wall);
        final Active a;
        if (AlertPayloads.firing(t)) {
            a = new Active(t, starts, null);
        } else {
            final Instant ends = sameEpisode && known.endsAt() != null ? known.endsAt() : wall;
            a = new Active(t, starts, ends.isBefore(starts) ? starts : ends);
        }
        active.put(t.fingerprint(), a);
        return a;
    }

    @Override
    public void restore(final AlertTransition t, final Instant now) {
        if (AlertPayloads.firing(t)) {
            remember(t, now);
        }
    }

    @Override
    public void forget(final Set<String> fingerprints) {
        active.keySet().removeAll(fingerprints);
    }

    /** Re-sends every remembered alert in one request (the forwarder calls this each re-send interval). */
    @Override
    public void tick(final Instant now) {
        active.values().removeIf(a -> a.endsAt() != null && a.endsAt().plus(resolvedResendFor).isBefore(now));
        final List<Active> all = new ArrayList<>(active.values());
        if (!all.isEmpty()) {
            final long start = System.nanoTime();
            final Attempt r = post(all);
            metrics.resent(this, r, all.size(), System.nanoTime() - start);
        }
    }

    /** How many alerts are re-sent now (firing, and resolved within the re-send period). */
    int remembered() {
        return active.size();
    }

    private Attempt post(final List<Active> alerts) {
        final ArrayNode body = JsonNodeFactory.instance.arrayNode();
        for (final Active a : alerts) {
            body.add(AlertPayloads.alertmanagerAlert(a.transition(), a.startsAt(), a.endsAt(), statusBase));
        }
        try {
            return http.post(endpoint, Json.MAPPER.writeValueAsBytes(body), authorization);
        } catch (JsonProcessingException e) {
            return Attempt.rejected("cannot write the alert as JSON: " + e.getOriginalMessage());
        }
    }
}
