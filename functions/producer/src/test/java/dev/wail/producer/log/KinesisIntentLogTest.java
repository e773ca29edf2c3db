package dev.wail.producer.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.log.IntentLog.AppendResult;
import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.EmbeddedKinesisServer;
import dev.wail.testing.CallRecorder;
import dev.wail.testing.RealServices;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * What is specific to the Kinesis intent log, against a real Kinesis API (kinesis-mock), every call it makes recorded:
 * partition keys and shards, packing per shard, streams named by ARN. What every log promises (limits, a refused
 * record retried alone) is in {@link IntentLogContract}.
 */
@RealServices
class KinesisIntentLogTest {

    private static final RetryPolicy.Pause NO_WAIT = duration -> { };

    private final EmbeddedKinesisServer kinesis;
    private final CallRecorder calls = new CallRecorder();
    private KinesisClient client;
    private String stream;

    KinesisIntentLogTest(EmbeddedKinesisServer kinesis) {
        this.kinesis = kinesis;
    }

    @BeforeEach
    void setUp(TestInfo test) {
        client = kinesis.newClient(calls);
        stream = "intents-" + test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private KinesisIntentLog log(int attempts, RetryPolicy.Pause pause) {
        return new KinesisIntentLog(client, stream, new RetryPolicy(attempts, Duration.ofMillis(10), pause));
    }

    private static List<Intent> decoded(List<Record> records) {
        return records.stream().map(r -> IntentCodec.DEFAULT.decode(r.data().asUtf8String())).toList();
    }

    /** For intents larger than the consumer accepts: the canonical encodings, compared as text. */
    private static List<String> data(List<Record> records) {
        return records.stream().map(r -> r.data().asUtf8String()).toList();
    }

    private static List<String> encoded(List<Intent> intents) {
        return intents.stream().map(IntentCodec.DEFAULT::encodeToString).toList();
    }

    @Test
    void recordsLandOnTheShardTheirEntityHashesToKeyedByEntityId() {
        kinesis.createStream(stream, 4);
        List<Intent> intents = new ArrayList<>();
        for (long id = 1; id <= 20; id++) {
            intents.add(TestIntents.order(id, Operation.INSERT, id));
            intents.add(new Intent("shop", "order_lines", EntityKey.builder().add("order_id", UUID.nameUUIDFromBytes(
                    Long.toString(id).getBytes(StandardCharsets.UTF_8))).add("line", id % 3).build(),
                    Operation.DELETE, VersionHint.NONE, TestIntents.CAPTURED));
            intents.add(TestIntents.order(id, Operation.UPDATE, 100 + id));
        }

        AppendResult result = log(3, NO_WAIT).append(intents);

        assertThat(result).isEqualTo(AppendResult.allAccepted());
        List<Shard> shards = kinesis.shards(stream);
        Map<String, List<Record>> byShard = kinesis.recordsByShard(stream);
        byShard.forEach((shardId, records) -> assertThat(records).allSatisfy(r -> {
            Intent intent = IntentCodec.DEFAULT.decode(r.data().asUtf8String());
            assertThat(r.partitionKey()).isEqualTo(IntentCodec.entityId(intent.entity()));
            assertThat(shardId).isEqualTo(EmbeddedKinesisServer.shardFor(shards, r.partitionKey()));
        }));
        assertThat(byShard.values()).filteredOn(records -> !records.isEmpty()).hasSizeGreaterThan(1);
        List<Intent> landed = decoded(kinesis.records(stream));
        assertThat(landed).containsExactlyInAnyOrderElementsOf(intents);
        // One entity, one shard, arrival order: the insert of order 7 comes before its update.
        assertThat(landed).filteredOn(i -> i.table().equals("orders") && i.key().value(0).equals(7L))
                .extracting(Intent::operation).containsExactly(Operation.INSERT, Operation.UPDATE);
    }

    private KinesisIntentLog packed(int attempts, RetryPolicy.Pause pause) {
        return new KinesisIntentLog(client, stream, new RetryPolicy(attempts, Duration.ofMillis(10), pause), 100);
    }

    private static List<Intent> decodedAll(List<Record> records) {
        return records.stream().flatMap(r -> IntentCodec.DEFAULT.decodeAll(r.data().asUtf8String()).stream())
                .toList();
    }

    @Test
    void packedRecordsHoldIntentsOfOneShardOnlyLandOnItAndKeepEachEntityInOrder() {
        kinesis.createStream(stream, 4);
        // 600 changes: 150 orders, each inserted, updated twice and deleted, the changes of different orders
        // interleaved as a drain batch would hand them over.
        List<Intent> intents = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            Operation operation = round == 0 ? Operation.INSERT : round == 3 ? Operation.DELETE : Operation.UPDATE;
            for (long id = 1; id <= 150; id++) {
                intents.add(TestIntents.order(id, operation, round * 1_000 + id));
            }
        }

        assertThat(packed(3, NO_WAIT).append(intents)).isEqualTo(AppendResult.allAccepted());

        List<PutRecordsRequest> requests = calls.requests(PutRecordsRequest.class);
        assertThat(requests).hasSize(1);
        // Four shards, 600 intents of ~100 bytes, 100 per record: 6 to 8 records, not 600.
        assertThat(requests.get(0).records()).hasSizeBetween(6, 8).allSatisfy(r -> assertThat(r.data()
                .asByteArrayUnsafe().length).isLessThanOrEqualTo(KinesisIntentLog.PACKED_DATA_BYTES));
        List<Shard> shards = kinesis.shards(stream);
        Map<String, List<Record>> byShard = kinesis.recordsByShard(stream);
        byShard.forEach((shardId, records) -> assertThat(records).allSatisfy(r -> assertThat(
                IntentCodec.DEFAULT.decodeAll(r.data().asUtf8String())).hasSizeLessThanOrEqualTo(100)
                .allSatisfy(i -> assertThat(EmbeddedKinesisServer.shardFor(shards, IntentCodec.entityId(i.entity())))
                        .isEqualTo(shardId))));
        assertThat(byShard.values()).filteredOn(records -> !records.isEmpty()).hasSize(4);
        assertThat(decodedAll(kinesis.records(stream))).containsExactlyInAnyOrderElementsOf(intents);
        // One entity, one shard, arrival order.
        byShard.values().forEach(records -> {
            List<Intent> onShard = decodedAll(records);
            for (long id = 1; id <= 150; id++) {
                long order = id;
                assertThat(onShard).filteredOn(i -> i.key().value(0).equals(order)).extracting(Intent::operation)
                        .isIn(List.of(), List.of(Operation.INSERT, Operation.UPDATE, Operation.UPDATE,
                                Operation.DELETE));
            }
        });
    }

