package dev.wail.producer.log;

import dev.wail.core.intent.Intent;
import dev.wail.core.log.IntentLog;
import dev.wail.core.wire.IntentCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Appends intents to an SQS queue with {@code SendMessageBatch}: up to 10 entries and 256 KiB per call, one intent per
 * message. On a FIFO queue (URL ending in {@code .fifo}) the message group is the entity, so intents of one entity stay
 * in order while different entities flow in parallel, and the deduplication id is the intent's content-derived id.
 *
 * <p>Entries the service reports failed are retried, alone, matched by their entry id, with exponential backoff and
 * full jitter, up to {@code maxAttempts}; sender faults (a bad entry) are not retried.
 */
public final class SqsIntentLog implements IntentLog {

    static final int MAX_ENTRIES_PER_CALL = 10;
    static final int MAX_BYTES_PER_CALL = 256 * 1024;
    private static final Logger LOG = Logger.getLogger(SqsIntentLog.class);

    private final SqsClient sqs;
    private final String queueUrl;
    private final boolean fifo;
    private final int maxAttempts;
    private final Duration baseBackoff;

    public SqsIntentLog(SqsClient sqs, String queueUrl, int maxAttempts, Duration baseBackoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.fifo = queueUrl.endsWith(".fifo");
        this.maxAttempts = maxAttempts;
        this.baseBackoff = baseBackoff;
    }

    @Override
    public AppendResult append(List<Intent> intents) {
        List<String> bodies = intents.stream().map(IntentCodec.DEFAULT::encodeToString).toList();
        List<Integer> failed = new ArrayList<>();
        String firstError = null;
        for (List<Integer> call : plan(bodies)) {
            Attempt outcome = sendWithRetries(intents, bodies, call);
            failed.addAll(outcome.failed());
            firstError = firstError != null ? firstError : outcome.error();
        }
        failed.sort(null);
        return new AppendResult(List.copyOf(failed), firstError);
    }

    /** Splits the messages (by index) into calls that respect the entry and size limits of SendMessageBatch. */
    private static List<List<Integer>> plan(List<String> bodies) {
        List<List<Integer>> calls = new ArrayList<>();
        List<Integer> current = new ArrayList<>(MAX_ENTRIES_PER_CALL);
        int bytes = 0;
        for (int i = 0; i < bodies.size(); i++) {
            int size = bodies.get(i).getBytes(StandardCharsets.UTF_8).length;
            if (current.size() == MAX_ENTRIES_PER_CALL || bytes + size > MAX_BYTES_PER_CALL) {
                calls.add(current);
                current = new ArrayList<>(MAX_ENTRIES_PER_CALL);
                bytes = 0;
            }
            current.add(i);
            bytes += size;
        }
        if (!current.isEmpty()) {
            calls.add(current);
        }
        return calls;
    }

    private record Attempt(List<Integer> failed, String error) {
    }

    private Attempt sendWithRetries(List<Intent> intents, List<String> bodies, List<Integer> indexes) {
        List<Integer> pending = indexes;
        List<Integer> givenUp = new ArrayList<>();
        String error = null;
        for (int attempt = 1; attempt <= maxAttempts && !pending.isEmpty(); attempt++) {
            if (attempt > 1) {
                backoff(attempt);
            }
            List<SendMessageBatchRequestEntry> entries = entries(intents, bodies, pending);
            List<Integer> retryable = new ArrayList<>();
            try {
                SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
                for (BatchResultErrorEntry failure : response.failed()) {
                    int index = Integer.parseInt(failure.id());
                    // A sender fault is a property of the entry itself: sending it again cannot help.
                    (Boolean.TRUE.equals(failure.senderFault()) ? givenUp : retryable).add(index);
                    error = error != null ? error : failure.code() + ": " + failure.message();
                }
            } catch (SdkException e) {
                retryable.addAll(pending);
                error = error != null ? error : e.getMessage();
            }
            pending = retryable;
        }
        givenUp.addAll(pending);
        if (!givenUp.isEmpty()) {
            LOG.warnf("%d of %d intents not accepted by SQS queue %s after up to %d attempts: %s", givenUp.size(),
                    indexes.size(), queueUrl, maxAttempts, error);
        }
        return new Attempt(givenUp, givenUp.isEmpty() ? null : error);
    }

    private List<SendMessageBatchRequestEntry> entries(List<Intent> intents, List<String> bodies, List<Integer> indexes) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(indexes.size());
        for (int index : indexes) {
            SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                    .id(Integer.toString(index))
                    .messageBody(bodies.get(index));
            if (fifo) {
                Intent intent = intents.get(index);
                entry.messageGroupId(IntentCodec.entityId(intent.entity())).messageDeduplicationId(intent.id());
            }
            entries.add(entry.build());
        }
        return entries;
    }

    private void backoff(int attempt) {
        long ceiling = baseBackoff.toMillis() << Math.min(attempt - 2, 10);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
