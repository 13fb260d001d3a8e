package io.burnrate.engine.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.burnrate.engine.replay.OfflineReplay;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.engine.topology.EngineConfig;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-pass expansion, policy resolution and incident derivation. */
class BacktestTest {

    @TempDir
    Path dir;

    /**
     * One replay of the expanded SLO set gives, per policy, exactly the transitions (byte
     * for byte) of a replay of that policy's SLOs alone: the counts do not depend on the
     * policy. 1 request every 10 s for 1d, then a 10-minute outage, then 2 h clean.
     */
    @Test
    void shouldGiveEachPolicyTheTransitionsOfASeparateReplay() throws Exception {
        final Path policyFile = dir.resolve("page-only.yaml");
        Files.writeString(policyFile, "- {severity: page, budgetPercent: 2, longWindow: 1h, shortWindow: 5m}\n");
        final List<BacktestPolicy> policies = List.of(BacktestPolicy.own(), BacktestPolicy.resolve("sloth-7d"),
                BacktestPolicy.resolve(policyFile.toString()));
        final List<SloSpecParser.Parsed> slos = Specs.parse(Specs.availabilityYaml("api-availability", "api", 0));
        final Path events = dir.resolve("events.ndjson");
        final Traffic api = Traffic.of("api", 0.1, Traffic.T0);
        final List<Traffic.Event> list = new ArrayList<>(api.next(Duration.ofDays(1), Traffic.none()));
        list.addAll(api.next(Duration.ofMinutes(10), Traffic.all()));
        list.addAll(api.next(Duration.ofHours(2), Traffic.none()));
        try (BufferedWriter w = Files.newBufferedWriter(events, StandardCharsets.UTF_8)) {
            for (final Traffic.Event e : list) {
                w.write(e.json());
                w.write('\n');
            }
        }
        final SloExpansion.Expanded expanded = SloExpansion.expand(slos, policies);
        assertThat(expanded.members().keySet()).containsExactly("api-availability.own", "api-availability.sloth-7d",
                "api-availability.page-only");
        OfflineReplay.run(expanded.slos(), events, dir.resolve("all"), EngineConfig.defaults());
        final List<String> all = Files.readAllLines(dir.resolve("all").resolve(OfflineReplay.ALERTS_FILE));
        for (int p = 0; p < policies.size(); p++) {
            final List<SloSpecParser.Parsed> alone = new ArrayList<>();
            for (final SloSpecParser.Parsed s : expanded.slos()) {
                if (expanded.members().get(s.spec().id()).policy() == p) {
                    alone.add(s);
                }
            }
            final Path out = dir.resolve("alone-" + p);
            OfflineReplay.run(alone, events, out, EngineConfig.defaults());
            final String id = alone.get(0).spec().id();
            final List<String> mine = all.stream().filter(l -> l.startsWith("{\"sloId\":\"" + id + "\"")).toList();
            assertThat(mine).as(id).isNotEmpty();
            assertThat(Files.readAllLines(out.resolve(OfflineReplay.ALERTS_FILE))).as(id).isEqualTo(mine);
        }
        // every transition belongs to one of the three
        assertThat(all).allMatch(l -> l.startsWith("{\"sloId\":\"api-availability."));
    }

