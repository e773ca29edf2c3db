package dev.wail.consumer.poison;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.wail.consumer.deadletter.DeadLetter;
import dev.wail.consumer.deadletter.DeadLetterMessage;
import dev.wail.consumer.deadletter.DeadLetterQueue;
import dev.wail.consumer.deadletter.DeadLetterRecorder;
import dev.wail.consumer.postgres.ConsumerSchema;
import dev.wail.consumer.handler.SqsConsumerHandler;
import dev.wail.consumer.metrics.ConsumerMetrics;
import dev.wail.core.pipeline.ConsumerPipeline;
import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.embedded.TestData;
import dev.wail.emulation.mapping.LambdaEvents;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Poison messages on an SQS API ({@link PoisonQueues}; ElasticMQ and moto_server in the subclasses): a message the
 * consumer rejects goes to the dead-letter queue in the invocation that rejected it, with its reason, table, original
 * message id, receive count and original attributes as message attributes, and is acknowledged; good neighbours are
 * processed; a packed message rejected in part sends only its rejected intents there; a FIFO dead letter keeps its
 * group; a dead letter that cannot be sent is reported failed.
 */
abstract class PoisonMessagesTest {

    private static final String MALFORMED = "{not json";
    private static final String MALFORMED_REASON = "malformed intent: malformed JSON at line 1, column 2: Unexpected"
            + " character ('n' (code 110)): was expecting double-quote to start field name";
    private static final String UNCONFIGURED = "{\"v\":1,\"s\":\"shop\",\"t\":\"poison.nowhere\",\"k\":{\"id\":1},\"c\":1}";

    /** What the producer, or a person, put on the original messages: every SQS data type, custom types too. */
    private static final Map<String, MessageAttributeValue> ORIGINAL = Map.of(
            "trace-id", string("String", "Root=1-5759e988-bd862e3fe1be46a994272793"),
            "tenant", string("String", "acme"),
            "priority", string("Number", "7"),
            "schema.version", string("Number.int", "1"),
            "origin", string("String.json", "{\"hook\":\"aurora\"}"),
            "checksum", MessageAttributeValue.builder().dataType("Binary")
                    .binaryValue(SdkBytes.fromByteArray(new byte[] {1, 2, 3, (byte) 0xff})).build());

    @Inject
    ConsumerPipeline pipeline;

    @Inject
    DeadLetterRecorder recorder;

    @Inject
    ConsumerSchema schema;

    @Inject
    ConsumerMetrics metrics;

    @ConfigProperty(name = "test.wail.jdbc-url")
    String jdbcUrl;

    @ConfigProperty(name = "test.wail.sqs-endpoint")
    URI sqsEndpoint;

    @ConfigProperty(name = "test.poison.queue-url")
    String queueUrl;

    @ConfigProperty(name = "wail.consumer.dead-letter-queue-url")
    String dlqUrl;

    @ConfigProperty(name = "quarkus.lambda.mock-event-server.test-port")
    int lambdaPort;

    private SqsClient sqs;

    @BeforeEach
    void setUp() {
        sqs = EmbeddedSqsServer.clientFor(sqsEndpoint);
        sqs.purgeQueue(b -> b.queueUrl(queueUrl));
        sqs.purgeQueue(b -> b.queueUrl(dlqUrl));
        TestData.execute(jdbcUrl, """
                DROP SCHEMA IF EXISTS poison CASCADE;
                CREATE SCHEMA poison;
                CREATE SCHEMA IF NOT EXISTS read_model;
                CREATE TABLE poison.items (id bigint PRIMARY KEY, status text NOT NULL);
                INSERT INTO poison.items VALUES (1, 'one'), (2, 'two');
                DROP TABLE IF EXISTS read_model.poison_items;
                CREATE TABLE read_model.poison_items (id bigint PRIMARY KEY, status text);
                DELETE FROM wail.dead_letters;
                """);
    }

    @AfterEach
    void tearDown() {
        sqs.close();
    }

