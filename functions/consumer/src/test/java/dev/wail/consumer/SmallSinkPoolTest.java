package dev.wail.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.core.pipeline.BatchResult;
import dev.wail.core.pipeline.ConsumerPipeline;
import dev.wail.core.pipeline.InboundMessage;
import dev.wail.core.pipeline.MessageOutcome;
import dev.wail.embedded.TestData;
import dev.wail.testing.RealServicesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Finding 7 of issue 19, the pool half: the source {@code shop} has no {@code writer-url}, so it reads the consumer's
 * own database; with a sink pool of two connections, a batch for three of its tables must complete. (Were the reads
 * to share the sink's pool, every connection would hold a sink transaction waiting for one more to read.) Also: the
 * sink's connections carry the {@code wail.consumer.*} limits.
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
@TestProfile(SmallSinkPoolTest.TwoSinkConnections.class)
class SmallSinkPoolTest {

    public static final class TwoSinkConnections implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.reactive.max-size", "2", "wail.consumer.statement-timeout", "7s");
        }
    }

    @Inject
    ConsumerPipeline pipeline;

    @Inject
    Pool sinkPool;

    @ConfigProperty(name = "test.wail.jdbc-url")
    String jdbcUrl;

    @Test
    void aBatchWithMoreTablesThanSinkConnectionsCompletes() {
        TestData.execute(jdbcUrl, """
                CREATE SCHEMA IF NOT EXISTS read_model;
                DROP SCHEMA IF EXISTS verify CASCADE;
                DROP SCHEMA IF EXISTS kin CASCADE;
                CREATE SCHEMA verify;
                CREATE SCHEMA kin;
                CREATE TABLE verify.items (id bigint PRIMARY KEY, status text NOT NULL);
                CREATE TABLE kin.items (id bigint PRIMARY KEY, status text NOT NULL);
                DROP TABLE IF EXISTS public.orders;
                CREATE TABLE public.orders (id bigint PRIMARY KEY, customer text, status text, total_cents bigint,
                                            updated_at timestamptz);
                DROP TABLE IF EXISTS read_model.verify_items, read_model.kin_items, read_model.orders;
                CREATE TABLE read_model.verify_items (LIKE verify.items INCLUDING ALL);
                CREATE TABLE read_model.kin_items (LIKE kin.items INCLUDING ALL);
                CREATE TABLE read_model.orders (LIKE public.orders INCLUDING ALL);
                INSERT INTO verify.items VALUES (1, 'verified');
                INSERT INTO kin.items VALUES (1, 'kin');
                INSERT INTO public.orders VALUES (1, 'ada', 'paid', 1200, '2026-12-03T10:00:00Z');
                """);
        List<InboundMessage> batch = List.of(
                new InboundMessage("a", "{\"v\":1,\"s\":\"shop\",\"t\":\"verify.items\",\"k\":{\"id\":1},\"c\":1}"),
                new InboundMessage("b", "{\"v\":1,\"s\":\"shop\",\"t\":\"kin.items\",\"k\":{\"id\":1},\"c\":1}"),
                new InboundMessage("c", "{\"v\":1,\"s\":\"shop\",\"t\":\"orders\",\"k\":{\"id\":1},\"c\":1}"));

        BatchResult result = pipeline.process(batch).await().atMost(Duration.ofSeconds(20));

        assertThat(result.outcomes()).map(MessageOutcome::summary).containsExactly(MessageOutcome.done("a"),
                MessageOutcome.done("b"),
                MessageOutcome.done("c"));
        assertThat(TestData.queryString(jdbcUrl, "SELECT (SELECT status FROM read_model.verify_items) || ','"
                + " || (SELECT status FROM read_model.kin_items) || ',' || (SELECT customer || ' ' || status"
                + " FROM read_model.orders)")).isEqualTo("verified,kin,ada paid");
    }

    @Test
    void theSinksConnectionsCarryTheConsumersLimits() {
        assertThat(sinkPool.query("SELECT current_setting('statement_timeout') || ' ' || current_setting('lock_timeout')"
                + " || ' ' || current_setting('idle_in_transaction_session_timeout') || ' '"
                + " || current_setting('tcp_keepalives_idle')").execute()
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getString(0)).isEqualTo("7s 5s 15s 30");
    }
}
