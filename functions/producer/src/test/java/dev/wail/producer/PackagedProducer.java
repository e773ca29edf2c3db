package dev.wail.producer;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * What {@code src/test/resources/application.properties} gives the producer in {@code @QuarkusTest}s, for the packaged
 * application an integration test launches (which has only its main resources): the queue the test resource created,
 * and dummy static credentials for the SQS client.
 */
public final class PackagedProducer implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("wail.producer.queue-url", "${test.wail.queue-url}",
                "quarkus.sqs.aws.credentials.type", "static",
                "quarkus.sqs.aws.credentials.static-provider.access-key-id", "dummy",
                "quarkus.sqs.aws.credentials.static-provider.secret-access-key", "dummy");
    }
}
