package dev.wail.consumer.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.wail.consumer.config.ConsumerConfig;
import dev.wail.consumer.deadletter.DeadLetter.Disposition;
import dev.wail.consumer.deadletter.DeadLetterMessage;
import dev.wail.consumer.deadletter.DeadLetterQueue;
import dev.wail.consumer.deadletter.DeadLetterQueues;
import dev.wail.consumer.deadletter.DeadLetterRecorder;
import dev.wail.consumer.metrics.ConsumerMetrics;
import dev.wail.consumer.postgres.ConsumerSchema;
import dev.wail.core.pipeline.ConsumerPipeline;
import dev.wail.core.pipeline.InboundMessage;
import dev.wail.core.pipeline.MessageOutcome;
import dev.wail.core.pipeline.MessageOutcome.Status;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * {@code consumer-sqs}: an SQS event source mapping with {@code ReportBatchItemFailures} delivers a batch; every
 * message that is not done is reported failed, so SQS delivers it again and, after the queue's
 * {@code maxReceiveCount}, moves it to the dead-letter queue.
 *
 * <p>A rejected message (it can never succeed: malformed, unconfigured table, wrong key, unknown transaction) does
 * not go round: with {@code wail.consumer.dead-letter-queue-url} set, the handler sends it to that queue at once,
 * with its reason, table, original message id, receive count and original attributes as message attributes (see
 * {@link DeadLetterMessage}), and acknowledges it. Only a message SQS accepted there is acknowledged; one whose send
 * failed is reported failed, as every rejected message is without that setting, and SQS's redrive takes it later.
 *
 * <p>A packed message is judged intent by intent. When only some of its intents are rejected and the others are
 * done, the dead-letter message carries only the rejected ones (re-encoded as a packed body, with every distinct
 * reason), and the original is acknowledged: its good intents are never delivered again from the dead-letter queue.
 * When one of its intents must be retried, the whole message is retried and nothing goes to the dead-letter queue
 * yet: its rejected intents are rejected again on the next receive, and reach the dead-letter queue alone once the
 * others are done, or with the whole message through SQS's redrive if the retries run out.
 *
 * <p>Rejected messages, and retried ones on their last receive, are recorded in {@code wail.dead_letters} with
 * their reason under their original message id; every failure is logged.
 *
 * <p>On a FIFO queue, a message may only be processed after the earlier messages of its group: once one fails,
 * every later message of the same group in the batch is reported failed too. A message sent to the dead-letter
 * queue does not count as failed: it has left the group.
 */
