package dev.wail.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts an embedded PostgreSQL and an embedded SQS (ElasticMQ) before the Quarkus application under test, points the
 * application at them through configuration, and stops them after the last test. Tests reach the same services
 * through the {@code test.wail.*} properties it sets.
 */
public final class RealServicesResource implements QuarkusTestResourceLifecycleManager {

    /** A standard queue created at start; its URL is {@code test.wail.queue-url}. */
    public static final String QUEUE = "wail-intents";

    private EmbeddedPostgresServer postgres;
    private EmbeddedSqsServer sqs;

    @Override
    public Map<String, String> start() {
        postgres = EmbeddedPostgresServer.start();
        sqs = EmbeddedSqsServer.start();
        return Map.of(
                "quarkus.datasource.reactive.url", postgres.reactiveUrl(),
                "test.wail.queue-url", sqs.createQueue(QUEUE),
                "quarkus.datasource.username", EmbeddedPostgresServer.USER,
                "quarkus.sqs.endpoint-override", sqs.endpoint().toString(),
                "test.wail.jdbc-url", postgres.jdbcUrl(),
                "test.wail.sqs-endpoint", sqs.endpoint().toString());
    }

    @Override
    public void stop() {
        if (sqs != null) {
            sqs.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
