package dev.wail.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wail.consumer.postgres.PgSource;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.EntityState;
import dev.wail.core.pipeline.Freshness;
import dev.wail.core.pipeline.SourceSnapshot;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.testing.RealServices;
import dev.wail.testing.Resources;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reads from a real streaming standby of the embedded server, made to lag by pausing its replay: the source uses the
 * reader only when it provably has what the read needs, and otherwise the writer. Which server answered is counted
 * on each server with {@code pg_stat_statements}.
 */
@RealServices
class ProgressiveConsistencyTest {

    private static final TableBinding ITEMS = new TableBinding("shop", "progressive.items", List.of("id"),
            List.of("id", "status"), Optional.empty(), "read_model.progressive_items");
    private static final List<EntityKey> KEY = List.of(EntityKey.of("id", 1L));
    private static final String HYDRATIONS = "SELECT coalesce(sum(calls), 0)::text FROM pg_stat_statements"
            + " WHERE query LIKE '%FROM \"progressive\".\"items\"%'";

    private final EmbeddedPostgresServer primary;
    private EmbeddedPostgresServer standby;
    private EmbeddedPostgresServer.ReactivePool writer;
    private EmbeddedPostgresServer.ReactivePool reader;
    private PgSource source;

    ProgressiveConsistencyTest(EmbeddedPostgresServer primary) {
        this.primary = primary;
    }

    @BeforeEach
    void setUp() {
        primary.execute("""
                CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
                DROP SCHEMA IF EXISTS progressive CASCADE;
                CREATE SCHEMA progressive;
                CREATE TABLE progressive.items (id bigint PRIMARY KEY, status text NOT NULL);
                INSERT INTO progressive.items VALUES (1, 'old');
                """);
        standby = primary.startStandby();
        awaitCaughtUp();
        writer = primary.openReactivePool(2);
        reader = standby.openReactivePool(2);
        source = new PgSource("shop", writer.pool(), Optional.of(reader.pool()));
    }

    @AfterEach
    void tearDown() {
        Resources.closeInOrder(reader, writer, standby);
    }

    @Test
    void aReaderThatHasNotReplayedTheAnnouncedTransactionIsPassedOverForTheWriter() {
        standby.execute("SELECT pg_wal_replay_pause()");
        String transaction = primary.queryString(
                "WITH u AS (UPDATE progressive.items SET status = 'new' WHERE id = 1 RETURNING 1)"
                        + " SELECT pg_current_xact_id()::text FROM u");
        resetCounts();

        SourceSnapshot read = read(new Freshness(0, Set.of(Long.parseLong(transaction))));

        assertThat(read.states()).extracting(EntityState::document).containsExactly("{\"id\":1,\"status\":\"new\"}");
        assertThat(standby.queryString(HYDRATIONS)).isEqualTo("1");
        assertThat(primary.queryString(HYDRATIONS)).isEqualTo("1");
    }

    @Test
    void aReaderBehindThePositionTheSinkRecordedIsNotReadAtAll() {
        standby.execute("SELECT pg_wal_replay_pause()");
        primary.execute("UPDATE progressive.items SET status = 'new' WHERE id = 1");
        long sinkPosition = Long.parseLong(primary.queryString("SELECT (pg_current_wal_insert_lsn() - '0/0')::text"));
        resetCounts();

        SourceSnapshot read = read(new Freshness(sinkPosition, Set.of()));

        assertThat(read.states()).extracting(EntityState::document).containsExactly("{\"id\":1,\"status\":\"new\"}");
        assertThat(read.position()).isGreaterThanOrEqualTo(sinkPosition);
        assertThat(standby.queryString(HYDRATIONS)).isEqualTo("0");
        assertThat(primary.queryString(HYDRATIONS)).isEqualTo("1");
    }

    @Test
    void aReaderThatCaughtUpServesTheReadAlone() {
        String transaction = primary.queryString(
                "WITH u AS (UPDATE progressive.items SET status = 'new' WHERE id = 1 RETURNING 1)"
                        + " SELECT pg_current_xact_id()::text FROM u");
        long sinkPosition = Long.parseLong(primary.queryString("SELECT (pg_current_wal_insert_lsn() - '0/0')::text"));
        awaitCaughtUp();
        resetCounts();

        SourceSnapshot read = read(new Freshness(sinkPosition, Set.of(Long.parseLong(transaction))));

        assertThat(read.states()).extracting(EntityState::document).containsExactly("{\"id\":1,\"status\":\"new\"}");
        assertThat(standby.queryString(HYDRATIONS)).isEqualTo("1");
        assertThat(primary.queryString(HYDRATIONS)).isEqualTo("0");
    }

    @Test
    void anUnreachableReaderIsPassedOverForTheWriter() {
        primary.execute("UPDATE progressive.items SET status = 'new' WHERE id = 1");
        Pool unreachable = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(1)
                .setDatabase("postgres").setUser("postgres")).using(writer.vertx()).build();
        try {
            PgSource withReaderDown = new PgSource("shop", writer.pool(), Optional.of(unreachable));

            SourceSnapshot read = withReaderDown.read(ITEMS, KEY, new Freshness(0, Set.of()))
                    .await().atMost(Duration.ofSeconds(30));

            assertThat(read.states()).extracting(EntityState::document)
                    .containsExactly("{\"id\":1,\"status\":\"new\"}");
        } finally {
            unreachable.closeAndAwait();
        }
    }

    private SourceSnapshot read(Freshness freshness) {
        return source.read(ITEMS, KEY, freshness).await().atMost(Duration.ofSeconds(30));
    }

    /**
     * Waits until the standby replayed everything the primary had inserted. A replica's replay position stops at the
     * end of the last record it received, which can stay just short of the primary's insert position on an idle
     * server; a small flushed WAL record per poll moves it past.
     */
    private void awaitCaughtUp() {
        String target = primary.queryString("SELECT pg_current_wal_insert_lsn()::text");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            primary.execute("SELECT pg_logical_emit_message(false, 'wail-test', 'tick', true)");
            return "true".equals(standby.queryString(
                    "SELECT coalesce(pg_last_wal_replay_lsn() >= '" + target + "'::pg_lsn, false)::text"));
        });
    }

    private void resetCounts() {
        primary.execute("SELECT pg_stat_statements_reset()");
        standby.execute("SELECT pg_stat_statements_reset()");
    }
}