@Named("consumer-sqs")
public class SqsConsumerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final BatchSkeleton skeleton;
    private final DeadLetterRecorder deadLetters;
    private final int maxReceiveCount;
    private final Optional<DeadLetterQueue> deadLetterQueue;

    @Inject
    public SqsConsumerHandler(ConsumerPipeline pipeline, ConsumerSchema schema, DeadLetterRecorder deadLetters,
            ConsumerConfig config, ConsumerMetrics metrics, DeadLetterQueues deadLetterQueues) {
        this(pipeline, schema, deadLetters, metrics, config.consumer().maxReceiveCount(),
                deadLetterQueues.configured());
    }

    /**
     * @param maxReceiveCount the source queue's redrive {@code maxReceiveCount}
     * @param deadLetterQueue where rejected messages go at once; empty: they are reported failed
     */
    public SqsConsumerHandler(ConsumerPipeline pipeline, ConsumerSchema schema, DeadLetterRecorder deadLetters,
            ConsumerMetrics metrics, int maxReceiveCount, Optional<DeadLetterQueue> deadLetterQueue) {
        this.skeleton = new BatchSkeleton(pipeline, schema, metrics, "message");
        this.deadLetters = deadLetters;
        this.maxReceiveCount = maxReceiveCount;
        this.deadLetterQueue = deadLetterQueue;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSMessage> records = BatchOutcomes.records(event.getRecords(), "an SQS event");
        if (records.isEmpty()) {
            return new SQSBatchResponse(List.of());
        }
        return skeleton.handle(records, context, new BatchSkeleton.EventShape<SQSMessage, SQSBatchResponse>() {
            @Override
            public InboundMessage message(SQSMessage record) {
                return new InboundMessage(record.getMessageId(), record.getBody());
            }

            @Override
            public BatchSkeleton.Adjusted adjust(List<SQSMessage> records, List<InboundMessage> messages,
                    List<MessageOutcome> outcomes) {
                Set<String> sentToDlq = sendRejectedToDeadLetterQueue(records, messages, outcomes);
                return new BatchSkeleton.Adjusted(failLaterMessagesOfFailedGroups(records, outcomes, sentToDlq),
                        List.copyOf(sentToDlq));
            }

            @Override
            public BatchSkeleton.Settled<SQSBatchResponse> settle(List<SQSMessage> records,
                    List<DeadLetterRecorder.Failure> failures, List<String> sentToDlq) {
                return settleFailures(records, failures, Set.copyOf(sentToDlq));
            }
        });
    }

    /**
     * Records the rejected messages and those failed on their last receive (SQS moves them to its dead-letter queue
     * next), and reports every failure not already in the dead-letter queue.
     */
    private BatchSkeleton.Settled<SQSBatchResponse> settleFailures(List<SQSMessage> records,
            List<DeadLetterRecorder.Failure> failures, Set<String> sentToDlq) {
        Set<String> lastReceived = lastReceived(records);
        List<DeadLetterRecorder.Failure> toRecord = new ArrayList<>();
        int givenUp = 0;
        for (DeadLetterRecorder.Failure failure : failures) {
            boolean lastTry = !sentToDlq.contains(failure.messageId()) && lastReceived.contains(failure.messageId());
            givenUp += lastTry ? 1 : 0;
            if (failure.disposition() == Disposition.REJECTED || lastTry) {
                toRecord.add(failure);
            }
        }
        deadLetters.record(records.get(0).getEventSourceArn(), toRecord);
        SQSBatchResponse response = new SQSBatchResponse(failures.stream()
                .filter(failure -> !sentToDlq.contains(failure.messageId()))
                .map(failure -> new SQSBatchResponse.BatchItemFailure(failure.messageId()))
                .toList());
        return new BatchSkeleton.Settled<>(response, sentToDlq.size() + givenUp);
    }

    /** @return the ids of the rejected messages now in the dead-letter queue (none without one configured) */
    private Set<String> sendRejectedToDeadLetterQueue(List<SQSMessage> records, List<InboundMessage> messages,
            List<MessageOutcome> outcomes) {
        if (deadLetterQueue.isEmpty()) {
            return Set.of();
        }
        List<DeadLetterMessage> rejected = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            MessageOutcome outcome = outcomes.get(i);
            if (outcome.status() == Status.REJECTED) {
                rejected.add(deadLetter(records.get(i), BatchOutcomes.deadLetterBody(messages.get(i), outcome),
                        BatchOutcomes.rejectedTables(outcome), outcome.reason()));
            }
        }
        return rejected.isEmpty() ? Set.of() : deadLetterQueue.get().send(rejected);
    }

    /**
     * @param body the original body, or only the rejected intents of a message rejected in part
     */
    private static DeadLetterMessage deadLetter(SQSMessage record, String body, List<String> tables, String reason) {
        Map<String, String> system = record.getAttributes() == null ? Map.of() : record.getAttributes();
        return DeadLetterMessage.of(record.getMessageId(), body, system.get("MessageGroupId"),
                system.get("ApproximateReceiveCount"), tables, reason, messageAttributes(record));
    }

    /** The message's own attributes, as the SDK sends them (list values are reserved by SQS and never set). */
    static Map<String, MessageAttributeValue> messageAttributes(SQSMessage record) {
        if (record.getMessageAttributes() == null) {
            return Map.of();
        }
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        record.getMessageAttributes().forEach((name, attribute) -> {
            MessageAttributeValue.Builder value = MessageAttributeValue.builder().dataType(attribute.getDataType());
            if (attribute.getStringValue() != null) {
                value.stringValue(attribute.getStringValue());
            }
            if (attribute.getBinaryValue() != null) {
                value.binaryValue(SdkBytes.fromByteBuffer(attribute.getBinaryValue().duplicate()));
            }
            attributes.put(name, value.build());
        });
        return attributes;
    }

    /** @return the ids of the messages on their last receive before SQS's redrive (one pass over the batch) */
    private Set<String> lastReceived(List<SQSMessage> records) {
        Set<String> last = new HashSet<>();
        for (SQSMessage record : records) {
            String count = record.getAttributes() == null ? null : record.getAttributes().get("ApproximateReceiveCount");
            if (count != null && Integer.parseInt(count) >= maxReceiveCount) {
                last.add(record.getMessageId());
            }
        }
        return last;
    }

    /**
     * FIFO order: after the first failure in a message group, every later message of that group fails too. A message
     * in {@code sentToDlq} is not a failure: it has been taken out of its group.
     */
    static List<MessageOutcome> failLaterMessagesOfFailedGroups(List<SQSMessage> records,
            List<MessageOutcome> outcomes, Set<String> sentToDlq) {
        Set<String> failedGroups = new HashSet<>();
        List<MessageOutcome> ordered = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            MessageOutcome outcome = outcomes.get(i);
            String group = records.get(i).getAttributes() == null ? null
                    : records.get(i).getAttributes().get("MessageGroupId");
            if (group != null && outcome.status() == Status.DONE && failedGroups.contains(group)) {
                outcome = outcome.with(Status.RETRY, "an earlier message of FIFO group " + group
                        + " in this batch failed");
            }
            if (group != null && outcome.status() != Status.DONE && !sentToDlq.contains(outcome.messageId())) {
                failedGroups.add(group);
            }
            ordered.add(outcome);
        }
        return ordered;
    }
}
