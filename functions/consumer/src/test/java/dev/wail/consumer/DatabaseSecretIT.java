package dev.wail.consumer;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.condition.EnabledIf;

/** {@link DatabaseSecretTest} against the packaged function: the native executable under {@code -Pnative}. */
@QuarkusIntegrationTest
@TestProfile(SecretBackedDatabase.class)
@EnabledIf(value = "dev.wail.embedded.MotoServer#available", disabledReason = dev.wail.embedded.MotoServer.MISSING)
class DatabaseSecretIT extends DatabaseSecretTest {
}
