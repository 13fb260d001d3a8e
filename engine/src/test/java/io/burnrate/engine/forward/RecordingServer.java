package io.burnrate.engine.forward;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP server that records every request and answers with the queued statuses
 * (then {@code defaultStatus}): the other end of a receiver in tests.
 */
public final class RecordingServer implements AutoCloseable {

    /** One request as received. */
    public record Request(String method, String path, String contentType, String authorization, String body) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Queue<Integer> statuses = new ConcurrentLinkedQueue<>();
    private volatile int defaultStatus;

    public RecordingServer(final int defaultStatus) throws IOException {
        this.defaultStatus = defaultStatus;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", x -> {
            try (x; InputStream in = x.getRequestBody()) {
                requests.add(new Request(x.getRequestMethod(), x.getRequestURI().getPath(),
                        x.getRequestHeaders().getFirst("Content-Type"), x.getRequestHeaders().getFirst("Authorization"),
                        new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                final Integer queued = statuses.poll();
                final byte[] reply = "{}".getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(queued != null ? queued : this.defaultStatus, reply.length);
                x.getResponseBody().write(reply);
            }
        });
        server.start();
    }

    /** Answers the next requests with these statuses, in order. */
    public RecordingServer thenAnswer(final Integer... next) {
        statuses.addAll(List.of(next));
        return this;
    }

    public void answerFromNowOn(final int status) {
        defaultStatus = status;
    }

    public URI url(final String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
