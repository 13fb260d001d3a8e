package io.burnrate.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.burnrate.engine.slo.EventFilter;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.engine.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code burnrate slo convert} both ways and {@code burnrate slo import sloth}, as a user runs them. */
class SloConvertImportTest {

    @TempDir
    Path dir;

    private static List<SloSpec> specs(final Path file) throws Exception {
        return SloSpecParser.parseFile(file).stream().map(SloSpecParser.Parsed::spec).toList();
    }

    /**
     * The spec with its selector in one spelling: {@code region} and {@code attributes.region}
     * select the same events, and OpenSLO's metric source writes attributes explicitly.
     */
    private static SloSpec normalized(final SloSpec s) {
        return new SloSpec(s.id(), s.service(), EventFilter.of(s).selector(), s.indicator(), s.objective(), s.window(),
                s.alerts(), s.minEventsPerWindow(), s.runbook(), s.labels(), s.budgetThresholds(), s.calendar(),
                s.budgetingMethod(), s.budgetAdjustments());
    }

    private static List<SloSpec> equivalent(final Path file) throws Exception {
        return specs(file).stream().map(SloConvertImportTest::normalized).toList();
    }

    private static final String V1 = """
            apiVersion: burnrate/v1
            kind: SLO
            metadata:
              name: checkout-availability
              labels: {team: payments, tier: '0', owners: 'a,b'}
            spec:
              service: checkout
              selector: {operation: POST /pay, region: eu}
              indicator: {availability: {badStatusMin: 500}}
              objective: 99.9
              window: 28d
              alerting: {policy: google-28d, minEventsPerWindow: 20, runbook: https://runbooks.example.com/checkout}
              budgetPolicy: {thresholds: [{percent: 50}, {percent: 0, action: freeze-releases}]}
            ---
            apiVersion: burnrate/v1
            kind: SLO
            metadata: {name: search-latency}
            spec:
              service: search
              indicator: {latency: {thresholdMs: 250, badStatusMin: 502}}
              objective: 95
              window: {calendar: month, timeZone: Europe/Berlin}
              budgetingMethod: Timeslices
              timeSliceTarget: 0.95
              timeSliceWindow: 5m
              alerting:
                policy:
                  - {severity: page, budgetPercent: 3, longWindow: 2h, shortWindow: 10m, alertAfter: 5m}
                  - {severity: ticket, budgetPercent: 10, longWindow: 3d, shortWindow: 6h}
            ---
            apiVersion: burnrate/v1
            kind: SLO
            metadata: {name: search-ratio}
            spec:
              service: search
              indicator: {availability: {badStatusMin: 500}}
              objective: 99
              window: 7d
              budgetingMethod: RatioTimeslices
              timeSliceWindow: 5m
            """;

    @Test
    void shouldRoundTripBurnrateThroughOpenSloToAnEquivalentSlo() throws Exception {
        final Path v1 = Files.writeString(dir.resolve("slos.yaml"), V1);
        final Path openSlo = dir.resolve("openslo.yaml");
        final Path back = dir.resolve("back.yaml");
        final Cli.Run to = Cli.run("slo", "convert", "--to", "openslo", v1.toString(), "-o", openSlo.toString());
        assertThat(to.code()).as(to.err()).isZero();
        final String written = Files.readString(openSlo);
        assertThat(written).contains("apiVersion: openslo/v1").contains("type: burnrate")
                .contains("burnrate.io/alert-policy: google-28d").contains("kind: burnrate")
                // 3 % of a 31-day window over 2h: 0.03 x 744 / 2 = 11.16
                .contains("threshold: 11.16").contains("lookbackWindow: 2h").contains("alertAfter: 5m")
                .contains("budgetingMethod: RatioTimeslices");
        final Cli.Run validated = Cli.run("slo", "validate", openSlo.toString());
        assertThat(validated.code()).as(validated.err()).isZero();
        assertThat(validated.out()).contains("page-2h-10m      burn rate > 11.16 over 2h and 10m, held for 5m")
                .contains("search-ratio: service search, objective 99.0%, window 7d, RatioTimeslices (5m slices)");
        final Cli.Run from = Cli.run("slo", "convert", "--to", "burnrate", openSlo.toString(), "-o", back.toString());
        assertThat(from.code()).as(from.err()).isZero();
        assertThat(equivalent(back)).isEqualTo(equivalent(v1));
        assertThat(equivalent(openSlo)).isEqualTo(equivalent(v1));
        // a second round trip is exact, selector spelling included
        final Path again = dir.resolve("again.yaml");
        assertThat(Cli.run("slo", "convert", "--to", "openslo", back.toString(), "-o", again.toString()).code()).isZero();
        assertThat(Files.readString(again)).isEqualTo(written);
    }

