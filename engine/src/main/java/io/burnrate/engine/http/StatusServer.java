package io.burnrate.engine.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.topology.BurnRateTopology;
import io.burnrate.engine.topology.Names;
import io.burnrate.engine.topology.StatusBoard;
import io.burnrate.schemas.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's read-only HTTP face: {@code /metrics} (Prometheus), {@code /api/v1/slos}
 * and {@code /api/v1/slos/{id}} (JSON), {@code /healthz}, {@code /readyz}, and the status
 * page at {@code /} with a page per SLO at {@code /slos/{id}}.
 *
 * <p>Several instances: each SLO's numbers live on the instance that owns its service's
 * partition. The API asks Kafka Streams for the owners ({@code application.server} must
 * be this server's advertised address) and merges their {@code ?scope=local} answers, so
 * any instance lists every SLO.
 */
public final class StatusServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);
    private static final String LOCAL = "scope=local";

    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private KafkaStreams streams;
    private BurnRateTopology.Built built;
    private EngineMetrics metrics;
    private HostInfo self;

    private StatusServer(final HttpServer server) {
        this.server = server;
    }

    /**
     * Binds {@code bind:port} (port 0 picks a free one) before the engine starts, so the
     * engine can advertise the address ({@code application.server}); serving starts
     * with {@link #start}.
     */
    public static StatusServer bind(final String bind, final int port) throws IOException {
        return new StatusServer(HttpServer.create(new InetSocketAddress(bind, port), 64));
    }

    /** Starts serving; {@code advertised} is the host:port other instances reach this one at. */
    public StatusServer start(final KafkaStreams kafkaStreams, final BurnRateTopology.Built topology,
                              final EngineMetrics engineMetrics, final String advertisedHost) {
        this.streams = kafkaStreams;
        this.built = topology;
        this.metrics = engineMetrics;
        this.self = new HostInfo(advertisedHost, port());
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            final Thread t = new Thread(r, "burnrate-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(final HttpExchange ex) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                send(ex, 405, "text/plain", "read-only: GET only\n");
                return;
            }
            final String path = ex.getRequestURI().getPath();
            final boolean local = LOCAL.equals(ex.getRequestURI().getQuery());
            if (path.equals("/metrics")) {
                send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
            } else if (path.equals("/healthz")) {
                final boolean alive = streams.state() != KafkaStreams.State.ERROR;
                send(ex, alive ? 200 : 503, "text/plain", alive ? "ok\n" : "engine failed\n");
            } else if (path.equals("/readyz")) {
                final boolean ready = streams.state() == KafkaStreams.State.RUNNING;
                send(ex, ready ? 200 : 503, "text/plain", (ready ? "ready" : "not ready: " + streams.state()) + "\n");
            } else if (path.equals("/api/v1/slo-definitions/invalid")) {
                sendJson(ex, 200, Map.of("invalid", built.registry().snapshot().invalid().values()));
            } else if (path.equals("/api/v1/slos")) {
                sendJson(ex, 200, Map.of("slos", list(local)));
            } else if (path.startsWith("/api/v1/slos/")) {
                final SloView v = one(decode(path.substring("/api/v1/slos/".length())), local);
                if (v == null) {
                    sendJson(ex, 404, Map.of("error", "no SLO named " + path.substring("/api/v1/slos/".length())));
                } else {
                    sendJson(ex, 200, v);
                }
            } else if (path.equals("/") || path.equals("/index.html")) {
                send(ex, 200, "text/html; charset=utf-8", StatusPage.index(list(false),
                        built.registry().snapshot().invalid().values()));
            } else if (path.startsWith("/slos/")) {
                final SloView v = one(decode(path.substring("/slos/".length())), false);
                if (v == null) {
                    send(ex, 404, "text/html; charset=utf-8", StatusPage.notFound(path.substring("/slos/".length())));
                } else {
                    send(ex, 200, "text/html; charset=utf-8", StatusPage.detail(v));
                }
            } else {
                send(ex, 404, "text/plain", "not found\n");
            }
        } catch (RuntimeException e) {
            LOG.warn("HTTP {} failed: {}", ex.getRequestURI(), e.toString());
            send(ex, 500, "text/plain", "internal error: " + e.getMessage() + "\n");
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
            return SloView.of(spec, entry, true, built.board().compliance(id));
        }
        final KeyQueryMetadata owner = streams.queryMetadataForKey(Names.STATE_STORE, spec.service(),
                Serdes.String().serializer());
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
            return Json.MAPPER.readValue(get(host, "/api/v1/slos/" + id + "?" + LOCAL), SloView.class);
        } catch (IOException | InterruptedException e) {
            LOG.warn("instance {}:{} did not answer for {}: {}", host.host(), host.port(), id, e.toString());
            return null;
        }
    }

    private String get(final HostInfo host, final String path) throws IOException, InterruptedException {
        final HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                URI.create("http://" + host.host() + ":" + host.port() + path)).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode());
        }
        return r.body();
    }

    private static String decode(final String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static void sendJson(final HttpExchange ex, final int code, final Object body) throws IOException {
        send(ex, code, "application/json", Json.MAPPER.writeValueAsString(body));
    }

    private static void send(final HttpExchange ex, final int code, final String type, final String body)
            throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        final boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(code, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
