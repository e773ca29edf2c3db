package dev.wail.local.observe;

import dev.wail.testing.TestData;
import java.util.function.LongSupplier;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Work not yet done between the source and the read model: emulated invocations of the producer still waiting, and
 * intents still on the log. A read model can equal the source while an older intent of one of its rows is still on
 * its way; the run ends only when nothing is left, so that the summary counts every intent.
 */
public final class Backlog {

    private final String sourceJdbcUrl;
    private final LongSupplier onTheLog;

    private Backlog(String sourceJdbcUrl, LongSupplier onTheLog) {
        this.sourceJdbcUrl = sourceJdbcUrl;
        this.onTheLog = onTheLog;
    }

    /** On SQS: messages waiting, in flight (received, not yet deleted) or delayed, as the queue counts them. */
    public static Backlog ofQueue(String sourceJdbcUrl, SqsClient sqs, String queueUrl) {
        return new Backlog(sourceJdbcUrl, () -> sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes().values().stream()
                .mapToLong(Long::parseLong).sum());
    }

    /**
     * On a stream, which keeps what was read: intents the producer appended that no consumer invocation has taken in
     * yet, from the functions' own metrics (duplicate deliveries only add to what the consumer counts).
     */
    public static Backlog ofStream(String sourceJdbcUrl, EmfTally tally) {
        return new Backlog(sourceJdbcUrl,
                () -> Math.max(0, tally.total("IntentsOut") - tally.total("IntentsIn")));
    }

    /** What is left now: one look at the invocation table and one at the log. */
    public Left now() {
        return new Left(Long.parseLong(TestData.queryString(sourceJdbcUrl,
                "SELECT count(*)::text FROM aws_lambda_emulation.invocations")), onTheLog.getAsLong());
    }

    /**
     * @param pendingInvocations emulated {@code aws_lambda.invoke} calls not yet delivered (failed ones are moved out
     *                           of that table)
     * @param onTheLog           intents on the log not yet taken in by the consumer
     */
    public record Left(long pendingInvocations, long onTheLog) {

        public boolean none() {
            return pendingInvocations == 0 && onTheLog == 0;
        }
    }
}
