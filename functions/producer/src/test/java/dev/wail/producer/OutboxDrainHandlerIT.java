package dev.wail.producer;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;

/** {@link OutboxDrainHandlerTest} against the packaged function: the native executable under {@code -Pnative}. */
@QuarkusIntegrationTest
@TestProfile(PackagedProducer.class)
class OutboxDrainHandlerIT extends OutboxDrainHandlerTest {
}
