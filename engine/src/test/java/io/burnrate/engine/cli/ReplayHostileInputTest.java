package io.burnrate.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.burnrate.engine.testing.Cli;
import io.burnrate.engine.testing.Specs;
import io.burnrate.engine.testing.Traffic;
import io.burnrate.schemas.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code burnrate replay} over input a hostile tester wrote: bad lines are bad lines, the rest counts. */
class ReplayHostileInputTest {

    private static final long T0 = Traffic.T0.toEpochMilli();

    @TempDir
    Path dir;

    private Cli.Run run;

    private int replay(final Path events) throws IOException {
        final Path slos = Files.writeString(dir.resolve("slos.yaml"),
                Specs.availabilityYaml("checkout-availability", "checkout", 0));
        run = Cli.run("replay", "--slos", slos.toString(), "--events", events.toString(), "--out",
                dir.resolve("out").toString());
        return run.code();
    }

    private static String event(final String service, final long ts, final int status) {
        return "{\"service\":\"" + service + "\",\"timestamp\":" + ts + ",\"latencyMs\":5,\"status\":" + status + "}";
    }

    /** One request per second for {@code minutes} from {@code start}, all with {@code status}. */
    private static List<String> traffic(final long start, final int minutes, final int status) {
        final List<String> out = new ArrayList<>();
        for (long t = start; t < start + minutes * 60_000L; t += 1000) {
            out.add(event("checkout", t, status));
        }
        return out;
    }

    private List<JsonNode> read(final String file) throws IOException {
        final List<JsonNode> out = new ArrayList<>();
        for (final String l : Files.readAllLines(dir.resolve("out").resolve(file), StandardCharsets.UTF_8)) {
            out.add(Json.MAPPER.readTree(l));
        }
        return out;
    }

