package io.burnrate.engine.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per restored state-store partition: how many records were read back from
 * which changelog, and how long it took. An instance that lost its state directory, or
 * took over a partition without a standby, says here how long it was not answering.
 */
final class RestoreLog implements StateRestoreListener {

    private static final Logger LOG = LoggerFactory.getLogger(RestoreLog.class);

    private final Map<TopicPartition, Long> started = new ConcurrentHashMap<>();

    @Override
    public void onRestoreStart(final TopicPartition partition, final String store, final long startingOffset,
                               final long endingOffset) {
        started.put(partition, System.nanoTime());
        LOG.info("restoring {} from {} (offsets {} to {})", store, partition, startingOffset, endingOffset);
    }

    @Override
    public void onBatchRestored(final TopicPartition partition, final String store, final long batchEndOffset,
                                final long numRestored) {
        // per batch: too chatty for an operator's log
    }

    @Override
    public void onRestoreEnd(final TopicPartition partition, final String store, final long totalRestored) {
        final Long t0 = started.remove(partition);
        final long ms = t0 == null ? -1 : (System.nanoTime() - t0) / 1_000_000;
        LOG.info("restored {} from {}: {} records in {} ms", store, partition, totalRestored, ms);
    }
}
