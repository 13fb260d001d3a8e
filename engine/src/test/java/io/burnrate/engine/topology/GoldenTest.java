package io.burnrate.engine.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.otlp.OtlpEncoding;
import io.burnrate.engine.otlp.SpanMapping;
import io.burnrate.engine.replay.OfflineReplay;
import io.burnrate.engine.slo.v1.SloSpecParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reviewed golden files under {@code src/test/resources/golden/}: the topology's
 * description (a renamed node silently breaks changelog and state compatibility) and the
 * replay of a fixed input over {@code examples/slos.yaml} (every output file). A change
 * that alters either must update the files on purpose: run with
 * {@code -Dgolden.update=true} and review the diff.
 */
class GoldenTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    @TempDir
    Path dir;

    @Test
    void shouldDescribeTheTopologyAsReviewed() throws IOException {
        final String described = BurnRateTopology.build(EngineConfig.defaults()).topology().describe().toString();
        check("topology.txt", described);
    }

    /** With the OTLP input on ({@code otlp.topic}): its source, decoder and merge into the re-key path. */
    @Test
    void shouldDescribeTheTopologyWithTheOtlpInputAsReviewed() throws IOException {
        final String described = BurnRateTopology.build(EngineConfig.defaults().withOtlp(new OtlpInput(
                OtlpInput.DEFAULT_TOPIC, OtlpEncoding.OTLP_PROTO, SpanMapping.DEFAULTS))).topology().describe().toString();
        check("topology-otlp.txt", described);
    }

    @Test
    void shouldReplayTheFixedInputAsReviewed() throws Exception {
        final Path events = Files.write(dir.resolve("events.ndjson"), fixedInput(), StandardCharsets.UTF_8);
        final List<SloSpecParser.Parsed> slos = SloSpecParser.parseFile(Path.of("../examples/slos.yaml"));
        OfflineReplay.run(slos, events, dir.resolve("out"), EngineConfig.defaults());
        for (final String f : List.of(OfflineReplay.ALERTS_FILE, OfflineReplay.STATUS_FILE, OfflineReplay.DLQ_FILE,
                OfflineReplay.BUDGET_POLICY_FILE, OfflineReplay.COMPLIANCE_FILE)) {
            check("replay/" + f, Files.readString(dir.resolve("out").resolve(f), StandardCharsets.UTF_8));
        }
    }

    /**
     * Three hours of checkout and payments traffic (2 req/s each) from 2026-03-31T22:00Z,
     * across the Berlin month end of the calendar SLO: a 10-minute checkout outage, slow
     * payments for 20 minutes, and a few bad lines.
     */
    private static List<String> fixedInput() {
        final Random r = new Random(7);
        final List<String> lines = new ArrayList<>();
        final long start = Instant.parse("2026-03-31T21:00:00Z").toEpochMilli();
        for (long t = start; t < start + 3 * 3_600_000L; t += 500) {
            final long m = (t - start) / 60_000;
            final boolean outage = m >= 60 && m < 70;
            final boolean slow = m >= 100 && m < 120;
            if ((t / 500) % 2 == 0) {
                lines.add("{\"service\":\"checkout\",\"timestamp\":" + t + ",\"latencyMs\":" + (5 + r.nextInt(50))
                        + ",\"status\":" + (outage ? 503 : 200) + ",\"operation\":\"POST /cart\"}");
            } else {
                lines.add("{\"service\":\"payments\",\"timestamp\":" + t + ",\"latencyMs\":"
                        + (slow ? 250 + r.nextInt(200) : 20 + r.nextInt(100)) + ",\"outcome\":\"ok\"}");
            }
            if (r.nextInt(2000) == 0) {
                lines.add("{\"service\":\"checkout\",\"timestamp\":\"soon\",\"latencyMs\":1,\"status\":200}");
            }
        }
        return lines;
    }

    private static void check(final String name, final String actual) throws IOException {
        final Path file = GOLDEN.resolve(name);
        if (UPDATE) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual, StandardCharsets.UTF_8);
        }
        assertThat(file).as("golden file %s (run with -Dgolden.update=true to write it, then review the diff)", name)
                .exists();
        assertThat(actual).as("%s equals the reviewed golden file", name)
                .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
