package dev.wail.consumer;

import dev.wail.testing.EmbeddedPostgresServer;
import dev.wail.testing.EmbeddedSqsServer;
import dev.wail.testing.LocalAws;
import dev.wail.testing.MotoServer;
import dev.wail.testing.SdkSystemProperties;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The consumer deployed as the Terraform module deploys it: no database user or password in its configuration, only
 * {@code WAIL_DATABASE_SECRET_ARN}, a secret in moto_server's Secrets Manager. The database is a PostgreSQL of its own
 * where the secret's user must give its password (scram-sha-256), so a run without the secret's password cannot
 * connect. The global test resources are off: this profile brings every service the application needs.
 */
public final class SecretBackedDatabase implements QuarkusTestProfile {

    public static final String USER = "wail_reader";
    public static final String QUEUE = "wail-secret-intents";
    private static final String PASSWORD = "from-the-secret";

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(Services.class));
    }

    /**
     * The table the test writes (also for the packaged application an integration test launches, which does not have
     * the test resources' application.properties); its source {@code shop} gets an endpoint of its own (a pool the
     * consumer opens), with no credentials either.
     */
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("wail.sources.shop.postgres.writer-url", "${quarkus.datasource.reactive.url}",
                "wail.sources.shop.tables.orders.key-columns", "id",
                "wail.sources.shop.tables.orders.columns", "id,customer,status,total_cents,updated_at",
                "wail.sources.shop.tables.orders.sink-table", "read_model.orders");
    }

    public static final class Services implements QuarkusTestResourceLifecycleManager {

        private EmbeddedPostgresServer postgres;
        private EmbeddedSqsServer sqs;
        private MotoServer moto;
        private SdkSystemProperties sdk;

        @Override
        public Map<String, String> start() {
            postgres = EmbeddedPostgresServer.start();
            postgres.createRoleWithPassword(USER, PASSWORD);
            sqs = EmbeddedSqsServer.start();
            String queueUrl = sqs.createQueue(QUEUE);
            moto = MotoServer.start();
            // The SDK finds Secrets Manager, a region and credentials as in Lambda; the region is the secret ARN's.
            sdk = SdkSystemProperties.pointAt("aws.endpointUrlSecretsManager", moto.endpoint());
            Map<String, String> config = new HashMap<>(sdk.asConfig());
            config.putAll(Map.of(
                    "quarkus.datasource.reactive.url", postgres.reactiveUrl(),
                    "wail.database.secret-arn", createSecret(),
                    "test.wail.jdbc-url", postgres.jdbcUrl(),
                    "test.wail.sqs-endpoint", sqs.endpoint().toString(),
                    "test.wail.queue-url", queueUrl,
                    // DynamoDB is configured in the tests' application.properties but not used here.
                    "test.wail.dynamodb-endpoint", "http://127.0.0.1:1"));
            return config;
        }

        private String createSecret() {
            try (SecretsManagerClient admin = LocalAws.pointedAt(SecretsManagerClient.builder(), moto.endpoint())
                    .httpClient(UrlConnectionHttpClient.create()).build()) {
                return admin.createSecret(b -> b.name("wail/consumer-db").secretString(
                        "{\"username\":\"" + USER + "\",\"password\":\"" + PASSWORD + "\",\"engine\":\"postgres\"}"))
                        .arn();
            }
        }

        @Override
        public void stop() {
            for (AutoCloseable service : new AutoCloseable[] {sdk, moto, sqs, postgres}) {
                if (service != null) {
                    try {
                        service.close();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
    }
}
