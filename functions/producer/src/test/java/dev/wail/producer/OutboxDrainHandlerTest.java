package dev.wail.producer;

import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.embedded.TestData;
import dev.wail.testing.RealServicesResource;
import dev.wail.testing.RealServicesResource.Endpoints;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The deployable producer, invoked like Lambda invokes it, with the scheduled event EventBridge sends. Black-box (it
 * reaches the services through configuration, not injection), so that {@link OutboxDrainHandlerIT} runs it against
 * the native executable.
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
class OutboxDrainHandlerTest {

    @Test
    void aScheduledInvocationDrainsTheOutboxToTheQueue() {
        Endpoints services = Endpoints.current();
        ScheduledDrain.twelveInsertsThenADelete(services.jdbcUrl(), "orders");

        ScheduledDrain.invokeAndExpectEverythingSent(services.lambdaUrl().getPort());

        try (SqsClient sqs = EmbeddedSqsServer.clientFor(services.sqsEndpoint())) {
            ScheduledDrain.assertIntentsOfTheTwoStatements(TestData.receiveAll(sqs, services.queueUrl()).stream()
                    .flatMap(m -> IntentCodec.DEFAULT.decodeAll(m.body()).stream()).toList(), "orders");
        }
    }
}
