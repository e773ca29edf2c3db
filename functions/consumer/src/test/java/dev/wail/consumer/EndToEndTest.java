package dev.wail.consumer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;

import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.wire.IntentCodec;
import dev.wail.producer.log.SqsIntentLog;
import dev.wail.producer.outbox.DrainReport;
import dev.wail.producer.outbox.OutboxDrain;
import dev.wail.testing.EmbeddedSqsServer;
import dev.wail.testing.LambdaEvents;
import dev.wail.testing.RealServicesResource;
import dev.wail.testing.TestData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The whole path once, on real services: a PostgreSQL trigger, the producer's outbox drain, an SQS queue (ElasticMQ),
 * the consumer function invoked with a real {@code SQSEvent} through the Lambda mock event server, and the read model.
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
class EndToEndTest {

    private static final String QUEUE = RealServicesResource.QUEUE;

    @Inject
    Pool pool;

    @ConfigProperty(name = "test.wail.jdbc-url")
    String jdbcUrl;

    @ConfigProperty(name = "test.wail.sqs-endpoint")
    URI sqsEndpoint;

    @ConfigProperty(name = "quarkus.lambda.mock-event-server.test-port")
    int lambdaPort;

    @Test
    void aRowInsertedThenUpdatedReachesTheReadModelExactlyAsTheSourceHasIt() {
        execute(TestData.resource("/wail/hooks.sql"));
        execute("""
                DROP TABLE IF EXISTS public.orders;
                DROP SCHEMA IF EXISTS read_model CASCADE;
                CREATE TABLE public.orders (id bigint PRIMARY KEY, customer text NOT NULL, status text NOT NULL,
                                            total_cents bigint NOT NULL, updated_at timestamptz NOT NULL);
                CREATE SCHEMA read_model;
                CREATE TABLE read_model.orders (LIKE public.orders INCLUDING ALL);
                SELECT wail.capture('public.orders', source => 'shop');
                """);
        execute("INSERT INTO orders VALUES (1001, 'ada', 'new', 4200, '2026-11-25 10:00:00+00')");
        execute("UPDATE orders SET status = 'paid', total_cents = 4500, updated_at = '2026-11-25 10:00:03+00'"
                + " WHERE id = 1001");

        try (SqsClient sqs = EmbeddedSqsServer.clientFor(sqsEndpoint)) {
            String queueUrl = sqs.getQueueUrl(b -> b.queueName(QUEUE)).queueUrl();
            OutboxDrain drain = new OutboxDrain(pool, new SqsIntentLog(sqs, queueUrl, 3, Duration.ofMillis(10)), 100);
            assertThat(drain.drainOnce().await().indefinitely()).isEqualTo(new DrainReport(2, 2, 0, 0));

            List<Message> messages = TestData.receiveAll(sqs, queueUrl);
            assertThat(messages).extracting(m -> IntentCodec.DEFAULT.decode(m.body()))
                    .extracting(Intent::operation).containsExactlyInAnyOrder(Operation.INSERT, Operation.UPDATE);

            given().contentType(ContentType.JSON).body(LambdaEvents.sqsEvent(QUEUE, messages))
                    .when().post("http://localhost:" + lambdaPort + "/_lambda_")
                    .then().statusCode(200).body("batchItemFailures", empty());
            // What the event source mapping does with the messages the function did not report failed.
            messages.forEach(m -> sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle())));
        }

        assertThat(queryJson("SELECT to_jsonb(s)::text FROM read_model.orders s WHERE id = 1001"))
                .isEqualTo(queryJson("SELECT to_jsonb(o)::text FROM public.orders o WHERE id = 1001"))
                .contains("\"status\": \"paid\"", "\"total_cents\": 4500");
    }

    private void execute(String sql) {
        TestData.execute(jdbcUrl, sql);
    }

    private String queryJson(String sql) {
        return TestData.queryString(jdbcUrl, sql);
    }
}
