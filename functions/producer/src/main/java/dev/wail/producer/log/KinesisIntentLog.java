package dev.wail.producer.log;

import dev.wail.core.intent.Intent;
import dev.wail.core.log.IntentLog;
import dev.wail.core.wire.IntentCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Appends intents to a Kinesis data stream with {@code PutRecords}: at most 500 records and 5 MB (data plus partition
 * keys) per call. Every intent of one entity lands on the same shard, in order, while entities spread over the shards.
 *
 * <p>With {@code intentsPerRecord = 1} a record carries one intent and its partition key is the entity id. With more,
 * intents whose entity ids hash to the same shard share a record (a JSON array body, as on SQS), at most that many and
 * {@value #PACKED_DATA_BYTES} bytes of data, so that a packed record stays within one 25 KB PUT payload unit. The shards
 * come from {@code ListShards} (cached for {@link #SHARD_MAP_TTL}); the record's {@code ExplicitHashKey} is the start
 * of its shard's hash key range and its partition key the entity id of its first intent. While the cached map is in
 * use every intent of an entity goes to one shard; after a reshard the map is refreshed within
 * {@link #SHARD_MAP_TTL}, and in between an entity's intents may land on two sibling shards and arrive out of order.
 * That is safe: the consumer orders by version hint and reads the current row, never by arrival. When
 * {@code ListShards} fails (a role without {@code kinesis:ListShards}), intents go one per record until the next
 * refresh, and a warning says why.
 *
 * <p>{@code PutRecords} is not atomic: it answers with one result per record, in request order, and a result with an
 * error code (throughput exceeded, an internal failure) means that record alone was not written. Only those records
 * are sent again, matched by position, following the {@link RetryPolicy}; every intent of a record still failed is
 * reported failed. A retried record lands after records of the same entity that went through on the first attempt;
 * the consumer orders by version hint, not by arrival.
 */
public final class KinesisIntentLog implements IntentLog {

    static final int MAX_RECORDS_PER_CALL = 500;
    /** "5 MB" per request in the Kinesis quotas; read as 5,000,000 bytes, the smaller meaning. */
    static final long MAX_BYTES_PER_CALL = 5_000_000;
    /** Data of a packed record: with a partition key (256 characters at most) it stays within a 25 KB payload unit. */
    static final int PACKED_DATA_BYTES = 24 * 1024;
    /** How long a shard map is used before {@code ListShards} is called again. */
    static final Duration SHARD_MAP_TTL = Duration.ofSeconds(60);

    private static final Logger LOG = Logger.getLogger(KinesisIntentLog.class);

    private final KinesisClient kinesis;
    private final String stream;
    private final RetryPolicy retry;
    private final int intentsPerRecord;
    /** The last shard map, or {@code null} before the first and after a failed {@code ListShards}. */
    private volatile ShardMap shards;
    private volatile long shardsCheckedAtNanos = Long.MIN_VALUE;

    /** One intent per record. */
    public KinesisIntentLog(KinesisClient kinesis, String stream, RetryPolicy retry) {
        this(kinesis, stream, retry, 1);
    }

    /**
     * @param stream           the stream's name or ARN (an ARN is needed for a stream of another account)
     * @param intentsPerRecord intents packed into one record at most (1: no packing, no {@code ListShards})
     */
    public KinesisIntentLog(KinesisClient kinesis, String stream, RetryPolicy retry, int intentsPerRecord) {
        if (intentsPerRecord < 1) {
            throw new IllegalArgumentException("intentsPerRecord must be at least 1, got " + intentsPerRecord);
        }
        this.kinesis = kinesis;
        this.stream = stream;
        this.retry = retry;
        this.intentsPerRecord = intentsPerRecord;
    }

    @Override
    public AppendResult append(List<Intent> intents) {
        List<OutgoingRecord> records = pack(intents);
        List<List<Integer>> calls = Batches.split(Batches.range(records.size()), i -> bytes(records.get(i).entry()),
                MAX_RECORDS_PER_CALL, MAX_BYTES_PER_CALL);
        return retry.runEach("Kinesis stream " + stream, calls, pending -> put(records, pending))
                .byIntent(record -> records.get(record).intents());
    }

    /** One record: the positions of the intents it carries, and the entry sent. */
    record OutgoingRecord(List<Integer> intents, PutRecordsRequestEntry entry) {
    }

    /** Groups intents into records: by the shard their entity hashes to, in order, within the packing limits. */
    List<OutgoingRecord> pack(List<Intent> intents) {
        List<String> keys = intents.stream().map(i -> IntentCodec.entityId(i.entity())).toList();
        ShardMap map = intentsPerRecord == 1 ? null : currentShards();
        if (map == null) {
            List<OutgoingRecord> records = new ArrayList<>(intents.size());
            for (int i = 0; i < intents.size(); i++) {
                records.add(new OutgoingRecord(List.of(i), PutRecordsRequestEntry.builder().partitionKey(keys.get(i))
                        .data(SdkBytes.fromByteArrayUnsafe(IntentCodec.DEFAULT.encode(intents.get(i)))).build()));
            }
            return records;
        }
        List<byte[]> encoded = intents.stream().map(IntentCodec.DEFAULT::encode).toList();
        Map<Integer, List<Integer>> byShard = new LinkedHashMap<>();
        for (int i = 0; i < intents.size(); i++) {
            byShard.computeIfAbsent(map.shardOf(keys.get(i)), s -> new ArrayList<>()).add(i);
        }
        List<OutgoingRecord> records = new ArrayList<>();
        byShard.forEach((shard, members) -> {
            // In an array body each intent costs its bytes plus one separator; the brackets cost one more byte.
            for (List<Integer> run : Batches.split(members, i -> encoded.get(i).length + 1, intentsPerRecord,
                    PACKED_DATA_BYTES - 1)) {
                records.add(new OutgoingRecord(run, PutRecordsRequestEntry.builder()
                        .partitionKey(keys.get(run.get(0)))
                        .explicitHashKey(map.explicitHashKey(shard))
                        .data(SdkBytes.fromByteArrayUnsafe(body(encoded, run)))
                        .build()));
            }
        });
        return records;
    }

    private static byte[] body(List<byte[]> encoded, List<Integer> run) {
        if (run.size() == 1) {
            return encoded.get(run.get(0));
        }
        int length = 1 + run.size();
        for (int i : run) {
            length += encoded.get(i).length;
        }
        byte[] body = new byte[length];
        int at = 0;
        body[at++] = '[';
        for (int i : run) {
            if (at > 1) {
                body[at++] = ',';
            }
            byte[] intent = encoded.get(i);
            System.arraycopy(intent, 0, body, at, intent.length);
            at += intent.length;
        }
        body[at] = ']';
        return body;
    }

    /** The cached shard map, refreshed when older than the TTL; {@code null} when {@code ListShards} failed. */
    private ShardMap currentShards() {
        long now = System.nanoTime();
        if (shardsCheckedAtNanos != Long.MIN_VALUE && now - shardsCheckedAtNanos < SHARD_MAP_TTL.toNanos()) {
            return shards;
        }
        shardsCheckedAtNanos = now;
        try {
            shards = ShardMap.of(listShards(), now);
        } catch (SdkException | IllegalStateException e) {
            shards = null;
            LOG.warnf("ListShards on Kinesis stream %s failed (%s): intents go one per record for the next %d s; grant "
                    + "kinesis:ListShards to pack them", stream, e.getMessage(), SHARD_MAP_TTL.toSeconds());
        }
        return shards;
    }

    private List<Shard> listShards() {
        List<Shard> all = new ArrayList<>();
        ListShardsRequest.Builder first = ListShardsRequest.builder();
        if (stream.startsWith("arn:")) {
            first.streamARN(stream);
        } else {
            first.streamName(stream);
        }
        ListShardsResponse page = kinesis.listShards(first.build());
        all.addAll(page.shards());
        while (page.nextToken() != null) {
            String token = page.nextToken();
            // A request with a token names no stream.
            page = kinesis.listShards(b -> b.nextToken(token));
            all.addAll(page.shards());
        }
        return all;
    }

    /** What a record counts for against the request limit: its data and its partition key. */
    public static int bytes(PutRecordsRequestEntry record) {
        return record.data().asByteArrayUnsafe().length
                + record.partitionKey().getBytes(StandardCharsets.UTF_8).length;
    }

    private RetryPolicy.Attempt put(List<OutgoingRecord> records, List<Integer> pending) {
        PutRecordsRequest.Builder request = PutRecordsRequest.builder()
                .records(pending.stream().map(i -> records.get(i).entry()).toList());
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
