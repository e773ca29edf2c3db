package dev.wail.bench;

import dev.wail.local.DeployedDefaults;
import java.time.Duration;

/**
 * How a Lambda event source mapping hands SQS messages to the consumer function: at most {@code batchSize} messages
 * per invocation, gathered for at most {@code batchingWindow} from the first one, and never more than the 6 MB a
 * synchronous invocation carries. The benchmark's consumer loops take their batches this way ({@link MappingPoller}),
 * so what it measures is what the deployed consumer gets.
 *
 * @param batchSize      messages per invocation, 1 to 10,000; above 10 the window must be at least 1 s (as AWS and
 *                       {@code infra/consumer.tf} require)
 * @param batchingWindow how long to keep gathering after the first message; zero: one receive of up to 10
 */
record EventSourceMapping(int batchSize, Duration batchingWindow) {

    /**
     * The Terraform module's consumer mapping on SQS, from {@link DeployedDefaults} (checked against Terraform by
     * {@code DeployedDefaultsTest} in {@code local/}).
     */
    static final EventSourceMapping SHIPPED = new EventSourceMapping(DeployedDefaults.CONSUMER_SQS_BATCH_SIZE,
            DeployedDefaults.CONSUMER_BATCH_WINDOW);

    /** The most one SQS {@code ReceiveMessage} returns. */
    static final int MESSAGES_PER_RECEIVE = 10;
    /** What one synchronous Lambda invocation carries, the event source mapping's payload limit. */
    static final int INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;

    EventSourceMapping {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("batch size must be 1 to 10,000 messages, got " + batchSize);
        }
        if (batchSize > MESSAGES_PER_RECEIVE && batchingWindow.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("a batch size above 10 (" + batchSize + ") needs a batching window of"
                    + " at least 1 s, as the event source mapping does; got " + batchingWindow);
        }
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "event source mapping batch %d messages, window %d s", batchSize,
                batchingWindow.toSeconds());
    }
}
