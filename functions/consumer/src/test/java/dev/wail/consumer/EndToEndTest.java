package dev.wail.consumer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;

import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.embedded.TestData;
import dev.wail.emulation.mapping.LambdaEvents;
import dev.wail.lambda.logging.Trace;
import dev.wail.lambda.metrics.EmfEnvironment;
import dev.wail.producer.log.ObservedIntentLog;
import dev.wail.producer.log.SqsIntentLog;
import dev.wail.producer.metrics.ProducerMetrics;
import dev.wail.producer.outbox.DrainReport;
import dev.wail.producer.outbox.OutboxDrain;
import dev.wail.testing.EmfLines;
import dev.wail.testing.LogCapture;
import dev.wail.testing.RealServicesResource;
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
 * the consumer function invoked with a real {@code SQSEvent} through the Lambda mock event server, and the read model;
 * and the trace lines that let a person follow each change along that path by its intent id.
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

        EmfLines producerMetrics = new EmfLines();
        List<Intent> sent;
        try (SqsClient sqs = EmbeddedSqsServer.clientFor(sqsEndpoint);
                LogCapture trace = LogCapture.of(Trace.CATEGORY)) {
            String queueUrl = sqs.getQueueUrl(b -> b.queueName(QUEUE)).queueUrl();
            OutboxDrain drain = new OutboxDrain(pool, new ObservedIntentLog(new SqsIntentLog(sqs, queueUrl, 3,
                    Duration.ofMillis(10)), new ProducerMetrics(new EmfEnvironment(producerMetrics, "producer"))), 100);
            assertThat(drain.drainOnce().await().indefinitely()).isEqualTo(new DrainReport(2, 2, 0, 0));

            List<Message> messages = TestData.receiveAll(sqs, queueUrl);
            sent = messages.stream().map(m -> IntentCodec.DEFAULT.decode(m.body())).toList();
            assertThat(sent).extracting(Intent::operation)
                    .containsExactlyInAnyOrder(Operation.INSERT, Operation.UPDATE);

            given().contentType(ContentType.JSON).body(LambdaEvents.sqsEvent(QUEUE, messages))
                    .when().post("http://localhost:" + lambdaPort + "/_lambda_")
                    .then().statusCode(200).body("batchItemFailures", empty());
            // What the event source mapping does with the messages the function did not report failed.
            messages.forEach(m -> sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle())));

            assertEachChangeCanBeFollowedFromHookToSink(trace, sent, messages);
        }

        assertThat(queryJson("SELECT to_jsonb(s)::text FROM read_model.orders s WHERE id = 1001"))
                .isEqualTo(queryJson("SELECT to_jsonb(o)::text FROM public.orders o WHERE id = 1001"))
                .contains("\"status\": \"paid\"", "\"total_cents\": 4500");
        assertThat(producerMetrics.withDimensions("Source", "Table")).singleElement().satisfies(orders -> {
            assertThat(orders.get("Table").asText()).isEqualTo("orders");
            assertThat(orders.get("IntentsOut").asInt()).isEqualTo(2);
        });
    }

    /**
     * One intent id, two lines: the producer's when it appended the intent, the consumer's when the message holding
     * it was done, both under the same intent id and entity id (what a Logs Insights query on mdc.intentId finds).
     */
    private static void assertEachChangeCanBeFollowedFromHookToSink(LogCapture trace, List<Intent> sent,
            List<Message> messages) {
        String entityId = IntentCodec.entityId(sent.get(0).entity());
        for (Intent intent : sent) {
            String messageId = messages.get(sent.indexOf(intent)).messageId();
            assertThat(trace.withMdc(Trace.INTENT_ID, IntentCodec.idOf(intent))).as("trace lines of %s among %s", IntentCodec.idOf(intent),
                    trace.lines()).extracting(LogCapture.Line::message)
                    .containsExactly("intent for shop/orders{id=1001} appended (" + intent.operation() + ")",
                            "intent for shop/orders{id=1001} in message " + messageId + ": DONE");
        }
        assertThat(trace.withMdc(Trace.ENTITY_ID, entityId)).hasSize(4);
    }

    private void execute(String sql) {
        TestData.execute(jdbcUrl, sql);
    }

    private String queryJson(String sql) {
        return TestData.queryString(jdbcUrl, sql);
    }
}
