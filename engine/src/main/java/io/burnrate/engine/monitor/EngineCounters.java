package io.burnrate.engine.monitor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/** Engine-wide event counts (accepted, rejected by reason, unmatched, late, transitions, summaries). */
public final class EngineCounters {

    public final LongAdder accepted = new LongAdder();
    public final LongAdder unmatched = new LongAdder();
    public final LongAdder transitions = new LongAdder();
    /** Pre-aggregated count records accepted by the evaluator (once each: duplicates are not). */
    public final LongAdder countRecords = new LongAdder();
    /** Count records not counted again: same id and interval start as one already counted. */
    public final LongAdder countDuplicates = new LongAdder();
    /** (count record, latency SLO) pairs skipped: the record has no latencyOverMs at the SLO's threshold. */
    public final LongAdder countsWithoutThreshold = new LongAdder();
    /** Compliance summaries published. */
    public final LongAdder summaries = new LongAdder();
    /** Newest event time accepted by any task (ms); evaluation lag = wall clock - this. */
    public final LongAccumulator eventTime =
            new LongAccumulator(Math::max, Long.MIN_VALUE);
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();

    public void rejected(final String reason) {
        rejected.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    public long rejectedCount(final String reason) {
        final LongAdder a = rejected.get(reason);
        return a == null ? 0 : a.sum();
    }

    public Map<String, LongAdder> rejectedByReason() {
        return rejected;
    }

    public long rejectedTotal() {
        return rejected.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
