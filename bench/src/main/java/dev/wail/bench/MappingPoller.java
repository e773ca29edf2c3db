package dev.wail.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Gathers one consumer batch from an SQS queue the way the {@link EventSourceMapping} does: a long poll for the first
 * messages, then, within the batching window, more receives of up to 10 until the batch is full or the next receive
 * could carry it past the invocation payload limit.
 */
final class MappingPoller {

    /** The first receive's long poll: an idle loop costs one call a second. */
    private static final int FIRST_WAIT_SECONDS = 1;
    /** Pause after an empty short receive inside the window's last second (SQS waits in whole seconds only). */
    private static final Duration EMPTY_PAUSE = Duration.ofMillis(20);

    private final SqsClient sqs;
    private final String queueUrl;
    private final EventSourceMapping mapping;

    MappingPoller(SqsClient sqs, String queueUrl, EventSourceMapping mapping) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.mapping = mapping;
    }

    /** The next batch, in the order received; empty when nothing arrived within the first long poll. */
    List<Message> nextBatch() {
        List<Message> batch = new ArrayList<>(receive(mapping.batchSize(), FIRST_WAIT_SECONDS));
        if (batch.isEmpty()) {
            return batch;
        }
        long deadline = System.nanoTime() + mapping.batchingWindow().toNanos();
        // Characters stand for bytes: the bench's intents are ASCII JSON (integer keys, ASCII names).
        long bytes = 0;
        long largest = 0;
        for (Message message : batch) {
            bytes += message.body().length();
            largest = Math.max(largest, message.body().length());
        }
        while (batch.size() < mapping.batchSize()
                && bytes + largest * EventSourceMapping.MESSAGES_PER_RECEIVE <= EventSourceMapping.INVOKE_PAYLOAD_BYTES) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                break;
            }
            boolean wholeSecondLeft = remaining >= Duration.ofSeconds(1).toNanos();
            List<Message> more = receive(mapping.batchSize() - batch.size(), wholeSecondLeft ? 1 : 0);
            if (more.isEmpty() && !wholeSecondLeft) {
                LockSupport.parkNanos(Math.min(remaining, EMPTY_PAUSE.toNanos()));
            }
            for (Message message : more) {
                batch.add(message);
                bytes += message.body().length();
                largest = Math.max(largest, message.body().length());
            }
        }
        return batch;
    }

    private List<Message> receive(int wanted, int waitSeconds) {
        return sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                .maxNumberOfMessages(Math.min(wanted, EventSourceMapping.MESSAGES_PER_RECEIVE))
                .waitTimeSeconds(waitSeconds)).messages();
    }
}
