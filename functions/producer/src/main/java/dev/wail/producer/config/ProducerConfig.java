package dev.wail.producer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Everything the producer function reads from its environment, under {@code wail.producer}. */
@ConfigMapping(prefix = "wail.producer")
public interface ProducerConfig {

    /** Which log intents are appended to ({@code WAIL_PRODUCER_LOG}): {@code sqs} (default) or {@code kinesis}. */
    @WithDefault("sqs")
    LogKind log();

    /**
     * URL of the SQS queue intents are appended to ({@code WAIL_PRODUCER_QUEUE_URL}); a {@code .fifo} URL makes it
     * FIFO. Required when {@code log} is {@code sqs}.
     */
    Optional<String> queueUrl();

    /**
     * Name or ARN of the Kinesis data stream intents are appended to ({@code WAIL_PRODUCER_STREAM_NAME}). Required
     * when {@code log} is {@code kinesis}.
     */
    Optional<String> streamName();

    /** SQS-only settings. */
    Sqs sqs();

    /** Outbox rows read and sent per drain transaction. */
    @WithDefault(ProducerDefaults.OUTBOX_BATCH_ROWS)
    int outboxBatchRows();

    /**
     * Drain transactions in flight at once while the outbox has a backlog ({@code WAIL_PRODUCER_OUTBOX_SENDS_IN_FLIGHT});
     * each holds one connection of the pool ({@code quarkus.datasource.reactive.max-size}).
     */
    @WithDefault(ProducerDefaults.OUTBOX_SENDS_IN_FLIGHT)
    int outboxSendsInFlight();

    /**
     * How long the drain waits after a batch that was not full before it polls again ({@code
     * WAIL_PRODUCER_OUTBOX_IDLE_POLL}): the longest a change waits in the outbox while a drain runs.
     */
    @WithDefault(ProducerDefaults.OUTBOX_IDLE_POLL)
    Duration outboxIdlePoll();

    /**
     * How long one {@code outbox-drain} invocation keeps polling at most ({@code WAIL_PRODUCER_DRAIN_POLL_FOR}); unset:
     * until the invocation's deadline (its remaining time less {@code drain-safety-margin}), so that one scheduled
     * function covers the time continuously. {@code PT0S} drains until the outbox is empty and returns.
     */
    Optional<Duration> drainPollFor();

    /** Attempts per message or record, the first included, before it is reported failed. */
    @WithDefault("4")
    int sendAttempts();

    /** Backoff ceiling before the second attempt; doubles per attempt, full jitter. */
    @WithDefault("PT0.05S")
    Duration sendBackoff();

    /** Time kept free at the end of an invocation: a drain stops starting batches when less than this remains. */
    @WithDefault("PT5S")
    Duration drainSafetyMargin();

    enum LogKind {
        SQS,
        KINESIS
    }

    interface Sqs {

        /**
         * Intents packed into one message ({@code WAIL_PRODUCER_SQS_INTENTS_PER_MESSAGE}), 256 KiB at most; default
         * {@value ProducerDefaults#INTENTS_PER_MESSAGE} (see {@link ProducerDefaults}). On a FIFO queue only intents of
         * one entity share a message. 1 sends one intent per message.
         */
        @WithDefault(ProducerDefaults.INTENTS_PER_MESSAGE)
        int intentsPerMessage();
    }

    /** Kinesis-only settings. */
    Kinesis kinesis();

    interface Kinesis {

        /**
         * Intents packed into one record at most ({@code WAIL_PRODUCER_KINESIS_INTENTS_PER_RECORD}); only intents whose
         * entities hash to the same shard share a record (the producer needs {@code kinesis:ListShards}); default
         * {@value ProducerDefaults#INTENTS_PER_RECORD}; 1 sends one intent per record keyed by its entity id.
         */
        @WithDefault(ProducerDefaults.INTENTS_PER_RECORD)
        int intentsPerRecord();
    }

    /** The {@code dynamodb-stream} handler's settings. */
    Dynamodb dynamodb();

    interface Dynamodb {

        /**
         * The source name intents from DynamoDB Streams carry ({@code WAIL_PRODUCER_DYNAMODB_SOURCE}), the name the
         * consumer configures these tables under, e.g. {@code shop}. Required by the {@code dynamodb-stream} handler
         * only; the table is the DynamoDB table name, read from each record's stream ARN.
         */
        Optional<String> source();
    }
}