    @Test
    void rejectedMessagesLandInTheDeadLetterQueueInOneInvocationWithTheirReasonAndAttributes() {
        List<String> bodies = List.of(item(1), MALFORMED, UNCONFIGURED, item(2));
        bodies.forEach(body -> sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body)
                .messageAttributes(ORIGINAL)));
        List<Message> received = receiveAll(queueUrl);
        assertThat(received).extracting(Message::body).containsExactlyInAnyOrderElementsOf(bodies);

        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<String> failed = printedTo(printed, () -> given().contentType(ContentType.JSON)
                .body(LambdaEvents.sqsEvent(PoisonQueues.QUEUE, received))
                .when().post("http://localhost:" + lambdaPort + "/_lambda_")
                .then().statusCode(200).extract().jsonPath().getList("batchItemFailures.itemIdentifier"));

        assertThat(failed).isEmpty();
        deleteAcknowledged(queueUrl, received, failed); // what the event source mapping does with the response
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes().values())
                .containsOnly("0");
        assertThat(TestData.queryString(jdbcUrl,
                "SELECT jsonb_agg(to_jsonb(r) ORDER BY id)::text FROM read_model.poison_items r"))
                .isEqualTo("[{\"id\": 1, \"status\": \"one\"}, {\"id\": 2, \"status\": \"two\"}]");

        List<Message> dead = receiveAll(dlqUrl);
        assertThat(dead).extracting(Message::body).containsExactlyInAnyOrder(MALFORMED, UNCONFIGURED);
        Map<String, String> malformed = described(ORIGINAL);
        malformed.put(DeadLetterMessage.REASON, "String " + MALFORMED_REASON);
        malformed.put(DeadLetterMessage.MESSAGE_ID, "String " + idOf(received, MALFORMED));
        malformed.put(DeadLetterMessage.RECEIVE_COUNT, "Number 1");
        assertThat(described(withBody(dead, MALFORMED).messageAttributes())).isEqualTo(malformed);
        Map<String, String> unconfigured = described(ORIGINAL);
        unconfigured.put(DeadLetterMessage.REASON, "String table not configured: shop/poison.nowhere");
        unconfigured.put(DeadLetterMessage.TABLE, "String shop/poison.nowhere");
        unconfigured.put(DeadLetterMessage.MESSAGE_ID, "String " + idOf(received, UNCONFIGURED));
        unconfigured.put(DeadLetterMessage.RECEIVE_COUNT, "Number 1");
        assertThat(described(withBody(dead, UNCONFIGURED).messageAttributes())).isEqualTo(unconfigured)
                .hasSize(DeadLetterMessage.MAX_ATTRIBUTES);

        assertThat(deadLetters(PoisonQueues.QUEUE)).extracting(l -> l.messageId, l -> l.disposition, l -> l.reason)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(idOf(received, MALFORMED), DeadLetter.Disposition.REJECTED,
                                MALFORMED_REASON),
                        org.assertj.core.groups.Tuple.tuple(idOf(received, UNCONFIGURED),
                                DeadLetter.Disposition.REJECTED, "table not configured: shop/poison.nowhere"));
        String batchMetrics = printed.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains("\"Function\"")).findFirst().orElseThrow();
        assertThat(batchMetrics).contains("\"Rejected\":2", "\"DeadLettered\":2");
    }

    @Test
    void onAFifoQueueTheDeadLetterKeepsItsGroupAndNoLongerHoldsBackTheGroupsLaterMessages() {
        String fifoDlqUrl = sqs.createQueue(b -> b.queueName("poison-fifo-dlq.fifo")
                .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
        String fifoUrl = sqs.createQueue(b -> b.queueName("poison-fifo.fifo").attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true", QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true")))
                .queueUrl();
        String badKey = "{\"v\":1,\"s\":\"shop\",\"t\":\"poison.items\",\"k\":{\"id\":\"one\"},\"c\":1}";
        sqs.sendMessage(b -> b.queueUrl(fifoUrl).messageGroupId("g1").messageBody(badKey).messageAttributes(ORIGINAL));
        sqs.sendMessage(b -> b.queueUrl(fifoUrl).messageGroupId("g2").messageBody(item(2)));
        sqs.sendMessage(b -> b.queueUrl(fifoUrl).messageGroupId("g1").messageBody(item(1)));
        List<Message> received = receiveAll(fifoUrl);
        List<String> bodies = received.stream().map(Message::body).toList();
        assertThat(bodies).containsExactlyInAnyOrder(badKey, item(1), item(2));
        assertThat(bodies.indexOf(badKey)).isLessThan(bodies.indexOf(item(1)));

        SQSBatchResponse response = handlerSendingTo(fifoDlqUrl)
                .handleRequest(LambdaEvents.sqsEventObject("poison-fifo.fifo", received), null);

        assertThat(LambdaEvents.failedIds(response)).isEmpty();
        assertThat(TestData.queryString(jdbcUrl,
                "SELECT jsonb_agg(to_jsonb(r) ORDER BY id)::text FROM read_model.poison_items r"))
                .isEqualTo("[{\"id\": 1, \"status\": \"one\"}, {\"id\": 2, \"status\": \"two\"}]");
        Message dead = receiveAll(fifoDlqUrl).stream().collect(onlyOne());
        assertThat(dead.body()).isEqualTo(badKey);
        assertThat(dead.attributesAsStrings()).contains(entry("MessageGroupId", "g1"),
                entry("MessageDeduplicationId", idOf(received, badKey)));
        assertThat(described(dead.messageAttributes())).containsAllEntriesOf(described(ORIGINAL)).contains(
                entry(DeadLetterMessage.REASON, "String key of shop/poison.items{id=one}: column id is bigint: 'one' is"
                        + " not an integer"),
                entry(DeadLetterMessage.TABLE, "String shop/poison.items"));
    }

    @Test
    void aPackedMessageRejectedInPartIsAcknowledgedAndOnlyItsRejectedIntentsGoToTheDeadLetterQueue() {
        String packed = "[" + item(1) + "," + UNCONFIGURED + "," + item(2) + "]";
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(packed).messageAttributes(ORIGINAL));
        List<Message> received = receiveAll(queueUrl);

        List<String> failed = given().contentType(ContentType.JSON)
                .body(LambdaEvents.sqsEvent(PoisonQueues.QUEUE, received))
                .when().post("http://localhost:" + lambdaPort + "/_lambda_")
                .then().statusCode(200).extract().jsonPath().getList("batchItemFailures.itemIdentifier");

        assertThat(failed).as("the message is acknowledged: its good intents are done").isEmpty();
        assertThat(TestData.queryString(jdbcUrl,
                "SELECT jsonb_agg(to_jsonb(r) ORDER BY id)::text FROM read_model.poison_items r"))
                .isEqualTo("[{\"id\": 1, \"status\": \"one\"}, {\"id\": 2, \"status\": \"two\"}]");
        String rejectedOnly = IntentCodec.DEFAULT.encodeAll(List.of(IntentCodec.DEFAULT.decode(UNCONFIGURED)));
        String reason = "1 of 3 intents rejected (the others are done): table not configured: shop/poison.nowhere";
        Message dead = receiveAll(dlqUrl).stream().collect(onlyOne());
        assertThat(dead.body()).isEqualTo(rejectedOnly);
        Map<String, String> expected = described(ORIGINAL);
        expected.put(DeadLetterMessage.REASON, "String " + reason);
        expected.put(DeadLetterMessage.TABLE, "String shop/poison.nowhere");
        expected.put(DeadLetterMessage.MESSAGE_ID, "String " + received.get(0).messageId());
        expected.put(DeadLetterMessage.RECEIVE_COUNT, "Number 1");
        assertThat(described(dead.messageAttributes())).isEqualTo(expected);
        assertThat(deadLetters(PoisonQueues.QUEUE)).extracting(l -> l.messageId, l -> l.body, l -> l.disposition,
                l -> l.reason).containsExactly(org.assertj.core.groups.Tuple.tuple(received.get(0).messageId(),
                        rejectedOnly, DeadLetter.Disposition.REJECTED, reason));
    }

    @Test
    void aPackedMessageWithAnIntentToRetryIsRetriedWholeAndItsRejectedIntentsWaitUntilTheRestIsDone()
            throws Exception {
        List<Message> first;
        try (Connection writer = DriverManager.getConnection(jdbcUrl)) {
            writer.setAutoCommit(false);
            String transaction;
            try (Statement statement = writer.createStatement(); ResultSet row = statement.executeQuery(
                    "WITH u AS (UPDATE poison.items SET status = 'uno' WHERE id = 1 RETURNING 1)"
                            + " SELECT pg_current_xact_id()::text FROM u")) {
                row.next();
                transaction = row.getString(1);
            }
            String inProgress = "{\"v\":1,\"s\":\"shop\",\"t\":\"poison.items\",\"k\":{\"id\":1},\"o\":\"u\",\"x\":"
                    + transaction + ",\"l\":1,\"c\":1}";
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("[" + inProgress + "," + UNCONFIGURED + "]"));
            first = receiveAll(queueUrl);

            SQSBatchResponse response = handlerSendingTo(dlqUrl)
                    .handleRequest(LambdaEvents.sqsEventObject(PoisonQueues.QUEUE, first), null);

            assertThat(LambdaEvents.failedIds(response)).containsExactly(first.get(0).messageId());
            assertThat(receiveAll(dlqUrl)).as("nothing goes to the dead-letter queue while the message goes round")
                    .isEmpty();
            assertThat(deadLetters(PoisonQueues.QUEUE)).isEmpty();
            writer.commit();
        }
        sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(first.get(0).receiptHandle())
                .visibilityTimeout(0));
        List<Message> again = receiveAll(queueUrl);
        assertThat(again).extracting(Message::messageId).containsExactly(first.get(0).messageId());

        SQSBatchResponse response = handlerSendingTo(dlqUrl)
                .handleRequest(LambdaEvents.sqsEventObject(PoisonQueues.QUEUE, again), null);

        assertThat(LambdaEvents.failedIds(response)).isEmpty();
        assertThat(TestData.queryString(jdbcUrl, "SELECT jsonb_agg(to_jsonb(r))::text FROM read_model.poison_items r"))
                .isEqualTo("[{\"id\": 1, \"status\": \"uno\"}]");
        Message dead = receiveAll(dlqUrl).stream().collect(onlyOne());
        assertThat(dead.body()).isEqualTo(IntentCodec.DEFAULT.encodeAll(List.of(
                IntentCodec.DEFAULT.decode(UNCONFIGURED))));
        assertThat(described(dead.messageAttributes())).contains(
                entry(DeadLetterMessage.REASON, "String 1 of 2 intents rejected (the others are done): table not"
                        + " configured: shop/poison.nowhere"),
                entry(DeadLetterMessage.RECEIVE_COUNT, "Number 2"));
    }

    @Test
    void aDeadLetterThatCannotBeSentIsReportedFailedAndStaysOnTheSourceQueue() {
        String missingDlq = dlqUrl.substring(0, dlqUrl.lastIndexOf('/') + 1) + "no-such-dlq";
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(MALFORMED).messageAttributes(ORIGINAL));
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(item(1)));
        List<Message> received = receiveAll(queueUrl);

        SQSBatchResponse response = handlerSendingTo(missingDlq)
                .handleRequest(LambdaEvents.sqsEventObject(PoisonQueues.QUEUE, received), null);

        assertThat(LambdaEvents.failedIds(response)).containsExactly(idOf(received, MALFORMED));
        deleteAcknowledged(queueUrl, received, LambdaEvents.failedIds(response));
        assertThat(sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributesAsStrings())
                .containsEntry("ApproximateNumberOfMessagesNotVisible", "1");
        assertThat(receiveAll(dlqUrl)).isEmpty();
        assertThat(deadLetters(PoisonQueues.QUEUE)).singleElement().satisfies(letter -> {
            assertThat(letter.messageId).isEqualTo(idOf(received, MALFORMED));
            assertThat(letter.reason).isEqualTo(MALFORMED_REASON);
        });
        assertThat(TestData.queryString(jdbcUrl, "SELECT jsonb_agg(to_jsonb(r))::text FROM read_model.poison_items r"))
                .isEqualTo("[{\"id\": 1, \"status\": \"one\"}]");
    }

    @Test
    void poisonMessagesAtSqsLimitsLandWithTheReasonCutAndAttributesLeftOutToFit() {
        String huge = "[" + "x".repeat(DeadLetterMessage.MAX_MESSAGE_BYTES - 64 - attributeBytes(ORIGINAL));
        String longKey = "7".repeat(2000) + "x";
        String badKey = "{\"v\":1,\"s\":\"shop\",\"t\":\"poison.items\",\"k\":{\"id\":\"" + longKey + "\"},\"c\":1}";
        List.of(huge, badKey).forEach(body -> sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body)
                .messageAttributes(ORIGINAL)));
        List<Message> received = receiveAll(queueUrl);

        SQSBatchResponse response = handlerSendingTo(dlqUrl)
                .handleRequest(LambdaEvents.sqsEventObject(PoisonQueues.QUEUE, received), null);

        assertThat(LambdaEvents.failedIds(response)).isEmpty();
        List<Message> dead = receiveAll(dlqUrl);
        Map<String, String> forHuge = described(withBody(dead, huge).messageAttributes());
        assertThat(forHuge).containsEntry(DeadLetterMessage.MESSAGE_ID, "String " + idOf(received, huge))
                .containsKey(DeadLetterMessage.REASON).doesNotContainKey("origin");
        assertThat(forHuge.get(DeadLetterMessage.REASON)).startsWith("String malformed intent:");
        Map<String, String> forLongKey = described(withBody(dead, badKey).messageAttributes());
        assertThat(forLongKey).containsAllEntriesOf(described(ORIGINAL))
                .containsEntry(DeadLetterMessage.TABLE, "String shop/poison.items");
        assertThat(forLongKey.get(DeadLetterMessage.REASON)).startsWith("String key of shop/poison.items{id=7777")
                .endsWith(DeadLetterMessage.CUT).hasSizeLessThanOrEqualTo(7 + DeadLetterMessage.REASON_MAX_BYTES);
        assertThat(deadLetters(PoisonQueues.QUEUE)).filteredOn(l -> l.body.equals(badKey)).singleElement()
                .extracting(l -> l.reason).asString()
                .startsWith("key of shop/poison.items{id=" + longKey + "}: column id is bigint");
    }

    private static int attributeBytes(Map<String, MessageAttributeValue> attributes) {
        return attributes.entrySet().stream().mapToInt(e -> e.getKey().length() + e.getValue().dataType().length()
                + (e.getValue().binaryValue() != null ? e.getValue().binaryValue().asByteArray().length
                        : e.getValue().stringValue().getBytes(StandardCharsets.UTF_8).length)).sum();
    }

    /** The function's handler with another dead-letter queue (the application has one, from its configuration). */
    private SqsConsumerHandler handlerSendingTo(String deadLetterQueueUrl) {
        return new SqsConsumerHandler(pipeline, schema, recorder, metrics, PoisonQueues.MAX_RECEIVE_COUNT,
                Optional.of(new DeadLetterQueue(sqs, deadLetterQueueUrl)));
    }

    private static String item(int id) {
        return "{\"v\":1,\"s\":\"shop\",\"t\":\"poison.items\",\"k\":{\"id\":" + id + "},\"o\":\"u\",\"c\":1}";
    }

    private static MessageAttributeValue string(String type, String value) {
        return MessageAttributeValue.builder().dataType(type).stringValue(value).build();
    }

    /** Attributes as "type value" (binary values in base64), sorted by name: comparable whatever the SDK built. */
    private static Map<String, String> described(Map<String, MessageAttributeValue> attributes) {
        Map<String, String> described = new TreeMap<>();
        attributes.forEach((name, value) -> described.put(name, value.dataType() + " " + (value.binaryValue() != null
                ? Base64.getEncoder().encodeToString(value.binaryValue().asByteArray()) : value.stringValue())));
        return described;
    }

    private static String idOf(List<Message> messages, String body) {
        return withBody(messages, body).messageId();
    }

    private static Message withBody(List<Message> messages, String body) {
        return messages.stream().filter(m -> m.body().equals(body)).collect(onlyOne());
    }

    private static java.util.stream.Collector<Message, ?, Message> onlyOne() {
        return java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(), list -> {
            assertThat(list).hasSize(1);
            return list.get(0);
        });
    }

    private List<Message> receiveAll(String url) {
        List<Message> messages = new ArrayList<>();
        List<Message> received;
        do {
            received = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All"))
                    .messages();
            messages.addAll(received);
        } while (!received.isEmpty());
        return messages;
    }

    /** Lambda's event source mapping deletes the messages of a batch that the response does not name. */
    private void deleteAcknowledged(String url, List<Message> batch, List<String> failed) {
        batch.stream().filter(m -> !failed.contains(m.messageId()))
                .forEach(m -> sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle())));
    }

    private static <T> T printedTo(ByteArrayOutputStream printed, Supplier<T> invocation) {
        PrintStream original = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            return invocation.get();
        } finally {
            System.setOut(original);
        }
    }

    private static List<DeadLetter> deadLetters(String queue) {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> DeadLetter.<DeadLetter>find(
                    "log = ?1 order by lastSeenAt desc, id desc", EmbeddedSqsServer.queueArn(queue)).list()));
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
