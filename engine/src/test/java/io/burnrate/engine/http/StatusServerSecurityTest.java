package io.burnrate.engine.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.burnrate.engine.cli.BurnrateCli;
import io.burnrate.engine.runtime.Settings;
import io.burnrate.engine.testing.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an exposed port accepts: methods, paths, bodies, credentials; secrets never come back out. */
class StatusServerSecurityTest {

    private static final String TOKEN = "s3cr3t-t0ken-4f1c9e";
    private static final String BASIC = "sre:pa55-w0rd-77aa";
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;
    private Servers.Running running;

    @AfterEach
    void close() {
        if (running != null) {
            running.close();
        }
    }

    private int start(final HttpSecurity security) throws Exception {
        running = new Servers.Running(dir, HttpLimits.defaults(), security);
        return running.port();
    }

    private static HttpResponse<String> get(final int port, final String path, final String authorization)
            throws Exception {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswerOnlyGetAndHead() throws Exception {
        final int port = start(HttpSecurity.none());
        for (final String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT")) {
            // CONNECT's target is host:port (RFC 9112 3.2.3): Jetty answers 400 to CONNECT /path, or to a
            // Host header that names another authority
            final String target = method.equals("CONNECT") ? "127.0.0.1:443" : "/api/v1/slos";
            final String host = method.equals("CONNECT") ? target : "x";
            final String answer = Servers.raw(port, method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n"
                    + "Content-Length: 0\r\n\r\n");
            assertThat(answer).as(method).startsWith("HTTP/1.1 405 ").contains("\r\nAllow: GET, HEAD\r\n");
        }
        final String head = Servers.raw(port, "HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(head).startsWith("HTTP/1.1 200 ").contains("Content-Length: 3\r\n").endsWith("\r\n\r\n");
        // a body on a GET is not read: refused
        assertThat(Servers.raw(port, "GET /api/v1/slos HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"))
                .startsWith("HTTP/1.1 413 ");
        // (with a Host header: an HTTP/1.1 request without one is a 400, RFC 9112 3.2)
        assertThat(Servers.raw(port, "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))
                .startsWith("HTTP/1.1 413 ");
        assertThat(Servers.raw(port, "garbage\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        // HTTP/2 on this HTTP/1.1-only port: Jetty answers 426 Upgrade Required; other versions 505
        assertThat(Servers.raw(port, "GET / HTTP/2.0\r\n\r\n")).startsWith("HTTP/1.1 426 ");
        assertThat(Servers.raw(port, "GET / HTTP/3.0\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 505 ");
    }

    @Test
    void shouldRefuseTraversalAndMalformedPaths() throws Exception {
        final int port = start(HttpSecurity.none());
        for (final String target : List.of("/slos/../../etc/passwd", "/slos/..%2F..%2Fetc%2Fpasswd", "/%2e%2e/x",
                "/api/v1/slos/%2E%2E", "/slos/a%5C..%5Cb", "/slos/%00", "/slos/%zz", "//etc/passwd",
                "http://evil/", "*")) {
            final String answer = Servers.raw(port, "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(answer).as(target).startsWith("HTTP/1.1 400 ");
        }
        assertThat(get(port, "/slos/nope", null).statusCode()).isEqualTo(404);
        assertThat(get(port, "/etc/passwd", null).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldRequireTheTokenOrBasicCredentialsOnEverythingButTheProbes() throws Exception {
        final int port = start(HttpSecurity.of(TOKEN, BASIC, null));
        final String basic = "Basic " + Base64.getEncoder().encodeToString(BASIC.getBytes(StandardCharsets.UTF_8));
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final PrintStream err = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        final StringBuilder seen = new StringBuilder();
        try {
            for (final String path : List.of("/", "/metrics", "/api/v1/slos", "/api/v1/slos/x", "/slos/x", "/nope")) {
                for (final String wrong : new String[] {null, "Bearer wrong", "Bearer " + TOKEN + "x",
                        "Bearer " + TOKEN.substring(1), "Basic " + Base64.getEncoder().encodeToString(
                                "sre:wrong".getBytes(StandardCharsets.UTF_8)), "Basic !!!", "Token " + TOKEN, TOKEN}) {
                    final HttpResponse<String> r = get(port, path, wrong);
                    assertThat(r.statusCode()).as(path + " with " + wrong).isEqualTo(401);
                    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
                            assertThat(v).startsWith("Basic realm="));
                    seen.append(r.headers().map()).append(r.body());
                }
                for (final String right : List.of("Bearer " + TOKEN, "bearer " + TOKEN, basic)) {
                    final HttpResponse<String> r = get(port, path, right);
                    assertThat(r.statusCode()).as(path + " with " + right).isIn(200, 404);
                    seen.append(r.headers().map()).append(r.body());
                }
            }
            assertThat(get(port, "/healthz", null).statusCode()).isEqualTo(200);
            assertThat(get(port, "/readyz", null).statusCode()).isEqualTo(503);
        } finally {
            System.setErr(err);
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("without valid credentials").doesNotContain(TOKEN)
                .doesNotContain("pa55-w0rd");
        assertThat(seen.toString()).doesNotContain(TOKEN).doesNotContain("pa55-w0rd");
    }

    @Test
    void shouldReadSecretsFromFilesAndNeverPrintThem() throws Exception {
        final Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        final HttpSecurity s = HttpSecurity.from((new Settings().with(HttpSecurity.AUTH_TOKEN_FILE, token))::get);
        assertThat(s.authEnabled()).isTrue();
        assertThat(s.authorized("Bearer " + TOKEN)).isTrue();
        assertThat(s.authorized("Bearer " + TOKEN + "\n")).isTrue();
        assertThat(s.authorized("Bearer nope")).isFalse();
        assertThat(s.toString()).isEqualTo("http, bearer token").doesNotContain(TOKEN);
        // the environment's value (BURNRATE_HTTP_AUTH_TOKEN) arrives as http.auth.token
        final HttpSecurity env = HttpSecurity.from((new Settings().withEnvironment(
                Map.of("BURNRATE_HTTP_AUTH_TOKEN", TOKEN)))::get);
        assertThat(env.authorized("Bearer " + TOKEN)).isTrue();
        assertThat(new Settings().withEnvironment(Map.of("BURNRATE_HTTP_AUTH_TOKEN", TOKEN))
                .kafkaProperties().toString()).doesNotContain(TOKEN);
        assertThat(HttpSecurity.from((new Settings())::get).authEnabled()).isFalse();

        final Path badBasic = Files.writeString(dir.resolve("basic"), "pa55-w0rd-only\n");
        assertThatThrownBy(() -> HttpSecurity.from((new Settings().with(HttpSecurity.AUTH_BASIC_FILE, badBasic))::get))
                .hasMessageContaining("user:password").hasMessageNotContaining("pa55-w0rd");
        assertThatThrownBy(() -> HttpSecurity.from((new Settings().with(HttpSecurity.AUTH_TOKEN_FILE,
                dir.resolve("missing")))::get)).hasMessageContaining("is not a readable file");
        final Path spaced = Files.writeString(dir.resolve("spaced"), "two words");
        assertThatThrownBy(() -> HttpSecurity.from((new Settings().with(HttpSecurity.AUTH_TOKEN_FILE, spaced))::get))
                .hasMessageContaining("printable ASCII").hasMessageNotContaining("two words");
    }

    @Test
    void shouldRefuseUnusableSecretFilesOnTheCommandLineBeforeStarting() throws Exception {
        final Path badBasic = Files.writeString(dir.resolve("basic"), "pa55-w0rd-only");
        for (final String command : List.of("run", "demo")) {
            final Cli.Run missing = Cli.run(command,
                    "--http-auth-token-file", dir.resolve("missing").toString());
            assertThat(missing.code()).as(command).isEqualTo(BurnrateCli.UNUSABLE_INPUT);
            assertThat(missing.err()).as(command).contains("http.auth.token.file").contains("is not a readable file");
            final Cli.Run basic = Cli.run(command,
                    "--http-basic-auth-file", badBasic.toString());
            assertThat(basic.code()).as(command).isEqualTo(BurnrateCli.UNUSABLE_INPUT);
            assertThat(basic.err()).as(command).contains("user:password").doesNotContain("pa55-w0rd");
        }
    }
}