    @Test
    void shouldWriteTheThresholdsAnOpenSloFileGaveNotTheirRoundingNoise() throws Exception {
        final Path openSlo = Files.writeString(dir.resolve("month.yaml"), """
                apiVersion: openslo/v1
                kind: SLO
                metadata: {name: checkout}
                spec:
                  service: checkout
                  indicator:
                    metadata: {name: errors}
                    spec:
                      ratioMetric:
                        bad: {metricSource: {type: burnrate, spec: {status: 500-599}}}
                        total: {metricSource: {type: burnrate, spec: {service: checkout}}}
                  timeWindow: [{duration: 1M, isRolling: false, calendar: {startTime: "2024-01-01 00:00:00", timeZone: UTC}}]
                  budgetingMethod: Occurrences
                  objectives: [{target: 0.999}]
                  alertPolicies:
                    - kind: AlertPolicy
                      metadata: {name: burn}
                      spec:
                        conditions:
                          - {kind: AlertCondition, metadata: {name: fast}, spec: {severity: page,
                              condition: {kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1h}}}
                          - {kind: AlertCondition, metadata: {name: slow}, spec: {severity: ticket,
                              condition: {kind: burnrate, op: gt, threshold: 1, lookbackWindow: 3d}}}
                """);
        final Cli.Run to = Cli.run("slo", "convert", "--to", "openslo", openSlo.toString());
        assertThat(to.code()).as(to.err()).isZero();
        // stored as budget shares of the nominal 31-day month (744 h), to 12 significant digits:
        // 14.4 x 1 / 744 x 100 = 1.93548387097 %, 1 x 72 / 744 x 100 = 9.67741935484 %; their exact burn rates
        // are 14.4000000000168 and 1.000000000000133, but 14.4 and 1 read back to the very same shares
        assertThat(to.out()).contains("threshold: 14.4\n").contains("threshold: 1\n")
                .doesNotContain("14.40000").doesNotContain("1.0000");
        final Path back = Files.writeString(dir.resolve("back.yaml"), to.out());
        assertThat(equivalent(back)).isEqualTo(equivalent(openSlo));
    }

