package dev.wail.consumer.dynamodb;

import dev.wail.consumer.HydrationContract;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.Hydrator;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.embedded.EmbeddedDynamoDbServer;
import dev.wail.embedded.EmbeddedDynamoDbServer.KeyAttribute;
import dev.wail.testing.RealServices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** The hydration contract for {@link DynamoDbHydrator} on DynamoDB Local; reads counted as BatchGetItem calls. */
@RealServices
class DynamoDbHydratorContractTest extends HydrationContract {

    private static final AtomicInteger TABLES = new AtomicInteger();

    private final EmbeddedDynamoDbServer server;
    private final DynamoDbClient dynamodb;
    private final BatchGetRecorder batchGets = new BatchGetRecorder();
    private DynamoDbAsyncClient async;
    private String table;

    DynamoDbHydratorContractTest(EmbeddedDynamoDbServer server) {
        this.server = server;
        this.dynamodb = server.client();
    }

    @BeforeEach
    void connect() {
        async = batchGets.client(server.endpoint());
        table = "items_" + TABLES.incrementAndGet();
        EmbeddedDynamoDbServer.createTable(dynamodb, table, null, new KeyAttribute("id", ScalarAttributeType.N));
    }

    @AfterEach
    void disconnect() {
        async.close();
    }

    @Override
    protected Hydrator hydrator() {
        return new DynamoDbHydrator(async, 3, Duration.ofMillis(5));
    }

    @Override
    protected TableBinding items(List<String> columns) {
        return binding(table, List.of("id"), columns);
    }

    @Override
    protected void put(List<Long> ids) {
        ids.forEach(id -> dynamodb.putItem(b -> b.tableName(table).item(Map.of("id", n(id.toString()),
                "name", AttributeValue.fromS("item-" + id), "qty", n(Long.toString(id % 5)),
                "note", AttributeValue.fromS("secret-" + id)))));
    }

    @Override
    protected int reads() {
        return batchGets.takeCalls();
    }

    /** String, number and binary hash keys, and a hash and range key. */
    @Override
    protected List<KeyTypes> keysOfEveryType() {
        int n = TABLES.incrementAndGet();
        EmbeddedDynamoDbServer.createTable(dynamodb, "typed_s_" + n, null, new KeyAttribute("k", ScalarAttributeType.S));
        EmbeddedDynamoDbServer.createTable(dynamodb, "typed_n_" + n, null, new KeyAttribute("k", ScalarAttributeType.N));
        EmbeddedDynamoDbServer.createTable(dynamodb, "typed_b_" + n, null, new KeyAttribute("k", ScalarAttributeType.B));
        EmbeddedDynamoDbServer.createTable(dynamodb, "typed_sn_" + n, null, new KeyAttribute("h", ScalarAttributeType.S),
                new KeyAttribute("r", ScalarAttributeType.N));
        dynamodb.putItem(b -> b.tableName("typed_s_" + n).item(Map.of("k", AttributeValue.fromS("o'brien"))));
        dynamodb.putItem(b -> b.tableName("typed_n_" + n).item(Map.of("k", n("12345678901234567890123"))));
        dynamodb.putItem(b -> b.tableName("typed_n_" + n).item(Map.of("k", n("-7"))));
        dynamodb.putItem(b -> b.tableName("typed_b_" + n).item(Map.of("k",
                AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, 1, -2, 127})))));
        dynamodb.putItem(b -> b.tableName("typed_sn_" + n).item(Map.of("h", AttributeValue.fromS("order-1"),
                "r", n("3"))));
        return List.of(
                new KeyTypes(binding("typed_s_" + n, List.of("k"), List.of("k")), List.of(EntityKey.of("k", "o'brien"))),
                new KeyTypes(binding("typed_n_" + n, List.of("k"), List.of("k")),
                        List.of(EntityKey.of("k", "12345678901234567890123"), EntityKey.of("k", -7L))),
                new KeyTypes(binding("typed_b_" + n, List.of("k"), List.of("k")), List.of(EntityKey.of("k", "AAH+fw=="))),
                new KeyTypes(binding("typed_sn_" + n, List.of("h", "r"), List.of("h", "r")),
                        List.of(EntityKey.builder().add("h", "order-1").add("r", 3L).build())));
    }

    private static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }
}
