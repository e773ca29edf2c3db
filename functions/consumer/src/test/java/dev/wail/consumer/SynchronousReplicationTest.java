package dev.wail.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.wail.consumer.postgres.PgReadModelSink;
import dev.wail.consumer.postgres.PgSource;
import dev.wail.consumer.postgres.SchemaInstaller;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.Freshness;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.testing.LogCapture;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Finding 3 of issue 19: with a synchronous standby named but down, a commit is written, marked committed in the
 * commit log and replayed by an asynchronous replica, while the primary's backend still waits for the synchronous
 * standby and its new snapshots do not see the commit. A reader read records the new state; a later read of the
 * writer, at a higher WAL position, sees the old state and must not put it back. A server of its own: the test
 * changes {@code synchronous_standby_names}.
 */
class SynchronousReplicationTest {

    private static final TableBinding ITEMS = new TableBinding("shop", "syncrep.items", List.of("id"),
            List.of("id", "status"), Optional.empty(), "syncrep.sink_items");
    private static final List<EntityKey> KEY = List.of(EntityKey.of("id", 1L));

    private EmbeddedPostgresServer primary;
    private EmbeddedPostgresServer asyncStandby;
    private EmbeddedPostgresServer.ReactivePool writer;
    private EmbeddedPostgresServer.ReactivePool reader;
    private Pool sinkPool;
    private PgReadModelSink sink;
    private CompletableFuture<Void> waitingCommit;

    @BeforeEach
    void setUp() {
        primary = EmbeddedPostgresServer.start();
        primary.execute("""
                CREATE SCHEMA syncrep;
                CREATE TABLE syncrep.items (id bigint PRIMARY KEY, status text NOT NULL);
                INSERT INTO syncrep.items VALUES (1, 'A');
                CREATE TABLE syncrep.sink_items (id bigint PRIMARY KEY, status text);
                """);
        primary.execute(SchemaInstaller.sql());
        asyncStandby = primary.startStandby();
        writer = primary.openReactivePool(4);
        reader = asyncStandby.openReactivePool(2);
        // The sink lives on the primary too; its own commits must not wait for the absent standby.
        sinkPool = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(primary.port())
                        .setDatabase(EmbeddedPostgresServer.DATABASE).setUser(EmbeddedPostgresServer.USER)
                        .addProperty("synchronous_commit", "local"))
                .with(new PoolOptions().setMaxSize(2)).using(writer.vertx()).build();
        sink = new PgReadModelSink(sinkPool);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (primary != null) {
            primary.execute("ALTER SYSTEM RESET synchronous_standby_names; SELECT pg_reload_conf()");
        }
        if (waitingCommit != null) {
            waitingCommit.get();
        }
        if (sinkPool != null) {
            sinkPool.closeAndAwait();
        }
        for (AutoCloseable resource : new AutoCloseable[] {reader, writer, asyncStandby, primary}) {
            if (resource != null) {
                resource.close();
            }
        }
    }

    @Test
    void aWriterReadThatMissesACommitAReplicaAlreadyShowedNeverPutsTheOlderStateBack() {
        primary.execute("ALTER SYSTEM SET synchronous_standby_names = 'absent_standby'; SELECT pg_reload_conf()");
        waitingCommit = CompletableFuture.runAsync(() -> primary.execute(
                "UPDATE syncrep.items SET status = 'B' WHERE id = 1"));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                "B".equals(asyncStandby.queryString("SELECT status FROM syncrep.items WHERE id = 1")));
        assertThat(primary.queryString("SELECT status FROM syncrep.items WHERE id = 1")).isEqualTo("A");
        assertThat(waitingCommit).isNotDone();

        refresh(new PgSource("shop", writer.pool(), Optional.of(reader.pool())));
        assertThat(sinkStatus()).isEqualTo("B");

        // A later batch that reads the writer (no reader, or the reader behind): its snapshot still misses B.
        PgSource writerOnly = new PgSource("shop", writer.pool(), Optional.empty());
        assertThatThrownBy(() -> refresh(writerOnly))
                .hasMessageContaining("a transaction committed in the writer's commit log is not visible yet");
        assertThat(sinkStatus()).isEqualTo("B");

        primary.execute("ALTER SYSTEM RESET synchronous_standby_names; SELECT pg_reload_conf()");
        await().atMost(Duration.ofSeconds(30)).until(waitingCommit::isDone);
        refresh(writerOnly);
        assertThat(sinkStatus()).isEqualTo("B");
    }

    @Test
    void aRoleThatCannotSeeSynchronousWaitsReadsOnlyTheWriter() {
        primary.execute("""
                CREATE ROLE wail_blind LOGIN;
                GRANT USAGE ON SCHEMA syncrep TO wail_blind;
                GRANT SELECT ON syncrep.items TO wail_blind;
                """);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> "1".equals(
                asyncStandby.queryString("SELECT count(*)::text FROM pg_roles WHERE rolname = 'wail_blind'")));
        primary.execute("ALTER SYSTEM SET synchronous_standby_names = 'absent_standby'; SELECT pg_reload_conf()");
        waitingCommit = CompletableFuture.runAsync(() -> primary.execute(
                "UPDATE syncrep.items SET status = 'B' WHERE id = 1"));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                "B".equals(asyncStandby.queryString("SELECT status FROM syncrep.items WHERE id = 1")));
        Pool blindWriter = blindPool(primary);
        Pool blindReader = blindPool(asyncStandby);
        try (LogCapture log = LogCapture.of(PgSource.class.getName())) {
            PgSource blind = new PgSource("shop", blindWriter, Optional.of(blindReader));

            refresh(blind);
            refresh(blind);

            assertThat(sinkStatus()).isEqualTo("A");
            assertThat(log.lines()).extracting(LogCapture.Line::message).singleElement().asString()
                    .contains("cannot see which commits wait for a synchronous standby")
                    .contains("GRANT pg_read_all_stats");
        } finally {
            blindWriter.closeAndAwait();
            blindReader.closeAndAwait();
        }
    }

    private Pool blindPool(EmbeddedPostgresServer server) {
        return PgBuilder.pool().connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(server.port())
                        .setDatabase(EmbeddedPostgresServer.DATABASE).setUser("wail_blind"))
                .with(new PoolOptions().setMaxSize(2)).using(writer.vertx()).build();
    }

    private void refresh(PgSource source) {
        assertThat(sink.refresh(ITEMS, KEY, (keys, floor) -> source.read(ITEMS, keys,
                new Freshness(floor.position(), Set.of(), floor.history()))).await().atMost(Duration.ofSeconds(30)))
                .isEmpty();
    }

    private String sinkStatus() {
        return primary.queryString("SELECT coalesce(max(status), 'none') FROM syncrep.sink_items");
    }
}
