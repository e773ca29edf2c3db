package dev.wail.consumer.poison;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link PoisonMessagesTest} on ElasticMQ. */
@QuarkusTest
@TestProfile(PoisonQueues.OnElasticMq.class)
class PoisonMessagesOnElasticMqTest extends PoisonMessagesTest {
}
