package dev.wail.consumer.deadletter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Sends rejected messages to the source queue's dead-letter queue at once, instead of letting SQS move them there
 * after {@code maxReceiveCount} receives. {@code SendMessageBatch} of at most {@value #MAX_ENTRIES} entries and
 * {@value DeadLetterMessage#MAX_MESSAGE_BYTES} bytes; an entry the batch did not take (or every entry of a batch call
 * that failed as a whole) is sent again alone. On a FIFO dead-letter queue (its URL ends in {@code .fifo}) each
 * message keeps its group and gets the original message id as deduplication id, so sending the same original twice
 * (its acknowledgement lost, say) within SQS's five-minute window leaves one copy.
 *
 * <p>Guarantee: {@link #send} names exactly the messages SQS accepted; the caller acknowledges only those.
 */
public class DeadLetterQueue {

    private static final Logger LOG = Logger.getLogger(DeadLetterQueue.class);

    /** SendMessageBatch's limit on entries per call. */
    static final int MAX_ENTRIES = 10;

    private final SqsClient sqs;
    private final String queueUrl;
    private final boolean fifo;

    /** @param queueUrl the dead-letter queue ({@code wail.consumer.dead-letter-queue-url}) */
    public DeadLetterQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.fifo = queueUrl.endsWith(".fifo");
    }

    public String url() {
        return queueUrl;
    }

    /** @return the original message ids of the messages that are now in the dead-letter queue */
    public Set<String> send(List<DeadLetterMessage> messages) {
        messages.stream().filter(m -> !m.dropped().isEmpty()).forEach(m -> LOG.warnf("dead letter for message %s: "
                + "original attributes %s left out (SQS allows %d attributes and %d bytes per message)",
                m.originalMessageId(), m.dropped(), DeadLetterMessage.MAX_ATTRIBUTES,
                DeadLetterMessage.MAX_MESSAGE_BYTES));
        Set<String> sent = new HashSet<>();
        for (List<DeadLetterMessage> batch : batches(messages)) {
            sent.addAll(sendBatch(batch));
        }
        return sent;
    }

    /** Consecutive groups within SendMessageBatch's limits on entries and total size. */
    static List<List<DeadLetterMessage>> batches(List<DeadLetterMessage> messages) {
        List<List<DeadLetterMessage>> batches = new ArrayList<>();
        List<DeadLetterMessage> current = new ArrayList<>();
        int size = 0;
        for (DeadLetterMessage message : messages) {
            if (!current.isEmpty() && (current.size() == MAX_ENTRIES
                    || size + message.size() > DeadLetterMessage.MAX_MESSAGE_BYTES)) {
                batches.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(message);
            size += message.size();
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    private Set<String> sendBatch(List<DeadLetterMessage> batch) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            entries.add(entry(Integer.toString(i), batch.get(i)));
        }
        List<Integer> toRetry = new ArrayList<>();
        Set<String> sent = new HashSet<>();
        try {
            SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
            response.successful().forEach(ok -> sent.add(batch.get(Integer.parseInt(ok.id())).originalMessageId()));
            for (BatchResultErrorEntry failed : response.failed()) {
                LOG.warnf("dead-letter queue %s refused message %s in a batch (%s: %s); sending it alone", queueUrl,
                        batch.get(Integer.parseInt(failed.id())).originalMessageId(), failed.code(), failed.message());
                toRetry.add(Integer.parseInt(failed.id()));
            }
        } catch (SdkException batchFailed) {
            LOG.warnf("sending %d messages to dead-letter queue %s failed (%s); sending them one by one", batch.size(),
                    queueUrl, batchFailed.getMessage());
            for (int i = 0; i < batch.size(); i++) {
                toRetry.add(i);
            }
        }
        for (int index : toRetry) {
            if (sendAlone(batch.get(index))) {
                sent.add(batch.get(index).originalMessageId());
            }
        }
        return sent;
    }

    private boolean sendAlone(DeadLetterMessage message) {
        SendMessageBatchRequestEntry entry = entry("0", message);
        try {
            sqs.sendMessage(SendMessageRequest.builder().queueUrl(queueUrl).messageBody(entry.messageBody())
                    .messageAttributes(entry.messageAttributes()).messageGroupId(entry.messageGroupId())
                    .messageDeduplicationId(entry.messageDeduplicationId()).build());
            return true;
        } catch (SdkException failed) {
            LOG.errorf("could not send message %s to dead-letter queue %s (%s): it is reported failed, so SQS delivers "
                    + "it again and moves it there itself after maxReceiveCount receives", message.originalMessageId(),
                    queueUrl, failed.getMessage());
            return false;
        }
    }

    private SendMessageBatchRequestEntry entry(String id, DeadLetterMessage message) {
        SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder().id(id)
                .messageBody(message.body()).messageAttributes(message.attributes());
        if (fifo) {
            // A standard source cannot have a FIFO dead-letter queue; the message id is a group of one all the same.
            entry.messageGroupId(message.groupId() != null ? message.groupId() : message.originalMessageId())
                    .messageDeduplicationId(message.originalMessageId());
        }
        return entry.build();
    }
}
