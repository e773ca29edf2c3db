package dev.wail.producer;

import dev.wail.core.wire.IntentCodec;
import dev.wail.testing.EmbeddedSqsServer;
import dev.wail.testing.RealServicesResource;
import dev.wail.testing.TestData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
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
        ScheduledDrain.twelveInsertsThenADelete(jdbcUrl, "orders");

        ScheduledDrain.invokeAndExpectEverythingSent(lambdaPort);

        try (SqsClient sqs = EmbeddedSqsServer.clientFor(sqsEndpoint)) {
            ScheduledDrain.assertIntentsOfTheTwoStatements(TestData.receiveAll(sqs, queueUrl).stream()
                    .map(m -> IntentCodec.DEFAULT.decode(m.body())).toList(), "orders");
        }
    }
}
