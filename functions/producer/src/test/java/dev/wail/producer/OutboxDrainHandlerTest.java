package dev.wail.producer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.wail.core.intent.Intent;
import dev.wail.core.wire.IntentCodec;
import dev.wail.testing.EmbeddedSqsServer;
import dev.wail.testing.RealServicesResource;
import dev.wail.testing.TestData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The deployable producer, invoked like Lambda invokes it, with the scheduled event EventBridge sends. */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
class OutboxDrainHandlerTest {

    @ConfigProperty(name = "test.wail.jdbc-url")
    String jdbcUrl;

    @ConfigProperty(name = "test.wail.sqs-endpoint")
    URI sqsEndpoint;

    @ConfigProperty(name = "test.wail.queue-url")
    String queueUrl;

    @ConfigProperty(name = "quarkus.lambda.mock-event-server.test-port")
    int lambdaPort;

    @Test
    void aScheduledInvocationDrainsTheOutboxToTheQueue() {
        TestData.execute(jdbcUrl, Hooks.installerSql() + """
                DROP TABLE IF EXISTS public.orders;
                CREATE TABLE public.orders (id bigint PRIMARY KEY, status text NOT NULL);
                SELECT wail.capture('public.orders', source => 'shop');
                INSERT INTO orders SELECT g, 'new' FROM generate_series(1, 12) g;
                DELETE FROM orders WHERE id = 12;
                """);

        given().contentType(ContentType.JSON).body(TestData.resource("/events/eventbridge-scheduled-event.json"))
                .when().post("http://localhost:" + lambdaPort + "/_lambda_")
                .then().statusCode(200)
                .body("rows", equalTo(2)).body("intents", equalTo(13))
                .body("rejectedRows", equalTo(0)).body("retainedRows", equalTo(0));

        try (SqsClient sqs = EmbeddedSqsServer.clientFor(sqsEndpoint)) {
            List<Intent> intents = TestData.receiveAll(sqs, queueUrl).stream()
                    .map(m -> IntentCodec.DEFAULT.decode(m.body())).toList();
            assertThat(intents).hasSize(13).allSatisfy(i -> assertThat(i.table()).isEqualTo("orders"));
            assertThat(intents).extracting(i -> i.key().value(0)).filteredOn(id -> id.equals(12L)).hasSize(2);
        }
    }

}
