package dev.wail.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.TestData;
import dev.wail.embedded.TestData;
import dev.wail.producer.hook.HookPayloadReader;
import dev.wail.testing.RealServices;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Running the current hooks.sql over an installation of the release before it: captured tables keep their settings
 * and get the new hooks, the old trigger functions go, and a table whose key the current rules refuse loses its hooks
 * with a 'refused' event instead of failing the installation.
 */
@RealServices
class HookUpgradeTest {

    private static final String DATABASE = "hooks_upgrade";

    private final EmbeddedPostgresServer postgres;
    private String jdbcUrl;

    HookUpgradeTest(EmbeddedPostgresServer postgres) {
        this.postgres = postgres;
    }

    @BeforeEach
    void anOlderInstallation() {
        postgres.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE); CREATE DATABASE " + DATABASE);
        jdbcUrl = postgres.jdbcUrl().replace("/" + EmbeddedPostgresServer.DATABASE + "?", "/" + DATABASE + "?");
        TestData.execute(jdbcUrl, TestData.resource("/wail/hooks-before-ddl-following.sql") + """
                CREATE TABLE public.old_orders (id bigint PRIMARY KEY, status text);
                CREATE TABLE public.old_gauges (reading double precision PRIMARY KEY);
                SELECT wail.capture('public.old_orders', source => 'shop', chunk_keys => 2);
                SELECT wail.capture('public.old_gauges', source => 'shop');
                """);
    }

    private List<String> rows(String sql) {
        return List.of(TestData.queryString(jdbcUrl, "SELECT coalesce(string_agg(x, E'\\n'), '') FROM (" + sql
                + ") q(x)").split("\n"));
    }

    @Test
    void theCurrentInstallerUpgradesAnOlderInstallationInPlace() {
        TestData.execute(jdbcUrl, Hooks.installerSql()
                + "INSERT INTO old_orders SELECT g, 'new' FROM generate_series(1, 3) g;"
                + "INSERT INTO old_gauges VALUES (1.5);"
                + "ALTER TABLE old_orders RENAME COLUMN id TO order_id;"
                + "INSERT INTO old_orders VALUES (4, 'new');");

        assertThat(rows("SELECT wail.outbox_payload(o) FROM wail.outbox o ORDER BY id").stream()
                .map(p -> HookPayloadReader.read(p).stream().map(i -> i.key().toString()).toList().toString())
                .toList()).as("chunk_keys 2 kept; no payload for the table no longer captured").containsExactly(
                "[{id=1}, {id=2}]", "[{id=3}]", "[{order_id=4}]");
        assertThat(rows("SELECT format('%s %s v%s %s', event, table_name, capture_version, reason) "
                + "FROM wail.capture_events ORDER BY id")).containsExactly(
                "refused public.old_gauges v1 hooks.sql re-run: wail: key column reading of public.old_gauges has "
                        + "type double precision, which wail cannot use as a key",
                "recaptured public.old_orders v2 hooks.sql re-run",
                "recaptured public.old_orders v3 ALTER TABLE");
        assertThat(rows("SELECT proname FROM pg_proc WHERE pronamespace = 'wail'::regnamespace "
                + "AND prorettype = 'trigger'::regtype")).containsExactly("hook_"
                + TestData.queryString(jdbcUrl, "SELECT 'old_orders'::regclass::oid"));
        assertThat(rows("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE 'wail%' ORDER BY 1"))
                .containsOnly("old_orders").hasSize(4);
    }

    @Test
    void outboxRowsWrittenBeforeTheUpgradeAreReadAfterItBesideTheNewRowsByTheDrainsOwnRole() throws SQLException {
        // The older installation's rows hold their payload's text; the drain's role was granted what it then needed.
        TestData.execute(jdbcUrl, """
                INSERT INTO old_orders SELECT g, 'new' FROM generate_series(1, 3) g;
                UPDATE old_orders SET status = 'paid' WHERE id = 2;
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wail_test_drainer') THEN
                        CREATE ROLE wail_test_drainer LOGIN NOSUPERUSER;
                    END IF;
                END $$;
                GRANT USAGE ON SCHEMA wail TO wail_test_drainer;
                GRANT SELECT, DELETE, UPDATE (id) ON wail.outbox TO wail_test_drainer;
                GRANT INSERT ON wail.outbox_rejected TO wail_test_drainer;
                """);
        String before = TestData.queryString(jdbcUrl, "SELECT string_agg(payload, '|' ORDER BY id) FROM wail.outbox");

        TestData.execute(jdbcUrl, Hooks.installerSql() + """
                UPDATE old_orders SET status = 'sent' WHERE id IN (1, 3);
                DELETE FROM old_orders WHERE id = 2;
                """);

        assertThat(rows("SELECT count(*) FILTER (WHERE payload IS NULL) || ' typed, ' "
                + "|| count(*) FILTER (WHERE payload IS NOT NULL) || ' with text' FROM wail.outbox"))
                .containsExactly("2 typed, 3 with text");
        // What the drain runs (OutboxDrain's LOCK_BATCH), as the drain's role.
        List<String> payloads = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SET LOCAL ROLE wail_test_drainer");
            try (ResultSet r = s.executeQuery("SELECT wail.outbox_payload(o) FROM wail.outbox o ORDER BY o.id "
                    + "LIMIT 100 FOR UPDATE SKIP LOCKED")) {
                while (r.next()) {
                    payloads.add(r.getString(1));
                }
            }
            c.rollback();
        }
        assertThat(String.join("|", payloads.subList(0, 3))).as("rows from before, as written").isEqualTo(before);
        assertThat(payloads.stream()
                .map(p -> HookPayloadReader.read(p).stream()
                        .map(i -> i.operation() + " " + i.key() + " cv" + i.captureVersion()).toList().toString())
                .toList()).containsExactly(
                "[INSERT {id=1} cvnull, INSERT {id=2} cvnull]", "[INSERT {id=3} cvnull]", "[UPDATE {id=2} cvnull]",
                "[UPDATE {id=1} cv2, UPDATE {id=3} cv2]", "[DELETE {id=2} cv2]");
    }

    /**
     * The other upgrade order: hooks.sql re-run while a drain older than it still runs. That drain reads a typed row's
     * empty payload as unreadable and moves it to wail.outbox_rejected with that payload (its RECORD_REJECTED,
     * below, in the same transaction as its deletes); the NOT NULL on outbox_rejected.payload refuses the move, so
     * the old drain fails and the row waits in the outbox for the new one, its keys intact.
     */
    @Test
    void aDrainOlderThanTheHooksCannotMoveTypedRowsAway() {
        TestData.execute(jdbcUrl, Hooks.installerSql() + "INSERT INTO old_orders VALUES (7, 'new');");
        // The older drain's RECORD_REJECTED and DELETE_SETTLED, with what it read: the row's id and its payload.
        String olderDrainsMove = "BEGIN; INSERT INTO wail.outbox_rejected (id, payload, reason)"
                + " SELECT id, payload, 'unreadable' FROM wail.outbox; DELETE FROM wail.outbox; COMMIT;";

        assertThatThrownBy(() -> TestData.execute(jdbcUrl, olderDrainsMove))
                .hasStackTraceContaining("null value in column \"payload\"");

        assertThat(rows("SELECT wail.outbox_payload(o) FROM wail.outbox o ORDER BY id").stream()
                .map(p -> HookPayloadReader.read(p).stream().map(in -> in.key().toString()).toList().toString())
                .toList()).as("the typed row is still there for the new drain").containsExactly("[{id=7}]");
        assertThat(rows("SELECT count(*)::text FROM wail.outbox_rejected")).containsExactly("0");
    }
}
