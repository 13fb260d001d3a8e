package io.burnrate.engine.http;

import java.time.Duration;

/**
 * The HTTP server's limits: request head size (bytes) and header fields, the time a
 * request head may take ({@code http.request.timeout}; also what a new connection gets
 * to send one), the keep-alive idle time, connections open at once
 * ({@code http.max.connections}), worker threads ({@code http.threads}) and their queue.
 */
public record HttpLimits(int maxHeadBytes, int maxHeaders, Duration requestTimeout, Duration idleTimeout,
                  int maxConnections, int workers, int queue) {

    public static HttpLimits defaults() {
        return new HttpLimits(8 * 1024, 64, Duration.ofSeconds(10), Duration.ofSeconds(60), 512, 4, 64);
    }

    public HttpLimits withRequestTimeout(final Duration d) {
        return new HttpLimits(maxHeadBytes, maxHeaders, d, idleTimeout, maxConnections, workers, queue);
    }

    public HttpLimits withMaxConnections(final int n) {
        return new HttpLimits(maxHeadBytes, maxHeaders, requestTimeout, idleTimeout, n, workers, queue);
    }

    public HttpLimits withWorkers(final int n, final int q) {
        return new HttpLimits(maxHeadBytes, maxHeaders, requestTimeout, idleTimeout, maxConnections, n, q);
    }
}
