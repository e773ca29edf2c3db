package dev.wail.consumer.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.wail.consumer.deadletter.DeadLetter.Disposition;
import dev.wail.consumer.deadletter.DeadLetterRecorder;
import dev.wail.consumer.metrics.ConsumerMetrics;
import dev.wail.consumer.deadletter.DeadLetterRecorder.Failure;
import dev.wail.core.pipeline.BatchResult;
import dev.wail.core.pipeline.ConsumerPipeline;
import dev.wail.core.pipeline.InboundMessage;
import dev.wail.core.pipeline.MessageOutcome;
import jakarta.inject.Named;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * {@code consumer-kinesis}: a Kinesis event source mapping with {@code ReportBatchItemFailures} delivers records of
 * one shard in order and re-delivers from the sequence number reported first. So the response names the first
 * record that must be retried; the records after it come again too, which is harmless (the consumer reads the
 * current state). A rejected record cannot be retried into success and must not block its shard: it is recorded in
 * {@code wail.dead_letters} with its reason (for a packed record rejected only in part, with its rejected intents
 * alone as the body: the others are done) and passed over, unless recording it fails, in which case it is retried
 * like the others. Retries are bounded by the mapping's {@code MaximumRetryAttempts}, then its on-failure
 * destination receives the batch's shard and sequence range.
 */
@Named("consumer-kinesis")
public class KinesisConsumerHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {

    private static final Logger LOG = Logger.getLogger(KinesisConsumerHandler.class);

    private final ConsumerPipeline pipeline;
    private final DeadLetterRecorder deadLetters;
    private final ConsumerMetrics metrics;

    public KinesisConsumerHandler(ConsumerPipeline pipeline, DeadLetterRecorder deadLetters,
            ConsumerMetrics metrics) {
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.deadLetters = deadLetters;
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        List<KinesisEventRecord> records = BatchOutcomes.records(event.getRecords(), "a Kinesis event");
        if (records.isEmpty()) {
            return new StreamsEventResponse(List.of());
        }
        List<InboundMessage> messages = records.stream()
                .map(record -> new InboundMessage(record.getKinesis().getSequenceNumber(),
                        StandardCharsets.UTF_8.decode(record.getKinesis().getData().duplicate()).toString()))
                .toList();
        BatchResult result = pipeline.process(messages).await().indefinitely();
        List<MessageOutcome> outcomes = result.outcomes();
        BatchOutcomes.trace(messages, outcomes);
        List<Failure> failures = BatchOutcomes.failures(messages, outcomes);
        failures.forEach(f -> LOG.warnf("record %s %s: %s", f.messageId(), f.disposition(), f.reason()));
        boolean recorded = deadLetters.record(records.get(0).getEventSourceARN(), failures);
        Optional<Failure> firstToRetry = failures.stream()
                .filter(failure -> failure.disposition() == Disposition.RETRY || !recorded)
                .findFirst();
        // Rejected, recorded and passed over: the ones before the first record the stream will deliver again.
        metrics.publish(result, recorded ? (int) failures.stream()
                .takeWhile(failure -> failure.disposition() == Disposition.REJECTED).count() : 0);
        return firstToRetry
                .map(first -> new StreamsEventResponse(
                        List.of(new StreamsEventResponse.BatchItemFailure(first.messageId()))))
                .orElseGet(() -> new StreamsEventResponse(List.of()));
    }
}
