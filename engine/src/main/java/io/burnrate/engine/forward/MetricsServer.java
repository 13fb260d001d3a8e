package io.burnrate.engine.forward;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** The forwarder's {@code /metrics} (Prometheus text format) and {@code /healthz}, on the JDK's HTTP server. */
public final class MetricsServer implements AutoCloseable {

    private final HttpServer server;

    private MetricsServer(final HttpServer server) {
        this.server = server;
    }

    /** Serves {@code registry} on {@code bind:port} (0: a free port). */
    public static MetricsServer start(final String bind, final int port, final PrometheusMeterRegistry registry)
            throws IOException {
        final HttpServer s = HttpServer.create(new InetSocketAddress(bind, port), 16);
        s.createContext("/metrics", x -> reply(x, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        s.createContext("/healthz", x -> reply(x, 200, "text/plain; charset=utf-8", "ok\n"));
        s.createContext("/", x -> reply(x, 404, "text/plain; charset=utf-8", "not found: try /metrics\n"));
        s.start();
        return new MetricsServer(s);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void reply(final HttpExchange x, final int status, final String type, final String body)
            throws IOException {
        try (x) {
            final byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", type);
            if (x.getRequestMethod().equals("HEAD")) {
                x.sendResponseHeaders(status, -1);
                return;
            }
            x.sendResponseHeaders(status, b.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(b);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
