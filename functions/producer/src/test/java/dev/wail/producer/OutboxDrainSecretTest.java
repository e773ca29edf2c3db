package dev.wail.producer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.core.wire.IntentCodec;
import dev.wail.testing.EmbeddedSqsServer;
import dev.wail.testing.MotoServer;
import dev.wail.testing.RealServicesResource.Endpoints;
import dev.wail.testing.SecretBackedServices;
import dev.wail.testing.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The outbox drain with its database credentials only in a Secrets Manager secret (moto_server), against a PostgreSQL
 * that demands the secret user's password: the scheduled invocation drains the outbox as that user.
 */
@QuarkusTest
@TestProfile(OutboxDrainSecretTest.SecretBackedProducer.class)
@EnabledIf(value = "dev.wail.testing.MotoServer#available", disabledReason = MotoServer.MISSING)
class OutboxDrainSecretTest {

    /** Only the services of {@link SecretBackedServices}: no datasource user or password anywhere in the config. */
    public static final class SecretBackedProducer implements QuarkusTestProfile {

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SecretBackedServices.class));
        }
    }

    @Test
    void aScheduledInvocationDrainsTheOutboxAsTheSecretsUser() {
        Endpoints services = Endpoints.current();
        ScheduledDrain.twelveInsertsThenADelete(services.jdbcUrl(), "orders");

        ScheduledDrain.invokeAndExpectEverythingSent(services.lambdaUrl().getPort());

        try (SqsClient sqs = EmbeddedSqsServer.clientFor(services.sqsEndpoint())) {
            ScheduledDrain.assertIntentsOfTheTwoStatements(TestData.receiveAll(sqs, services.queueUrl()).stream()
                    .map(m -> IntentCodec.DEFAULT.decode(m.body())).toList(), "orders");
        }
        assertThat(Integer.parseInt(SecretBackedServices.connectionsOfTheSecretUser(services.jdbcUrl())))
                .isPositive();
    }
}
