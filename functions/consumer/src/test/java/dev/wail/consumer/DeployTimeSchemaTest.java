package dev.wail.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.wail.consumer.handler.InstallSchemaHandler;
import dev.wail.consumer.handler.SqsConsumerHandler;
import dev.wail.consumer.postgres.ConsumerSchema;
import dev.wail.consumer.postgres.SchemaInstaller;
import dev.wail.embedded.TestData;
import dev.wail.emulation.mapping.LambdaEvents;
import dev.wail.testing.RealServicesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The consumer as deployed ({@code wail.consumer.install-schema=false}, a read-model database of its own that nobody
 * prepared): its start-up runs no SQL (the server's {@code pg_stat_statements}, which the embedded server preloads,
 * sees nothing of it); its first batch fails with a message naming the deploy-time schema step, and succeeds once
 * the step ({@code install-schema}) has run.
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
@TestProfile(DeployTimeSchemaTest.AsDeployed.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeployTimeSchemaTest {

    public static final class AsDeployed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // A mock event server port of its own: the handlers are called directly, and a port shared with the other
            // tests' is taken whenever another build runs them on this machine.
            return Map.of("wail.consumer.install-schema", "false", "quarkus.lambda.mock-event-server.test-port",
                    "18197");
        }
    }

    /**
     * Every statement the server ran, but those that read pg_stat_statements. The consumer talks to PostgreSQL with the
     * Vert.x client only; the JDBC driver's SET and the {@code SELECT 1} are the embedded server's readiness check and
     * this test's own JDBC connections.
     */
    private static final String STATEMENTS = "SELECT coalesce(string_agg(DISTINCT query, E'\\n' ORDER BY query), '') "
            + "FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'";

    @Inject
    SqsConsumerHandler consumer;

    @Inject
    InstallSchemaHandler installSchema;

    @ConfigProperty(name = "test.wail.jdbc-url")
    String jdbcUrl;

    @Test
    @Order(1)
    void startingTheConsumerRunsNoSql() {
        TestData.execute(jdbcUrl, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");

        assertThat(TestData.queryString(jdbcUrl, STATEMENTS)).isEqualTo("""
                SELECT $1
                SET application_name = 'PostgreSQL JDBC Driver'""");
    }

    @Test
    @Order(2)
    void theFirstBatchNamesTheMissingStepAndSucceedsOnceItRan() {
        SQSEvent batch = LambdaEvents.sqsEventObject("schema-intents", List.of(
                software.amazon.awssdk.services.sqs.model.Message.builder().messageId("poison-1").body("not an intent")
                        .receiptHandle("r").build()));

        assertThatThrownBy(() -> consumer.handleRequest(batch, null))
                .isInstanceOf(ConsumerSchema.MissingSchemaException.class)
                .hasMessageContaining("bookkeeping schema (wail.consumer_schema, wail.sink_positions, "
                        + "wail.source_epochs, wail.dead_letters) is missing from the read-model database")
                .hasMessageContaining("run the deploy-time schema step")
                .hasMessageContaining("QUARKUS_LAMBDA_HANDLER=install-schema")
                .hasMessageContaining("The batch is retried");
        assertThat(TestData.queryString(jdbcUrl, "SELECT count(*)::text FROM pg_namespace WHERE nspname = 'wail'"))
                .isEqualTo("0");

        assertThat(installSchema.handleRequest(Map.of(), null))
                .isEqualTo(Map.of("schema", "wail", "version", SchemaInstaller.VERSION));
        SQSBatchResponse again = consumer.handleRequest(batch, null);

        assertThat(LambdaEvents.failedIds(again)).containsExactly("poison-1");
        assertThat(TestData.queryString(jdbcUrl, "SELECT message_id || '|' || disposition || '|' || attempts "
                + "FROM wail.dead_letters")).isEqualTo("poison-1|REJECTED|1");
        assertThat(TestData.queryString(jdbcUrl, "SELECT string_agg(version::text, ',') FROM wail.consumer_schema"))
                .isEqualTo(Integer.toString(SchemaInstaller.VERSION));
    }
}
