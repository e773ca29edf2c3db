package dev.wail.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.wail.consumer.handler.SqsConsumerHandler;
import dev.wail.embedded.EmbeddedDynamoDbServer;
import dev.wail.embedded.EmbeddedDynamoDbServer.KeyAttribute;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.embedded.TestData;
import dev.wail.emulation.mapping.LambdaEvents;
import dev.wail.testing.DynamoDbResource;
import dev.wail.testing.RealServicesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A DynamoDB source configured with {@code wail.sources.crm.kind=dynamodb}: intents as the DynamoDB Streams producer
 * writes them, delivered over ElasticMQ, hydrated from DynamoDB Local into the PostgreSQL read model, deletes included.
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
@QuarkusTestResource(DynamoDbResource.class)
class DynamoDbSourceTest {

    @Inject
    SqsConsumerHandler handler;

    @ConfigProperty(name = "test.wail.jdbc-url")
    String jdbcUrl;

    @ConfigProperty(name = "test.wail.sqs-endpoint")
    URI sqsEndpoint;

    @ConfigProperty(name = "test.wail.dynamodb-endpoint")
    URI dynamodbEndpoint;

    @Test
    void itemsReadFromDynamoDbReachTheReadModelAndADeletedItemLeavesIt() {
        TestData.execute(jdbcUrl, """
                CREATE SCHEMA IF NOT EXISTS read_model;
                DROP TABLE IF EXISTS read_model.people;
                CREATE TABLE read_model.people (id bigint PRIMARY KEY, name text, age int);
                """);
        String intent5 = "{\"v\":1,\"s\":\"crm\",\"t\":\"people\",\"k\":{\"id\":5},\"o\":\"i\",\"q\":\"100\",\"c\":1}";
        String intent6 = "{\"v\":1,\"s\":\"crm\",\"t\":\"people\",\"k\":{\"id\":6},\"o\":\"i\",\"q\":\"101\",\"c\":1}";
        try (DynamoDbClient dynamodb = EmbeddedDynamoDbServer.clientFor(dynamodbEndpoint);
                SqsClient sqs = EmbeddedSqsServer.clientFor(sqsEndpoint)) {
            EmbeddedDynamoDbServer.createTable(dynamodb, "people", null, new KeyAttribute("id", ScalarAttributeType.N));
            dynamodb.putItem(b -> b.tableName("people").item(Map.of("id", AttributeValue.fromN("5"),
                    "name", AttributeValue.fromS("ada"), "age", AttributeValue.fromN("36"),
                    "not_projected", AttributeValue.fromS("x"))));
            dynamodb.putItem(b -> b.tableName("people").item(Map.of("id", AttributeValue.fromN("6"),
                    "name", AttributeValue.fromS("alan"))));

            assertThat(LambdaEvents.failedIds(deliver(sqs, List.of(intent5, intent6)))).isEmpty();
            assertThat(readModel()).isEqualTo(
                    "[{\"id\": 5, \"age\": 36, \"name\": \"ada\"}, {\"id\": 6, \"age\": null, \"name\": \"alan\"}]");

            dynamodb.deleteItem(b -> b.tableName("people").key(Map.of("id", AttributeValue.fromN("6"))));
            String removed = "{\"v\":1,\"s\":\"crm\",\"t\":\"people\",\"k\":{\"id\":6},\"o\":\"d\",\"q\":\"102\",\"c\":2}";
            assertThat(LambdaEvents.failedIds(deliver(sqs, List.of(removed)))).isEmpty();
        }
        assertThat(readModel()).isEqualTo("[{\"id\": 5, \"age\": 36, \"name\": \"ada\"}]");
    }

    private SQSBatchResponse deliver(SqsClient sqs, List<String> bodies) {
        String queueUrl = sqs.createQueue(b -> b.queueName("crm-intents")).queueUrl();
        bodies.forEach(body -> sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body)));
        List<Message> messages = TestData.receiveAll(sqs, queueUrl);
        assertThat(messages).hasSize(bodies.size());
        return handler.handleRequest(LambdaEvents.sqsEventObject("crm-intents", messages), null);
    }


    private String readModel() {
        return TestData.queryString(jdbcUrl,
                "SELECT jsonb_agg(to_jsonb(p) ORDER BY id)::text FROM read_model.people p");
    }
}
