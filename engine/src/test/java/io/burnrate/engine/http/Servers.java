package io.burnrate.engine.http;

import io.burnrate.engine.testing.Drivers;
import io.burnrate.engine.topology.BurnRateTopology;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/** A {@link StatusServer} on a free loopback port without a broker: Kafka Streams created, never started. */
final class Servers {

    private Servers() {
    }

    /** A Kafka Streams client that is never started (state CREATED: alive, not ready). */
    static KafkaStreams idleStreams(final Path stateDir) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "burnrate-http-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class.getName());
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class.getName());
        return new KafkaStreams(BurnRateTopology.build(Drivers.CONFIG).topology(), props);
    }

    /** A started server over {@code built} (a test rig's, or an empty topology's) and an idle Streams client. */
    static final class Running implements AutoCloseable {
        final KafkaStreams streams;
        final StatusServer server;

        Running(final Path stateDir, final BurnRateTopology.Built built, final HttpLimits limits,
                final HttpSecurity security) throws IOException {
            streams = idleStreams(stateDir);
            server = StatusServer.bind("127.0.0.1", 0, limits, security).start(streams, built,
                    new EngineMetrics(built, EngineMetrics.DEFAULT_SLO_LABELS), "127.0.0.1");
        }

        Running(final Path stateDir, final HttpLimits limits, final HttpSecurity security) throws IOException {
            this(stateDir, BurnRateTopology.build(Drivers.CONFIG), limits, security);
        }

        int port() {
            return server.port();
        }

        @Override
        public void close() {
            server.close();
            // wait for its admin client to stop: left running, it logs connection warnings into later tests
            streams.close(Duration.ofSeconds(10));
        }
    }

    /** One raw exchange: writes {@code request} as is, returns everything until the server closes (5 s at most). */
    static String raw(final int port, final String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5_000);
            final OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            final InputStream in = s.getInputStream();
            final ByteArrayOutputStream got = new ByteArrayOutputStream();
            final byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.write(buf, 0, n);
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
