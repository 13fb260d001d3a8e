package io.burnrate.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.engine.runtime.Settings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from a keystore: probes, auth and stuck handshakes. */
class StatusServerTlsTest {

    private static final String PASSWORD = "keyst0re-pass-91";

    @TempDir
    Path dir;
    private Path keystore;
    private Servers.Running running;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void keystore() throws Exception {
        keystore = dir.resolve("http.p12");
        final Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "burnrate", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    }

    @AfterEach
    void close() throws IOException {
        for (final Socket s : sockets) {
            s.close();
        }
        if (running != null) {
            running.close();
        }
    }

    @Test
    void shouldServeHttpsWithAuthAndAnswerProbesWhileHandshakesHang() throws Exception {
        final Path passwordFile = Files.writeString(dir.resolve("pw"), PASSWORD + "\n");
        final Path tokenFile = Files.writeString(dir.resolve("token"), "tls-t0ken");
        final HttpSecurity security = HttpSecurity.from((new Settings()
                .with(HttpSecurity.TLS_KEYSTORE, keystore)
                .with(HttpSecurity.TLS_KEYSTORE_PASSWORD_FILE, passwordFile)
                .with(HttpSecurity.AUTH_TOKEN_FILE, tokenFile))::get);
        assertThat(security.toString()).isEqualTo("https, bearer token");
        running = new Servers.Running(dir, HttpLimits.defaults(), security);
        final int port = running.port();
        // stuck clients: TCP connected, handshake never sent or half sent
        for (int i = 0; i < 16; i++) {
            final Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            sockets.add(s);
            if (i % 2 == 0) {
                s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01});
            }
        }
        final SSLContext trust = HttpSecurity.sslContext(keystore, PASSWORD.toCharArray());
        // under the 10 s request-head deadline that would free the server from stuck clients
        // (a loaded 2-core CI machine once took over 2 s for one handshake)
        final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trust)
                .connectTimeout(Duration.ofSeconds(6)).build();
        final String base = "https://127.0.0.1:" + port;
        final HttpResponse<String> health = client.send(HttpRequest.newBuilder(URI.create(base + "/healthz"))
                .timeout(Duration.ofSeconds(6)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");
        assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/slos")).timeout(Duration.ofSeconds(3))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        final HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                .header("Authorization", "Bearer tls-t0ken").timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("burnrate_events_accepted_total").hasSizeGreaterThan(4_000);
        // plain HTTP on the TLS port gets no answer
        final HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void shouldNameAWrongPasswordWithoutPrintingIt() throws Exception {
        final Settings s = new Settings().with(HttpSecurity.TLS_KEYSTORE, keystore)
                .with(HttpSecurity.TLS_KEYSTORE_PASSWORD, "wrong-pass-123");
        assertThatThrownBy(() -> HttpSecurity.from(s::get)).isInstanceOf(IOException.class)
                .hasMessageContaining(keystore.toString()).hasMessageNotContaining("wrong-pass-123");
    }
}
