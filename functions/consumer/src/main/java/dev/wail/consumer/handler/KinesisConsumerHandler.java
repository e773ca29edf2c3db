package dev.wail.consumer.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent.KinesisEventRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.wail.consumer.deadletter.DeadLetter.Disposition;
import dev.wail.consumer.deadletter.DeadLetterRecorder;
import dev.wail.consumer.metrics.ConsumerMetrics;
import dev.wail.consumer.postgres.ConsumerSchema;
import dev.wail.consumer.deadletter.DeadLetterRecorder.Failure;
import dev.wail.core.pipeline.ConsumerPipeline;
import dev.wail.core.pipeline.InboundMessage;
import jakarta.inject.Named;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

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

    private final BatchSkeleton skeleton;
    private final DeadLetterRecorder deadLetters;

    public KinesisConsumerHandler(ConsumerPipeline pipeline, ConsumerSchema schema, DeadLetterRecorder deadLetters,
            ConsumerMetrics metrics) {
        this.skeleton = new BatchSkeleton(pipeline, schema, metrics, "record");
        this.deadLetters = deadLetters;
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        List<KinesisEventRecord> records = BatchOutcomes.records(event.getRecords(), "a Kinesis event");
        if (records.isEmpty()) {
            return new StreamsEventResponse(List.of());
        }
        return skeleton.handle(records, context, new BatchSkeleton.EventShape<KinesisEventRecord,
                StreamsEventResponse>() {
            @Override
            public InboundMessage message(KinesisEventRecord record) {
                return new InboundMessage(record.getKinesis().getSequenceNumber(),
                        StandardCharsets.UTF_8.decode(record.getKinesis().getData().duplicate()).toString());
            }

            @Override
            public BatchSkeleton.Settled<StreamsEventResponse> settle(List<KinesisEventRecord> records,
                    List<Failure> failures, List<String> sentToDeadLetterQueue) {
                return settleFailures(records.get(0).getEventSourceARN(), failures);
            }
        });
    }

    /**
     * Records every failure, and reports the first record to retry: the stream delivers it and every later one again.
     */
    private BatchSkeleton.Settled<StreamsEventResponse> settleFailures(String streamArn, List<Failure> failures) {
        boolean recorded = deadLetters.record(streamArn, failures);
        Optional<Failure> firstToRetry = failures.stream()
                .filter(failure -> failure.disposition() == Disposition.RETRY || !recorded)
                .findFirst();
        // Rejected, recorded and passed over: the ones before the first record the stream will deliver again.
        int passedOver = recorded ? (int) failures.stream()
                .takeWhile(failure -> failure.disposition() == Disposition.REJECTED).count() : 0;
        StreamsEventResponse response = firstToRetry
                .map(first -> new StreamsEventResponse(
                        List.of(new StreamsEventResponse.BatchItemFailure(first.messageId()))))
                .orElseGet(() -> new StreamsEventResponse(List.of()));
        return new BatchSkeleton.Settled<>(response, passedOver);
    }
}
