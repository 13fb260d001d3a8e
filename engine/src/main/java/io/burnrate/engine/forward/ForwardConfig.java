package io.burnrate.engine.forward;

import io.burnrate.engine.slo.Durations;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What {@code burnrate forward} delivers where, read from the flat settings ({@code forward.*}
 * keys; file, {@code BURNRATE_FORWARD_*} environment variables, flags). Secrets (the PagerDuty
 * routing key, bearer tokens, basic-auth credentials) are read from a file or the environment
 * only; {@link #toString} names what is configured, never a secret.
 */
public record ForwardConfig(
        List<URI> alertmanagers,
        List<URI> webhooks,
        URI pagerDutyUrl,
        String pagerDutyRoutingKey,
        Map<String, String> pagerDutySeverities,
        String alertmanagerAuthorization,
        String webhookAuthorization,
        String statusBaseUrl,
        String groupId,
        String deadLetterTopic,
        Retry retry,
        Duration requestTimeout,
        Duration resendInterval,
        Duration resolvedResendFor) {

    public static final String ALERTMANAGER_URLS = "forward.alertmanager.urls";
    public static final String WEBHOOK_URLS = "forward.webhook.urls";
    public static final String PAGERDUTY_URL = "forward.pagerduty.url";
    /** The routing key itself: from the environment ({@code BURNRATE_FORWARD_PAGERDUTY_ROUTING_KEY}) or a settings file. */
    public static final String PAGERDUTY_ROUTING_KEY = "forward.pagerduty.routing.key";
    public static final String PAGERDUTY_ROUTING_KEY_FILE = "forward.pagerduty.routing.key.file";
    public static final String PAGERDUTY_SEVERITY_PAGE = "forward.pagerduty.severity.page";
    public static final String PAGERDUTY_SEVERITY_TICKET = "forward.pagerduty.severity.ticket";
    public static final String ALERTMANAGER_BEARER_TOKEN = "forward.alertmanager.bearer.token";
    public static final String ALERTMANAGER_BEARER_TOKEN_FILE = "forward.alertmanager.bearer.token.file";
    /** One line {@code user:password}. */
    public static final String ALERTMANAGER_BASIC_AUTH_FILE = "forward.alertmanager.basic.auth.file";
    public static final String WEBHOOK_BEARER_TOKEN = "forward.webhook.bearer.token";
    public static final String WEBHOOK_BEARER_TOKEN_FILE = "forward.webhook.bearer.token.file";
    public static final String WEBHOOK_BASIC_AUTH_FILE = "forward.webhook.basic.auth.file";
    /** Base URL of the engine's status page: {@code generatorURL} is {@code <base>/slos/<slo>}. */
    public static final String STATUS_URL = "forward.status.url";
    public static final String GROUP_ID = "forward.group.id";
    public static final String DEAD_LETTER_TOPIC = "forward.topic.dlq";
    public static final String RETRY_ATTEMPTS = "forward.retry.attempts";
    public static final String RETRY_INITIAL = "forward.retry.initial";
    public static final String RETRY_MAX = "forward.retry.max";
    public static final String REQUEST_TIMEOUT = "forward.request.timeout";
    public static final String RESEND_INTERVAL = "forward.alertmanager.resend.interval";
    public static final String RESOLVED_RESEND_FOR = "forward.alertmanager.resolved.resend.for";
    /** Port of the forwarder's own {@code /metrics}; -1 turns it off. */
    public static final String HTTP_PORT = "forward.http.port";
    public static final String HTTP_BIND = "forward.http.bind";

    /** PagerDuty's public Events API v2 endpoint. */
    public static final String PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";
    public static final int DEFAULT_HTTP_PORT = 8081;

    /** Every key of the forwarder ({@code SettingKeys} accepts them). */
    public static final List<String> KEYS = List.of(ALERTMANAGER_URLS, WEBHOOK_URLS, PAGERDUTY_URL, PAGERDUTY_ROUTING_KEY,
            PAGERDUTY_ROUTING_KEY_FILE, PAGERDUTY_SEVERITY_PAGE, PAGERDUTY_SEVERITY_TICKET, ALERTMANAGER_BEARER_TOKEN,
            ALERTMANAGER_BEARER_TOKEN_FILE, ALERTMANAGER_BASIC_AUTH_FILE, WEBHOOK_BEARER_TOKEN, WEBHOOK_BEARER_TOKEN_FILE,
            WEBHOOK_BASIC_AUTH_FILE, STATUS_URL, GROUP_ID, DEAD_LETTER_TOPIC, RETRY_ATTEMPTS, RETRY_INITIAL, RETRY_MAX,
            REQUEST_TIMEOUT, RESEND_INTERVAL, RESOLVED_RESEND_FOR, HTTP_PORT, HTTP_BIND);

    /** Keys holding a secret value: refused on the command line. */
    public static final Set<String> SECRET_KEYS = Set.of(PAGERDUTY_ROUTING_KEY, ALERTMANAGER_BEARER_TOKEN,
            WEBHOOK_BEARER_TOKEN);

    private static final Set<String> PAGERDUTY_LEVELS = Set.of("critical", "error", "warning", "info");

    @Override
    public String toString() {
        return "alertmanager " + alertmanagers + ", webhook " + webhooks.stream().map(ForwardConfig::redacted).toList()
                + ", pagerduty "
                + (pagerDutyRoutingKey == null ? "off" : pagerDutyUrl + " (routing key set)")
                + (alertmanagerAuthorization == null ? "" : ", alertmanager auth set")
                + (webhookAuthorization == null ? "" : ", webhook auth set");
    }

    /**
     * A webhook URL as logged: scheme, host and port only. Chat webhooks (Slack, Teams, ...)
     * carry their credential in the path or the query.
     */
    static String redacted(final URI url) {
        final String path = url.getRawPath() == null ? "" : url.getRawPath();
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (path.isEmpty() || path.equals("/") ? "" : "/...") + (url.getRawQuery() == null || !path.isEmpty()
                && !path.equals("/") ? "" : "?...");
    }

    /** At least one receiver. */
    public boolean hasReceivers() {
        return !alertmanagers.isEmpty() || !webhooks.isEmpty() || pagerDutyRoutingKey != null;
    }

    /**
     * Reads the {@code forward.*} settings; {@code alertsTopic} names the dead-letter topic's
     * default ({@code burnrate.alerts} gives {@code burnrate.delivery-dlq}).
     *
     * @throws IOException naming the key (never its secret value)
     */
    public static ForwardConfig from(final Function<String, String> settings, final String alertsTopic) throws IOException {
        final List<URI> am = urls(settings, ALERTMANAGER_URLS);
        final List<URI> hooks = urls(settings, WEBHOOK_URLS);
        final String pdUrl = or(settings.apply(PAGERDUTY_URL), PAGERDUTY_EVENTS_URL);
        final String key = secret(settings, PAGERDUTY_ROUTING_KEY, PAGERDUTY_ROUTING_KEY_FILE);
        if (key != null && (key.isEmpty() || key.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f))) {
            throw new IOException("the PagerDuty routing key (" + PAGERDUTY_ROUTING_KEY_FILE + " / "
                    + PAGERDUTY_ROUTING_KEY + ") must be printable ASCII without spaces");
        }
        final Map<String, String> severities = Map.of(
                "page", level(settings, PAGERDUTY_SEVERITY_PAGE, "critical"),
                "ticket", level(settings, PAGERDUTY_SEVERITY_TICKET, "warning"));
        final int dot = alertsTopic.lastIndexOf('.');
        final String dlq = or(settings.apply(DEAD_LETTER_TOPIC),
                (dot < 0 ? "" : alertsTopic.substring(0, dot + 1)) + "delivery-dlq");
        final int attempts = integer(settings, RETRY_ATTEMPTS, 5);
        if (attempts < 1 || attempts > 100) {
            throw new IOException(RETRY_ATTEMPTS + " must be between 1 and 100, not " + attempts);
        }
        final Retry retry = new Retry(attempts, duration(settings, RETRY_INITIAL, "500ms"),
                duration(settings, RETRY_MAX, "30s"));
        if (retry.max().compareTo(retry.initial()) < 0) {
            throw new IOException(RETRY_MAX + " must not be shorter than " + RETRY_INITIAL);
        }
        final String status = or(settings.apply(STATUS_URL), "http://localhost:8080");
        url(status, STATUS_URL);
        return new ForwardConfig(am, hooks, url(pdUrl, PAGERDUTY_URL), key, severities,
                authorization(settings, ALERTMANAGER_BEARER_TOKEN, ALERTMANAGER_BEARER_TOKEN_FILE,
                        ALERTMANAGER_BASIC_AUTH_FILE),
                authorization(settings, WEBHOOK_BEARER_TOKEN, WEBHOOK_BEARER_TOKEN_FILE, WEBHOOK_BASIC_AUTH_FILE),
                status.endsWith("/") ? status.substring(0, status.length() - 1) : status,
                or(settings.apply(GROUP_ID), "burnrate-forward"), dlq, retry,
                duration(settings, REQUEST_TIMEOUT, "10s"), duration(settings, RESEND_INTERVAL, "1m"),
                duration(settings, RESOLVED_RESEND_FOR, "15m"));
    }

    private static String or(final String value, final String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static List<URI> urls(final Function<String, String> settings, final String key) throws IOException {
        final String v = settings.apply(key);
        final List<URI> out = new ArrayList<>();
        if (v != null) {
            for (final String u : Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()) {
                out.add(url(u, key));
            }
        }
        return List.copyOf(out);
    }

    private static URI url(final String text, final String key) throws IOException {
        try {
            final URI u = new URI(text);
            final String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
                throw new URISyntaxException(text, "expected an http:// or https:// URL with a host");
            }
            if (u.getUserInfo() != null) {
                throw new IOException(key + ": put credentials in a file (" + "forward.*.basic.auth.file), not in the URL");
            }
            return u;
        } catch (URISyntaxException e) {
            // the text is a URL without credentials (checked above or unparseable): safe to name
            throw new IOException(key + ": '" + text + "' is not a URL (" + e.getReason() + ")");
        }
    }

    private static String level(final Function<String, String> settings, final String key, final String fallback)
            throws IOException {
        final String v = or(settings.apply(key), fallback).toLowerCase(Locale.ROOT);
        if (!PAGERDUTY_LEVELS.contains(v)) {
            throw new IOException(key + " must be one of critical, error, warning, info, not '" + v + "'");
        }
        return v;
    }

    private static int integer(final Function<String, String> settings, final String key, final int fallback)
            throws IOException {
        final String v = settings.apply(key);
        try {
            return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IOException(key + " must be a whole number, not '" + v + "'");
        }
    }

    private static Duration duration(final Function<String, String> settings, final String key, final String fallback)
            throws IOException {
        final String v = or(settings.apply(key), fallback);
        try {
            // milliseconds too (Durations reads s, m, h, d, w): retry pauses are sub-second
            final Duration d = v.matches("\\d+ms") ? Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)))
                    : Durations.parse(v);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("must be positive");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new IOException(key + ": " + e.getMessage());
        }
    }

    /** {@code Bearer <token>} or {@code Basic <base64>}, or null when neither is configured. */
    private static String authorization(final Function<String, String> settings, final String tokenKey,
                                        final String tokenFileKey, final String basicFileKey) throws IOException {
        final String token = secret(settings, tokenKey, tokenFileKey);
        final String basicFile = settings.apply(basicFileKey);
        if (token != null && basicFile != null && !basicFile.isBlank()) {
            throw new IOException("set either a bearer token (" + tokenFileKey + ") or basic auth (" + basicFileKey
                    + "), not both");
        }
        if (token != null) {
            if (token.isEmpty() || token.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
                throw new IOException("the bearer token (" + tokenFileKey + " / " + tokenKey
                        + ") must be printable ASCII without spaces");
            }
            return "Bearer " + token;
        }
        if (basicFile != null && !basicFile.isBlank()) {
            final String basic = read(Path.of(basicFile.trim()), basicFileKey);
            final int colon = basic.indexOf(':');
            if (colon <= 0 || basic.indexOf('\n') >= 0) {
                throw new IOException(basicFileKey + " " + basicFile.trim() + ": expected one line user:password");
            }
            return "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    private static String secret(final Function<String, String> settings, final String key, final String fileKey)
            throws IOException {
        final String file = settings.apply(fileKey);
        if (file != null && !file.isBlank()) {
            return read(Path.of(file.trim()), fileKey);
        }
        final String value = settings.apply(key);
        return value == null ? null : value.trim();
    }

    private static String read(final Path file, final String key) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            throw new IOException(key + ": " + file + " does not exist");
        } catch (IOException e) {
            throw new IOException(key + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Bounded retry with exponential backoff and jitter. */
    public record Retry(int attempts, Duration initial, Duration max) {

        /**
         * The pause before retry {@code n} (1 = after the first failure): {@code initial * 2^(n-1)},
         * capped at {@code max}, then "equal jitter": a uniform draw from its upper half, so
         * several forwarders that failed together do not retry in lockstep.
         *
         * @param unit a uniform random number in [0, 1)
         */
        public Duration pause(final int n, final double unit) {
            final long cap = max.toMillis();
            final long base = Math.min(cap, initial.toMillis() << Math.min(n - 1, 30));
            final long half = base / 2;
            return Duration.ofMillis(half + (long) (unit * (base - half)));
        }
    }
}
