package dev.wail.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wail.consumer.postgres.PgHydrator;
import dev.wail.consumer.postgres.PgReadModelSink;
import dev.wail.consumer.postgres.PgSource;
import dev.wail.consumer.postgres.SchemaInstaller;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.Freshness;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.testing.Resources;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Finding 2 of issue 19, the failover half: a standby cut off from its primary (the WAL written after that is lost
 * to it) is promoted. It has the primary's {@code system_identifier}, a new timeline and positions below what the
 * sink recorded from the old primary: the first writer read below the recorded position opens a new epoch, and the
 * sink follows the new primary. The old primary stays up as the sink's database. Servers of its own.
 */
class FailoverTest {

    private static final TableBinding ITEMS = new TableBinding("shop", "failover.items", List.of("id"),
            List.of("id", "status"), Optional.empty(), "failover.sink_items");
    private static final List<EntityKey> KEY = List.of(EntityKey.of("id", 1L));

    private EmbeddedPostgresServer oldPrimary;
    private EmbeddedPostgresServer standby;
    private EmbeddedPostgresServer.ReactivePool oldPrimaryPool;
    private EmbeddedPostgresServer.ReactivePool standbyPool;
    private PgReadModelSink sink;

    @BeforeEach
    void setUp() {
        oldPrimary = EmbeddedPostgresServer.start();
        oldPrimary.execute("""
                CREATE SCHEMA failover;
                CREATE TABLE failover.items (id bigint PRIMARY KEY, status text NOT NULL);
                INSERT INTO failover.items VALUES (1, 'replicated');
                CREATE TABLE failover.sink_items (id bigint PRIMARY KEY, status text);
                """);
        oldPrimary.execute(SchemaInstaller.sql());
        standby = oldPrimary.startStandby();
        oldPrimaryPool = oldPrimary.openReactivePool(4);
        standbyPool = standby.openReactivePool(2);
        sink = new PgReadModelSink(oldPrimaryPool.pool());
    }

    @AfterEach
    void tearDown() {
        Resources.closeInOrder(standbyPool, oldPrimaryPool, standby, oldPrimary);
    }

    @Test
    void aPromotedStandbyThatLostWalStartsAnEpochTheSinkFollows() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                "replicated".equals(standby.queryString("SELECT max(status) FROM failover.items")));
        standby.execute("ALTER SYSTEM SET primary_conninfo = ''; SELECT pg_reload_conf()");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                "0".equals(standby.queryString("SELECT count(*)::text FROM pg_stat_wal_receiver")));
        oldPrimary.execute("UPDATE failover.items SET status = 'lost in the failover' WHERE id = 1");
        for (int i = 0; i < 3; i++) {
            oldPrimary.execute("SELECT pg_logical_emit_message(false, 'wail-test', 'x', true); SELECT pg_switch_wal()");
        }
        refresh(new PgSource("shop", oldPrimaryPool.pool(), Optional.empty()));
        assertThat(sinkStatus()).isEqualTo("lost in the failover");

        standby.execute("SELECT pg_promote(true, 60)");
        standby.execute("UPDATE failover.items SET status = 'after the failover' WHERE id = 1");
        refresh(new PgSource("shop", standbyPool.pool(), Optional.empty()));

        assertThat(sinkStatus()).isEqualTo("after the failover");
        String identifier = oldPrimary.queryString("SELECT system_identifier::text FROM pg_control_system()");
        assertThat(oldPrimary.queryString("SELECT epoch || ' ' || history || ' ' || reason FROM wail.source_epochs"
                + " WHERE source = 'shop' ORDER BY epoch DESC LIMIT 1"))
                .startsWith("1 " + identifier + " the writer's position ")
                .contains("is below the position");

        // A promoted server keeps its last replayed position in pg_last_wal_replay_lsn(): reads of it must report
        // its growing insert position, or every later read would claim the same frozen position.
        PgHydrator promoted = new PgHydrator(standbyPool.pool());
        long before = promoted.position().await().atMost(Duration.ofSeconds(10));
        standby.execute("UPDATE failover.items SET status = 'later' WHERE id = 1;"
                + " SELECT pg_logical_emit_message(false, 'wail-test', 'x', true)");
        assertThat(promoted.position().await().atMost(Duration.ofSeconds(10))).isGreaterThan(before);
        refresh(new PgSource("shop", standbyPool.pool(), Optional.empty()));
        assertThat(sinkStatus()).isEqualTo("later");
        assertThat(oldPrimary.queryString("SELECT count(*)::text FROM wail.source_epochs WHERE source = 'shop'"))
                .as("epochs: the first history and the promoted one, no more").isEqualTo("2");
    }

    private void refresh(PgSource source) {
        assertThat(sink.refresh(ITEMS, KEY, (keys, floor) -> source.read(ITEMS, keys,
                new Freshness(floor.position(), Set.of(), floor.history()))).await().atMost(Duration.ofSeconds(30)))
                .isEmpty();
    }

    private String sinkStatus() {
        return oldPrimary.queryString("SELECT coalesce(max(status), 'none') FROM failover.sink_items");
    }
}
