package dev.wail.producer.log;

import dev.wail.core.intent.Intent;
import dev.wail.core.log.IntentLog;
import dev.wail.embedded.EmbeddedKinesisServer;
import dev.wail.testing.CallRecorder;
import dev.wail.testing.RealServices;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;

/**
 * The intent log contract for {@link KinesisIntentLog} on a one-shard stream of kinesis-mock. The record it refuses:
 * data over the stream's max record size (1 MiB), until the limit is raised to 2 MiB.
 */
@RealServices
class KinesisIntentLogContractTest extends IntentLogContract {

    private static final AtomicInteger STREAMS = new AtomicInteger();

    private final EmbeddedKinesisServer kinesis;
    private final CallRecorder recorder = new CallRecorder();
    private KinesisClient client;
    private String stream;

    KinesisIntentLogContractTest(EmbeddedKinesisServer kinesis) {
        this.kinesis = kinesis;
    }

    @BeforeEach
    void createStream() {
        client = kinesis.newClient(recorder);
        stream = "contract-" + STREAMS.incrementAndGet();
        kinesis.createStream(stream, 1);
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Override
    protected IntentLog log(int intentsPerMessage, RetryPolicy.Pause pause) {
        return new KinesisIntentLog(client, stream, new RetryPolicy(3, Duration.ofMillis(10), pause),
                intentsPerMessage);
    }

    @Override
    protected List<String> readBack() {
        return kinesis.records(stream).stream().map(record -> record.data().asUtf8String()).toList();
    }

    @Override
    protected List<List<Integer>> calls() {
        return recorder.requests(PutRecordsRequest.class).stream()
                .map(call -> call.records().stream().map(KinesisIntentLog::bytes).toList())
                .toList();
    }

    @Override
    protected Limits limits() {
        return new Limits(KinesisIntentLog.MAX_RECORDS_PER_CALL, KinesisIntentLog.MAX_BYTES_PER_CALL, 1024 * 1024);
    }

    @Override
    protected boolean ordersPerEntity() {
        return true;
    }

    @Override
    protected boolean refusesOneEntry() {
        return true;
    }

    @Override
    protected Intent refusedUntilAccepted() {
        return TestIntents.withKeyOfLength("documents", 1_100_000);
    }

    @Override
    protected void acceptTheRefused() {
        client.updateMaxRecordSize(b -> b.streamARN(EmbeddedKinesisServer.streamArn(stream)).maxRecordSizeInKiB(2048));
    }
}
