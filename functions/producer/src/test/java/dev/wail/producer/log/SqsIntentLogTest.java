package dev.wail.producer.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.log.IntentLog.AppendResult;
import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.embedded.TestData;
import dev.wail.embedded.TestData;
import dev.wail.testing.CallRecorder;
import dev.wail.testing.RealServices;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;

/**
 * What is specific to the SQS intent log, against a real SQS API (ElasticMQ), every call recorded: FIFO deduplication
 * and groups, packed bodies as JSON arrays, a refused call. What every log promises (limits, packing, order) is in
 * {@link IntentLogContract}. Grouping by entity and the 10-entry limit are covered through the outbox drain in
 * {@code OutboxDrainTest}.
 */
@RealServices
class SqsIntentLogTest {

    private final EmbeddedSqsServer sqs;
    private final CallRecorder calls = new CallRecorder();
    private SqsClient client;
    private String queueName;

    SqsIntentLogTest(EmbeddedSqsServer sqs) {
        this.sqs = sqs;
    }

    @BeforeEach
    void setUp(TestInfo test) {
        client = sqs.newClient(calls);
        queueName = "log-" + test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private SqsIntentLog log(String queueUrl, int intentsPerMessage) {
        return new SqsIntentLog(client, queueUrl, new RetryPolicy(3, Duration.ofMillis(10)), intentsPerMessage);
    }

    private List<Message> receiveAll(String queueUrl) {
        return TestData.receiveAll(sqs.client(), queueUrl);
    }

    private static List<Intent> intentsOf(List<Message> messages) {
        return messages.stream().flatMap(m -> IntentCodec.DEFAULT.decodeAll(m.body()).stream()).toList();
    }

    @Test
    void aFifoQueueDeliversAnIntentSentTwiceOnce() {
        String queue = sqs.createQueue(queueName + ".fifo");
        SqsIntentLog log = log(queue, 1);
        Intent paid = TestIntents.order(1, Operation.UPDATE, 10);

        assertThat(log.append(List.of(paid)).accepted()).isTrue();
        assertThat(log.append(List.of(paid, TestIntents.order(2, Operation.INSERT, 11))).accepted()).isTrue();

        assertThat(intentsOf(receiveAll(queue)))
                .containsExactlyInAnyOrder(paid, TestIntents.order(2, Operation.INSERT, 11));
    }

    @Test
    void packedMessagesAreJsonArraysTheConsumerDecodesBackInOrder() {
        String queue = sqs.createQueue(queueName);
        List<Intent> intents = TestIntents.inserts(120);

        AppendResult result = log(queue, 50).append(intents);

        assertThat(result).isEqualTo(AppendResult.allAccepted());
        assertThat(calls.requests(SendMessageBatchRequest.class)).hasSize(1);
        List<Message> messages = receiveAll(queue);
        assertThat(messages).extracting(m -> IntentCodec.DEFAULT.decodeAll(m.body()).size())
                .containsExactlyInAnyOrder(50, 50, 20);
        assertThat(messages).allSatisfy(m -> assertThat(m.body()).startsWith("[{").endsWith("}]"));
        assertThat(messages).allSatisfy(m -> {
            List<Long> ids = IntentCodec.DEFAULT.decodeAll(m.body()).stream()
                    .map(i -> (Long) i.key().value(0)).toList();
            assertThat(ids).isSorted();
        });
        assertThat(intentsOf(messages)).containsExactlyInAnyOrderElementsOf(intents);
    }

    @Test
    void aFifoQueuePacksOnlyIntentsOfTheSameEntityInTheirOrder() {
        String queue = sqs.createQueue(queueName + ".fifo");
        Intent a1 = TestIntents.order(1, Operation.INSERT, 1);
        Intent b1 = TestIntents.order(2, Operation.INSERT, 2);
        Intent a2 = TestIntents.order(1, Operation.UPDATE, 3);
        Intent c1 = TestIntents.order(3, Operation.INSERT, 4);
        Intent a3 = TestIntents.order(1, Operation.DELETE, 5);
        Intent b2 = TestIntents.order(2, Operation.DELETE, 6);

        assertThat(log(queue, 10).append(List.of(a1, b1, a2, c1, a3, b2)).accepted()).isTrue();

        List<Message> messages = receiveAll(queue);
        assertThat(messages).extracting(m -> IntentCodec.DEFAULT.decodeAll(m.body()))
                .containsExactlyInAnyOrder(List.of(a1, a2, a3), List.of(b1, b2), List.of(c1));
        assertThat(messages).allSatisfy(m -> assertThat(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
                .isEqualTo(IntentCodec.entityId(IntentCodec.DEFAULT.decodeAll(m.body()).get(0).entity())));
        assertThat(messages).extracting(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID))
                .doesNotHaveDuplicates().contains(IntentCodec.idOf(c1));
    }

    @Test
    void aPackedBatchSentTwiceIsDeliveredOnceOnFifo() {
        String queue = sqs.createQueue(queueName + ".fifo");
        List<Intent> hotRow = List.of(TestIntents.order(9, Operation.INSERT, 1), TestIntents.order(9, Operation.UPDATE, 2));
        SqsIntentLog log = log(queue, 10);

        log.append(hotRow);
        log.append(hotRow);

        assertThat(receiveAll(queue)).extracting(m -> IntentCodec.DEFAULT.decodeAll(m.body())).containsExactly(hotRow);
    }

    @Test
    void everyIntentOfAMessageTheQueueRefusesIsReportedFailed() {
        // A queue that does not exist refuses every call: the positions of all packed intents come back.
        String missing = sqs.endpoint() + "/" + EmbeddedSqsServer.ACCOUNT + "/no-such-queue";
        SqsIntentLog log = new SqsIntentLog(client, missing, new RetryPolicy(2, Duration.ZERO), 4);

        AppendResult result = log.append(TestIntents.inserts(10));

        assertThat(result.failedIndexes()).containsExactlyElementsOf(IntStream.range(0, 10).boxed().toList());
        assertThat(result.firstError()).isNotBlank();
        assertThat(calls.requests(SendMessageBatchRequest.class)).hasSize(2)
                .allSatisfy(r -> assertThat(r.entries()).hasSize(3));
    }
}