    @Test
    void shouldTreatInvalidUtf8AsOneBadLineAndCountLinesAsWcDoes() throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<String> lines = traffic(T0, 2, 200);
        for (int i = 0; i < lines.size(); i++) {
            if (i == 10) {
                bytes.write(new byte[] {'{', '"', (byte) 0xFF, (byte) 0xFE, '"', '}', '\n'}); // line 11
            }
            if (i == 20) {
                bytes.writeBytes("{\"service\":\"checkout\"\r\"x\":1}\n".getBytes(StandardCharsets.US_ASCII)); // 22
            }
            bytes.writeBytes((lines.get(i) + (i % 2 == 0 ? "\r\n" : "\n")).getBytes(StandardCharsets.UTF_8));
        }
        final Path events = Files.write(dir.resolve("events.ndjson"), bytes.toByteArray());
        assertThat(replay(events)).isZero();
        assertThat(run.err()).contains("replayed 122 lines").contains("120 accepted").contains("2 rejected");
        assertThat(read("dlq.ndjson")).extracting(d -> d.get("lineNumber").asLong() + " " + d.get("reason").asText())
                .containsExactly("11 malformed-json", "22 malformed-json");
    }

    @Test
    void shouldRefuseOneEventFromABrokenClockWithoutMakingLaterTrafficLate() throws IOException {
        final List<String> lines = new ArrayList<>(traffic(T0, 30, 200));
        // year 2099 (within the parser's bounds) for a service without SLOs, then for checkout
        lines.add(event("search", Instant.parse("2099-06-01T00:00:00Z").toEpochMilli(), 200));
        lines.addAll(traffic(T0 + 30 * 60_000L, 10, 500));
        lines.add(event("checkout", Instant.parse("2099-06-01T00:00:00Z").toEpochMilli(), 200));
        lines.addAll(traffic(T0 + 40 * 60_000L, 20, 200));
        lines.add(event("checkout", Long.MAX_VALUE, 200));
        final Path events = Files.write(dir.resolve("events.ndjson"), lines, StandardCharsets.UTF_8);
        assertThat(replay(events)).isZero();
        // 3,600 valid events of checkout count; none of them is late
        assertThat(run.err()).contains("3600 accepted").contains("3 rejected {invalid-timestamp=3}");
        final List<JsonNode> dlq = read("dlq.ndjson");
        assertThat(dlq).extracting(d -> d.get("lineNumber").asLong())
                .containsExactly(1801L, 2402L, 3603L);
        assertThat(dlq.get(0).get("detail").asText()).contains("ahead of the input's event time")
                .contains("the events after it do not follow it");
        assertThat(read("alerts.ndjson")).extracting(a -> a.get("rule").asText() + " " + a.get("state").asText())
                .contains("page-1h-5m firing");
        // compliance: the hour 00:00, its day and the 30-day window ending with it; nothing from 2099
        assertThat(read("compliance.ndjson")).extracting(s -> s.get("period").get("kind").asText() + " "
                        + s.get("period").get("end").asText())
                .containsExactly("hour 2026-03-02T01:00:00Z", "day 2026-03-03T00:00:00Z",
                        "rolling 2026-03-03T00:00:00Z");
    }

    @Test
    void shouldRefuseAFirstEventFarBeforeTheRest() throws IOException {
        final List<String> lines = new ArrayList<>();
        lines.add(event("checkout", Instant.parse("2001-01-01T00:00:00Z").toEpochMilli(), 200));
        lines.addAll(traffic(T0, 5, 200));
        final Path events = Files.write(dir.resolve("events.ndjson"), lines, StandardCharsets.UTF_8);
        assertThat(replay(events)).isZero();
        assertThat(run.err()).contains("300 accepted").contains("1 rejected {invalid-timestamp=1}");
        assertThat(read("dlq.ndjson").get(0).get("detail").asText())
                .contains("is more than PT168H before the events after it");
        // no empty summaries from 2001 on: only the hour, day and rolling window of the real traffic
        assertThat(read("compliance.ndjson")).extracting(s -> s.get("period").get("kind").asText() + " "
                        + s.get("period").get("start").asText())
                .containsExactly("hour 2026-03-02T00:00:00Z", "day 2026-03-02T00:00:00Z",
                        "rolling 2026-02-01T00:00:00Z");
    }

    @Test
    void shouldAcceptAGapInTheTrafficThatLaterEventsConfirm() throws IOException {
        final List<String> lines = new ArrayList<>(traffic(T0, 1, 200));
        // two days of silence, then traffic again: a jump the events after it follow
        lines.addAll(traffic(T0 + Duration.ofDays(2).toMillis(), 1, 200));
        // sparse: one event every 3 hours, each a jump beyond --max-future-skew
        for (int i = 1; i <= 4; i++) {
            lines.add(event("checkout", T0 + Duration.ofDays(2).toMillis() + i * Duration.ofHours(3).toMillis(), 200));
        }
        final Path events = Files.write(dir.resolve("events.ndjson"), lines, StandardCharsets.UTF_8);
        assertThat(replay(events)).isZero();
        assertThat(run.err()).contains("124 accepted").contains(" 0 rejected");
        assertThat(Files.readAllLines(dir.resolve("out/dlq.ndjson"))).isEmpty();
    }

    @Test
    void shouldCutAHugeLineInTheDeadLetterFile() throws IOException {
        final List<String> lines = new ArrayList<>(traffic(T0, 1, 200));
        lines.add(30, "y".repeat(2_000_000));
        final Path events = Files.write(dir.resolve("events.ndjson"), lines, StandardCharsets.UTF_8);
        assertThat(replay(events)).isZero();
        final JsonNode d = read("dlq.ndjson").get(0);
        assertThat(d.get("lineNumber").asLong()).isEqualTo(31);
        assertThat(d.get("reason").asText()).isEqualTo("too-large");
        assertThat(d.get("line").asText()).hasSize(65_536);
        assertThat(d.get("originalBytes").asLong()).isEqualTo(2_000_000);
    }

    /** Issue 13: the rolling summary counted alert time past the end of the input (12h59m for a 2 h outage). */
    @Test
    void shouldCountRollingAlertTimeOnlyUpToTheEndOfTheInput() throws IOException {
        final List<String> lines = new ArrayList<>(traffic(T0, 60, 200));
        lines.addAll(traffic(T0 + 60 * 60_000L, 120, 500));
        final Path events = Files.write(dir.resolve("events.ndjson"), lines, StandardCharsets.UTF_8);
        assertThat(replay(events)).isZero();
        final List<JsonNode> summaries = read("compliance.ndjson");
        final String day = summaries.stream().filter(x -> x.get("period").get("kind").asText().equals("day"))
                .findFirst().orElseThrow().get("timeInAlert").asText();
        final String rolling = summaries.stream().filter(x -> x.get("period").get("kind").asText().equals("rolling"))
                .findFirst().orElseThrow().get("timeInAlert").asText();
        // the input ends at 03:00 (last event 02:59:59); the page fired in the first minute of the outage
        assertThat(Duration.parse(day)).isLessThan(Duration.ofHours(2));
        assertThat(rolling).isEqualTo(day);
    }
}
