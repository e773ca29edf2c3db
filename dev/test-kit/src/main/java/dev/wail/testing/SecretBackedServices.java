package dev.wail.testing;

import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.embedded.LocalAws;
import dev.wail.embedded.MotoServer;
import dev.wail.embedded.TestData;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * A function deployed as the Terraform module deploys it: no database user or password in its configuration, only
 * {@code wail.database.secret-arn} ({@code WAIL_DATABASE_SECRET_ARN}), a secret in moto_server's Secrets Manager. The
 * database is a PostgreSQL of its own where the secret's user {@value #USER} must give its password
 * (scram-sha-256), so a function without the secret's password cannot connect; ElasticMQ holds the queue
 * {@value #QUEUE}. Test profiles that use it turn the global test resources off: it brings every service the
 * functions need, and points the AWS SDK's own resolution at moto_server (in this JVM, and in the process an
 * integration test launches).
 */
public final class SecretBackedServices implements QuarkusTestResourceLifecycleManager {

    public static final String USER = "wail_reader";
    public static final String QUEUE = "wail-secret-intents";
    private static final String PASSWORD = "from-the-secret";

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
                "quarkus.sqs.endpoint-override", sqs.endpoint().toString(),
                "test.wail.jdbc-url", postgres.jdbcUrl(),
                "test.wail.sqs-endpoint", sqs.endpoint().toString(),
                "test.wail.queue-url", queueUrl,
                // The consumer's tests configure a DynamoDB source in application.properties; it is not used here.
                "test.wail.dynamodb-endpoint", "http://127.0.0.1:1"));
        return config;
    }

    private String createSecret() {
        try (SecretsManagerClient admin = LocalAws.pointedAt(SecretsManagerClient.builder(), moto.endpoint())
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            return admin.createSecret(b -> b.name("wail/database").secretString(
                    "{\"username\":\"" + USER + "\",\"password\":\"" + PASSWORD + "\",\"engine\":\"postgres\"}"))
                    .arn();
        }
    }

    /** The open connections of the secret's user, as text (the count of {@code pg_stat_activity} rows). */
    public static String connectionsOfTheSecretUser(String jdbcUrl) {
        return TestData.queryString(jdbcUrl,
                "SELECT count(*)::text FROM pg_stat_activity WHERE usename = '" + USER + "'");
    }

    @Override
    public void stop() {
        Resources.closeInOrder(sdk, moto, sqs, postgres);
    }
}