    @Test
    void packedIntentsOfARecordTheStreamKeepsRefusingAreReportedByPositionAndTheirNeighboursLand() {
        kinesis.createStream(stream, 2);
        List<Intent> intents = new ArrayList<>(TestIntents.inserts(40));
        intents.add(17, TestIntents.withKeyOfLength("documents", 1_100_000));

        AppendResult result = packed(3, NO_WAIT).append(intents);

        // The oversized intent is a record of its own: it alone fails, its 40 neighbours are packed and land.
        assertThat(result.failedIndexes()).containsExactly(17);
        assertThat(result.firstError()).startsWith("InvalidArgumentException: Record data size ");
        assertThat(decodedAll(kinesis.records(stream))).containsExactlyInAnyOrderElementsOf(TestIntents.inserts(40));
        // Per shard, packed runs stop before the oversized record and start again after it.
        assertThat(calls.requests(PutRecordsRequest.class).get(0).records()).hasSizeBetween(3, 4);
    }

    @Test
    void aPackedLogRetriesOnlyTheRecordTheStreamRefusedAndEveryIntentLands() {
        kinesis.createStream(stream, 1);
        List<Intent> intents = new ArrayList<>(TestIntents.inserts(30));
        intents.add(5, TestIntents.withKeyOfLength("documents", 1_100_000));
        RetryPolicy.Pause limitRaised = duration -> client.updateMaxRecordSize(b -> b
                .streamARN(EmbeddedKinesisServer.streamArn(stream)).maxRecordSizeInKiB(2048));

        AppendResult result = packed(3, limitRaised).append(intents);

        assertThat(result).isEqualTo(new AppendResult(List.of(), null, 1));
        // Records: intents 0-4 packed, the large one alone, 6-30 packed; only the large one is sent again.
        assertThat(calls.requests(PutRecordsRequest.class)).extracting(r -> r.records().size()).containsExactly(3, 1);
        assertThat(data(kinesis.records(stream)).stream().filter(d -> d.length() > 1_000_000).toList())
                .containsExactly(IntentCodec.DEFAULT.encodeToString(intents.get(5)));
        assertThat(decodedAll(kinesis.records(stream).stream().filter(r -> r.data().asByteArrayUnsafe().length
                < 1_000_000).toList())).containsExactlyElementsOf(TestIntents.inserts(30));
    }

    @Test
    void aStreamNamedByArnWorksLikeOneNamedByName() {
        kinesis.createStream(stream, 1);
        KinesisIntentLog byArn = new KinesisIntentLog(client, EmbeddedKinesisServer.streamArn(stream),
                new RetryPolicy(1, Duration.ZERO, NO_WAIT));

        assertThat(byArn.append(TestIntents.inserts(3)).accepted()).isTrue();

        assertThat(decoded(kinesis.records(stream))).containsExactlyElementsOf(TestIntents.inserts(3));
    }
}
