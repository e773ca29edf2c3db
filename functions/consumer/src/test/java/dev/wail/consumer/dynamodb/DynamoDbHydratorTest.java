package dev.wail.consumer.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.EntityState;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.embedded.EmbeddedDynamoDbServer;
import dev.wail.embedded.EmbeddedDynamoDbServer.KeyAttribute;
import dev.wail.testing.RealServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** The DynamoDB hydrator against DynamoDB Local: batching, request order, absent items, every attribute type. */
@RealServices
class DynamoDbHydratorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> LINE_COLUMNS = List.of("order", "line", "sku", "qty", "price", "gift", "note",
            "tags", "sizes", "photos", "dims", "history", "thumbnail");

    private final EmbeddedDynamoDbServer server;
    private final DynamoDbClient dynamodb;
    private final BatchGetRecorder batchGets = new BatchGetRecorder();
    private DynamoDbAsyncClient async;

    DynamoDbHydratorTest(EmbeddedDynamoDbServer server) {
        this.server = server;
        this.dynamodb = server.client();
    }

    @BeforeEach
    void connect() {
        async = batchGets.client(server.endpoint());
    }

    @AfterEach
    void disconnect() {
        async.close();
    }

    @Test
    void twoHundredFiftyItemsComeBackInRequestOrderFromThreeCallsAndMissingOnesAreAbsent() throws Exception {
        EmbeddedDynamoDbServer.createTable(dynamodb, "order_lines", null,
                new KeyAttribute("order", ScalarAttributeType.S), new KeyAttribute("line", ScalarAttributeType.N));
        List<Map<String, AttributeValue>> items = IntStream.range(0, 250).mapToObj(DynamoDbHydratorTest::line).toList();
        write("order_lines", items);
        List<EntityKey> keys = new ArrayList<>(IntStream.range(0, 250).mapToObj(DynamoDbHydratorTest::lineKey).toList());
        Collections.shuffle(keys, new Random(7));
        keys.add(17, lineKey(1000));
        keys.add(101, lineKey(1001));
        keys.add(lineKey(1002));

        List<EntityState> states = hydrator(3).read(binding("order_lines", List.of("order", "line"), LINE_COLUMNS), keys)
                .await().atMost(Duration.ofSeconds(30));

        assertThat(states).extracting(EntityState::key).containsExactlyElementsOf(keys);
        for (EntityState state : states) {
            int n = lineNumber(state.key());
            if (n >= 250) {
                assertThat(state.exists()).as("line %d was never written", n).isFalse();
            } else {
                assertThat(JSON.readTree(state.document())).as("line %d", n).isEqualTo(expectedLine(n));
            }
        }
        assertThat(batchGets.keysPerCall()).containsExactlyInAnyOrder(100, 100, 53);
        System.out.println("BatchGetItem calls for " + keys.size() + " keys: " + batchGets.keysPerCall());
    }

    @Test
    void numberAndBinaryKeysAreReadBackFromTheProducersForms() throws Exception {
        EmbeddedDynamoDbServer.createTable(dynamodb, "ledger", null, new KeyAttribute("account", ScalarAttributeType.N));
        EmbeddedDynamoDbServer.createTable(dynamodb, "blobs", null, new KeyAttribute("digest", ScalarAttributeType.B));
        for (String account : List.of("7", "12345678901234567890123", "2.50")) {
            dynamodb.putItem(b -> b.tableName("ledger").item(Map.of("account", n(account), "owner", s("ada-" + account))));
        }
        dynamodb.putItem(b -> b.tableName("blobs").item(Map.of(
                "digest", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, 1, -2, 127})), "size", n("4"))));

        List<EntityState> ledger = hydrator(3).read(binding("ledger", List.of("account"), List.of("account", "owner")),
                List.of(EntityKey.of("account", 7L), EntityKey.of("account", "12345678901234567890123"),
                        EntityKey.of("account", "2.5"), EntityKey.of("account", 8L)))
                .await().atMost(Duration.ofSeconds(30));
        List<EntityState> blobs = hydrator(3).read(binding("blobs", List.of("digest"), List.of("digest", "size")),
                List.of(EntityKey.of("digest", "AAH+fw=="))).await().atMost(Duration.ofSeconds(30));

        assertThat(ledger).extracting(EntityState::document).containsExactly(
                "{\"account\":7,\"owner\":\"ada-7\"}",
                "{\"account\":12345678901234567890123,\"owner\":\"ada-12345678901234567890123\"}",
                "{\"account\":2.5,\"owner\":\"ada-2.50\"}",
                null);
        assertThat(blobs).extracting(EntityState::document).containsExactly("{\"digest\":\"AAH+fw==\",\"size\":4}");
    }

    @Test
    void keysThatAreNotTheTablesKeyFailTheReadNamingBoth() {
        EmbeddedDynamoDbServer.createTable(dynamodb, "accounts", null, new KeyAttribute("id", ScalarAttributeType.S));
        DynamoDbHydrator hydrator = hydrator(3);

        assertThatThrownBy(() -> hydrator.read(binding("accounts", List.of("name"), List.of("name")),
                List.of(EntityKey.of("name", "x"))).await().atMost(Duration.ofSeconds(30)))
                .hasMessage("shop/accounts: configured key columns [name] are not the key of DynamoDB table "
                        + "accounts [id (S)]");
        assertThatThrownBy(() -> hydrator.read(binding("accounts", List.of("id"), List.of("id")),
                List.of(EntityKey.of("uuid", "x"))).await().atMost(Duration.ofSeconds(30)))
                .hasMessage("key {uuid=x} does not name the attributes of DynamoDB table accounts's key [id (S)]");
    }

    @Test
    void keysLeftUnprocessedAreAskedAgainAndFailTheReadWhenAttemptsRunOut() {
        // 50 items of ~390 KB are ~19 MB, over BatchGetItem's 16 MB response limit: DynamoDB answers part of the
        // keys and returns the rest as UnprocessedKeys.
        EmbeddedDynamoDbServer.createTable(dynamodb, "photos", null, new KeyAttribute("id", ScalarAttributeType.N));
        String payload = "x".repeat(390 * 1024);
        List<EntityKey> keys = new ArrayList<>();
        for (long id = 0; id < 50; id++) {
            long current = id;
            dynamodb.putItem(b -> b.tableName("photos").item(Map.of("id", n(Long.toString(current)), "data", s(payload))));
            keys.add(EntityKey.of("id", id));
        }
        TableBinding photos = binding("photos", List.of("id"), List.of("id", "data"));

        List<EntityState> states = hydrator(5).read(photos, keys).await().atMost(Duration.ofSeconds(60));

        assertThat(states).allSatisfy(state -> assertThat(state.document())
                .isEqualTo("{\"data\":\"" + payload + "\",\"id\":" + state.key().value(0) + "}"));
        assertThat(batchGets.keysPerCall()).hasSizeGreaterThan(1).first().isEqualTo(50);
        batchGets.takeCalls();
        assertThatThrownBy(() -> hydrator(1).read(photos, keys).await().atMost(Duration.ofSeconds(60)))
                .hasMessageMatching("shop/photos: \\d+ keys still unprocessed by DynamoDB after 1 BatchGetItem calls");
    }

    private DynamoDbHydrator hydrator(int attempts) {
        return new DynamoDbHydrator(async, attempts, Duration.ofMillis(5));
    }

    private static TableBinding binding(String table, List<String> keyColumns, List<String> columns) {
        return new TableBinding("shop", table, keyColumns, columns, Optional.empty(), "read_model." + table);
    }

    private void write(String table, List<Map<String, AttributeValue>> items) {
        for (int from = 0; from < items.size(); from += 25) {
            List<WriteRequest> puts = items.subList(from, Math.min(from + 25, items.size())).stream()
                    .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build())
                    .toList();
            assertThat(dynamodb.batchWriteItem(b -> b.requestItems(Map.of(table, puts))).unprocessedItems()).isEmpty();
        }
    }

    /** Line {@code n}: a composite key and one attribute of every DynamoDB type. */
    private static Map<String, AttributeValue> line(int n) {
        return Map.ofEntries(
                Map.entry("order", s("O-" + n / 10)),
                Map.entry("line", n(Integer.toString(n % 10))),
                Map.entry("sku", s("sku-" + n)),
                Map.entry("qty", n(Integer.toString(n))),
                Map.entry("price", n(n + ".50")),
                Map.entry("gift", AttributeValue.fromBool(n % 2 == 0)),
                Map.entry("note", AttributeValue.fromNul(true)),
                Map.entry("tags", AttributeValue.fromSs(List.of("tea", "blue"))),
                Map.entry("sizes", AttributeValue.fromNs(List.of("10", "2.5"))),
                Map.entry("photos", AttributeValue.fromBs(List.of(SdkBytes.fromByteArray(new byte[] {2}),
                        SdkBytes.fromByteArray(new byte[] {1})))),
                Map.entry("dims", AttributeValue.fromM(Map.of("w", n("3"), "h", n("4"), "unit", s("cm")))),
                Map.entry("history", AttributeValue.fromL(List.of(s("new"), n("1"), AttributeValue.fromBool(true)))),
                Map.entry("thumbnail", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {(byte) n, -1}))));
    }

    /** What line {@code n} must look like as a document, written independently of the code under test. */
    private static JsonNode expectedLine(int n) {
        ObjectNode line = JSON.createObjectNode()
                .put("order", "O-" + n / 10).put("line", n % 10).put("sku", "sku-" + n).put("qty", n)
                .put("price", n + 0.5).put("gift", n % 2 == 0).putNull("note")
                .put("thumbnail", java.util.Base64.getEncoder().encodeToString(new byte[] {(byte) n, -1}));
        line.putArray("tags").add("blue").add("tea");
        line.putArray("sizes").add(2.5).add(10);
        line.putArray("photos").add("AQ==").add("Ag==");
        line.putObject("dims").put("h", 4).put("unit", "cm").put("w", 3);
        line.putArray("history").add("new").add(1).add(true);
        return line;
    }

    private static EntityKey lineKey(int n) {
        return EntityKey.builder().add("line", (long) (n % 10)).add("order", "O-" + n / 10).build();
    }

    private static int lineNumber(EntityKey key) {
        String order = (String) key.value(key.columns().indexOf("order"));
        long line = (Long) key.value(key.columns().indexOf("line"));
        return Integer.parseInt(order.substring(2)) * 10 + (int) line;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }
}
