package io.burnrate.engine.cli;

import io.burnrate.engine.otlp.SpanMapping;
import io.burnrate.engine.replay.OfflineReplay;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.Grace;
import io.burnrate.engine.slo.SloLimits;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.engine.topology.EngineConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code burnrate replay}: back-test SLOs and alert policies on recorded events. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Run the engine's topology offline over an NDJSON file of request events",
                "(or of OpenTelemetry spans: --format otlp-json, otlp-proto).",
                "Deterministic: the same input always gives byte-identical output files.",
                "Writes DIR/alerts.ndjson, DIR/status.ndjson (final snapshot per SLO),",
                "DIR/dlq.ndjson, DIR/budget-policy.ndjson and DIR/compliance.ndjson",
                "(read it with 'burnrate report --in DIR').",
                "Exits 0 when the replay ran (bad event lines go to dlq.ndjson), 2 on unusable",
                "input."})
final class ReplayCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--slos", required = true, paramLabel = "FILE", description = "SLO definitions (YAML)")
    private Path slos;

    @Mixin
    private AlertWindowsOption alertWindows;

    @Option(names = "--events", required = true, paramLabel = "FILE",
            description = "request events, one JSON object per line; or OTLP trace data, see --format")
    private Path events;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "events",
            description = "what --events holds: 'events' (request events, one JSON object per line), 'otlp-json' "
                    + "(one OTLP/JSON TracesData per line, as the OpenTelemetry Collector's Kafka exporter writes "
                    + "otlp_json), 'otlp-proto' (length-delimited protobuf TracesData: a varint length, then the "
                    + "message) (default: ${DEFAULT-VALUE})")
    private String format;

    @Option(names = "--otlp", paramLabel = "KEY=VALUE",
            description = "a span mapping setting for OTLP input, e.g. otlp.attributes.allow=cloud.region or "
                    + "otlp.operation.attribute=http.route (repeatable; see docs/otlp.md)")
    private Map<String, String> otlp = new LinkedHashMap<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory (created if missing)")
    private Path out;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = Grace.DEFAULT_TEXT,
            description = "how late an event may be and still count (default: ${DEFAULT-VALUE})")
    private String grace;

    @Option(names = "--max-future-skew", paramLabel = "DURATION", defaultValue = "1h",
            description = "an event further ahead of the input's event time counts only when the events after it "
                    + "follow it (a gap in the traffic), not when they go back (a broken clock); 'off' disables "
                    + "(default: ${DEFAULT-VALUE})")
    private String maxFutureSkew;

    @Option(names = "--max-event-age", paramLabel = "DURATION", defaultValue = "7d",
            description = "the first event may lie at most this far before the events after it, and the last "
                    + "events of the input may jump at most this far ahead; 'off' disables (default: ${DEFAULT-VALUE})")
    private String maxEventAge;

    @Override
    public Integer call() {
        final PrintWriter err = spec.commandLine().getErr();
        final List<SloSpecParser.Parsed> parsed;
        try {
            parsed = SloFiles.load(slos, SloLimits.DEFAULTS, alertWindows.files);
        } catch (SloFiles.Unusable e) {
            err.println("burnrate replay: " + e.getMessage());
            return BurnrateCli.UNUSABLE_INPUT;
        }
        if (!Files.isRegularFile(events) || !Files.isReadable(events)) {
            err.println("burnrate replay: events file " + events + " does not exist or cannot be read");
            return BurnrateCli.UNUSABLE_INPUT;
        }
        final Duration graceDuration;
        final Duration skew;
        final Duration age;
        final OfflineReplay.Format inputFormat;
        final SpanMapping mapping;
        final EngineConfig base = EngineConfig.defaults();
        try {
            inputFormat = format(format);
            for (final String key : otlp.keySet()) {
                if (!SpanMapping.KEYS.contains(key)) {
                    throw new IllegalArgumentException("--otlp: unknown setting '" + key + "' (known: "
                            + String.join(", ", SpanMapping.KEYS) + ")");
                }
            }
            mapping = SpanMapping.fromSettings(otlp, base.limits());
            graceDuration = duration("--grace", grace);
            skew = duration("--max-future-skew", maxFutureSkew);
            age = duration("--max-event-age", maxEventAge);
        } catch (IllegalArgumentException e) {
            err.println("burnrate replay: " + e.getMessage());
            return BurnrateCli.UNUSABLE_INPUT;
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            err.println("burnrate replay: cannot create output directory " + out + ": " + e.getMessage());
            return BurnrateCli.UNUSABLE_INPUT;
        }
        final OfflineReplay.Summary s;
        try {
            s = OfflineReplay.run(parsed, events, out, base.withGrace(graceDuration)
                    .withMaxFutureSkew(skew).withMaxEventAge(age), inputFormat, mapping);
        } catch (IOException e) {
            err.println("burnrate replay: " + e.getMessage());
            return BurnrateCli.UNUSABLE_INPUT;
        }
        final long rejected = s.rejected().values().stream().mapToLong(Long::longValue).sum();
        if (inputFormat != OfflineReplay.Format.EVENTS) {
            err.printf("read %d OTLP %s with %d spans, %d of them no request (client, internal, producer)%n",
                    s.lines(), inputFormat == OfflineReplay.Format.OTLP_JSON ? "lines" : "messages", s.spans(),
                    s.spansNotRequests());
        }
        err.printf("replayed %d lines against %d SLOs: %d accepted, %d rejected%s, %d matched no SLO; "
                        + "%d alert transitions; output in %s%n",
                s.lines(), s.slos(), s.accepted(), rejected, rejected == 0 ? "" : " " + s.rejected(), s.unmatched(),
                s.transitions(), out);
        return 0;
    }

    private static OfflineReplay.Format format(final String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "events":
                return OfflineReplay.Format.EVENTS;
            case "otlp-json":
                return OfflineReplay.Format.OTLP_JSON;
            case "otlp-proto":
                return OfflineReplay.Format.OTLP_PROTO;
            default:
                throw new IllegalArgumentException("--format: unknown format '" + value
                        + "' (events, otlp-json, otlp-proto)");
        }
    }

    /** A duration flag; "off" (or 0) is null, except for --grace where it is zero. */
    private static Duration duration(final String flag, final String value) {
        if (value.equalsIgnoreCase("off") || value.equals("0")) {
            if (flag.equals("--grace")) {
                return Duration.ZERO;
            }
            return null;
        }
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
    }
}
