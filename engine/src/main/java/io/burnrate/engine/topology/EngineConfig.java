package io.burnrate.engine.topology;

import io.burnrate.engine.ingest.CountParser;
import io.burnrate.engine.ingest.InputLimits;
import io.burnrate.engine.slo.Grace;
import java.time.Duration;
import java.util.function.Function;

/**
 * What the topology needs to know: topic names and time behaviour.
 *
 * @param grace              how far behind the partition's newest event time an event may
 *                           be and still count; older ones go to the DLQ as {@code late}
 * @param evaluationInterval every SLO of a partition is advanced to the partition's event
 *                           time and evaluated at least this often (event time), so quiet
 *                           services still resolve while others send traffic
 * @param statusInterval     wall-clock interval of status snapshots for changed SLOs
 * @param idleAdvanceAfter   after this much wall-clock time without input, event time is
 *                           advanced with the wall clock so alerts of silent partitions
 *                           still resolve; null disables it (replay)
 * @param maxFutureSkew      events stamped further than this ahead of the wall clock are
 *                           dead-lettered ({@code invalid-timestamp}): one event from a
 *                           broken clock would otherwise move event time so far ahead
 *                           that everything after it counts as late; null disables it
 *                           (replay, and the demo's compressed time)
 * @param inMemoryState      keep SLO state in memory without a changelog (replay only:
 *                           nothing there needs to survive the process)
 * @param maxEventAge        events stamped further than this behind the wall clock are
 *                           dead-lettered ({@code invalid-timestamp}): the first event of a
 *                           partition sets its clock, and one from a clock years behind
 *                           would open compliance periods years before the traffic; null
 *                           disables it (replay checks against the input's own time instead)
 * @param limits             bounds on one input record ({@link InputLimits})
 * @param countsTopic        pre-aggregated count records (input; {@code burnrate.counts})
 * @param countsMaxInterval  the widest interval a count record may cover ({@code counts.max.interval});
 *                           wider ones are dead-lettered ({@code invalid-interval})
 * @param otlp               the OTLP span input ({@code otlp.*} settings); null when off (the default)
 */
