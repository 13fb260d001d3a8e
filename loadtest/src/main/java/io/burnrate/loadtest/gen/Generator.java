package io.burnrate.loadtest.gen;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces request events for a set of services at a target rate (or as fast as the
 * sinks take them), keyed by service, shaped by a {@link Scenario}.
 *
 * <p>Event time: with {@code liveTimestamps} every event carries the wall clock at the
 * moment it is built (live traffic: the time an event is produced is its timestamp);
 * otherwise event {@code i} carries {@code start + i / eventTimeRate} seconds, so a
 * pre-filled topic spans a realistic stretch of time however fast it was written.
 */
public final class Generator {

    /**
     * @param services       service names (keys)
     * @param operations     distinct {@code operation} values per service
     * @param rate           target events per second; 0 = as fast as possible
     * @param maxEvents      stop after this many events; 0 = no limit
     * @param maxDuration    stop after this much wall-clock time; null = no limit
     * @param startMs        event time of the first event; null = now
     * @param eventTimeRate  events per second of event time (paced timestamps)
     * @param liveTimestamps timestamps follow the wall clock instead
     * @param scenario       baseline and incidents
     * @param seed           random seed (same seed, same events in paced mode)
     * @param progressEvery  how often to print progress; null = never
     */
    public record Config(List<String> services, int operations, double rate, long maxEvents, Duration maxDuration,
                         Long startMs, double eventTimeRate, boolean liveTimestamps, Scenario scenario, long seed,
                         Duration progressEvery) {

        public Config {
            services = List.copyOf(services);
            if (maxEvents <= 0 && maxDuration == null) {
                throw new IllegalArgumentException("give a number of events or a duration");
            }
            if (!liveTimestamps && !(eventTimeRate > 0)) {
                throw new IllegalArgumentException("event-time rate must be positive");
            }
        }
    }

    /**
     * What a run did; {@code skipped} counts events a rate-limited run could not send in
     * time and dropped rather than sending them later in a burst.
     */
    public record Stats(long events, long bad, double seconds, long firstTimestamp, long lastTimestamp, long skipped) {

        public double rate() {
            return seconds > 0 ? events / seconds : 0;
        }
    }

    /** Where events go. */
    public interface Sink extends AutoCloseable {
        void send(String key, long timestamp, byte[] value) throws IOException;

        /** Waits until everything sent is durable (acknowledged, written). */
        void flush() throws IOException;

        @Override
        void close() throws IOException;
    }

    private final Config config;
    private final AtomicLong sent = new AtomicLong();

    public Generator(final Config config) {
        this.config = config;
    }

    /** Events sent so far (readable from other threads while {@link #run} runs). */
    public long sent() {
        return sent.get();
    }