    @Test
    void shouldResolveNamesAndFilesAndRefuseTheRestInOneLine() throws Exception {
        assertThat(BacktestPolicy.resolve("google-30d").policy().asText()).isEqualTo("google-30d");
        assertThat(BacktestPolicy.resolve("own").policy()).isNull();
        final Path catalogueForm = dir.resolve("Strict.yaml");
        Files.writeString(catalogueForm, "sloWindow: 30d\nwindows:\n"
                + "  - {severity: page, budgetPercent: 2, longWindow: 1h, shortWindow: 5m}\n");
        final BacktestPolicy strict = BacktestPolicy.resolve(catalogueForm.toString());
        assertThat(strict.name()).isEqualTo("strict");
        assertThat(strict.policy().isArray()).isTrue();
        assertThatIllegalArgumentException().isThrownBy(() -> BacktestPolicy.resolve("nope"))
                .withMessageContaining("google-30d").withMessageContaining("nor a readable file");
        final Path sloth = dir.resolve("sloth.yaml");
        Files.writeString(sloth, "apiVersion: sloth.slok.dev/v1\nkind: AlertWindows\nspec: {}\n");
        assertThatIllegalArgumentException().isThrownBy(() -> BacktestPolicy.resolve(sloth.toString()))
                .withMessage("--policy " + sloth + ": AlertWindows 'sloth-': spec.sloPeriod: is required");
        final Path other = dir.resolve("other.yaml");
        Files.writeString(other, "apiVersion: v1\nkind: ConfigMap\n");
        assertThatIllegalArgumentException().isThrownBy(() -> BacktestPolicy.resolve(other.toString()))
                .withMessageContaining("kind ConfigMap is not a policy file");
        final Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, "window: []\n");
        assertThatIllegalArgumentException().isThrownBy(() -> BacktestPolicy.resolve(typo.toString()))
                .withMessageContaining("window: unknown field");
    }

    /**
     * Sloth's own 7d catalogue file as {@code --policy FILE}: its four windows in Sloth's
     * order, the same as the built-in {@code sloth-7d}; named by metadata.name when it has one.
     */
    @Test
    void shouldReadASlothAlertWindowsFileAsAPolicy() throws Exception {
        final Path file = Path.of("src/test/resources/sloth/7d.yaml");
        final BacktestPolicy p = BacktestPolicy.resolve(file.toString());
        assertThat(p.name()).isEqualTo("7d");
        assertThat(p.source()).isEqualTo("7d.yaml");
        assertThat(p.policy().toString()).isEqualTo("["
                + "{\"severity\":\"page\",\"budgetPercent\":8.0,\"longWindow\":\"1h\",\"shortWindow\":\"5m\"},"
                + "{\"severity\":\"page\",\"budgetPercent\":12.5,\"longWindow\":\"6h\",\"shortWindow\":\"30m\"},"
                + "{\"severity\":\"ticket\",\"budgetPercent\":20.0,\"longWindow\":\"1d\",\"shortWindow\":\"2h\"},"
                + "{\"severity\":\"ticket\",\"budgetPercent\":42.0,\"longWindow\":\"3d\",\"shortWindow\":\"6h\"}]");
        // applied to an SLO, the rules are those of the built-in catalogue
        final List<SloSpecParser.Parsed> slos = Specs.parse(Specs.availabilityYaml("api-availability", "api", 0));
        final var fromFile = SloExpansion.expand(slos, List.of(p));
        final var builtIn = SloExpansion.expand(slos, List.of(BacktestPolicy.resolve("sloth-7d")));
        assertThat(fromFile.slos().get(0).spec().alerts()).isEqualTo(builtIn.slos().get(0).spec().alerts());
        final Path named = dir.resolve("windows.yaml");
        Files.writeString(named, Files.readString(file).replace("kind: AlertWindows\n",
                "kind: AlertWindows\nmetadata: {name: team-7d}\n"));
        assertThat(BacktestPolicy.resolve(named.toString()).name()).isEqualTo("team-7d");
    }

    @Test
    void shouldNameTheSloAndFieldWhenAPolicyDoesNotFitIt() throws Exception {
        final Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "- {severity: sms, budgetPercent: 2, longWindow: 1h, shortWindow: 5m}\n");
        final List<SloSpecParser.Parsed> slos = Specs.parse(Specs.availabilityYaml("api-availability", "api", 0));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SloExpansion.expand(slos, List.of(BacktestPolicy.resolve(bad.toString()))))
                .withMessageContaining("policy bad does not fit SLO 'api-availability'")
                .withMessageContaining("spec.alerting.policy[0]").withMessageContaining("sms");
    }

    /**
     * Derivation: 99.9 %, so a minute is hot above 10 x 0.001 = 1 % bad. 6 requests a
     * minute: minutes with 1 bad (16.7 %) are hot. Hot minutes 10:00-10:02 (3, an
     * incident), 10:05 alone (1 < 2, but 2 minutes after the run: merged? no, a lone minute
     * is not a run), 11:00-11:01 (2: an incident). So two incidents: [10:00, 10:03) and
     * [11:00, 11:02).
     */
    @Test
    void shouldDeriveIncidentsFromRunsOfHotMinutes() {
        final SloSpec slo = Specs.availability("api-availability", "api", 0);
        final MinuteCounts c = new MinuteCounts();
        final Instant ten = Instant.parse("2026-03-02T10:00:00Z");
        for (int m = 0; m < 120; m++) {
            for (int i = 0; i < 6; i++) {
                final boolean bad = i == 0 && (m <= 2 || m == 5 || m == 60 || m == 61);
                c.add(ten.plusSeconds(60L * m + 10L * i).toEpochMilli(), bad);
            }
        }
        final List<Incident> derived = IncidentDeriver.derive(List.of(slo), List.of(c));
        assertThat(derived).containsExactly(
                new Incident("api", "api-availability", ten, ten.plusSeconds(180), "derived"),
                new Incident("api", "api-availability", ten.plusSeconds(3600), ten.plusSeconds(3720), "derived"));
    }
}
