package dev.wail.bench;

import dev.wail.producer.config.ProducerDefaults;
import java.time.Duration;
import java.util.Locale;

/**
 * What the wail side runs with. {@link #shipped} is what a user deploys: the producer's packing and drain size from
 * {@link ProducerDefaults}, the consumer's batches from {@link EventSourceMapping#SHIPPED}; only the number of
 * consumer loops (Lambda's concurrency, here threads on the same cores) and the drain's idle pause are the bench's.
 *
 * @param consumerLoops     consumer loops, each one event source mapping poller plus one function instance
 * @param intentsPerMessage intents packed into one SQS message
 * @param outboxBatchRows   outbox rows one drain transaction moves
 * @param mapping           how each loop takes its batches
 * @param idlePause         the drain's pause when the outbox is empty (= Debezium's {@code poll.interval.ms})
 */
record WailSettings(int consumerLoops, int intentsPerMessage, int outboxBatchRows, EventSourceMapping mapping,
                    Duration idlePause) {

    WailSettings {
        if (consumerLoops < 1 || intentsPerMessage < 1 || outboxBatchRows < 1) {
            throw new IllegalArgumentException("consumer loops, intents per message and outbox rows per drain must be"
                    + " at least 1, got " + consumerLoops + ", " + intentsPerMessage + ", " + outboxBatchRows);
        }
    }

    static WailSettings shipped(int consumerLoops, Duration idlePause) {
        return new WailSettings(consumerLoops, ProducerDefaults.intentsPerMessage(), ProducerDefaults.outboxBatchRows(),
                EventSourceMapping.SHIPPED, idlePause);
    }

    WailSettings withConsumerLoops(int loops) {
        return new WailSettings(loops, intentsPerMessage, outboxBatchRows, mapping, idlePause);
    }

    WailSettings withIntentsPerMessage(int intents) {
        return new WailSettings(consumerLoops, intents, outboxBatchRows, mapping, idlePause);
    }

    /** The most intents one consumer batch can carry: full messages, a full batch. */
    int largestBatchIntents() {
        return mapping.batchSize() * intentsPerMessage;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "consumer loops %d (%s), intents per message %d, outbox rows per drain %d,"
                + " idle pause %d ms", consumerLoops, mapping, intentsPerMessage, outboxBatchRows, idlePause.toMillis());
    }
}