    @Test
    void shouldValidateOpenSloFilesAndReportEveryRefusal() {
        final Cli.Run ok = Cli.run("slo", "validate", "src/test/resources/openslo/burnrate/search-latency.yaml");
        assertThat(ok.code()).as(ok.err()).isZero();
        // sloth 7d catalogue over the 7d window: 13.44, 3.5, 1.4, 0.98
        assertThat(ok.out()).contains("search-latency-good-experience: service web-shop, objective 99.0%, window 7d")
                .contains("page-1h-5m       burn rate > 13.44 over 1h and 5m").contains("search-latency-fast:")
                .contains("2 SLOs valid");
        final Cli.Run bad = Cli.run("slo", "validate", "src/test/resources/openslo/upstream/pkg-openslo-v1-examples/slos.yaml");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().lines().toList()).hasSize(2).allSatisfy(l -> assertThat(l)
                .startsWith("invalid: slos.yaml (document 1): OpenSLO SLO 'web-availability': "));
    }

    @Test
    void shouldRefuseARuleOpenSloCannotSay() throws Exception {
        final Path v1 = Files.writeString(dir.resolve("slos.yaml"), V1.replace("shortWindow: 10m", "shortWindow: 15m"));
        final Cli.Run run = Cli.run("slo", "convert", "--to", "openslo", v1.toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("slos.yaml: SLO 'search-latency': rule page-2h-15m cannot be written in OpenSLO: "
                + "a burnrate condition has one lookbackWindow, and burnrate reads its short window as lookbackWindow / 12 "
                + "(10m), not 15m");
    }

    @Test
    void shouldImportTheCommonSlothShapeAndReportTheRestLineByLine() throws Exception {
        final Path out = dir.resolve("imported.yaml");
        final Cli.Run run = Cli.run("slo", "import", "sloth", "src/test/resources/sloth/translatable.yml", "-o",
                out.toString());
        // one of the two SLOs is left out: exit 2, the other written
        assertThat(run.code()).as(run.err()).isEqualTo(2);
        assertThat(run.err().lines().toList()).contains(
                "note: translatable.yml (document 1): SLO 'requests-latency': sli.events.error_query: not translatable: "
                        + "counts rate(http_request_duration_seconds_bucket) but the total query counts "
                        + "rate(http_request_duration_seconds_count); burnrate needs one metric with a status matcher added",
                "note: translatable.yml (document 1): SLO 'requests-latency': left out (1 thing not translatable, above)",
                "imported 1 SLO, left out 1 to " + out);
        final List<SloSpec> specs = specs(out);
        assertThat(specs).hasSize(1);
        final SloSpec s = specs.get(0);
        assertThat(s.id()).isEqualTo("myservice-requests-availability");
        assertThat(s.service()).isEqualTo("myservice");
        assertThat(s.selector()).containsEntry("operation", "/pay").containsEntry("attributes.cluster", "eu-1").hasSize(2);
        assertThat(s.objective()).isEqualTo(99.9);
        assertThat(s.runbook()).isEqualTo("https://runbooks.example.com/myservice");
        assertThat(s.labels()).containsEntry("sloth_alert_name", "MyServiceHighErrorRate").containsEntry("team", "payments")
                .containsEntry("owner", "myteam").containsEntry("category", "availability")
                .containsEntry("routing_key", "myteam");
        // ticket_alert disabled: the google-30d page rules only
        assertThat(s.alerts()).extracting(w -> w.ruleName()).containsExactly("page-1h-5m", "page-6h-30m");
    }

    @Test
    void shouldRefuseSlothsOwnExampleBecause429IsNotAStatusRange() {
        for (final String file : List.of("getting-started.yml", "k8s-getting-started.yml")) {
            final Cli.Run run = Cli.run("slo", "import", "sloth", "src/test/resources/sloth/" + file);
            assertThat(run.code()).isEqualTo(2);
            assertThat(run.err()).contains("SLO 'requests-availability': sli.events."
                    + (file.startsWith("k8s") ? "errorQuery" : "error_query") + ": not translatable: matcher "
                    + "code=~\"(5..|429)\" does not select a status range N-599");
            assertThat(run.err()).contains("imported 0 SLOs, left out 1");
        }
    }

    @Test
    void shouldApplyAnOverriddenLabelMapping() throws Exception {
        final Cli.Run run = Cli.run("slo", "import", "sloth", "src/test/resources/sloth/translatable.yml",
                "--map", "cluster=ignore", "--map", "handler=attributes.route", "--slo-period", "7d");
        assertThat(run.out()).contains("attributes.route: /pay").doesNotContain("cluster").contains("window: 7d");
    }

    @Test
    void shouldSayWhereASlothFileIsNotValidYaml() throws Exception {
        // the flow sequence opened on line 5 never closes: the parser stops at the end, line 6 column 1
        final Path bad = Files.writeString(dir.resolve("bad.yml"),
                "version: \"prometheus/v1\"\nservice: x\nslos:\n  - name: a\n    objective: [1\n");
        final Cli.Run r = Cli.run("slo", "import", "sloth", bad.toString());
        assertThat(r.code()).isEqualTo(BurnrateCli.UNUSABLE_INPUT);
        assertThat(r.err()).contains("burnrate slo import sloth: bad.yml: not valid YAML at line 6, column 1: expected ',' "
                + "or ']', but got <stream end>");
    }

    @Test
    void shouldLoadSlothAlertWindowsFromAFileOfTheirOwn() throws Exception {
        final Path windows = Files.writeString(dir.resolve("windows.yaml"), Files.readString(
                Path.of("src/test/resources/sloth/7d.yaml")).replace("kind: AlertWindows\n",
                "kind: AlertWindows\nmetadata: {name: one-week}\n"));
        final Path slos = Files.writeString(dir.resolve("slos.yaml"), """
                apiVersion: burnrate/v1
                kind: SLO
                metadata: {name: checkout}
                spec:
                  service: checkout
                  indicator: {availability: {}}
                  objective: 99.9
                  window: 7d
                  alerting: {policy: one-week}
                ---
                apiVersion: openslo/v1
                kind: SLO
                metadata: {name: search, annotations: {burnrate.io/alert-policy: one-week}}
                spec:
                  service: search
                  indicator:
                    metadata: {name: errors}
                    spec:
                      ratioMetric:
                        bad: {metricSource: {type: burnrate, spec: {status: 500-599}}}
                        total: {metricSource: {type: burnrate, spec: {service: search}}}
                  timeWindow: [{duration: 7d, isRolling: true}]
                  budgetingMethod: Occurrences
                  objectives: [{target: 0.999}]
                """);
        final Cli.Run ok = Cli.run("slo", "validate", "--alert-windows", windows.toString(), slos.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        // Sloth's factors over the 7d period (168 h): 0.08 x 168 / 1 = 13.44, 0.125 x 168 / 6 = 3.5,
        // 0.20 x 168 / 24 = 1.4, 0.42 x 168 / 72 = 0.98, for both SLOs
        assertThat(ok.out().lines().filter(l -> l.contains("burn rate >")).map(String::trim).toList()).containsExactly(
                "page-1h-5m       burn rate > 13.44 over 1h and 5m", "page-6h-30m      burn rate > 3.5 over 6h and 30m",
                "ticket-1d-2h     burn rate > 1.4 over 1d and 2h", "ticket-3d-6h     burn rate > 0.98 over 3d and 6h",
                "page-1h-5m       burn rate > 13.44 over 1h and 5m", "page-6h-30m      burn rate > 3.5 over 6h and 30m",
                "ticket-1d-2h     burn rate > 1.4 over 1d and 2h", "ticket-3d-6h     burn rate > 0.98 over 3d and 6h");
        // the document that goes to the topic stands alone: the windows are inlined
        final Cli.Run converted = Cli.run("slo", "convert", "--to", "burnrate", "--alert-windows", windows.toString(),
                slos.toString());
        assertThat(converted.code()).as(converted.err()).isZero();
        assertThat(converted.out()).doesNotContain("one-week").contains("budgetPercent: 42.0");
        // without the file the name is unknown; a file with more than catalogues in it is refused
        final Cli.Run without = Cli.run("slo", "validate", slos.toString());
        assertThat(without.code()).isEqualTo(BurnrateCli.UNUSABLE_INPUT);
        assertThat(without.err()).contains("one-week");
        final Cli.Run notOnly = Cli.run("slo", "validate", "--alert-windows", slos.toString(), slos.toString());
        assertThat(notOnly.code()).isEqualTo(BurnrateCli.UNUSABLE_INPUT);
        assertThat(notOnly.err()).contains("invalid: slos.yaml (document 1): an alert-windows file holds only Sloth "
                + "AlertWindows documents");
    }
}
