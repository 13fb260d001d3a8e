package io.burnrate.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.slo.Durations;
import io.burnrate.schemas.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code burnrate gate}: may this service ship now? For CI pipelines. */
@Command(name = "gate", mixinStandardHelpOptions = true,
        description = {"Ask a running engine's release gate (GET /api/v1/gate) whether a service may ship now,",
                "and print its answer in one line.",
                "Exits 0 to allow, 3 to deny (an SLO's error budget is at or below a blocking threshold),",
                "2 when it cannot tell (no status yet, no such service, the API unreachable or refusing)."})
final class GateCommand implements Callable<Integer> {

    static final int ALLOW = 0;
    static final int DENY = 3;
    static final int CANNOT_TELL = 2;
    static final String TOKEN_ENV = "BURNRATE_HTTP_AUTH_TOKEN";

    @Spec
    private CommandSpec spec;

    /** Exactly one subject. */
    static final class Subject {
        @Option(names = "--service", paramLabel = "NAME", required = true, description = "every SLO of this service")
        String service;

        @Option(names = "--slo", paramLabel = "ID", required = true, description = "only this SLO")
        String slo;
    }

    @ArgGroup(multiplicity = "1")
    private Subject subject;

    @Option(names = "--api", paramLabel = "URL", required = true,
            description = "the engine's HTTP address, e.g. http://burnrate:8080")
    private URI api;

    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "send the bearer token in FILE (or in the environment variable " + TOKEN_ENV + ")")
    private Path tokenFile;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "how long to wait for the answer (default: ${DEFAULT-VALUE})")
    private String timeout;

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Duration wait;
        try {
            wait = Durations.parse(timeout);
        } catch (IllegalArgumentException e) {
            err.println("burnrate gate: --timeout: " + e.getMessage());
            return CANNOT_TELL;
        }
        final String query = subject.service != null
                ? "service=" + URLEncoder.encode(subject.service, StandardCharsets.UTF_8)
                : "slo=" + URLEncoder.encode(subject.slo, StandardCharsets.UTF_8);
        final URI uri;
        try {
            final String base = api.toString().replaceAll("/+$", "");
            uri = URI.create(base + "/api/v1/gate?" + query);
            if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            err.println("burnrate gate: --api " + api + ": expected http://HOST:PORT or https://HOST:PORT");
            return CANNOT_TELL;
        }
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(wait).header("Accept", "application/json");
        try {
            final String token = token();
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
        } catch (IOException e) {
            err.println("burnrate gate: " + e.getMessage());
            return CANNOT_TELL;
        }
        final HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(wait).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("burnrate gate: cannot tell: " + uri.getHost() + ":" + uri.getPort() + " did not answer ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
            return CANNOT_TELL;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("burnrate gate: cannot tell: interrupted");
            return CANNOT_TELL;
        }
        return answer(response.statusCode(), response.body(), out, err);
    }

    /** The exit code and line for an HTTP answer of the gate. */
    static int answer(final int status, final String body, final PrintWriter out, final PrintWriter err) {
        if (status == 401 || status == 403) {
            err.println("burnrate gate: cannot tell: the API refused the credentials (HTTP " + status
                    + "); give --auth-token-file or " + TOKEN_ENV);
            return CANNOT_TELL;
        }
        JsonNode json = null;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            // handled below: not JSON
        }
        if (json == null || !json.path("decision").isTextual()) {
            final String error = json != null && json.path("error").isTextual() ? json.get("error").asText() : "HTTP " + status;
            err.println("burnrate gate: cannot tell: " + error);
            return CANNOT_TELL;
        }
        final String reason = json.path("reason").asText("").replace('\n', ' ');
        switch (json.get("decision").asText()) {
            case "allow" -> {
                out.println(reason);
                return ALLOW;
            }
            case "deny" -> {
                out.println(reason);
                return DENY;
            }
            default -> {
                out.println(reason.startsWith("unknown") ? reason : "unknown: " + reason);
                return CANNOT_TELL;
            }
        }
    }

    private String token() throws IOException {
        if (tokenFile != null) {
            try {
                final String t = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
                if (t.isEmpty()) {
                    throw new IOException("--auth-token-file " + tokenFile + " is empty");
                }
                return t;
            } catch (IOException e) {
                throw new IOException("--auth-token-file " + tokenFile + ": cannot read it ("
                        + e.getClass().getSimpleName() + ")", e);
            }
        }
        final String env = System.getenv(TOKEN_ENV);
        return env == null || env.isBlank() ? null : env.strip();
    }
}
