package io.burnrate.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.burnrate.engine.runtime.SloPublisher;
import io.burnrate.engine.sli.BucketLayout;
import io.burnrate.engine.sli.WindowedCounts;
import io.burnrate.engine.slo.BudgetAdjustment;
import io.burnrate.engine.slo.BudgetingMethod;
import io.burnrate.engine.slo.Durations;
import io.burnrate.engine.slo.SloSpec;
import io.burnrate.engine.slo.SloValidationException;
import io.burnrate.engine.slo.v1.SloSpecParser;
import io.burnrate.schemas.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code burnrate slo adjust --slo ID --start T --end T [--mode exclude|markGood] [--reason TEXT]}:
 * adds a one-off budget adjustment to a live SLO, e.g. an incident declared planned after
 * the fact. The SLO's document on {@code burnrate.slos} is published again with the range
 * appended to {@code spec.budgetAdjustments}; the engine takes the range out of the counts
 * and the compliance periods it still holds and re-publishes their summaries with the next
 * {@code revision}. A range in the past is refused unless the engine can correct it
 * exactly ({@link #check}).
 */
@Command(name = "adjust", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Take a time range of a live SLO out of its error budget (an incident declared planned after "
                + "the fact, a maintenance window): the SLO is published again with the range in "
                + "spec.budgetAdjustments.",
                "The engine corrects the counts and the compliance periods it still holds and re-publishes their "
                        + "summaries with the next revision. A past range must lie within the counts the SLO keeps "
                        + "(its window) on their bucket boundaries (1h for a 30d window, finer for recent time).",
                "Exit codes: 0 published, 2 refused (one line says why), 1 Kafka unreachable."})
final class SloAdjustCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--slo", required = true, paramLabel = "ID", description = "metadata.name of the SLO")
    private String slo;

    @Option(names = "--start", required = true, paramLabel = "RFC3339", description = "start of the range, e.g. "
            + "2026-03-02T10:00:00Z")
    private String start;

    @Option(names = "--end", required = true, paramLabel = "RFC3339", description = "end of the range (exclusive)")
    private String end;

    @Option(names = "--mode", paramLabel = "exclude|markGood", description = "exclude (default): the range's events "
            + "count for nothing and no alert fires in it; markGood: they count as good")
    private String mode = BudgetAdjustment.Kind.EXCLUDE.wire();

    @Option(names = "--reason", paramLabel = "TEXT", description = "why, e.g. 'planned migration CHG-1234' (the "
            + "adjustment's name)")
    private String reason;

    @Mixin
    private KafkaOptions kafka;

    /** The validated arguments. */
    record Range(Instant start, Instant end, BudgetAdjustment.Kind kind, String reason) {
    }

    @Override
    public Integer call() {
        final PrintWriter err = spec.commandLine().getErr();
        final Range range;
        try {
            range = range(start, end, mode, reason);
        } catch (IllegalArgumentException e) {
            err.println("burnrate slo adjust: " + e.getMessage());
            return BurnrateCli.UNUSABLE_INPUT;
        }
        return SloCommand.withKafka(err, settings -> {
            final SloPublisher publisher = new SloPublisher(settings);
            final byte[] current = publisher.documents().get(slo);
            if (current == null) {
                throw new IllegalArgumentException("no SLO named " + slo + " on the SLO topic");
            }
            publisher.publish(slo, adjusted(slo, current, range, Instant.now()));
            spec.commandLine().getOut().println("adjusted " + slo + ": " + range.kind().wire() + " [" + range.start()
                    + ", " + range.end() + ")" + (range.reason() == null ? "" : " (" + range.reason() + ")")
                    + "; the engine re-publishes the compliance summaries it corrects with the next revision");
        }, kafka);
    }

    /** Parses and checks the arguments alone (no Kafka needed). */
    static Range range(final String startText, final String endText, final String modeText, final String reasonText) {
        final Instant from = instant("--start", startText);
        final Instant to = instant("--end", endText);
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("--end " + to + " must be after --start " + from);
        }
        final Duration length = Duration.between(from, to);
        if (length.compareTo(BudgetAdjustment.MAX_DURATION) > 0) {
            throw new IllegalArgumentException("the range is " + Durations.format(length) + " long, more than the "
                    + Durations.format(BudgetAdjustment.MAX_DURATION) + " one adjustment may cover");
        }
        final BudgetAdjustment.Kind kind = BudgetAdjustment.Kind.parse(modeText);
        if (kind == null) {
            throw new IllegalArgumentException("--mode must be exclude or markGood, not '" + modeText + "'");
        }
        if (reasonText != null && reasonText.isBlank()) {
            throw new IllegalArgumentException("--reason must not be blank");
        }
        return new Range(from, to, kind, reasonText);
    }

    private static Instant instant(final String option, final String text) {
        final Instant at;
        try {
            at = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is not an RFC 3339 date-time such as "
                    + "2026-03-02T10:00:00Z");
        }
        if (at.getNano() != 0) {
            throw new IllegalArgumentException(option + " " + at + " must be a whole second");
        }
        return at;
    }

    /**
     * The SLO document {@code current} (JSON, as on the topic) with {@code range} appended to
     * its {@code spec.budgetAdjustments}, validated; refused (IllegalArgumentException, one
     * line) when the SLO on the topic is invalid, already has this adjustment, the adjusted
     * document is invalid (e.g. too many adjustments), or the past part of the range cannot
     * be corrected exactly ({@link #check}).
     */
    static byte[] adjusted(final String id, final byte[] current, final Range range, final Instant now) {
        final SloSpec before;
        final ObjectNode doc;
        try {
            before = SloSpecParser.parseJson(current, "SLO " + id + " on the topic");
            doc = (ObjectNode) Json.MAPPER.readTree(current);
        } catch (SloValidationException | IOException | ClassCastException e) {
            throw new IllegalArgumentException("the definition of SLO " + id + " on the topic is invalid, fix it first: "
                    + firstLine(e.getMessage()));
        }
        final String why = check(before, range.start().toEpochMilli(), range.end().toEpochMilli(), now.toEpochMilli());
        if (why != null) {
            throw new IllegalArgumentException("SLO " + id + ": " + why);
        }
        final JsonNode specNode = doc.path("spec");
        if (!(specNode instanceof ObjectNode specObject)) {
            throw new IllegalArgumentException("the definition of SLO " + id + " on the topic has no spec mapping");
        }
        final JsonNode existing = specObject.path("budgetAdjustments");
        final ArrayNode list = existing instanceof ArrayNode a ? a : specObject.putArray("budgetAdjustments");
        final ObjectNode entry = list.addObject();
        if (range.reason() != null) {
            entry.put("name", range.reason());
        }
        entry.put("kind", range.kind().wire());
        entry.put("firstEventStart", range.start().toString());
        entry.put("duration", Durations.format(Duration.between(range.start(), range.end())));
        entry.put("timeZone", "UTC");
        final byte[] out = SloSpecParser.toJson(doc);
        final SloSpec after;
        try {
            after = SloSpecParser.parseJson(out, "SLO " + id + " adjusted");
        } catch (SloValidationException e) {
            throw new IllegalArgumentException("the adjusted SLO would be refused: " + firstLine(e.getMessage()));
        }
        final List<BudgetAdjustment> added = new ArrayList<>(after.budgetAdjustments());
        if (before.budgetAdjustments().contains(added.get(added.size() - 1))) {
            throw new IllegalArgumentException("SLO " + id + " already has this adjustment; nothing was published");
        }
        return out;
    }

    /**
     * Why the past part of {@code [from, to)} (before {@code now}) cannot be taken out of
     * {@code spec}'s counts and periods exactly, or null: the engine keeps counts in buckets
     * (the SLO window's in buckets up to 1 h wide, recent time finer), no per-event data,
     * so a past range must start within the kept buckets on a boundary of one tier (and
     * end on one, or after now); a Timeslices SLO keeps no past slices; a calendar SLO's
     * closed weeks or months are not kept. Same rule as the engine's
     * ({@link WindowedCounts#exactTier}), here against the wall clock.
     */
    static String check(final SloSpec spec, final long from, final long to, final long now) {
        if (from >= now) {
            return null; // all ahead: events are adjusted as they arrive
        }
        if (!spec.budgetingMethod().equals(BudgetingMethod.OCCURRENCES)) {
            return "it counts " + spec.budgetingMethod() + " and past slices are not kept: only a range starting now "
                    + "or later can be adjusted";
        }
        if (spec.isCalendar()) {
            final Instant periodStart = spec.calendar().periodContaining(Instant.ofEpochMilli(now)).start();
            if (from < periodStart.toEpochMilli()) {
                return "the range starts before the current " + spec.calendar().kind().label() + " (" + periodStart
                        + "), whose predecessors are published and no longer kept";
            }
        }
        final BucketLayout layout = BucketLayout.of(spec.windows());
        if (WindowedCounts.exactTier(layout, now, from, to) >= 0) {
            return null;
        }
        final List<String> tiers = new ArrayList<>();
        for (int t = layout.resolutions().length - 1; t >= 0; t--) {
            final long res = layout.resolutions()[t];
            tiers.add(Durations.format(Duration.ofMillis(res)) + " for the last "
                    + Durations.format(Duration.ofMillis(res * layout.tierBuckets()[t])));
        }
        return "the engine keeps counts in buckets of " + String.join(", ", tiers) + "; a past range must start "
                + "within one of them on its bucket boundary and end on one (or after now), so it can be "
                + "corrected exactly";
    }

    private static String firstLine(final String message) {
        if (message == null) {
            return "";
        }
        final int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
