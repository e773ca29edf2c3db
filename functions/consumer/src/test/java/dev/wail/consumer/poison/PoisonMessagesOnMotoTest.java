package dev.wail.consumer.poison;

import dev.wail.embedded.MotoServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.condition.EnabledIf;

/** {@link PoisonMessagesTest} on moto_server. */
@QuarkusTest
@TestProfile(PoisonQueues.OnMoto.class)
@EnabledIf(value = "dev.wail.embedded.MotoServer#available", disabledReason = MotoServer.MISSING)
class PoisonMessagesOnMotoTest extends PoisonMessagesTest {
}
