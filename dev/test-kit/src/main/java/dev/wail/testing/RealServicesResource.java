package dev.wail.testing;

import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.EmbeddedSqsServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.net.URI;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

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

    /**
     * Where a running Quarkus test reaches the services this resource started, and the application under test.
     *
     * @param jdbcUrl     the embedded PostgreSQL, for JDBC
     * @param sqsEndpoint the embedded SQS API
     * @param queueUrl    the queue {@link #QUEUE}, which the application appends to
     * @param lambdaUrl   the Lambda mock event server's invoke URL: a POSTed event runs the configured handler
     */
    public record Endpoints(String jdbcUrl, URI sqsEndpoint, String queueUrl, URI lambdaUrl) {

        /** Read from the running test's configuration. */
        public static Endpoints current() {
            Config config = ConfigProvider.getConfig();
            return new Endpoints(config.getValue("test.wail.jdbc-url", String.class),
                    config.getValue("test.wail.sqs-endpoint", URI.class),
                    config.getValue("test.wail.queue-url", String.class),
                    URI.create("http://localhost:"
                            + config.getValue("quarkus.lambda.mock-event-server.test-port", Integer.class)
                            + "/_lambda_"));
        }
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
