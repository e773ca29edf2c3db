package dev.wail.producer.log;

import dev.wail.core.intent.Intent;
import dev.wail.core.log.IntentLog;
import dev.wail.core.wire.IntentCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Appends intents to a Kinesis data stream with {@code PutRecords}: at most 500 records and 5 MB (data plus partition
 * keys) per call, one intent per record. The partition key is the entity id, so every intent of one entity lands on
 * the same shard, in order, while entities spread over the shards.
 *
 * <p>{@code PutRecords} is not atomic: it answers with one result per record, in request order, and a result with an
 * error code (throughput exceeded, an internal failure) means that record alone was not written. Only those records
 * are sent again, matched by position, following the {@link RetryPolicy}. A retried record lands after records of the
 * same entity that went through on the first attempt; the consumer orders by version hint, not by arrival.
 */
public final class KinesisIntentLog implements IntentLog {

    static final int MAX_RECORDS_PER_CALL = 500;
    /** "5 MB" per request in the Kinesis quotas; read as 5,000,000 bytes, the smaller meaning. */
    static final long MAX_BYTES_PER_CALL = 5_000_000;

    private final KinesisClient kinesis;
    private final String stream;
    private final RetryPolicy retry;

    /**
     * @param stream the stream's name or ARN (an ARN is needed for a stream of another account)
     */
    public KinesisIntentLog(KinesisClient kinesis, String stream, RetryPolicy retry) {
        this.kinesis = kinesis;
        this.stream = stream;
        this.retry = retry;
    }

    @Override
    public AppendResult append(List<Intent> intents) {
        List<PutRecordsRequestEntry> records = intents.stream().map(KinesisIntentLog::record).toList();
        List<List<Integer>> calls = Batches.split(Batches.range(records.size()), i -> bytes(records.get(i)),
                MAX_RECORDS_PER_CALL, MAX_BYTES_PER_CALL);
        RetryPolicy.Outcome outcome = retry.runEach("Kinesis stream " + stream, calls, pending -> put(records, pending));
        return new AppendResult(outcome.failed(), outcome.error(), outcome.resent());
    }

    private static PutRecordsRequestEntry record(Intent intent) {
        return PutRecordsRequestEntry.builder()
                .partitionKey(IntentCodec.entityId(intent.entity()))
                .data(SdkBytes.fromByteArrayUnsafe(IntentCodec.DEFAULT.encode(intent)))
                .build();
    }

    /** What a record counts for against the request limit: its data and its partition key. */
    public static int bytes(PutRecordsRequestEntry record) {
        return record.data().asByteArrayUnsafe().length
                + record.partitionKey().getBytes(StandardCharsets.UTF_8).length;
    }

    private RetryPolicy.Attempt put(List<PutRecordsRequestEntry> records, List<Integer> pending) {
        PutRecordsRequest.Builder request = PutRecordsRequest.builder()
                .records(pending.stream().map(records::get).toList());
        if (stream.startsWith("arn:")) {
            request.streamARN(stream);
        } else {
            request.streamName(stream);
        }
        PutRecordsResponse response = kinesis.putRecords(request.build());
        List<PutRecordsResultEntry> results = response.records();
        if (results.size() != pending.size()) {
            return new RetryPolicy.Attempt(pending, List.of(), "PutRecords answered " + results.size()
                    + " results for " + pending.size() + " records");
        }
        List<Integer> retryable = new ArrayList<>();
        String error = null;
        for (int i = 0; i < results.size(); i++) {
            PutRecordsResultEntry result = results.get(i);
            if (result.errorCode() != null) {
                retryable.add(pending.get(i));
                error = error != null ? error : result.errorCode() + ": " + result.errorMessage();
            }
        }
        return new RetryPolicy.Attempt(retryable, List.of(), error);
    }
}
