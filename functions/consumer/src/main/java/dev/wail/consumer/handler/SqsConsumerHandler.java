package dev.wail.consumer.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.wail.consumer.config.ConsumerConfig;
import dev.wail.consumer.deadletter.DeadLetter.Disposition;
import dev.wail.consumer.deadletter.DeadLetterRecorder;
import dev.wail.consumer.metrics.ConsumerMetrics;
import dev.wail.core.pipeline.BatchResult;
import dev.wail.core.pipeline.ConsumerPipeline;
import dev.wail.core.pipeline.InboundMessage;
import dev.wail.core.pipeline.MessageOutcome;
import dev.wail.core.pipeline.MessageOutcome.Status;
import jakarta.inject.Named;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * {@code consumer-sqs}: an SQS event source mapping with {@code ReportBatchItemFailures} delivers a batch; every
 * message that is not done is reported failed, so SQS delivers it again and, after the queue's
 * {@code maxReceiveCount}, moves it to the dead-letter queue. Rejected messages, and retried ones on their last
 * receive, are recorded in {@code wail.dead_letters} with their reason, under the message id the dead-letter queue
 * keeps; every failure is logged.
 *
 * <p>On a FIFO queue, a message may only be processed after the earlier messages of its group: once one fails,
 * every later message of the same group in the batch is reported failed too.
 */
@Named("consumer-sqs")
public class SqsConsumerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger LOG = Logger.getLogger(SqsConsumerHandler.class);

    private final ConsumerPipeline pipeline;
    private final DeadLetterRecorder deadLetters;
    private final ConsumerMetrics metrics;
    private final int maxReceiveCount;

    public SqsConsumerHandler(ConsumerPipeline pipeline, DeadLetterRecorder deadLetters, ConsumerConfig config,
            ConsumerMetrics metrics) {
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.maxReceiveCount = config.consumer().maxReceiveCount();
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSMessage> records = BatchOutcomes.records(event.getRecords(), "an SQS event");
        if (records.isEmpty()) {
            return new SQSBatchResponse(List.of());
        }
        List<InboundMessage> messages = records.stream()
                .map(record -> new InboundMessage(record.getMessageId(), record.getBody()))
                .toList();
        BatchResult result = pipeline.process(messages).await().indefinitely();
        List<MessageOutcome> outcomes = failLaterMessagesOfFailedGroups(records, result.outcomes());
        BatchOutcomes.trace(messages, outcomes);
        List<DeadLetterRecorder.Failure> failures = BatchOutcomes.failures(messages, outcomes);
        failures.forEach(f -> LOG.warnf("message %s %s: %s", f.messageId(), f.disposition(), f.reason()));
        // Failed on its last receive: SQS moves it to the dead-letter queue next.
        List<DeadLetterRecorder.Failure> givenUp = failures.stream()
                .filter(f -> lastReceive(records, f.messageId())).toList();
        deadLetters.record(records.get(0).getEventSourceArn(), failures.stream()
                .filter(f -> f.disposition() == Disposition.REJECTED || givenUp.contains(f))
                .toList());
        metrics.publish(result, givenUp.size());
        return new SQSBatchResponse(outcomes.stream()
                .filter(outcome -> outcome.status() != Status.DONE)
                .map(outcome -> new SQSBatchResponse.BatchItemFailure(outcome.messageId()))
                .toList());
    }

    private boolean lastReceive(List<SQSMessage> records, String messageId) {
        return records.stream().filter(r -> r.getMessageId().equals(messageId)).findFirst()
                .map(r -> r.getAttributes() == null ? null : r.getAttributes().get("ApproximateReceiveCount"))
                .map(count -> Integer.parseInt(count) >= maxReceiveCount)
                .orElse(false);
    }

    /** FIFO order: after the first failure in a message group, every later message of that group fails too. */
    static List<MessageOutcome> failLaterMessagesOfFailedGroups(List<SQSMessage> records,
            List<MessageOutcome> outcomes) {
        Set<String> failedGroups = new HashSet<>();
        List<MessageOutcome> ordered = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            MessageOutcome outcome = outcomes.get(i);
            String group = records.get(i).getAttributes() == null ? null
                    : records.get(i).getAttributes().get("MessageGroupId");
            if (group != null && outcome.status() == Status.DONE && failedGroups.contains(group)) {
                outcome = new MessageOutcome(outcome.messageId(), Status.RETRY,
                        "an earlier message of FIFO group " + group + " in this batch failed");
            }
            if (group != null && outcome.status() != Status.DONE) {
                failedGroups.add(group);
            }
            ordered.add(outcome);
        }
        return ordered;
    }
}
