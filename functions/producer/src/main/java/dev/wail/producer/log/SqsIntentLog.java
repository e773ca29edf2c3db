package dev.wail.producer.log;

import dev.wail.core.intent.Intent;
import dev.wail.core.log.IntentLog;
import dev.wail.core.wire.ContentId;
import dev.wail.core.wire.IntentCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Appends intents to an SQS queue with {@code SendMessageBatch}: up to 10 entries and 256 KiB per call. On a FIFO
 * queue (URL ending in {@code .fifo}) the message group is the entity, so intents of one entity stay in order while
 * different entities flow in parallel, and the deduplication id is derived from the content.
 *
 * <p>Consecutive intents are packed into one message whose body is a JSON array (at most {@code intentsPerMessage}
 * intents and 256 KiB; the shipped default is {@link dev.wail.producer.config.ProducerDefaults#INTENTS_PER_MESSAGE});
 * on a FIFO queue only intents of the same entity share a message; with 1, a message is one intent, not an array.
 * Packing divides the calls and billed requests on both sides of the queue (see docs/capture.md and docs/benchmark.md for the measurements). What it
 * costs: SQS deletes or redelivers a message as a whole. The consumer settles a packed message's intents one by one:
 * an intent it rejects goes to the dead-letter queue alone (re-encoded) and its neighbours are written, but an intent
 * that must be retried makes the whole message come back, and its neighbours are read and written again (harmless:
 * the consumer never writes backwards, at a cost of repeated work).
 *
 * <p>Messages the service reports failed are retried, alone, matched by their entry id, following the
 * {@link RetryPolicy}; sender faults (a bad entry) are not retried. Every intent of a failed message is reported
 * failed.
 */
public final class SqsIntentLog implements IntentLog {

    static final int MAX_ENTRIES_PER_CALL = 10;
    static final int MAX_BYTES_PER_CALL = 256 * 1024;
    /** The SQS message size limit, which the consumer's decoder enforces too. */
    static final int MAX_BODY_BYTES = IntentCodec.MAX_BODY_BYTES;

    private final SqsClient sqs;
    private final String queueUrl;
    private final boolean fifo;
    private final RetryPolicy retry;
    private final int intentsPerMessage;

    public SqsIntentLog(SqsClient sqs, String queueUrl, int maxAttempts, Duration baseBackoff) {
        this(sqs, queueUrl, new RetryPolicy(maxAttempts, baseBackoff), 1);
    }

    public SqsIntentLog(SqsClient sqs, String queueUrl, RetryPolicy retry, int intentsPerMessage) {
        if (intentsPerMessage < 1) {
            throw new IllegalArgumentException("intentsPerMessage must be at least 1, got " + intentsPerMessage);
        }
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.fifo = queueUrl.endsWith(".fifo");
        this.retry = retry;
        this.intentsPerMessage = intentsPerMessage;
    }

    @Override
    public AppendResult append(List<Intent> intents) {
        List<OutgoingMessage> messages = pack(intents);
        List<List<Integer>> calls = Batches.split(Batches.range(messages.size()), m -> messages.get(m).bytes(),
                MAX_ENTRIES_PER_CALL, MAX_BYTES_PER_CALL);
        return retry.runEach("SQS queue " + queueUrl, calls, pending -> send(messages, pending))
                .byIntent(message -> messages.get(message).intents());
    }

    /**
     * One SQS message: the positions of the intents it carries, its body, and on FIFO queues its group and
     * deduplication ids.
     */
    record OutgoingMessage(List<Integer> intents, String body, String groupId, String deduplicationId) {
        int bytes() {
            return body.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    /** Groups intents into messages: by entity on FIFO queues, in order, {@code intentsPerMessage} and 256 KiB at most. */
    List<OutgoingMessage> pack(List<Intent> intents) {
        List<String> encoded = intents.stream().map(IntentCodec.DEFAULT::encodeToString).toList();
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < intents.size(); i++) {
            String group = fifo ? IntentCodec.entityId(intents.get(i).entity()) : "";
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add(i);
        }
        List<OutgoingMessage> messages = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> group : groups.entrySet()) {
            // In an array body each intent costs its bytes plus one separator; the brackets cost one more byte.
            for (List<Integer> members : Batches.split(group.getValue(),
                    i -> encoded.get(i).getBytes(StandardCharsets.UTF_8).length + 1,
                    intentsPerMessage, MAX_BODY_BYTES - 1)) {
                messages.add(message(intents, encoded, members, group.getKey()));
            }
        }
        return messages;
    }

    private OutgoingMessage message(List<Intent> intents, List<String> encoded, List<Integer> members, String group) {
        if (members.size() == 1) {
            String single = encoded.get(members.get(0));
            return new OutgoingMessage(members, single, fifo ? group : null,
                    fifo ? IntentCodec.idOfEncoded(single) : null);
        }
        StringBuilder body = new StringBuilder("[");
        for (int member : members) {
            body.append(body.length() > 1 ? "," : "").append(encoded.get(member));
        }
        String text = body.append(']').toString();
        // The deduplication id of a packed body: the same intents packed the same way give the same id.
        return new OutgoingMessage(members, text, fifo ? group : null, fifo ? ContentId.of(text, 16) : null);
    }

    private RetryPolicy.Attempt send(List<OutgoingMessage> messages, List<Integer> pending) {
        List<SendMessageBatchRequestEntry> entries = pending.stream().map(m -> entry(m, messages.get(m))).toList();
        SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
        List<Integer> retryable = new ArrayList<>();
        List<Integer> rejected = new ArrayList<>();
        String error = null;
        for (BatchResultErrorEntry failure : response.failed()) {
            // A sender fault is a property of the entry itself: sending it again cannot help.
            (Boolean.TRUE.equals(failure.senderFault()) ? rejected : retryable).add(Integer.parseInt(failure.id()));
            error = error != null ? error : failure.code() + ": " + failure.message();
        }
        return new RetryPolicy.Attempt(retryable, rejected, error);
    }

    private static SendMessageBatchRequestEntry entry(int index, OutgoingMessage message) {
        return SendMessageBatchRequestEntry.builder()
                .id(Integer.toString(index))
                .messageBody(message.body())
                .messageGroupId(message.groupId())
                .messageDeduplicationId(message.deduplicationId())
                .build();
    }
}
