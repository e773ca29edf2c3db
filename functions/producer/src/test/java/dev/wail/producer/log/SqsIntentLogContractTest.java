package dev.wail.producer.log;

import dev.wail.core.intent.Intent;
import dev.wail.core.log.IntentLog;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.embedded.TestData;
import dev.wail.testing.CallRecorder;
import dev.wail.testing.RealServices;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;

/**
 * The intent log contract for {@link SqsIntentLog} on an ElasticMQ standard queue. ElasticMQ cannot be made to refuse
 * one entry of a call (see {@link #refusesOneEntry()}).
 */
@RealServices
class SqsIntentLogContractTest extends IntentLogContract {

    private static final AtomicInteger QUEUES = new AtomicInteger();

    private final EmbeddedSqsServer sqs;
    private final CallRecorder recorder = new CallRecorder();
    private SqsClient client;
    private String queueUrl;

    SqsIntentLogContractTest(EmbeddedSqsServer sqs) {
        this.sqs = sqs;
    }

    /** Whether the queue is a FIFO queue. */
    protected boolean fifo() {
        return false;
    }

    @BeforeEach
    void createQueue() {
        client = sqs.newClient(recorder);
        String name = "contract-" + QUEUES.incrementAndGet() + (fifo() ? ".fifo" : "");
        queueUrl = sqs.createQueue(name);
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Override
    protected IntentLog log(int intentsPerMessage, RetryPolicy.Pause pause) {
        return new SqsIntentLog(client, queueUrl, new RetryPolicy(3, Duration.ofMillis(10), pause), intentsPerMessage);
    }

    @Override
    protected List<String> readBack() {
        return TestData.receiveAndDeleteAll(sqs.client(), queueUrl).stream().map(Message::body).toList();
    }

    @Override
    protected List<List<Integer>> calls() {
        return recorder.requests(SendMessageBatchRequest.class).stream()
                .map(call -> call.entries().stream()
                        .map(entry -> entry.messageBody().getBytes(StandardCharsets.UTF_8).length).toList())
                .toList();
    }

    @Override
    protected Limits limits() {
        return new Limits(SqsIntentLog.MAX_ENTRIES_PER_CALL, SqsIntentLog.MAX_BYTES_PER_CALL, 256 * 1024);
    }

    @Override
    protected boolean ordersPerEntity() {
        return false;
    }

    @Override
    protected boolean refusesOneEntry() {
        return false;
    }

    @Override
    protected Intent refusedUntilAccepted() {
        throw new UnsupportedOperationException("ElasticMQ cannot refuse one entry of a call");
    }

    @Override
    protected void acceptTheRefused() {
        throw new UnsupportedOperationException("ElasticMQ cannot refuse one entry of a call");
    }
}
