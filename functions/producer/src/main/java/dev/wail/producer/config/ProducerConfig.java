package dev.wail.producer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Everything the producer function reads from its environment, under {@code wail.producer}. */
@ConfigMapping(prefix = "wail.producer")
public interface ProducerConfig {

    /** URL of the SQS queue intents are appended to ({@code WAIL_PRODUCER_QUEUE_URL}); a {@code .fifo} URL makes it FIFO. */
    String queueUrl();

    /** Outbox rows read and sent per drain transaction. */
    @WithDefault("500")
    int outboxBatchRows();

    /** Attempts per SendMessageBatch entry, the first included, before the entry is reported failed. */
    @WithDefault("4")
    int sendAttempts();

    /** Backoff ceiling before the second attempt; doubles per attempt, full jitter. */
    @WithDefault("PT0.05S")
    Duration sendBackoff();

    /** Time kept free at the end of an invocation: a drain stops starting batches when less than this remains. */
    @WithDefault("PT5S")
    Duration drainSafetyMargin();

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
