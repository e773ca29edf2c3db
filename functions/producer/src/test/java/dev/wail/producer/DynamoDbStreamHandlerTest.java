package dev.wail.producer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.EmbeddedDynamoDbServer;
import dev.wail.embedded.EmbeddedDynamoDbServer.KeyAttribute;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.embedded.LocalAws;
import dev.wail.embedded.TestData;
import dev.wail.emulation.mapping.LambdaEvents;
import dev.wail.testing.DynamoDbResource;
import dev.wail.testing.RealServicesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The deployed {@code dynamodb-stream} handler, invoked the way a Lambda event source mapping invokes it: items are
 * written to DynamoDB Local, their stream records read back with the Streams API, turned into the DynamodbEvent JSON
 * Lambda sends, and posted to the function; the intents must arrive on a real FIFO queue (ElasticMQ).
 */
@QuarkusTest
@TestProfile(DynamoDbStreamHandlerTest.StreamHandlerProfile.class)
@QuarkusTestResource(RealServicesResource.class)
@QuarkusTestResource(value = DynamoDbResource.class, restrictToAnnotatedClass = true)
class DynamoDbStreamHandlerTest {

    static final String QUEUE = "dynamodb-intents.fifo";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Selects the handler, names the source, and sends intents to a FIFO queue the tests create. */
    public static class StreamHandlerProfile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.lambda.handler", "dynamodb-stream",
                    "wail.producer.dynamodb.source", "shop",
                    "wail.producer.queue-url", "${test.wail.sqs-endpoint}/" + LocalAws.ACCOUNT + "/" + QUEUE);
        }
    }

    @ConfigProperty(name = "test.wail.sqs-endpoint")
    URI sqsEndpoint;

    @ConfigProperty(name = "test.wail.dynamodb-endpoint")
    URI dynamodbEndpoint;

    @ConfigProperty(name = "wail.producer.queue-url")
    String queueUrl;

    @ConfigProperty(name = "quarkus.lambda.mock-event-server.test-port")
    int lambdaPort;

    private SqsClient sqs;
    private DynamoDbClient dynamodb;
    private DynamoDbStreamsClient streams;

    @BeforeEach
    void connect() {
        sqs = EmbeddedSqsServer.clientFor(sqsEndpoint);
        String created = sqs.createQueue(b -> b.queueName(QUEUE).attributesWithStrings(Map.of("FifoQueue", "true")))
                .queueUrl();
        assertThat(created).isEqualTo(queueUrl);
        sqs.purgeQueue(b -> b.queueUrl(queueUrl));
        dynamodb = EmbeddedDynamoDbServer.clientFor(dynamodbEndpoint);
        streams = EmbeddedDynamoDbServer.streamsClientFor(dynamodbEndpoint);
    }

    @AfterEach
    void disconnect() {
        sqs.close();
        dynamodb.close();
        streams.close();
    }

    @Test
    void everyChangeOfAKeysOnlyStreamArrivesAsItsIntent() {
        String stream = createTable("orders", StreamViewType.KEYS_ONLY, key("id", ScalarAttributeType.N));
        put("orders", Map.of("id", n("1"), "status", s("new")));
        put("orders", Map.of("id", n("12345678901234567890123"), "status", s("new")));
        put("orders", Map.of("id", n("2.50"), "status", s("new")));
        update("orders", Map.of("id", n("1")), "paid");
        delete("orders", Map.of("id", n("2.50")));
        List<Record> records = awaitRecords(stream, 5);

        invoke(LambdaEvents.dynamodbEvent(stream, records)).body("batchItemFailures", empty());

        List<Message> messages = TestData.receiveAndDeleteAll(sqs, queueUrl);
        assertThat(decode(messages)).containsExactlyInAnyOrder(
                intent("orders", EntityKey.of("id", 1L), Operation.INSERT, records.get(0)),
                intent("orders", EntityKey.of("id", "12345678901234567890123"), Operation.INSERT, records.get(1)),
                intent("orders", EntityKey.of("id", "2.5"), Operation.INSERT, records.get(2)),
                intent("orders", EntityKey.of("id", 1L), Operation.UPDATE, records.get(3)),
                intent("orders", EntityKey.of("id", "2.5"), Operation.DELETE, records.get(4)));
        // Packed by default, on FIFO only within one entity: the two changes of id 1 share a message, as do those of 2.5.
        assertThat(messages).hasSize(3).allSatisfy(message -> {
            List<Intent> packed = IntentCodec.DEFAULT.decodeAll(message.body());
            assertThat(packed).allSatisfy(intent -> assertThat(message.attributes()
                    .get(MessageSystemAttributeName.MESSAGE_GROUP_ID)).isEqualTo(IntentCodec.entityId(intent.entity())));
            if (packed.size() == 1) {
                assertThat(message.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID))
                        .isEqualTo(IntentCodec.idOf(packed.get(0)));
            }
        });
    }

    @Test
    void aCompositeKeyStreamWithImagesGivesKeysOnly() {
        String stream = createTable("order_lines", StreamViewType.NEW_AND_OLD_IMAGES,
                key("order", ScalarAttributeType.S), key("line", ScalarAttributeType.N));
        put("order_lines", Map.of("order", s("A-17"), "line", n("1"), "sku", s("tea")));
        put("order_lines", Map.of("order", s("A-17"), "line", n("2"), "sku", s("cup")));
        update("order_lines", Map.of("order", s("A-17"), "line", n("1")), "packed");
        delete("order_lines", Map.of("order", s("A-17"), "line", n("2")));
        List<Record> records = awaitRecords(stream, 4);
        assertThat(records.get(2).dynamodb().hasNewImage()).isTrue();

        invoke(LambdaEvents.dynamodbEvent(stream, records)).body("batchItemFailures", empty());

        EntityKey line1 = EntityKey.builder().add("line", 1L).add("order", "A-17").build();
        EntityKey line2 = EntityKey.builder().add("line", 2L).add("order", "A-17").build();
        assertThat(decode(TestData.receiveAndDeleteAll(sqs, queueUrl))).containsExactlyInAnyOrder(
                intent("order_lines", line1, Operation.INSERT, records.get(0)),
                intent("order_lines", line2, Operation.INSERT, records.get(1)),
                intent("order_lines", line1, Operation.UPDATE, records.get(2)),
                intent("order_lines", line2, Operation.DELETE, records.get(3)));
    }

    @Test
    void binaryKeysTravelAsBase64() {
        String stream = createTable("blobs", StreamViewType.KEYS_ONLY, key("digest", ScalarAttributeType.B));
        put("blobs", Map.of("digest", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, 1, -2, 127}))));
        List<Record> records = awaitRecords(stream, 1);

        invoke(LambdaEvents.dynamodbEvent(stream, records)).body("batchItemFailures", empty());

        assertThat(decode(TestData.receiveAndDeleteAll(sqs, queueUrl)))
                .containsExactly(intent("blobs", EntityKey.of("digest", "AAH+fw=="), Operation.INSERT, records.get(0)));
    }

    @Test
    void malformedRecordsAreSkippedAndTheirNeighboursStillArrive() throws Exception {
        String stream = createTable("customers", StreamViewType.KEYS_ONLY, key("email", ScalarAttributeType.S));
        for (String email : List.of("a@example.com", "b@example.com", "c@example.com", "d@example.com")) {
            put("customers", Map.of("email", s(email)));
        }
        List<Record> records = awaitRecords(stream, 4);
        ObjectNode event = (ObjectNode) JSON.readTree(LambdaEvents.dynamodbEvent(stream, records));
        ((ObjectNode) event.at("/Records/1/dynamodb")).remove("Keys");
        ((ObjectNode) event.at("/Records/2/dynamodb/Keys")).set("email", JSON.readTree("{\"BOOL\":true}"));

        invoke(event.toString()).body("batchItemFailures", empty());

        assertThat(decode(TestData.receiveAndDeleteAll(sqs, queueUrl))).containsExactlyInAnyOrder(
                intent("customers", EntityKey.of("email", "a@example.com"), Operation.INSERT, records.get(0)),
                intent("customers", EntityKey.of("email", "d@example.com"), Operation.INSERT, records.get(3)));
    }

    @Test
    void whenTheLogRefusesSomeIntentsTheStreamIsToldToRetryFromTheFirstOfThem() {
        // SQS refuses message bodies with characters outside its allowed set (U+FFFE is one) entry by entry, while
        // DynamoDB accepts them in a string key: a real, partial refusal.
        String stream = createTable("tags", StreamViewType.KEYS_ONLY, key("tag", ScalarAttributeType.S));
        for (String tag : List.of("ok-1", "refused-\uFFFE-1", "ok-2", "refused-\uFFFE-2")) {
            put("tags", Map.of("tag", s(tag)));
        }
        List<Record> records = awaitRecords(stream, 4);

        invoke(LambdaEvents.dynamodbEvent(stream, records))
                .body("batchItemFailures.itemIdentifier", equalTo(List.of(records.get(1).dynamodb().sequenceNumber())));

        assertThat(decode(TestData.receiveAndDeleteAll(sqs, queueUrl))).containsExactlyInAnyOrder(
                intent("tags", EntityKey.of("tag", "ok-1"), Operation.INSERT, records.get(0)),
                intent("tags", EntityKey.of("tag", "ok-2"), Operation.INSERT, records.get(2)));
    }

    @Test
    void anEventFromAnotherSourceFailsTheInvocationSayingWhatWasExpected() {
        JsonNode sqsEvent = JSON.createObjectNode().set("Records", JSON.createArrayNode().add(JSON.createObjectNode()
                .put("messageId", "m-1").put("body", "{}").put("eventSource", "aws:sqs")));

        given().contentType(ContentType.JSON).body(sqsEvent.toString())
                .when().post("http://localhost:" + lambdaPort + "/_lambda_")
                .then().statusCode(500)
                .body(containsString("expected a DynamoDB Streams record"))
                .body(containsString("got eventSource 'aws:sqs'"));
    }

    private ValidatableResponse invoke(String event) {
        return given().contentType(ContentType.JSON).body(event)
                .when().post("http://localhost:" + lambdaPort + "/_lambda_")
                .then().statusCode(200);
    }

    private String createTable(String table, StreamViewType view, KeyAttribute partitionKey, KeyAttribute... sortKey) {
        return EmbeddedDynamoDbServer.createTable(dynamodb, table, view, partitionKey, sortKey);
    }

    private List<Record> awaitRecords(String stream, int count) {
        List<Record> records = new ArrayList<>();
        await().untilAsserted(() -> {
            records.clear();
            records.addAll(EmbeddedDynamoDbServer.readStream(streams, stream));
            assertThat(records).hasSize(count);
        });
        return records;
    }

    private void put(String table, Map<String, AttributeValue> item) {
        dynamodb.putItem(b -> b.tableName(table).item(item));
    }

    private void update(String table, Map<String, AttributeValue> key, String status) {
        dynamodb.updateItem(b -> b.tableName(table).key(key).updateExpression("SET #s = :s")
                .expressionAttributeNames(Map.of("#s", "status")).expressionAttributeValues(Map.of(":s", s(status))));
    }

    private void delete(String table, Map<String, AttributeValue> key) {
        dynamodb.deleteItem(b -> b.tableName(table).key(key));
    }

    private static KeyAttribute key(String name, ScalarAttributeType type) {
        return new KeyAttribute(name, type);
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }

    private static List<Intent> decode(List<Message> messages) {
        return messages.stream().flatMap(m -> IntentCodec.DEFAULT.decodeAll(m.body()).stream()).toList();
    }

    /** The intent a record must become: what the test wrote, at the record's own sequence number and time. */
    private static Intent intent(String table, EntityKey key, Operation operation, Record record) {
        return new Intent("shop", table, key, operation, VersionHint.StreamSequence.of(record.dynamodb().sequenceNumber()),
                Instant.ofEpochSecond(record.dynamodb().approximateCreationDateTime().getEpochSecond()));
    }
}
