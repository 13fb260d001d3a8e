package io.burnrate.engine.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server for the read-only API: one selector thread reads every request
 * head without blocking (bounded size, a deadline per request), so slow or stuck clients
 * cost a socket and a buffer, never a thread. Cheap requests ({@link Handler#inline}:
 * probes, refusals) are answered on the selector thread; the rest run on a fixed worker
 * pool with a bounded queue, and a full queue answers 503. Connections are capped; at the
 * cap the oldest connection still waiting for a request head is dropped for the new one.
 * Request bodies are refused; TLS (an {@link SSLContext}) is optional.
 */
final class HttpCore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpCore.class);
    private static final byte[] EMPTY = new byte[0];

    /** A parsed request head; header names lower-case. */
    record Request(String method, String target, String path, String query, String version,
                   Map<String, String> headers, InetSocketAddress remote) {
        String header(final String name) {
            return headers.get(name);
        }
    }

    /** A complete response; {@code headers} are added to Content-Type, Content-Length, Cache-Control. */
    record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
        static Response text(final int status, final String body) {
            return new Response(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        Response with(final String name, final String value) {
            final Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Response(status, contentType, body, h);
        }
    }

    interface Handler {
        /** Answered on the selector thread: must be cheap and never block. Null: hand to a worker. */
        Response inline(Request request);

        /** Answered on a worker thread. */
        Response handle(Request request);
    }

    /** Limits; {@code tls} null for plain HTTP. */
    record Limits(int maxHeadBytes, int maxHeaders, Duration requestTimeout, Duration idleTimeout,
                  Duration writeTimeout, int maxConnections, int workers, int queue) {
        static Limits defaults() {
            return new Limits(8 * 1024, 64, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30),
                    512, 4, 64);
        }

        Limits withRequestTimeout(final Duration d) {
            return new Limits(maxHeadBytes, maxHeaders, d, idleTimeout, writeTimeout, maxConnections, workers, queue);
        }

        Limits withMaxConnections(final int n) {
            return new Limits(maxHeadBytes, maxHeaders, requestTimeout, idleTimeout, writeTimeout, n, workers, queue);
        }

        Limits withWorkers(final int n, final int q) {
            return new Limits(maxHeadBytes, maxHeaders, requestTimeout, idleTimeout, writeTimeout, maxConnections, n, q);
        }
    }

    /** DRAIN: answered and half-closed; reading what the client still sends, so closing does not reset the answer. */
    private enum State { HEAD, BUSY, WRITE, DRAIN }

    private final class Conn {
        final SocketChannel ch;
        final SelectionKey key;
        final SSLEngine tls;
        final InetSocketAddress remote;
        /** Plaintext request bytes received and not yet consumed. */
        ByteBuffer in;
        /** TLS records received and not yet decrypted. */
        ByteBuffer netIn;
        /** Bytes (encrypted under TLS) waiting to be written. */
        ByteBuffer out = ByteBuffer.allocate(0);
        State state = State.HEAD;
        long deadline;
        boolean closeAfterWrite;
        boolean closed;

        Conn(final SocketChannel ch, final SelectionKey key, final SSLEngine tls) throws IOException {
            this.ch = ch;
            this.key = key;
            this.tls = tls;
            this.remote = (InetSocketAddress) ch.getRemoteAddress();
            final int app = tls == null ? 0 : tls.getSession().getApplicationBufferSize();
            this.in = ByteBuffer.allocate(limits.maxHeadBytes() + app + 1);
            this.netIn = tls == null ? null : ByteBuffer.allocate(tls.getSession().getPacketBufferSize());
            this.deadline = now() + limits.requestTimeout().toMillis();
        }
    }

    private final Limits limits;
    private final Handler handler;
    private final SSLContext tls;
    private final Selector selector;
    private final ServerSocketChannel server;
    private final ThreadPoolExecutor workers;
    private final ConcurrentLinkedQueue<Runnable> loopTasks = new ConcurrentLinkedQueue<>();
    /** Open connections in accept order (oldest first), selector thread only. */
    private final Set<Conn> conns = new LinkedHashSet<>();
    private final AtomicLong shed = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong busy = new AtomicLong();
    private long lastSheddingLog;
    private Thread loop;
    private volatile boolean running = true;

    private HttpCore(final ServerSocketChannel server, final Limits limits, final SSLContext tls,
                     final Handler handler) throws IOException {
        this.server = server;
        this.limits = limits;
        this.tls = tls;
        this.handler = handler;
        this.selector = Selector.open();
        this.workers = new ThreadPoolExecutor(limits.workers(), limits.workers(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(limits.queue()), r -> {
                    final Thread t = new Thread(r, "burnrate-http-worker");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Binds (port 0: a free one); serving starts with {@link #start}. */
    static ServerSocketChannel bind(final InetSocketAddress address) throws IOException {
        final ServerSocketChannel ch = ServerSocketChannel.open();
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        ch.bind(address, 128);
        ch.configureBlocking(false);
        return ch;
    }

    static HttpCore start(final ServerSocketChannel bound, final Limits limits, final SSLContext tls,
                          final Handler handler) throws IOException {
        final HttpCore core = new HttpCore(bound, limits, tls, handler);
        bound.register(core.selector, SelectionKey.OP_ACCEPT);
        core.loop = new Thread(core::run, "burnrate-http");
        core.loop.setDaemon(true);
        core.loop.start();
        return core;
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            if (loop != null) {
                loop.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
        try {
            server.close();
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static long now() {
        return System.nanoTime() / 1_000_000;
    }

    private void run() {
        long nextSweep = now() + 200;
        while (running) {
            try {
                selector.select(200);
                for (Runnable t; (t = loopTasks.poll()) != null; ) {
                    t.run();
                }
                final Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    final SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept();
                        continue;
                    }
                    final Conn c = (Conn) key.attachment();
                    try {
                        if (key.isValid() && key.isWritable()) {
                            flush(c);
                        }
                        if (key.isValid() && key.isReadable()) {
                            read(c);
                        }
                    } catch (IOException | RuntimeException e) {
                        // a reset or a broken TLS record: one connection's business, not worth a line
                        LOG.debug("connection from {} failed: {}", c.remote, e.toString());
                        close(c);
                    }
                }
                if (now() >= nextSweep) {
                    sweep();
                    nextSweep = now() + 200;
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("HTTP selector loop: {}", e.toString());
            }
        }
        for (final Conn c : new ArrayList<>(conns)) {
            close(c);
        }
    }

    private void accept() throws IOException {
        for (SocketChannel ch; (ch = server.accept()) != null; ) {
            if (conns.size() >= limits.maxConnections() && !evictOneWaiting()) {
                shed.incrementAndGet();
                ch.close();
                continue;
            }
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SSLEngine engine = null;
            if (tls != null) {
                engine = tls.createSSLEngine();
                engine.setUseClientMode(false);
                engine.beginHandshake();
            }
            final SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
            try {
                final Conn c = new Conn(ch, key, engine);
                key.attach(c);
                conns.add(c);
            } catch (IOException e) {
                key.cancel();
                ch.close();
            }
        }
    }

    /** At the cap: drops the oldest connection that is waiting for (the rest of) a request head. */
    private boolean evictOneWaiting() {
        for (final Conn c : conns) {
            if (c.state == State.DRAIN || c.state == State.HEAD && c.out.remaining() == 0) {
                shed.incrementAndGet();
                close(c);
                return true;
            }
        }
        return false;
    }

    private void sweep() {
        final long t = now();
        for (final Conn c : new ArrayList<>(conns)) {
            if (c.state != State.BUSY && t >= c.deadline) {
                if (c.state == State.HEAD && (c.in.position() > 0 || c.tls != null && !handshakeDone(c))) {
                    timedOut.incrementAndGet();
                }
                close(c);
            }
        }
        final long s = shed.get();
        final long o = timedOut.get();
        final long b = busy.get();
        if ((s > 0 || o > 0 || b > 0) && t - lastSheddingLog >= 60_000) {
            lastSheddingLog = t;
            shed.addAndGet(-s);
            timedOut.addAndGet(-o);
            busy.addAndGet(-b);
            LOG.warn("HTTP under pressure since the last report: {} connection(s) dropped at the cap of {}, {} "
                    + "request(s) not completed within {} s, {} answered 503 (workers busy)", s,
                    limits.maxConnections(), o, limits.requestTimeout().toSeconds(), b);
        }
    }

    private static boolean handshakeDone(final Conn c) {
        final SSLEngineResult.HandshakeStatus hs = c.tls.getHandshakeStatus();
        return hs == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || hs == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    private void close(final Conn c) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        conns.remove(c);
        c.key.cancel();
        try {
            c.ch.close();
        } catch (IOException e) {
            // closed anyway
        }
    }

    private void read(final Conn c) throws IOException {
        if (c.state == State.DRAIN) {
            final ByteBuffer scratch = ByteBuffer.allocate(8192);
            for (int k = 0; k < 8; k++) {
                scratch.clear();
                final int got = c.ch.read(scratch);
                if (got < 0) {
                    close(c);
                    return;
                }
                if (got == 0) {
                    return;
                }
            }
            return;
        }
        final int n;
        if (c.tls == null) {
            if (!c.in.hasRemaining()) {
                respond(c, null, tooLarge(), true);
                return;
            }
            n = c.ch.read(c.in);
        } else {
            n = c.ch.read(c.netIn);
            if (n > 0 || c.netIn.position() > 0) {
                unwrap(c);
                if (c.closed) {
                    return;
                }
            }
        }
        if (n < 0) {
            close(c);
            return;
        }
        if (c.state == State.HEAD) {
            if (c.in.position() > 0 && c.deadline > now() + limits.requestTimeout().toMillis()) {
                // an idle keep-alive connection starts a request: the request deadline applies
                c.deadline = now() + limits.requestTimeout().toMillis();
            }
            tryHead(c);
        }
    }

    /** Decrypts what has arrived into {@code in}, driving the handshake. */
    private void unwrap(final Conn c) throws IOException {
        while (true) {
            c.netIn.flip();
            final SSLEngineResult r;
            try {
                r = c.tls.unwrap(c.netIn, c.in);
            } finally {
                c.netIn.compact();
            }
            if (!handshakeSteps(c)) {
                return;
            }
            switch (r.getStatus()) {
                case OK:
                    if (c.netIn.position() == 0) {
                        return;
                    }
                    break;
                case BUFFER_UNDERFLOW:
                    if (!c.netIn.hasRemaining()) {
                        final ByteBuffer bigger = ByteBuffer.allocate(c.tls.getSession().getPacketBufferSize()
                                + c.netIn.capacity());
                        c.netIn.flip();
                        bigger.put(c.netIn);
                        c.netIn = bigger;
                    }
                    return;
                case BUFFER_OVERFLOW:
                    // more request head than the limit allows
                    respond(c, null, tooLarge(), true);
                    return;
                case CLOSED:
                default:
                    close(c);
                    return;
            }
        }
    }

    /** Runs handshake tasks and wraps handshake records; false when the connection closed. */
    private boolean handshakeSteps(final Conn c) throws IOException {
        while (true) {
            switch (c.tls.getHandshakeStatus()) {
                case NEED_TASK:
                    for (Runnable t; (t = c.tls.getDelegatedTask()) != null; ) {
                        t.run();
                    }
                    break;
                case NEED_WRAP:
                    final ByteBuffer net = ByteBuffer.allocate(c.tls.getSession().getPacketBufferSize());
                    final SSLEngineResult r = c.tls.wrap(ByteBuffer.allocate(0), net);
                    net.flip();
                    queue(c, net);
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        c.closeAfterWrite = true;
                        flush(c);
                        return false;
                    }
                    break;
                default:
                    flush(c);
                    return !c.closed;
            }
        }
    }

    private void tryHead(final Conn c) throws IOException {
        final int end = headEnd(c.in);
        if (end < 0) {
            if (c.in.position() > limits.maxHeadBytes()) {
                respond(c, null, tooLarge(), true);
            }
            return;
        }
        if (end > limits.maxHeadBytes()) {
            respond(c, null, tooLarge(), true);
            return;
        }
        final byte[] head = new byte[end];
        c.in.flip();
        c.in.get(head);
        c.in.position(c.in.position() + 4);
        c.in.compact();
        final Request req;
        try {
            req = parse(new String(head, StandardCharsets.ISO_8859_1), c.remote);
        } catch (BadRequest e) {
            respond(c, null, Response.text(e.status, e.getMessage() + "\n"), true);
            return;
        }
        final boolean keepAlive = req.version().equals("HTTP/1.1")
                && !"close".equalsIgnoreCase(req.header("connection"));
        final boolean hasBody = req.header("transfer-encoding") != null
                || req.header("content-length") != null && !req.header("content-length").trim().equals("0");
        final Response early = handler.inline(req);
        if (early != null) {
            respond(c, req, early, !keepAlive || hasBody || early.status() >= 400 && early.status() != 404);
            return;
        }
        if (hasBody) {
            respond(c, req, Response.text(413, "request bodies are not accepted\n"), true);
            return;
        }
        c.state = State.BUSY;
        c.key.interestOps(0);
        try {
            workers.execute(() -> {
                Response r;
                try {
                    r = handler.handle(req);
                } catch (RuntimeException e) {
                    LOG.warn("HTTP {} {} failed: {}", req.method(), req.path(), e.toString());
                    r = Response.text(500, "internal error\n");
                }
                final Response done = r;
                loopTasks.add(() -> {
                    if (!c.closed) {
                        try {
                            respond(c, req, done, !keepAlive);
                        } catch (IOException e) {
                            close(c);
                        }
                    }
                });
                selector.wakeup();
            });
        } catch (RejectedExecutionException e) {
            busy.incrementAndGet();
            respond(c, req, Response.text(503, "busy, retry shortly\n").with("Retry-After", "1"), true);
        }
    }

    private static int headEnd(final ByteBuffer in) {
        final int n = in.position();
        for (int i = 3; i < n; i++) {
            if (in.get(i) == '\n' && in.get(i - 1) == '\r' && in.get(i - 2) == '\n' && in.get(i - 3) == '\r') {
                return i - 3;
            }
        }
        return -1;
    }

    private Response tooLarge() {
        return Response.text(431, "request head larger than " + limits.maxHeadBytes() + " bytes\n");
    }

    private static final class BadRequest extends Exception {
        final int status;

        BadRequest(final int status, final String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private Request parse(final String head, final InetSocketAddress remote) throws BadRequest {
        final String[] lines = head.split("\r\n", -1);
        final String[] start = lines[0].split(" ", -1);
        if (start.length != 3 || start[0].isEmpty() || !token(start[0])) {
            throw new BadRequest(400, "bad request line");
        }
        final String version = start[2];
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new BadRequest(505, "HTTP/1.0 and HTTP/1.1 only");
        }
        final String target = start[1];
        if (!target.startsWith("/") || target.length() > 2048) {
            throw new BadRequest(400, "bad request target");
        }
        if (lines.length - 1 > limits.maxHeaders()) {
            throw new BadRequest(431, "more than " + limits.maxHeaders() + " header fields");
        }
        final Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            final String line = lines[i];
            final int colon = line.indexOf(':');
            if (colon <= 0 || !token(line.substring(0, colon))) {
                throw new BadRequest(400, "bad header field");
            }
            final String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            final String value = line.substring(colon + 1).trim();
            for (int k = 0; k < value.length(); k++) {
                final char ch = value.charAt(k);
                if (ch < 0x20 && ch != '\t' || ch == 0x7f) {
                    throw new BadRequest(400, "bad header field");
                }
            }
            if (headers.containsKey(name) && (name.equals("content-length") || name.equals("host")
                    || name.equals("authorization") || name.equals("transfer-encoding"))) {
                throw new BadRequest(400, "repeated " + name + " header");
            }
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        final int q = target.indexOf('?');
        final String path = q < 0 ? target : target.substring(0, q);
        final String query = q < 0 ? null : target.substring(q + 1);
        return new Request(start[0], target, path, query, version, headers, remote);
    }

    private static boolean token(final String s) {
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /** Writes {@code r}; afterwards the connection reads the next request, or closes. */
    private void respond(final Conn c, final Request req, final Response r, final boolean close) throws IOException {
        final boolean head = req != null && req.method().equals("HEAD");
        final StringBuilder h = new StringBuilder(256);
        h.append("HTTP/1.1 ").append(r.status()).append(' ').append(reason(r.status())).append("\r\n");
        h.append("Content-Type: ").append(r.contentType()).append("\r\n");
        h.append("Content-Length: ").append(r.body().length).append("\r\n");
        h.append("Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n");
        r.headers().forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
        if (close) {
            h.append("Connection: close\r\n");
        }
        h.append("\r\n");
        final byte[] top = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        final byte[] body = head ? EMPTY : r.body();
        final ByteBuffer plain = ByteBuffer.allocate(top.length + body.length).put(top).put(body).flip();
        queue(c, c.tls == null ? plain : wrap(c, plain));
        c.closeAfterWrite = close;
        c.state = State.WRITE;
        c.deadline = now() + limits.writeTimeout().toMillis();
        flush(c);
    }

    private static ByteBuffer wrap(final Conn c, final ByteBuffer plain) throws SSLException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(plain.remaining() + 256);
        final ByteBuffer net = ByteBuffer.allocate(c.tls.getSession().getPacketBufferSize());
        while (plain.hasRemaining()) {
            net.clear();
            final SSLEngineResult r = c.tls.wrap(plain, net);
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                throw new SSLException("TLS wrap: " + r.getStatus());
            }
            out.write(net.array(), 0, net.position());
        }
        return ByteBuffer.wrap(out.toByteArray());
    }

    private static void queue(final Conn c, final ByteBuffer bytes) {
        if (!c.out.hasRemaining()) {
            c.out = bytes;
            return;
        }
        final ByteBuffer both = ByteBuffer.allocate(c.out.remaining() + bytes.remaining());
        both.put(c.out).put(bytes).flip();
        c.out = both;
    }

    private void flush(final Conn c) throws IOException {
        if (c.closed) {
            return;
        }
        while (c.out.hasRemaining()) {
            if (c.ch.write(c.out) == 0) {
                c.key.interestOps(SelectionKey.OP_WRITE);
                return;
            }
        }
        if (c.state == State.WRITE) {
            if (c.closeAfterWrite) {
                c.state = State.DRAIN;
                c.deadline = now() + 2_000;
                c.ch.shutdownOutput();
                c.key.interestOps(SelectionKey.OP_READ);
                return;
            }
            c.state = State.HEAD;
            c.deadline = now() + (c.in.position() > 0 ? limits.requestTimeout() : limits.idleTimeout()).toMillis();
            c.key.interestOps(SelectionKey.OP_READ);
            // a pipelined request may already be buffered
            tryHead(c);
        } else if (c.state == State.HEAD) {
            if (c.closeAfterWrite) {
                close(c);
                return;
            }
            c.key.interestOps(SelectionKey.OP_READ);
        }
    }

    private static String reason(final int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Content Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status";
        };
    }
}
