package dev.wail.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.wail.consumer.postgres.PgConnector;
import dev.wail.consumer.postgres.PgReadModelSink;
import dev.wail.consumer.postgres.PgSource;
import dev.wail.consumer.postgres.SchemaInstaller;
import dev.wail.consumer.postgres.SessionSettings;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.Freshness;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.testing.RealServices;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Finding 7 of issue 19: every connection the consumer opens carries a statement timeout, a lock timeout, an idle in
 * transaction timeout and server-side keepalives, so a stalled source read cannot hold the sink's advisory locks for
 * longer than the statement timeout. The stalled source is a view that sleeps 30 seconds per read.
 */
@RealServices
class ConnectionLimitsTest {

    private static final SessionSettings LIMITS = new SessionSettings(Duration.ofSeconds(1), Duration.ofSeconds(3),
            Duration.ofSeconds(2), Duration.ofSeconds(20));
    private static final TableBinding STALLED = new TableBinding("shop", "limits.stalled", List.of("id"),
            List.of("id", "status"), Optional.empty(), "limits.sink_items");
    private static final TableBinding ITEMS = new TableBinding("shop", "limits.items", List.of("id"),
            List.of("id", "status"), Optional.empty(), "limits.sink_items");
    private static final List<EntityKey> KEY = List.of(EntityKey.of("id", 1L));
    private static final String ADVISORY_LOCKS = "SELECT count(*)::text FROM pg_locks WHERE locktype = 'advisory'";

    private final EmbeddedPostgresServer postgres;
    private Vertx vertx;
    private Pool sinkPool;
    private Pool sourcePool;

    ConnectionLimitsTest(EmbeddedPostgresServer postgres) {
        this.postgres = postgres;
    }

    @BeforeEach
    void setUp() {
        postgres.execute("""
                DROP SCHEMA IF EXISTS limits CASCADE;
                CREATE SCHEMA limits;
                CREATE TABLE limits.items (id bigint PRIMARY KEY, status text NOT NULL);
                INSERT INTO limits.items VALUES (1, 'fresh');
                CREATE VIEW limits.stalled AS SELECT i.* FROM limits.items i CROSS JOIN pg_sleep(30);
                CREATE TABLE limits.sink_items (id bigint PRIMARY KEY, status text);
                """);
        postgres.execute(SchemaInstaller.sql());
        vertx = Vertx.vertx();
        PgConnector connector = new PgConnector(vertx, Optional.empty(), null, LIMITS);
        PgConnector.Endpoint endpoint = new PgConnector.Endpoint(postgres.reactiveUrl(),
                Optional.of(EmbeddedPostgresServer.USER), Optional.empty());
        sinkPool = connector.pool(endpoint, 2);
        sourcePool = connector.pool(endpoint, 2);
    }

    @AfterEach
    void tearDown() {
        sinkPool.closeAndAwait();
        sourcePool.closeAndAwait();
        vertx.closeAndAwait();
    }

    @Test
    void everyConnectionCarriesTheLimits() {
        assertThat(sinkPool.query("SELECT current_setting('statement_timeout') || ' ' || current_setting('lock_timeout')"
                + " || ' ' || current_setting('idle_in_transaction_session_timeout')").execute()
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getString(0)).isEqualTo("1s 3s 2s");
    }

    @Test
    void aStalledSourceReadIsCutByTheStatementTimeoutAndReleasesTheSinksLocks() {
        PgReadModelSink sink = new PgReadModelSink(sinkPool);
        PgSource source = new PgSource("shop", sourcePool, Optional.empty());
        long started = System.nanoTime();
        CompletableFuture<Map<EntityKey, String>> stalled = refresh(sink, source, STALLED).subscribeAsCompletionStage();
        await().atMost(Duration.ofSeconds(10)).until(() -> !postgres.queryString(ADVISORY_LOCKS).equals("0"));

        // The same entity from a healthy read: it waits for the stalled refresh's lock, then goes through.
        Map<EntityKey, String> refused = refresh(sink, source, ITEMS).await().atMost(Duration.ofSeconds(10));

        assertThat(refused).isEmpty();
        assertThatThrownBy(() -> stalled.get(10, TimeUnit.SECONDS))
                .hasMessageContaining("canceling statement due to statement timeout");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(postgres.queryString("SELECT status FROM limits.sink_items WHERE id = 1")).isEqualTo("fresh");
        assertThat(postgres.queryString(ADVISORY_LOCKS)).isEqualTo("0");
    }

    private static Uni<Map<EntityKey, String>> refresh(PgReadModelSink sink, PgSource source, TableBinding table) {
        return sink.refresh(table, KEY, (keys, floor) -> source.read(table, keys,
                new Freshness(floor.position(), Set.of(), floor.history())));
    }
}
