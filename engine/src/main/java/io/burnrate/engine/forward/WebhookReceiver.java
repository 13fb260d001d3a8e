package io.burnrate.engine.forward;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.burnrate.engine.slo.openslo.OpenSloReader;
import io.burnrate.schemas.AlertTransition;
import io.burnrate.schemas.Json;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Alertmanager's webhook payload (version 4), one message per transition, to any URL: chat
 * bots and custom routers that already read Alertmanager's webhooks read these unchanged.
 * Wall-clock times as for {@link AlertmanagerReceiver}; a firing alert's {@code endsAt} is
 * Alertmanager's zero time. An SLO labelled {@code openslo_alert_when_resolved="false"} (OpenSLO
 * {@code alertWhenResolved: false}) gets no resolved message, as with Alertmanager's
 * {@code send_resolved: false}.
 */
public final class WebhookReceiver implements Receiver {

    private final String name;
    private final URI url;
    private final String authorization;
    private final String statusBase;
    private final HttpPoster http;

    WebhookReceiver(final String name, final URI url, final ForwardConfig config, final HttpPoster http) {
        this.name = name;
        this.url = url;
        this.authorization = config.webhookAuthorization();
        this.statusBase = config.statusBaseUrl();
        this.http = http;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "webhook";
    }

    @Override
    public Attempt deliver(final AlertTransition t, final Instant now) {
        if (!AlertPayloads.firing(t) && t.labels() != null
                && "false".equals(t.labels().get(OpenSloReader.LABEL_ALERT_WHEN_RESOLVED))) {
            // OpenSLO alertWhenResolved: false, as Alertmanager's send_resolved: false: nothing to post
            return Attempt.ACCEPTED;
        }
        final Instant wall = now.truncatedTo(ChronoUnit.MILLIS);
        final Instant starts = AlertPayloads.startsAt(t, wall);
        try {
            return http.post(url, Json.MAPPER.writeValueAsBytes(AlertPayloads.webhookMessage(t, starts,
                    AlertPayloads.firing(t) ? null : wall, statusBase)), authorization);
        } catch (JsonProcessingException e) {
            return Attempt.rejected("cannot write the message as JSON: " + e.getOriginalMessage());
        }
    }
}
