package io.burnrate.engine.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.testing.Drivers;
import io.burnrate.engine.topology.BurnRateTopology;
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
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slow or stuck clients must not starve the probes and the API. */
class StatusServerSlowClientTest {

    @TempDir
    Path dir;
    private final List<Socket> sockets = new ArrayList<>();
    private KafkaStreams streams;
    private StatusServer server;

    @AfterEach
    void close() throws Exception {
        for (final Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
        if (streams != null) {
            streams.close(Duration.ZERO);
        }
    }

    private int start() throws Exception {
        final BurnRateTopology.Built built = BurnRateTopology.build(Drivers.CONFIG);
        streams = Servers.idleStreams(dir);
        server = StatusServer.bind("127.0.0.1", 0).start(streams, built,
                new EngineMetrics(built, EngineMetrics.DEFAULT_SLO_LABELS), "127.0.0.1");
        return server.port();
    }

    @Test
    void shouldAnswerProbesAndMetricsWhileSixteenRequestsHangHalfSent() throws Exception {
        final int port = start();
        for (int i = 0; i < 16; i++) {
            final Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            sockets.add(s);
            final OutputStream out = s.getOutputStream();
            out.write("GET /api/v1/slos HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (final String path : List.of("/healthz", "/readyz", "/metrics", "/api/v1/slos")) {
            final long t0 = System.nanoTime();
            final HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + path)).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isIn(200, 503);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as(path).isLessThan(Duration.ofSeconds(2));
        }
    }
}