public record EngineConfig(
        String requestsTopic,
        String slosTopic,
        String alertsTopic,
        String statusTopic,
        String dlqTopic,
        String budgetPolicyTopic,
        String complianceTopic,
        Duration grace,
        Duration evaluationInterval,
        Duration statusInterval,
        Duration idleAdvanceAfter,
        boolean inMemoryState,
        Duration maxFutureSkew,
        Duration maxEventAge,
        InputLimits limits,
        String countsTopic,
        Duration countsMaxInterval,
        OtlpInput otlp) {

    public static EngineConfig defaults() {
        return new EngineConfig(TopicRole.REQUESTS.defaultName(), TopicRole.SLOS.defaultName(),
                TopicRole.ALERTS.defaultName(), TopicRole.STATUS.defaultName(), TopicRole.DLQ.defaultName(),
                TopicRole.BUDGET_POLICY.defaultName(), TopicRole.COMPLIANCE.defaultName(), Grace.DEFAULT,
                Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofSeconds(30), false, Duration.ofHours(1), Duration.ofDays(7), InputLimits.DEFAULTS,
                TopicRole.COUNTS.defaultName(), CountParser.Options.DEFAULTS.maxInterval(), null);
    }

    /** The topic of {@code role}. */
    public String topic(final TopicRole role) {
        return switch (role) {
            case REQUESTS -> requestsTopic;
            case SLOS -> slosTopic;
            case ALERTS -> alertsTopic;
            case STATUS -> statusTopic;
            case DLQ -> dlqTopic;
            case BUDGET_POLICY -> budgetPolicyTopic;
            case COMPLIANCE -> complianceTopic;
            case COUNTS -> countsTopic;
        };
    }

    /** This configuration with every topic named by {@code names}. */
    public EngineConfig withTopics(final Function<TopicRole, String> names) {
        return new EngineConfig(names.apply(TopicRole.REQUESTS), names.apply(TopicRole.SLOS), names.apply(TopicRole.ALERTS),
                names.apply(TopicRole.STATUS), names.apply(TopicRole.DLQ), names.apply(TopicRole.BUDGET_POLICY),
                names.apply(TopicRole.COMPLIANCE), grace, evaluationInterval, statusInterval, idleAdvanceAfter,
                inMemoryState, maxFutureSkew, maxEventAge, limits, names.apply(TopicRole.COUNTS), countsMaxInterval, otlp);
    }

    public EngineConfig withIdleAdvanceAfter(final Duration idle) {
        return new EngineConfig(requestsTopic, slosTopic, alertsTopic, statusTopic, dlqTopic, budgetPolicyTopic, complianceTopic,
                grace,
                evaluationInterval, statusInterval, idle, inMemoryState, maxFutureSkew, maxEventAge, limits,
                countsTopic, countsMaxInterval, otlp);
    }

    public EngineConfig withGrace(final Duration g) {
        return new EngineConfig(requestsTopic, slosTopic, alertsTopic, statusTopic, dlqTopic, budgetPolicyTopic, complianceTopic,
                g,
                evaluationInterval, statusInterval, idleAdvanceAfter, inMemoryState, maxFutureSkew, maxEventAge, limits,
                countsTopic, countsMaxInterval, otlp);
    }

    public EngineConfig withInMemoryState(final boolean inMemory) {
        return new EngineConfig(requestsTopic, slosTopic, alertsTopic, statusTopic, dlqTopic, budgetPolicyTopic, complianceTopic,
                grace,
                evaluationInterval, statusInterval, idleAdvanceAfter, inMemory, maxFutureSkew, maxEventAge, limits,
                countsTopic, countsMaxInterval, otlp);
    }

    public EngineConfig withMaxFutureSkew(final Duration skew) {
        return new EngineConfig(requestsTopic, slosTopic, alertsTopic, statusTopic, dlqTopic, budgetPolicyTopic, complianceTopic,
                grace,
                evaluationInterval, statusInterval, idleAdvanceAfter, inMemoryState, skew, maxEventAge, limits,
                countsTopic, countsMaxInterval, otlp);
    }

    public EngineConfig withMaxEventAge(final Duration age) {
        return new EngineConfig(requestsTopic, slosTopic, alertsTopic, statusTopic, dlqTopic, budgetPolicyTopic, complianceTopic,
                grace,
                evaluationInterval, statusInterval, idleAdvanceAfter, inMemoryState, maxFutureSkew, age, limits,
                countsTopic, countsMaxInterval, otlp);
    }

    /** With {@code counts.max.interval}: the widest interval a count record may cover. */
    public EngineConfig withCountsMaxInterval(final Duration max) {
        return new EngineConfig(requestsTopic, slosTopic, alertsTopic, statusTopic, dlqTopic, budgetPolicyTopic, complianceTopic,
                grace,
                evaluationInterval, statusInterval, idleAdvanceAfter, inMemoryState, maxFutureSkew, maxEventAge, limits,
                countsTopic, max, otlp);
    }

    /** The parser options of count records: this configuration's maximum interval and future skew. */
    public CountParser.Options countOptions() {
        return new CountParser.Options(countsMaxInterval, maxFutureSkew);
    }

    public EngineConfig withLimits(final InputLimits l) {
        return new EngineConfig(requestsTopic, slosTopic, alertsTopic, statusTopic, dlqTopic, budgetPolicyTopic, complianceTopic,
                grace,
                evaluationInterval, statusInterval, idleAdvanceAfter, inMemoryState, maxFutureSkew, maxEventAge, l,
                countsTopic, countsMaxInterval, otlp);
    }

    /** This configuration reading OTLP spans as {@code input} says; null turns the OTLP input off. */
    public EngineConfig withOtlp(final OtlpInput input) {
        return new EngineConfig(requestsTopic, slosTopic, alertsTopic, statusTopic, dlqTopic, budgetPolicyTopic, complianceTopic,
                grace, evaluationInterval, statusInterval, idleAdvanceAfter, inMemoryState, maxFutureSkew, maxEventAge, limits,
                countsTopic, countsMaxInterval, input);
    }
}