    public Stats run(final List<Sink> sinks, final PrintStream progress, final BooleanSupplier stop) throws IOException {
        final EventFactory factory = new EventFactory(config.services(), config.operations(), config.scenario());
        final SplittableRandom random = new SplittableRandom(config.seed());
        final int services = config.services().size();
        final long wallStartNs = System.nanoTime();
        final long startMs = config.startMs() != null ? config.startMs() : System.currentTimeMillis();
        final long maxNs = config.maxDuration() == null ? Long.MAX_VALUE : config.maxDuration().toNanos();
        final long progressNs = config.progressEvery() == null ? Long.MAX_VALUE : config.progressEvery().toNanos();
        final double msPerEvent = config.liveTimestamps() ? 0 : 1000.0 / config.eventTimeRate();
        long nextProgressNs = progressNs;
        long lastProgressNs = 0;
        long lastProgressCount = 0;
        long count = 0;
        long bad = 0;
        long firstTs = Long.MIN_VALUE;
        long lastTs = Long.MIN_VALUE;
        long skipped = 0;
        // live traffic keeps its rate: a generator that falls behind drops what it could not send in time
        // (more than 50 ms of traffic behind) instead of catching up in a burst
        final long backlogCap = Math.max(1, (long) (config.rate() * 0.05));
        final String[] keys = config.services().toArray(new String[0]);
        while (true) {
            final long elapsedNs = System.nanoTime() - wallStartNs;
            if ((config.maxEvents() > 0 && count >= config.maxEvents()) || elapsedNs >= maxNs || stop.getAsBoolean()) {
                break;
            }
            if (elapsedNs >= nextProgressNs && progress != null) {
                final double window = (elapsedNs - lastProgressNs) / 1e9;
                progress.printf(Locale.ROOT, "generate: %6.1f s  sent %,d  rate %,.0f ev/s (last %.0f s: %,.0f ev/s)%n",
                        elapsedNs / 1e9, count, count / (elapsedNs / 1e9), window, (count - lastProgressCount) / window);
                lastProgressNs = elapsedNs;
                lastProgressCount = count;
                nextProgressNs = elapsedNs + progressNs;
            }
            long batch = 1024;
            if (config.rate() > 0) {
                long due = (long) (config.rate() * (elapsedNs / 1e9)) - skipped;
                if (due - count > backlogCap) {
                    skipped += due - count - backlogCap;
                    due = count + backlogCap;
                }
                batch = Math.min(due - count, 1024);
                if (batch <= 0) {
                    LockSupport.parkNanos(200_000);
                    continue;
                }
            }
            if (config.maxEvents() > 0) {
                batch = Math.min(batch, config.maxEvents() - count);
            }
            for (long b = 0; b < batch; b++) {
                final long ts = config.liveTimestamps() ? System.currentTimeMillis()
                        : startMs + (long) (count * msPerEvent);
                final int service = random.nextInt(services);
                final byte[] value = factory.next(service, ts, ts - startMs, random);
                if (factory.lastBad()) {
                    bad++;
                }
                for (final Sink s : sinks) {
                    s.send(keys[service], ts, value);
                }
                if (firstTs == Long.MIN_VALUE) {
                    firstTs = ts;
                }
                lastTs = ts;
                count++;
            }
            sent.set(count);
        }
        for (final Sink s : sinks) {
            s.flush();
        }
        final double seconds = (System.nanoTime() - wallStartNs) / 1e9;
        if (progress != null) {
            progress.printf(Locale.ROOT, "generate: done: %,d events (%,d bad) in %.1f s, %,.0f ev/s%s%n", count, bad,
                    seconds, count / seconds, skipped == 0 ? "" : String.format(Locale.ROOT,
                            "; %,d events dropped because the generator fell behind", skipped));
        }
        return new Stats(count, bad, seconds, firstTs, lastTs, skipped);
    }

    // ---- sinks ----

    /** Producer settings for bulk pre-fill: large lz4 batches. */
    public static Map<String, Object> bulkProducer(final String bootstrap) {
        final Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    /** Producer settings for live traffic: small linger so events leave promptly. */
    public static Map<String, Object> liveProducer(final String bootstrap) {
        final Map<String, Object> p = bulkProducer(bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        return p;
    }

    /** Sends to a Kafka topic, key = service, record timestamp = event time. */
    public static final class KafkaSink implements Sink {
        private final KafkaProducer<String, byte[]> producer;
        private final String topic;
        private final AtomicReference<Exception> failure = new AtomicReference<>();

        public KafkaSink(final Map<String, Object> producerConfig, final String topic) {
            this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
            this.topic = topic;
        }

        @Override
        public void send(final String key, final long timestamp, final byte[] value) throws IOException {
            final Exception f = failure.get();
            if (f != null) {
                throw new IOException("producing to " + topic + " failed: " + f.getMessage(), f);
            }
            producer.send(new ProducerRecord<>(topic, null, timestamp, key, value), (md, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
            });
        }

        @Override
        public void flush() throws IOException {
            producer.flush();
            final Exception f = failure.get();
            if (f != null) {
                throw new IOException("producing to " + topic + " failed: " + f.getMessage(), f);
            }
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(30));
        }
    }

    /** Writes one event per line, for {@code burnrate replay}. */
    public static final class NdjsonSink implements Sink {
        private final OutputStream out;

        public NdjsonSink(final Path file) throws IOException {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        }

        @Override
        public void send(final String key, final long timestamp, final byte[] value) throws IOException {
            out.write(value);
            out.write('\n');
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
