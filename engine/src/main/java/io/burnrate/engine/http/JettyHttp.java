package io.burnrate.engine.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 (and TLS) transport of {@link StatusServer}, on Eclipse Jetty's core API.
 *
 * <p>Jetty reads request heads asynchronously (a slow or stuck client costs a socket and
 * a buffer, never a thread), bounds them ({@link HttpLimits#maxHeadBytes}: 431), and does
 * TLS ({@link SslContextFactory.Server} over the keystore's context). On top:
 * <ul>
 * <li>the handler is non-blocking: cheap answers ({@link Routes#inline}: probes,
 * refusals) are written on the Jetty thread that parsed the request; the rest run on a
 * {@link QueuedThreadPool} of {@link HttpLimits#workers} threads whose queue is bounded,
 * and a full queue answers 503 — so busy workers never delay a probe;</li>
 * <li>{@link Guard}: a request head must be complete within {@link HttpLimits#requestTimeout}
 * (a new connection must send one within it too), idle keep-alive connections close after
 * {@link HttpLimits#idleTimeout} (Jetty's idle timeout), and at the connection cap
 * ({@link NetworkConnectionLimit}) the oldest connection still waiting for a request is
 * dropped so accepting goes on; pressure is logged as one summary line a minute at most.</li>
 * </ul>
 */
final class JettyHttp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JettyHttp.class);
    /** Jetty's own threads: a selector and short non-blocking tasks (parsing, probes, writes). */
    private static final int IO_THREADS = 8;

    /** A request head as the routes see it: the raw (still %-encoded) path and query. */
    record Exchange(String method, String path, String query, HttpFields headers, InetSocketAddress remote) {
        String header(final String name) {
            return headers.get(name);
        }
    }

    /** A complete answer; {@code headers} are added to Content-Type, Content-Length, Cache-Control, nosniff. */
    record Answer(int status, String contentType, byte[] body, Map<String, String> headers) {
        static Answer text(final int status, final String body) {
            return new Answer(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        Answer with(final String name, final String value) {
            final Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Answer(status, contentType, body, h);
        }
    }

    interface Routes {
        /** On a Jetty I/O thread: must be cheap and never block. Null: hand to a worker. */
        Answer inline(Exchange exchange);

        /** On a worker thread. */
        Answer handle(Exchange exchange);
    }

    private final HttpLimits limits;
    private final Server server;
    private final ServerConnector connector;
    private final QueuedThreadPool workers;
    /** Requests running or queued on the workers; at workers + queue the answer is 503. */
    private final AtomicInteger admitted = new AtomicInteger();
    private final Guard guard;

    private JettyHttp(final HttpLimits limits, final Server server, final ServerConnector connector,
                      final QueuedThreadPool workers, final Guard guard) {
        this.limits = limits;
        this.server = server;
        this.connector = connector;
        this.workers = workers;
        this.guard = guard;
    }

    /** Binds {@code address} (port 0: a free one) now, so the port can be advertised; serving starts with {@link #start}. */
    static JettyHttp bind(final InetSocketAddress address, final HttpLimits limits, final SSLContext tls)
            throws IOException {
        // Jetty wants its own pool's queue unbounded (a rejected I/O task breaks a connection); what it
        // holds is bounded by the connection cap, as the tasks are short and never block
        final QueuedThreadPool io = new QueuedThreadPool(IO_THREADS, 2, 60_000, -1, new BlockingArrayQueue<>(), null);
        io.setName("burnrate-http");
        io.setDaemon(true);
        final Server server = new Server(io);
        server.setErrorHandler(new PlainErrors());
        server.setStopTimeout(2_000);

        final HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(limits.maxHeadBytes());
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        final HttpConnectionFactory h1 = new HttpConnectionFactory(http);
        // one acceptor thread, not accepting on the selector: Jetty's connection limit turns accepting off and
        // on at the cap, and on the selector a quick off/on re-registers a cancelled key, which makes Jetty
        // close the listening socket for good (CancelledKeyException, "Unable to register OP_ACCEPT");
        // an acceptor thread just waits while accepting is off
        final ServerConnector connector;
        if (tls != null) {
            final SecureRequestCustomizer secure = new SecureRequestCustomizer();
            // probes and peers reach an instance by IP or another name than the certificate's, as before
            secure.setSniHostCheck(false);
            http.addCustomizer(secure);
            final SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setSslContext(tls);
            connector = new ServerConnector(server, 1, 1, new SslConnectionFactory(ssl, h1.getProtocol()), h1);
        } else {
            connector = new ServerConnector(server, 1, 1, h1);
        }
        connector.setHost(address.getHostString());
        connector.setPort(address.getPort());
        connector.setReuseAddress(true);
        connector.setAcceptQueueSize(128);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        final NetworkConnectionLimit cap = new NetworkConnectionLimit(limits.maxConnections(), connector);
        // at the cap idle keep-alive connections get 1 s instead of the idle timeout, so the cap frees itself
        cap.setEndPointIdleTimeout(1_000);
        final Guard guard = new Guard(limits, cap);
        // a Connection.Listener bean of the connector hears of every connection it opens
        connector.addBean(guard);
        server.addConnector(connector);
        server.addBean(cap);

        // bounded by admission (see Front): at most workers + queue requests are handed over, the next gets 503
        // without a rejected-job warning from the pool
        final QueuedThreadPool workers = new QueuedThreadPool(limits.workers(), limits.workers(), 60_000, 0,
                new BlockingArrayQueue<>(), null);
        workers.setName("burnrate-http-worker");
        workers.setDaemon(true);
        try {
            connector.open();
        } catch (IOException e) {
            throw new IOException("cannot serve HTTP on " + address.getHostString() + ":" + address.getPort()
                    + ": " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
                    + " (choose another with --http-port / http.port; 0 picks a free port, -1 turns HTTP off)", e);
        }
        return new JettyHttp(limits, server, connector, workers, guard);
    }

    void start(final Routes routes) throws IOException {
        server.setHandler(new Front(routes));
        try {
            workers.start();
            server.start();
        } catch (Exception e) {
            close();
            throw new IOException("HTTP server did not start: " + e.getMessage(), e);
        }
        guard.start(connector.getScheduler());
    }

    int port() {
        return connector.getLocalPort();
    }

    String host() {
        return connector.getHost();
    }

    @Override
    public void close() {
        guard.stop();
        try {
            if (server.isStarted() || server.isStarting()) {
                server.stop();
            } else {
                connector.close();
            }
            workers.stop();
        } catch (Exception e) {
            LOG.debug("stopping HTTP: {}", e.toString());
        }
    }

    /** The one handler: refusals and probes inline, the rest to the bounded workers. */
    private final class Front extends Handler.Abstract.NonBlocking {
        private final Routes routes;

        Front(final Routes routes) {
            this.routes = routes;
        }

        @Override
        public boolean handle(final Request request, final Response response, final Callback callback) {
            final Guard.Track track = guard.busy(request.getConnectionMetaData().getConnection());
            final Callback done = track == null ? callback : new Callback.Nested(callback) {
                @Override
                public void succeeded() {
                    // before Jetty reads a pipelined request, which marks the connection busy again
                    guard.idle(track);
                    super.succeeded();
                }

                @Override
                public void failed(final Throwable x) {
                    guard.idle(track);
                    super.failed(x);
                }
            };
            try {
                final Answer refused = refusal(request);
                if (refused != null) {
                    send(response, done, refused, true);
                    return true;
                }
                final HttpURI uri = request.getHttpURI();
                final SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
                final Exchange exchange = new Exchange(request.getMethod(), uri.getPath(), uri.getQuery(),
                        request.getHeaders(), remote instanceof InetSocketAddress i ? i : null);
                final boolean hasBody = request.getLength() > 0
                        || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
                final Answer early = routes.inline(exchange);
                if (early != null) {
                    send(response, done, early, hasBody || early.status() >= 400 && early.status() != 404);
                    return true;
                }
                if (hasBody) {
                    send(response, done, Answer.text(413, "request bodies are not accepted\n"), true);
                    return true;
                }
                if (admitted.incrementAndGet() > limits.workers() + limits.queue()) {
                    admitted.decrementAndGet();
                    guard.busyAnswered();
                    send(response, done, Answer.text(503, "busy, retry shortly\n").with("Retry-After", "1"), true);
                    return true;
                }
                try {
                    workers.execute(() -> {
                        Answer a;
                        try {
                            a = routes.handle(exchange);
                        } catch (RuntimeException e) {
                            LOG.warn("HTTP {} {} failed: {}", exchange.method(), exchange.path(), e.toString());
                            a = Answer.text(500, "internal error\n");
                        } finally {
                            admitted.decrementAndGet();
                        }
                        send(response, done, a, false);
                    });
                } catch (RejectedExecutionException e) {
                    // stopping
                    admitted.decrementAndGet();
                    send(response, done, Answer.text(503, "stopping\n"), true);
                }
            } catch (RuntimeException e) {
                LOG.warn("HTTP {} {} failed: {}", request.getMethod(), request.getHttpURI().getPath(), e.toString());
                send(response, done, Answer.text(500, "internal error\n"), true);
            }
            return true;
        }

        /** What Jetty's parser lets through but this server does not: too many fields, odd targets. */
        private Answer refusal(final Request request) {
            final HttpFields headers = request.getHeaders();
            if (headers.size() > limits.maxHeaders()) {
                return Answer.text(431, "more than " + limits.maxHeaders() + " header fields\n");
            }
            if (headers.getValuesList(HttpHeader.AUTHORIZATION).size() > 1) {
                return Answer.text(400, "repeated authorization header\n");
            }
            final HttpURI uri = request.getHttpURI();
            final String path = uri.getPath();
            // CONNECT carries host:port (authority-form) and gets 405 below like every other method
            if (!HttpMethod.CONNECT.is(request.getMethod()) && (path == null || !path.startsWith("/"))
                    || path != null
                    && path.length() + (uri.getQuery() == null ? 0 : uri.getQuery().length()) > 2048) {
                return Answer.text(400, "bad request target\n");
            }
            return null;
        }
    }

    private static void send(final Response response, final Callback callback, final Answer a, final boolean close) {
        response.setStatus(a.status());
        final HttpFields.Mutable h = response.getHeaders();
        h.put(HttpHeader.CONTENT_TYPE, a.contentType());
        h.put(HttpHeader.CONTENT_LENGTH, a.body().length);
        h.put(HttpHeader.CACHE_CONTROL, "no-store");
        h.put("X-Content-Type-Options", "nosniff");
        a.headers().forEach(h::put);
        if (close) {
            h.put(HttpHeader.CONNECTION, "close");
        }
        // on HEAD Jetty sends the head only
        response.write(true, ByteBuffer.wrap(a.body()), callback);
    }

    /** Jetty's own refusals (bad request line, 431, 505 ...) as short plain text, never an HTML page. */
    private static final class PlainErrors extends ErrorHandler {
        @Override
        protected void generateResponse(final Request request, final Response response, final int code,
                                        final String message, final Throwable cause, final Callback callback) {
            final String text = code + " " + (message != null && !message.isBlank() ? message
                    : HttpStatus.getMessage(code)) + "\n";
            final HttpFields.Mutable h = response.getHeaders();
            h.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            h.put(HttpHeader.CACHE_CONTROL, "no-store");
            h.put("X-Content-Type-Options", "nosniff");
            response.write(true, StandardCharsets.UTF_8.encode(text), callback);
        }
    }

    /**
     * Watches every network connection: the request-head deadline, dropping the oldest
     * waiting connection at the cap, and the pressure summary. A connection is busy from
     * the moment its request reaches the handler until the answer is written; otherwise
     * it is waiting for a request head.
     */
    static final class Guard implements Connection.Listener {

        static final class Track {
            final EndPoint network;
            final long opened;
            /** The network-level connection (TLS: encrypted bytes) and the HTTP one (plain: the same). */
            Connection tcp;
            Connection http;
            boolean busy;
            boolean served;
            long mark;
            long headStarted;

            Track(final EndPoint network, final long opened) {
                this.network = network;
                this.opened = opened;
            }

            long httpBytesIn() {
                return http == null ? 0 : Math.max(0, http.getBytesIn());
            }

            long tcpBytesIn() {
                return tcp == null ? 0 : Math.max(0, tcp.getBytesIn());
            }
        }

        private final HttpLimits limits;
        /** Jetty's own count of accepted channels: what decides whether it accepts more. */
        private final NetworkConnectionLimit cap;
        /** Open network connections, oldest first. */
        private final Map<EndPoint, Track> open = new LinkedHashMap<>();
        private final AtomicLong shed = new AtomicLong();
        private final AtomicLong timedOut = new AtomicLong();
        private final AtomicLong busy = new AtomicLong();
        private long lastPressureLog = Long.MIN_VALUE;
        private volatile Scheduler scheduler;
        private volatile boolean running;

        Guard(final HttpLimits limits, final NetworkConnectionLimit cap) {
            this.limits = limits;
            this.cap = cap;
        }

        private static long now() {
            return System.nanoTime() / 1_000_000;
        }

        private static EndPoint network(final EndPoint endPoint) {
            EndPoint e = endPoint;
            while (e instanceof EndPoint.Wrapper w) {
                e = w.unwrap();
            }
            return e;
        }

        void start(final Scheduler s) {
            scheduler = s;
            running = true;
            schedule();
        }

        void stop() {
            running = false;
        }

        private void schedule() {
            if (running) {
                scheduler.schedule(this::sweep, 200, TimeUnit.MILLISECONDS);
            }
        }

        void busyAnswered() {
            busy.incrementAndGet();
        }

        @Override
        public void onOpened(final Connection connection) {
            final EndPoint net = network(connection.getEndPoint());
            EndPoint evict = null;
            synchronized (this) {
                Track t = open.get(net);
                if (t == null) {
                    t = new Track(net, now());
                    open.put(net, t);
                    if (open.size() >= limits.maxConnections()) {
                        // at the cap Jetty stops accepting: make room by dropping the oldest waiting one
                        for (final Track o : open.values()) {
                            if (o != t && !o.busy) {
                                evict = o.network;
                                break;
                            }
                        }
                    }
                }
                if (connection.getEndPoint() == net) {
                    t.tcp = connection;
                }
                if (!(connection instanceof SslConnection)) {
                    t.http = connection;
                }
            }
            if (evict != null) {
                shed.incrementAndGet();
                evict.close();
            }
        }

        @Override
        public void onClosed(final Connection connection) {
            if (network(connection.getEndPoint()) == connection.getEndPoint()) {
                synchronized (this) {
                    open.remove(connection.getEndPoint());
                }
            }
        }

        Track busy(final Connection connection) {
            if (connection == null) {
                return null;
            }
            synchronized (this) {
                final Track t = open.get(network(connection.getEndPoint()));
                if (t != null) {
                    t.busy = true;
                }
                return t;
            }
        }

        void idle(final Track t) {
            synchronized (this) {
                t.busy = false;
                t.served = true;
                t.headStarted = 0;
                t.mark = t.httpBytesIn();
            }
        }

        private void sweep() {
            try {
                final long now = now();
                final long timeout = limits.requestTimeout().toMillis();
                final List<EndPoint> expired = new ArrayList<>();
                synchronized (this) {
                    for (final Track t : open.values()) {
                        if (t.busy) {
                            continue;
                        }
                        final long deadline;
                        if (!t.served) {
                            // a new connection: a complete request head within the timeout (TLS handshake included)
                            deadline = t.opened + timeout;
                        } else {
                            if (t.headStarted == 0 && t.httpBytesIn() > t.mark) {
                                // an idle keep-alive connection starts a request: the request deadline applies
                                t.headStarted = now;
                            }
                            if (t.headStarted == 0) {
                                continue; // idle keep-alive: Jetty's idle timeout closes it
                            }
                            deadline = t.headStarted + timeout;
                        }
                        if (now >= deadline) {
                            expired.add(t.network);
                            if (t.served || t.tcpBytesIn() > 0) {
                                timedOut.incrementAndGet();
                            }
                        }
                    }
                }
                EndPoint room = null;
                synchronized (this) {
                    // a connection closed before Jetty told us it opened would stay here for ever and be
                    // picked for eviction again and again: forget closed ones
                    open.values().removeIf(t -> !t.network.isOpen());
                    // Jetty's count (accepted channels, pending ones included) is what stops it accepting
                    final int counted = Math.max(open.size(),
                            cap.getNetworkConnectionCount() + cap.getPendingNetworkConnectionCount());
                    if (counted - expired.size() >= limits.maxConnections()) {
                        // at the cap Jetty accepts nothing, so no new connection can trigger the
                        // eviction in onOpened: make room here (the oldest idle or waiting one)
                        for (final Track o : open.values()) {
                            if (!o.busy && !expired.contains(o.network)) {
                                room = o.network;
                                break;
                            }
                        }
                    }
                }
                if (room != null) {
                    shed.incrementAndGet();
                    expired.add(room);
                }
                for (final EndPoint e : expired) {
                    e.close();
                }
                report(now);
            } catch (RuntimeException e) {
                LOG.warn("HTTP connection sweep: {}", e.toString());
            } finally {
                schedule();
            }
        }

        private void report(final long now) {
            final long s = shed.get();
            final long o = timedOut.get();
            final long b = busy.get();
            if ((s > 0 || o > 0 || b > 0) && (lastPressureLog == Long.MIN_VALUE || now - lastPressureLog >= 60_000)) {
                lastPressureLog = now;
                shed.addAndGet(-s);
                timedOut.addAndGet(-o);
                busy.addAndGet(-b);
                LOG.warn("HTTP under pressure since the last report: {} waiting connection(s) dropped at the cap of {}, "
                        + "{} request(s) not completed within {} s, {} answered 503 (workers busy)", s,
                        limits.maxConnections(), o, limits.requestTimeout().toSeconds(), b);
            }
        }
    }
}
