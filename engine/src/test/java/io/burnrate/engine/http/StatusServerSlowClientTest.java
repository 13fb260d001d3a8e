package io.burnrate.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow or stuck clients must not starve the probes and the API. */
class StatusServerSlowClientTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;
    private final List<Socket> sockets = new ArrayList<>();
    private Servers.Running running;

    @AfterEach
    void close() throws Exception {
        for (final Socket s : sockets) {
            s.close();
        }
        if (running != null) {
            running.close();
        }
    }

    private int start(final HttpLimits limits) throws Exception {
        running = new Servers.Running(dir, limits, HttpSecurity.none());
        return running.port();
    }

    /** Opens {@code n} connections that send a request line and one header, then nothing. */
    private void halfOpen(final int port, final int n) throws Exception {
        for (int i = 0; i < n; i++) {
            final Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            sockets.add(s);
            final OutputStream out = s.getOutputStream();
            out.write("GET /api/v1/slos HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    private static void answersWithin(final int port, final String path, final Duration limit) throws Exception {
        final long t0 = System.nanoTime();
        final HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + path)).timeout(limit).build(), HttpResponse.BodyHandlers.ofString());
        // not started: alive (200), not ready (503)
        assertThat(r.statusCode()).as(path).isEqualTo(path.equals("/readyz") ? 503 : 200);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as(path).isLessThan(limit);
    }

    @Test
    void shouldAnswerProbesMetricsAndApiWhileSixteenRequestsHangHalfSent() throws Exception {
        final int port = start(HttpLimits.defaults());
        halfOpen(port, 16);
        for (final String path : List.of("/healthz", "/readyz", "/metrics", "/api/v1/slos", "/")) {
            answersWithin(port, path, Duration.ofSeconds(2));
        }
    }

    @Test
    void shouldDropTheOldestWaitingConnectionAtTheCapSoProbesStillGetIn() throws Exception {
        final int port = start(HttpLimits.defaults().withMaxConnections(8));
        halfOpen(port, 32);
        for (int i = 0; i < 5; i++) {
            answersWithin(port, "/healthz", Duration.ofSeconds(2));
        }
        // the first of the stuck connections was dropped for a newer one
        final InputStream first = sockets.get(0).getInputStream();
        sockets.get(0).setSoTimeout(5_000);
        assertThat(first.read()).isEqualTo(-1);
    }

    @Test
    void shouldCloseARequestThatIsNotCompleteWithinTheRequestTimeout() throws Exception {
        final int port = start(HttpLimits.defaults().withRequestTimeout(Duration.ofSeconds(1)));
        halfOpen(port, 1);
        final Socket idle = new Socket(InetAddress.getLoopbackAddress(), port);
        sockets.add(idle);
        for (final Socket s : sockets) {
            s.setSoTimeout(5_000);
            final long t0 = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
        }
    }

    @Test
    void shouldRefuseOversizedRequestHeads() throws Exception {
        final int port = start(HttpLimits.defaults());
        final String big = Servers.raw(port, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
        assertThat(big).startsWith("HTTP/1.1 431 ");
        final StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 100; i++) {
            many.append("X-").append(i).append(": 1\r\n");
        }
        assertThat(Servers.raw(port, many.append("\r\n").toString())).startsWith("HTTP/1.1 431 ");
        // a head that never ends but keeps coming: refused at the limit, not buffered without bound
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5_000);
            final OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nX-Endless: ".getBytes(StandardCharsets.US_ASCII));
            final byte[] chunk = "b".repeat(1024).getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 64; i++) {
                    out.write(chunk);
                }
            } catch (IOException closedByServer) {
                // the server answered and closed while the client was still writing
            }
            final String answer = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("HTTP/1.1 431");
        }
        answersWithin(port, "/healthz", Duration.ofSeconds(2));
    }
}
