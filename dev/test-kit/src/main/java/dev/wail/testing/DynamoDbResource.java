package dev.wail.testing;

import dev.wail.embedded.EmbeddedDynamoDbServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts DynamoDB Local for a Quarkus test and stops it after the last one. Tests and the application find it through
 * {@code test.wail.dynamodb-endpoint}; an application with a DynamoDB client points it there in its test
 * configuration ({@code quarkus.dynamodb.endpoint-override=${test.wail.dynamodb-endpoint}}).
 */
public final class DynamoDbResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedDynamoDbServer dynamodb;

    @Override
    public Map<String, String> start() {
        dynamodb = EmbeddedDynamoDbServer.start();
        return Map.of("test.wail.dynamodb-endpoint", dynamodb.endpoint().toString());
    }

    @Override
    public void stop() {
        if (dynamodb != null) {
            dynamodb.close();
        }
    }
}
