package dev.wail.producer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.embedded.MotoServer;
import dev.wail.testing.RealServicesResource.Endpoints;
import dev.wail.testing.SecretBackedProfile;
import dev.wail.testing.SecretBackedServices;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * {@link OutboxDrainHandlerTest} with the drain's database credentials only in a Secrets Manager secret (moto_server),
 * against a PostgreSQL that demands the secret user's password: the drain works, as that user.
 */
@QuarkusTest
@TestProfile(SecretBackedProfile.class)
@EnabledIf(value = "dev.wail.embedded.MotoServer#available", disabledReason = MotoServer.MISSING)
class OutboxDrainSecretTest extends OutboxDrainHandlerTest {

    @Override
    @Test
    void aScheduledInvocationDrainsTheOutboxToTheQueue() {
        super.aScheduledInvocationDrainsTheOutboxToTheQueue();

        assertThat(Integer.parseInt(SecretBackedServices.connectionsOfTheSecretUser(Endpoints.current().jdbcUrl())))
                .isPositive();
    }
}
