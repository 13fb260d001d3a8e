package io.burnrate.engine.forward;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * POSTs JSON with the JDK's {@link HttpClient} and classifies the answer. The
 * {@code Authorization} value is sent but never part of a result's detail.
 */
final class HttpPoster {

    private static final int MAX_DETAIL = 200;

    private final HttpClient client;
    private final Duration timeout;

    HttpPoster(final HttpClient client, final Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    Receiver.Attempt post(final URI url, final byte[] json, final String authorization) {
        final HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "burnrate-forward")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            final HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return classify(r.statusCode(), r.body());
        } catch (HttpTimeoutException e) {
            return Receiver.Attempt.retry("timeout after " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            return Receiver.Attempt.retry(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Receiver.Attempt.retry("interrupted");
        }
    }

    /** 2xx accepted; 408, 429 and 5xx worth a retry; any other status refused for good. */
    static Receiver.Attempt classify(final int status, final String body) {
        if (status >= 200 && status < 300) {
            return Receiver.Attempt.ACCEPTED;
        }
        String text = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        if (text.length() > MAX_DETAIL) {
            text = text.substring(0, MAX_DETAIL) + "...";
        }
        final String detail = "HTTP " + status + (text.isEmpty() ? "" : ": " + text);
        return status == 408 || status == 429 || status >= 500 ? Receiver.Attempt.retry(detail)
                : Receiver.Attempt.rejected(detail);
    }
}
