package dev.wail.local.observe;

import dev.wail.embedded.TestData;
import dev.wail.local.RunOptions.Delivery;
import java.util.function.LongSupplier;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Work not yet done between the source and the read model: captured statements the producer has not taken yet (rows in
 * {@code wail.outbox}, or emulated {@code aws_lambda.invoke} calls waiting), and intents still on the log. A read model can equal the source while an older intent of one of its rows is still on
 * its way; the run ends only when nothing is left, so that the summary counts every intent.
 */
public final class Backlog {

    private final String sourceJdbcUrl;
    private final String waitingQuery;
    private final LongSupplier onTheLog;

    private Backlog(String sourceJdbcUrl, Delivery delivery, LongSupplier onTheLog) {
        this.sourceJdbcUrl = sourceJdbcUrl;
        // A row leaves the outbox only once the log accepted its intents; an invocation leaves the table once
        // delivered (or moved to failed_invocations).
        this.waitingQuery = delivery == Delivery.OUTBOX ? "SELECT count(*)::text FROM wail.outbox"
                : "SELECT count(*)::text FROM aws_lambda_emulation.invocations";
        this.onTheLog = onTheLog;
    }

    /** On SQS: messages waiting, in flight (received, not yet deleted) or delayed, as the queue counts them. */
    public static Backlog ofQueue(String sourceJdbcUrl, Delivery delivery, SqsClient sqs, String queueUrl) {
        return new Backlog(sourceJdbcUrl, delivery, () -> sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes().values().stream()
                .mapToLong(Long::parseLong).sum());
    }

    /**
     * On a stream, which keeps what was read: intents the producer appended that no consumer invocation has taken in
     * yet, from the functions' own metrics (duplicate deliveries only add to what the consumer counts).
     */
    public static Backlog ofStream(String sourceJdbcUrl, Delivery delivery, EmfTally tally) {
        return new Backlog(sourceJdbcUrl, delivery,
                () -> Math.max(0, tally.total("IntentsOut") - tally.total("IntentsIn")));
    }

    /** What is left now: one look at the invocation table and one at the log. */
    public Left now() {
        return new Left(Long.parseLong(TestData.queryString(sourceJdbcUrl, waitingQuery)), onTheLog.getAsLong());
    }

    /**
     * @param atSource captured statements the producer has not taken yet: outbox rows, or emulated
     *                 {@code aws_lambda.invoke} calls not yet delivered (failed ones are moved out of that table)
     * @param onTheLog intents on the log not yet taken in by the consumer
     */
    public record Left(long atSource, long onTheLog) {

        public boolean none() {
            return atSource == 0 && onTheLog == 0;
        }
    }
}
