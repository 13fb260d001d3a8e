package io.burnrate.engine.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.engine.topology.EngineConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenSLO documents with {@code type: burnrate} sources replay and alert exactly as their
 * burnrate/v1 equivalents: the alert files are byte-identical once the SLO names (the v1
 * files prefix them with {@code v1-}) and the fingerprints derived from them are set aside.
 */
class OpenSloReplayTest {

    private static final Path DIR = Path.of("src/test/resources/openslo/burnrate");

    @TempDir
    Path dir;

    /**
     * 75 min healthy at 1 req/s, 20 min with every third request bad (status 500 for web, 800 ms
     * for the search), 2 h healthy: web burns 1/3 / 0.005 = 66.7 > 13.44, the search's 99 %
     * objective 1/3 / 0.01 = 33.3 > 13.44, so both page; 1 h healthy resolves them.
     */
    private Path events() throws Exception {
        final List<String> lines = new ArrayList<>();
        final long t0 = Traffic.T0.toEpochMilli();
        final long step = 1000;
        final long incidentStart = 75 * 60_000L;
        final long incidentEnd = incidentStart + 20 * 60_000L;
        final long end = incidentEnd + 3_600_000L;
        long i = 0;
        for (long t = 0; t < end; t += step, i++) {
            final boolean bad = t >= incidentStart && t < incidentEnd && i % 3 == 2;
            lines.add("{\"service\":\"web\",\"timestamp\":" + (t0 + t) + ",\"latencyMs\":20,\"status\":" + (bad ? 500 : 200)
                    + ",\"attributes\":{\"k8s_cluster\":\"prod\",\"component\":\"web\"}}");
            lines.add("{\"service\":\"web-shop\",\"operation\":\"GET /search\",\"timestamp\":" + (t0 + t + 1)
                    + ",\"latencyMs\":" + (bad ? 800 : i % 20 == 0 ? 150 : 40) + ",\"status\":200}");
        }
        return Files.write(dir.resolve("events.ndjson"), lines, StandardCharsets.UTF_8);
    }

    private String replay(final String slos, final Path events) throws Exception {
        final Path out = dir.resolve(slos);
        OfflineReplay.run(SloSpecParser.parseFile(DIR.resolve(slos)), events, out, EngineConfig.defaults());
        return Files.readString(out.resolve(OfflineReplay.ALERTS_FILE), StandardCharsets.UTF_8);
    }

    /** The fingerprint is a hash of the SLO name and rule, so it differs with the name. */
    private static String withoutFingerprint(final String alerts) {
        return alerts.replaceAll(",\"fingerprint\":\"[0-9a-f]+\"", "");
    }

    @Test
    void shouldAlertAsTheEquivalentBurnrateV1Slo() throws Exception {
        final Path events = events();
        for (final String name : List.of("web-availability", "search-latency")) {
            final String openSlo = replay(name + ".yaml", events);
            final String v1 = replay(name + "-v1.yaml", events);
            assertThat(openSlo).as(name + " alerts").contains("\"state\":\"firing\"").contains("\"state\":\"resolved\"");
            assertThat(withoutFingerprint(openSlo)).as(name + ": byte-identical apart from names")
                    .isEqualTo(withoutFingerprint(v1.replace("\"v1-", "\"").replace("SLO v1-", "SLO ")));
        }
    }
}
