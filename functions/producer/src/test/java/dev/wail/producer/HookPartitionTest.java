package dev.wail.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.testing.RealServices;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Capturing a partitioned table covers every partition, at every level, present and future: each change is reported
 * once, under the captured table's label, whichever table the statement names; ATTACH and DETACH PARTITION report the
 * rows that join or leave the table.
 */
@RealServices
class HookPartitionTest {

    private final EmbeddedPostgresServer postgres;

    HookPartitionTest(EmbeddedPostgresServer postgres) {
        this.postgres = postgres;
    }

    /**
     * part_orders: part_low [0, 100) and part_high [100, 200), itself partitioned into part_high_a [100, 150) and
     * part_high_b [150, 200).
     */
    @BeforeEach
    void freshPartitionedTable() {
        Hooks.install(postgres);
        postgres.execute("""
                DROP TABLE IF EXISTS public.part_orders, public.part_extra, public.part_high, public.part_low,
                    public.part_high_a, public.part_high_b, public.part_future, public.part_future_leaf;
                CREATE TABLE public.part_orders (id bigint PRIMARY KEY, status text) PARTITION BY RANGE (id);
                CREATE TABLE public.part_low PARTITION OF part_orders FOR VALUES FROM (0) TO (100);
                CREATE TABLE public.part_high PARTITION OF part_orders FOR VALUES FROM (100) TO (200)
                    PARTITION BY RANGE (id);
                CREATE TABLE public.part_high_a PARTITION OF part_high FOR VALUES FROM (100) TO (150);
                CREATE TABLE public.part_high_b PARTITION OF part_high FOR VALUES FROM (150) TO (200);
                SELECT wail.capture('public.part_orders', source => 'shop');
                TRUNCATE wail.outbox;
                """);
    }

    private List<Tuple> intents() {
        List<Intent> intents = Hooks.outboxIntents(postgres);
        assertThat(intents).allSatisfy(i -> assertThat(i.table()).isEqualTo("part_orders"));
        return intents.stream().map(i -> tuple(i.key().value(0), i.operation())).toList();
    }

    @Test
    void aChangeIsReportedOnceWhicheverTableTheStatementNames() {
        postgres.execute("""
                INSERT INTO part_orders VALUES (1, 'new'), (120, 'new');
                INSERT INTO part_low VALUES (2, 'new');
                INSERT INTO part_high VALUES (160, 'new');
                INSERT INTO part_high_b VALUES (170, 'new');
                UPDATE part_high_a SET status = 'paid' WHERE id = 120;
                DELETE FROM part_low WHERE id = 2;
                DELETE FROM part_orders WHERE id = 170;
                """);

        assertThat(intents()).containsExactly(
                tuple(1L, Operation.INSERT), tuple(120L, Operation.INSERT),
                tuple(2L, Operation.INSERT),
                tuple(160L, Operation.INSERT),
                tuple(170L, Operation.INSERT),
                tuple(120L, Operation.UPDATE),
                tuple(2L, Operation.DELETE),
                tuple(170L, Operation.DELETE));
    }

    @Test
    void aRowMovedToAnotherPartitionIsReportedUnderItsOldAndItsNewKey() {
        postgres.execute("INSERT INTO part_orders VALUES (1, 'new'), (120, 'new'); TRUNCATE wail.outbox;"
                + "UPDATE part_orders SET id = 190 WHERE id = 1;"
                + "UPDATE part_high SET id = 130 WHERE id = 190");

        assertThat(intents()).containsExactlyInAnyOrder(
                tuple(1L, Operation.UPDATE), tuple(190L, Operation.UPDATE),
                tuple(190L, Operation.UPDATE), tuple(130L, Operation.UPDATE));
    }

    @Test
    void truncateReportsEachRemovedKeyOnceWhateverIsTruncated() {
        postgres.execute("INSERT INTO part_orders VALUES (1, 'new'), (120, 'new'), (160, 'new'); TRUNCATE wail.outbox;"
                + "TRUNCATE part_high;");
        assertThat(intents()).containsExactlyInAnyOrder(tuple(120L, Operation.DELETE), tuple(160L, Operation.DELETE));

        postgres.execute("TRUNCATE wail.outbox; TRUNCATE part_orders");
        assertThat(intents()).containsExactly(tuple(1L, Operation.DELETE));
    }

