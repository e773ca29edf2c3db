package dev.wail.consumer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.empty;

import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.embedded.MotoServer;
import dev.wail.embedded.TestData;
import dev.wail.emulation.mapping.LambdaEvents;
import dev.wail.testing.RealServicesResource.Endpoints;
import dev.wail.testing.SecretBackedServices;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The consumer with its database credentials only in a Secrets Manager secret ({@link SecretBackedDatabase}): it
 * installs its schema, reads the source through a pool of its own and writes the read model through Quarkus's
 * datasource, all as the secret's user, and it keeps no connection open after start-up (what a SnapStart snapshot
 * would otherwise carry, dead, into every restored environment). Black-box, so that {@link DatabaseSecretIT} runs it
 * against the native executable.
 */
@QuarkusTest
@TestProfile(SecretBackedDatabase.class)
@EnabledIf(value = "dev.wail.embedded.MotoServer#available", disabledReason = MotoServer.MISSING)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabaseSecretTest {

    /** First: before any invocation opens the pools' connections. */
    @Test
    @Order(1)
    void theSchemaIsInstalledAsTheSecretsUserAndNoConnectionIsKeptAfterStartUp() {
        String jdbcUrl = Endpoints.current().jdbcUrl();
        assertThat(TestData.queryString(jdbcUrl, "SELECT tableowner FROM pg_tables WHERE schemaname = 'wail' "
                + "AND tablename = 'dead_letters'")).isEqualTo(SecretBackedServices.USER);
        await().atMost(Duration.ofSeconds(10)).alias("no connection of the secret's user is left open: "
                + TestData.queryString(jdbcUrl, "SELECT coalesce(string_agg(state || ': ' || query, '; '), '') "
                + "FROM pg_stat_activity WHERE usename = '" + SecretBackedServices.USER + "'"))
                .until(() -> SecretBackedServices.connectionsOfTheSecretUser(jdbcUrl).equals("0"));
    }

    @Test
    @Order(2)
    void aBatchIsReadAndWrittenWithTheSecretsCredentials() {
        Endpoints services = Endpoints.current();
        String jdbcUrl = services.jdbcUrl();
        TestData.execute(jdbcUrl, """
                DROP TABLE IF EXISTS public.orders;
                DROP SCHEMA IF EXISTS read_model CASCADE;
                CREATE TABLE public.orders (id bigint PRIMARY KEY, customer text, status text, total_cents bigint,
                                            updated_at timestamptz);
                CREATE SCHEMA read_model;
                CREATE TABLE read_model.orders (LIKE public.orders INCLUDING ALL);
                INSERT INTO public.orders VALUES (7, 'grace', 'shipped', 990, '2026-11-25 10:00:00+00');
                """);
        try (SqsClient sqs = EmbeddedSqsServer.clientFor(services.sqsEndpoint())) {
            sqs.sendMessage(b -> b.queueUrl(services.queueUrl())
                    .messageBody("{\"v\":1,\"s\":\"shop\",\"t\":\"orders\",\"k\":{\"id\":7},\"o\":\"u\",\"c\":1}"));
            List<Message> messages = TestData.receiveAll(sqs, services.queueUrl());

            given().contentType(ContentType.JSON).body(LambdaEvents.sqsEvent(SecretBackedServices.QUEUE, messages))
                    .when().post(services.lambdaUrl())
                    .then().statusCode(200).body("batchItemFailures", empty());
        }

        assertThat(TestData.queryString(jdbcUrl, "SELECT to_jsonb(s)::text FROM read_model.orders s WHERE id = 7"))
                .isEqualTo(TestData.queryString(jdbcUrl, "SELECT to_jsonb(o)::text FROM public.orders o WHERE id = 7"))
                .contains("\"status\": \"shipped\"");
        // The source's pool and the datasource's pool both keep their connections, as the secret's user.
        assertThat(Integer.parseInt(SecretBackedServices.connectionsOfTheSecretUser(jdbcUrl)))
                .isGreaterThanOrEqualTo(2);
    }
}
