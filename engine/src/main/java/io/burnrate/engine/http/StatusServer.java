package io.burnrate.engine.http;

import com.fasterxml.jackson.core.type.TypeReference;
import io.burnrate.engine.gate.ReleaseGate;
import io.burnrate.engine.monitor.StatusBoard;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.topology.BurnRateTopology;
import io.burnrate.engine.topology.Names;
import io.burnrate.schemas.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's read-only HTTP face: {@code /metrics} (Prometheus), {@code /api/v1/slos}
 * and {@code /api/v1/slos/{id}} (JSON), the release gate {@code /api/v1/gate?service=S}
 * ({@link ReleaseGate}), {@code /healthz}, {@code /readyz}, and the status
 * page at {@code /} with a page per SLO at {@code /slos/{id}}.
 *
 * <p>Several instances: each SLO's numbers live on the instance that owns its service's
 * partition. The API asks Kafka Streams for the owners ({@code application.server} must
 * be this server's advertised address) and merges their {@code ?scope=local} answers, so
 * any instance lists every SLO.
 *
 * <p>Exposure: GET and HEAD only (others 405), request heads bounded in size and time
 * and read without a thread per client (Eclipse Jetty, {@link JettyHttp}), probes answered
 * without a worker so they cannot be starved;
 * optional bearer-token or basic auth on everything but the probes, optional TLS
 * ({@link HttpSecurity}).
 */
public final class StatusServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
    private static final String LOCAL = "scope=local";
    /** Worker threads (API, page, metrics); probes are answered on Jetty's I/O threads. */
    public static final String THREADS = "http.threads";
    /** Connections open at once; at the cap the oldest one still sending its request is dropped. */
    public static final String MAX_CONNECTIONS = "http.max.connections";
    /** A request head must arrive within this (and a new connection must send one). */
    public static final String REQUEST_TIMEOUT = "http.request.timeout";

    private final JettyHttp http;
    private final HttpLimits limits;
    private final HttpSecurity security;
    private HttpClient client;
    private KafkaStreams streams;
    private BurnRateTopology.Built built;
    private EngineMetrics metrics;
    private HostInfo self;
    private long unauthorized;
    private long lastUnauthorizedLog = Long.MIN_VALUE;

    private StatusServer(final JettyHttp http, final HttpLimits limits, final HttpSecurity security) {
        this.http = http;
        this.limits = limits;
        this.security = security;
    }

    /**
     * Binds {@code bind:port} (port 0 picks a free one) before the engine starts, so the
     * engine can advertise the address ({@code application.server}); serving starts
     * with {@link #start}. Plain HTTP, no auth, default limits.
     */
    public static StatusServer bind(final String bind, final int port) throws IOException {
        return bind(bind, port, HttpLimits.defaults(), HttpSecurity.none());
    }

    /** Binds {@code bind:port} with these limits, auth and TLS (port 0 picks a free one). */
    public static StatusServer bind(final String bind, final int port, final HttpLimits limits,
                             final HttpSecurity security) throws IOException {
        return new StatusServer(JettyHttp.bind(new InetSocketAddress(bind, port), limits, security.tls()), limits,
                security);
    }

    /** Starts serving; {@code advertised} is the host:port other instances reach this one at. */
    public StatusServer start(final KafkaStreams kafkaStreams, final BurnRateTopology.Built topology,
                              final EngineMetrics engineMetrics, final String advertisedHost) throws IOException {
        this.streams = kafkaStreams;
        this.built = topology;
        this.metrics = engineMetrics;
        this.self = new HostInfo(advertisedHost, port());
        final HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2));
        if (security.tls() != null) {
            b.sslContext(security.tls());
        }
        this.client = b.build();
        http.start(new JettyHttp.Routes() {
            @Override
            public JettyHttp.Answer inline(final JettyHttp.Exchange request) {
                return StatusServer.this.inline(request);
            }

            @Override
            public JettyHttp.Answer handle(final JettyHttp.Exchange request) {
                return StatusServer.this.handle(request);
            }
        });
        LOG.info("HTTP on {}:{} ({}; Jetty, {} worker thread(s), at most {} connections, request timeout {} s)",
                http.host(), port(), security, limits.workers(),
                limits.maxConnections(), limits.requestTimeout().toSeconds());
        return this;
    }

    public int port() {
        return http.port();
    }

    /** "https" with TLS, else "http". */
    public String scheme() {
        return security.tls() != null ? "https" : "http";
    }

    @Override
    public void close() {
        http.close();
    }

    /** On a Jetty I/O thread: refusals and probes, nothing that can block. */
    private JettyHttp.Answer inline(final JettyHttp.Exchange req) {
        if (!req.method().equals("GET") && !req.method().equals("HEAD")) {
            return JettyHttp.Answer.text(405, "read-only: GET and HEAD only\n").with("Allow", "GET, HEAD");
        }
        final String path = safePath(req.path());
        if (path == null) {
            return JettyHttp.Answer.text(400, "bad path\n");
        }
        if (path.equals("/healthz")) {
            final boolean alive = streams.state() != KafkaStreams.State.ERROR;
            return JettyHttp.Answer.text(alive ? 200 : 503, alive ? "ok\n" : "engine failed\n");
        }
        if (path.equals("/readyz")) {
            final KafkaStreams.State state = streams.state();
            final boolean ready = state == KafkaStreams.State.RUNNING;
            return JettyHttp.Answer.text(ready ? 200 : 503, (ready ? "ready" : "not ready: " + state) + "\n");
        }
        if (!security.authorized(req.header("authorization"))) {
            noteUnauthorized(req, path);
            return JettyHttp.Answer.text(401, "credentials required\n")
                    .with("WWW-Authenticate", security.challenge());
        }
        return null;
    }

    /** Counted on any I/O thread; one line a minute at most, never the credential itself. */
    private synchronized void noteUnauthorized(final JettyHttp.Exchange req, final String path) {
        unauthorized++;
        final long now = System.nanoTime();
        if (lastUnauthorizedLog == Long.MIN_VALUE || now - lastUnauthorizedLog > 60_000_000_000L) {
            LOG.warn("HTTP: {} request(s) without valid credentials in the last minute (latest from {} for {})",
                    unauthorized, req.remote() == null ? "?" : req.remote().getAddress().getHostAddress(), path);
            unauthorized = 0;
            lastUnauthorizedLog = now;
        }
    }

    /**
     * The decoded path when it is a plain absolute path: no dot segments, backslashes,
     * control characters or bad escapes (the routes name no files, but ids flow into the
     * URLs of requests to other instances); null otherwise.
     */
    static String safePath(final String raw) {
        final String decoded;
        try {
            decoded = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!decoded.startsWith("/") || decoded.contains("\\") || decoded.contains("//")) {
            return null;
        }
        for (int i = 0; i < decoded.length(); i++) {
            if (decoded.charAt(i) < 0x20 || decoded.charAt(i) == 0x7f) {
                return null;
            }
        }
        for (final String segment : decoded.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return null;
            }
        }
        return decoded;
    }

    /** On a worker thread: the API, the page and the metrics. */
    private JettyHttp.Answer handle(final JettyHttp.Exchange req) {
        final String path = safePath(req.path());
        final boolean local = LOCAL.equals(req.query());
        if (path.equals("/metrics")) {
            return new JettyHttp.Answer(200, "text/plain; version=0.0.4; charset=utf-8",
                    metrics.scrape().getBytes(StandardCharsets.UTF_8), Map.of());
        } else if (path.equals("/api/v1/slo-definitions/invalid")) {
            return json(200, Map.of("invalid", built.registry().snapshot().invalid().values()));
        } else if (path.equals("/api/v1/slos")) {
            return json(200, Map.of("slos", list(local)));
        } else if (path.startsWith("/api/v1/slos/")) {
            final String id = path.substring("/api/v1/slos/".length());
            final SloView v = one(id, local);
            return v == null ? json(404, Map.of("error", "no SLO named " + id)) : json(200, v);
        } else if (path.equals("/api/v1/gate")) {
            return gate(req.query());
        } else if (path.equals("/") || path.equals("/index.html")) {
            return html(200, StatusPage.index(list(false), built.registry().snapshot().invalid().values()));
        } else if (path.startsWith("/slos/")) {
            final String id = path.substring("/slos/".length());
            final SloView v = one(id, false);
            return v == null ? html(404, StatusPage.notFound(id)) : html(200, StatusPage.detail(v));
        }
        return JettyHttp.Answer.text(404, "not found\n");
    }

    /**
     * {@code /api/v1/gate?service=S} or {@code ?slo=ID}: the release gate's answer (200
     * for allow, deny and unknown alike: the decision is in the body), 404 when no SLO
     * matches, 400 for a query that names neither or both.
     */
    private JettyHttp.Answer gate(final String query) {
        final Map<String, String> params;
        try {
            params = queryParams(query);
        } catch (IllegalArgumentException e) {
            return json(400, Map.of("error", e.getMessage()));
        }
        final String service = params.get("service");
        final String slo = params.get("slo");
        if ((service == null) == (slo == null)) {
            return json(400, Map.of("error", "ask /api/v1/gate?service=NAME or /api/v1/gate?slo=ID"));
        }
        final List<ReleaseGate.SloAnswer> answers = new ArrayList<>();
        for (final SloSpec spec : built.registry().snapshot().byId().values()) {
            if (service != null ? spec.service().equals(service) : spec.id().equals(slo)) {
                final SloView view = one(spec.id(), false);
                answers.add(ReleaseGate.evaluate(spec, view == null ? null : view.status()));
            }
        }
        answers.sort(Comparator.comparing(ReleaseGate.SloAnswer::slo));
        final ReleaseGate.Answer answer = ReleaseGate.combine(service, slo, answers);
        return json(answers.isEmpty() ? 404 : 200, answer);
    }

    /** {@code a=1&b=x%20y} as a map; a repeated or malformed parameter is refused. */
    static Map<String, String> queryParams(final String query) {
        final Map<String, String> out = new TreeMap<>();
        if (query == null || query.isEmpty()) {
            return out;
        }
        for (final String pair : query.split("&", -1)) {
            final int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("query parameters are name=value pairs, not '" + pair + "'");
            }
            final String name = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
            final String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (out.put(name, value) != null) {
                throw new IllegalArgumentException("parameter " + name + " is given twice");
            }
        }
        return out;
    }

    private static JettyHttp.Answer html(final int status, final String page) {
        return new JettyHttp.Answer(status, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Security-Policy", StatusPage.CONTENT_SECURITY_POLICY, "X-Frame-Options", "DENY",
                        "Referrer-Policy", "no-referrer"));
    }

    private static JettyHttp.Answer json(final int status, final Object body) {
        try {
            return new JettyHttp.Answer(status, "application/json", Json.MAPPER.writeValueAsBytes(body), Map.of());
        } catch (IOException e) {
            throw new IllegalStateException("JSON: " + e.getMessage(), e);
        }
    }

    /** Every SLO: numbers from this instance, and (unless local) from every other instance. */
    List<SloView> list(final boolean localOnly) {
        final Map<String, SloView> out = new TreeMap<>();
        final StatusBoard board = built.board();
        for (final SloSpec spec : built.registry().snapshot().byId().values()) {
            out.put(spec.id(), SloView.of(spec, board.get(spec.id()), false));
        }
        if (!localOnly) {
            for (final HostInfo other : otherInstances()) {
                for (final SloView remote : fetchList(other)) {
                    final SloView mine = out.get(remote.id());
                    if (remote.status() != null && (mine == null || mine.status() == null
                            || remote.status().at().isAfter(mine.status().at()))) {
                        out.put(remote.id(), remote);
                    }
                }
            }
        }
        if (localOnly) {
            out.values().removeIf(v -> v.status() == null);
        }
        return new ArrayList<>(out.values());
    }

    /** One SLO with history, from the instance that owns its service's partition. */
    SloView one(final String id, final boolean localOnly) {
        final SloSpec spec = built.registry().snapshot().byId().get(id);
        if (spec == null) {
            return null;
        }
        final StatusBoard.Entry entry = built.board().get(id);
        if (entry != null || localOnly) {
            return SloView.of(spec, entry, true, built.board().compliance(id), built.board().firing(id));
        }
        KeyQueryMetadata owner = null;
        try {
            owner = streams.queryMetadataForKey(Names.STATE_STORE, spec.service(), Serdes.String().serializer());
        } catch (RuntimeException e) {
            // not running yet: this instance answers alone
        }
        if (owner != null && owner.activeHost() != null && !owner.activeHost().equals(self)
                && owner.activeHost().port() > 0) {
            final SloView remote = fetchOne(owner.activeHost(), id);
            if (remote != null) {
                return remote;
            }
        }
        return SloView.of(spec, null, true);
    }

    private List<HostInfo> otherInstances() {
        final List<HostInfo> hosts = new ArrayList<>();
        try {
            for (final StreamsMetadata m : streams.metadataForAllStreamsClients()) {
                if (!m.hostInfo().equals(self) && m.hostInfo().port() > 0) {
                    hosts.add(m.hostInfo());
                }
            }
        } catch (RuntimeException e) {
            // not running yet: this instance answers alone
        }
        return hosts;
    }

    private List<SloView> fetchList(final HostInfo host) {
        try {
            final String body = get(host, "/api/v1/slos?" + LOCAL);
            final Map<String, List<SloView>> parsed = Json.MAPPER.readValue(body, new TypeReference<>() { });
            return parsed.getOrDefault("slos", List.of());
        } catch (IOException | InterruptedException e) {
            LOG.warn("instance {}:{} did not answer: {}", host.host(), host.port(), e.toString());
            return List.of();
        }
    }

    private SloView fetchOne(final HostInfo host, final String id) {
        try {
            return Json.MAPPER.readValue(get(host, "/api/v1/slos/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "?"
                    + LOCAL), SloView.class);
        } catch (IOException | InterruptedException e) {
            LOG.warn("instance {}:{} did not answer for {}: {}", host.host(), host.port(), id, e.toString());
            return null;
        }
    }

    private String get(final HostInfo host, final String path) throws IOException, InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(scheme() + "://" + host.host() + ":"
                + host.port() + path)).timeout(Duration.ofSeconds(3));
        if (security.clientAuthorization() != null) {
            // instances share the credentials; this header is the only place the secret goes
            request.header("Authorization", security.clientAuthorization());
        }
        final HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode());
        }
        return r.body();
    }
}
