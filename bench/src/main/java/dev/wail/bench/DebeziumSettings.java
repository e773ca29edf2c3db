package dev.wail.bench;

import java.time.Duration;
import java.util.Locale;

/**
 * What the Debezium side runs with, derived from wail's settings by the bench's fairness rule: whatever wail is given
 * that Debezium could use too, Debezium gets.
 * <ul>
 *   <li>the same idle pause: {@code poll.interval.ms} = wail's drain pause when the outbox is empty;</li>
 *   <li>a parallel sink as wide as wail's consumer: {@code sinkWriters} = wail's consumer loops, the batch's keys
 *       split by hash so no key is written by two writers at once;</li>
 *   <li>batches at least as big: {@code max.batch.size} = the engine's default 2,048 or wail's largest consumer
 *       batch in intents, whichever is more ({@code max.queue.size} = the default 8,192 or 4 batches).</li>
 * </ul>
 * Packing and the drain's concurrent sends have no counterpart: this Debezium writes to the sink without a log in
 * between, and its engine already reads the slot as a stream.
 *
 * @param pollInterval {@code poll.interval.ms}
 * @param sinkWriters  sink refreshes in flight at once, each on its own connection
 * @param maxBatchSize {@code max.batch.size}
 * @param maxQueueSize {@code max.queue.size}
 */
record DebeziumSettings(Duration pollInterval, int sinkWriters, int maxBatchSize, int maxQueueSize) {

    static final int DEFAULT_MAX_BATCH_SIZE = 2048;
    static final int DEFAULT_MAX_QUEUE_SIZE = 8192;

    static DebeziumSettings fairTo(WailSettings wail) {
        int batch = Math.max(DEFAULT_MAX_BATCH_SIZE, wail.largestBatchIntents());
        return new DebeziumSettings(wail.idlePause(), wail.consumerLoops(), batch,
                Math.max(DEFAULT_MAX_QUEUE_SIZE, 4 * batch));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d sink writers, max.batch.size %d, max.queue.size %d, poll.interval.ms %d",
                sinkWriters, maxBatchSize, maxQueueSize, pollInterval.toMillis());
    }
}