    @Test
    void partitionsCreatedOrAttachedLaterAreCapturedAndAttachedRowsReportedInserted() {
        postgres.execute("""
                CREATE TABLE public.part_extra (id bigint PRIMARY KEY, status text);
                INSERT INTO part_extra VALUES (300, 'old'), (301, 'old');
                ALTER TABLE part_orders ATTACH PARTITION part_extra FOR VALUES FROM (300) TO (400);
                INSERT INTO part_extra VALUES (302, 'new');
                CREATE TABLE public.part_future PARTITION OF part_orders FOR VALUES FROM (400) TO (500)
                    PARTITION BY RANGE (id);
                CREATE TABLE public.part_future_leaf PARTITION OF part_future FOR VALUES FROM (400) TO (500);
                INSERT INTO part_future_leaf VALUES (401, 'new');
                UPDATE part_future SET status = 'paid';
                """);

        assertThat(intents()).containsExactly(
                tuple(300L, Operation.INSERT), tuple(301L, Operation.INSERT),
                tuple(302L, Operation.INSERT),
                tuple(401L, Operation.INSERT),
                tuple(401L, Operation.UPDATE));
        assertThat(Hooks.rows(postgres, "SELECT partition::text FROM wail.captured_partitions "
                + "WHERE root = 'part_orders'::regclass ORDER BY 1")).containsExactly(
                "part_extra", "part_future", "part_future_leaf", "part_high", "part_high_a", "part_high_b",
                "part_low");
    }

    @Test
    void detachReportsTheDetachedRowsDeletedAndStopsCapturingThem() {
        postgres.execute("INSERT INTO part_orders VALUES (1, 'new'), (120, 'new'), (160, 'new'); TRUNCATE wail.outbox;"
                + "ALTER TABLE part_orders DETACH PARTITION part_high;"
                + "INSERT INTO part_high VALUES (121, 'not captured'); UPDATE part_high_b SET status = 'x';"
                + "INSERT INTO part_orders VALUES (2, 'new')");

        assertThat(intents()).containsExactlyInAnyOrder(
                tuple(120L, Operation.DELETE), tuple(160L, Operation.DELETE),
                tuple(2L, Operation.INSERT));
        assertThat(Hooks.rows(postgres, "SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger "
                + "WHERE tgname LIKE 'wail_capture_%' AND tgrelid::regclass::text LIKE 'part_%' ORDER BY 1"))
                .containsExactly("part_low", "part_orders");
    }

    @Test
    void aConcurrentDetachIsFollowedWhenItCompletes() {
        postgres.execute("INSERT INTO part_orders VALUES (1, 'new'), (2, 'new'); TRUNCATE wail.outbox");
        postgres.execute("ALTER TABLE part_orders DETACH PARTITION part_low CONCURRENTLY");
        postgres.execute("INSERT INTO part_low VALUES (3, 'not captured')");

        assertThat(intents()).containsExactlyInAnyOrder(tuple(1L, Operation.DELETE), tuple(2L, Operation.DELETE));
    }

    @Test
    void aTableCapturedOnItsOwnAndThenAttachedIsCapturedThroughItsNewParent() {
        postgres.execute("""
                CREATE TABLE public.part_extra (id bigint PRIMARY KEY, status text);
                SELECT wail.capture('public.part_extra', source => 'other', chunk_keys => 7);
                INSERT INTO part_extra VALUES (300, 'old');
                TRUNCATE wail.outbox, wail.capture_events;
                ALTER TABLE part_orders ATTACH PARTITION part_extra FOR VALUES FROM (300) TO (400);
                INSERT INTO part_extra VALUES (301, 'new');
                """);

        assertThat(intents()).containsExactly(tuple(300L, Operation.INSERT), tuple(301L, Operation.INSERT));
        assertThat(Hooks.rows(postgres, "SELECT format('%s %s %s', event, table_name, reason) "
                + "FROM wail.capture_events")).containsExactly("uncaptured public.part_extra became a partition of "
                + "public.part_orders, which wail captures: captured through it");
        assertThat(Hooks.rows(postgres, "SELECT target::text FROM wail.captured_tables WHERE target::text LIKE "
                + "'part%'")).containsExactly("part_orders");
    }

    @Test
    void droppingAnAttachedPartitionIsRefusedButDetachThenDropAndDroppingTheWholeTableWork() {
        assertThatThrownBy(() -> postgres.execute("DROP TABLE part_high_a"))
                .hasMessageContaining("wail: DROP TABLE public.part_high_a refused: it is a partition of "
                        + "public.part_orders, which wail captures")
                .hasMessageContaining("detach it first (ALTER TABLE public.part_high DETACH PARTITION "
                        + "public.part_high_a; reports its rows deleted)");
        postgres.execute("INSERT INTO part_orders VALUES (1, 'new'), (120, 'new'); TRUNCATE wail.outbox;"
                + "ALTER TABLE part_high DETACH PARTITION part_high_a; DROP TABLE part_high_a;");
        assertThat(intents()).containsExactly(tuple(120L, Operation.DELETE));

        postgres.execute("TRUNCATE wail.capture_events; DROP TABLE part_orders");
        assertThat(Hooks.rows(postgres, "SELECT event || ' ' || table_name FROM wail.capture_events"))
                .containsExactly("dropped public.part_orders");
        assertThat(postgres.queryString("SELECT count(*) FROM wail.captured_partitions")).isEqualTo("0");
    }

    @Test
    void aPartitionOfACapturedTableIsNotCapturedOnItsOwn() {
        assertThatThrownBy(() -> postgres.execute("SELECT wail.capture('part_low', source => 'shop')"))
                .hasMessageContaining("public.part_low is a partition of public.part_orders, which is captured");
    }
}
