package dev.wail.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.testing.RealServices;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The event triggers of hooks.sql keep a captured table's hooks valid across DDL: the user's writes succeed after each
 * change, their intents carry the new definition, and wail.capture_events records what happened.
 */
@RealServices
class HookDdlTest {

    private final EmbeddedPostgresServer postgres;

    HookDdlTest(EmbeddedPostgresServer postgres) {
        this.postgres = postgres;
    }

    @BeforeEach
    void freshTable() {
        Hooks.install(postgres);
        postgres.execute("""
                DROP TABLE IF EXISTS public.ddl_orders, public.ddl_orders_renamed;
                DROP SCHEMA IF EXISTS ddl_archive, ddl_archive_renamed CASCADE;
                CREATE TABLE public.ddl_orders (id bigint PRIMARY KEY, status text NOT NULL);
                SELECT wail.capture('public.ddl_orders', source => 'shop');
                TRUNCATE wail.outbox, wail.capture_events;
                """);
    }

    private List<Intent> intents() {
        return Hooks.outboxIntents(postgres);
    }

    /** Each capture event as "event table vN old-key -> new-key (label) reason". */
    private List<String> captureEvents() {
        return Hooks.rows(postgres, """
                SELECT format('%s %s v%s %s -> %s (%s) %s', event, table_name, capture_version,
                              coalesce(old_definition->>'key_columns', '-'),
                              coalesce(new_definition->>'key_columns', '-'),
                              coalesce(new_definition->>'table_label', '-'), reason)
                  FROM wail.capture_events ORDER BY id""");
    }

    @Test
    void renamingAKeyColumnRecapturesTheTableWithTheNewName() {
        postgres.execute("INSERT INTO ddl_orders VALUES (1, 'new');"
                + "ALTER TABLE ddl_orders RENAME COLUMN id TO order_id;"
                + "INSERT INTO ddl_orders VALUES (2, 'new');"
                + "UPDATE ddl_orders SET status = 'paid' WHERE order_id = 2;"
                + "DELETE FROM ddl_orders WHERE order_id = 1");

        assertThat(intents()).extracting(Intent::key, Intent::operation).containsExactly(
                tuple(keyOf("id", 1), Operation.INSERT),
                tuple(keyOf("order_id", 2), Operation.INSERT),
                tuple(keyOf("order_id", 2), Operation.UPDATE),
                tuple(keyOf("order_id", 1), Operation.DELETE));
        assertThat(captureEvents()).containsExactly(
                "recaptured public.ddl_orders v2 [\"id\"] -> [\"order_id\"] (ddl_orders) ALTER TABLE");
        assertThat(postgres.queryString("SELECT capture_version FROM wail.captured_tables "
                + "WHERE target = 'ddl_orders'::regclass")).isEqualTo("2");
    }

    @Test
    void everyPayloadCarriesTheCaptureVersionOfTheHooksThatWroteIt() {
        postgres.execute("INSERT INTO ddl_orders VALUES (1, 'new');"
                + "ALTER TABLE ddl_orders RENAME COLUMN id TO order_id;"
                + "UPDATE ddl_orders SET status = 'paid' WHERE order_id = 1;"
                + "ALTER TABLE ddl_orders ADD COLUMN note text;"
                + "DELETE FROM ddl_orders WHERE order_id = 1");

        // A column that is not in the key changes nothing the consumer reads: the version stays.
        assertThat(intents()).extracting(Intent::key, Intent::operation, Intent::captureVersion).containsExactly(
                tuple(keyOf("id", 1), Operation.INSERT, 1),
                tuple(keyOf("order_id", 1), Operation.UPDATE, 2),
                tuple(keyOf("order_id", 1), Operation.DELETE, 2));
    }

    private static EntityKey keyOf(String column, long value) {
        return EntityKey.of(column, value);
    }

    @Test
    void renamingTheTableOrItsSchemaOrMovingItChangesTheLabelAndTruncateAndUncaptureStillWork() {
        postgres.execute("""
                ALTER TABLE ddl_orders RENAME TO ddl_orders_renamed;
                INSERT INTO ddl_orders_renamed VALUES (1, 'new');
                CREATE SCHEMA ddl_archive;
                ALTER TABLE ddl_orders_renamed SET SCHEMA ddl_archive;
                INSERT INTO ddl_archive.ddl_orders_renamed VALUES (2, 'new');
                ALTER SCHEMA ddl_archive RENAME TO ddl_archive_renamed;
                INSERT INTO ddl_archive_renamed.ddl_orders_renamed VALUES (3, 'new');
                TRUNCATE ddl_archive_renamed.ddl_orders_renamed;
                """);

        assertThat(intents()).extracting(Intent::table, i -> i.key().value(0), Intent::operation).containsExactly(
                tuple("ddl_orders_renamed", 1L, Operation.INSERT),
                tuple("ddl_archive.ddl_orders_renamed", 2L, Operation.INSERT),
                tuple("ddl_archive_renamed.ddl_orders_renamed", 3L, Operation.INSERT),
                tuple("ddl_archive_renamed.ddl_orders_renamed", 1L, Operation.DELETE),
                tuple("ddl_archive_renamed.ddl_orders_renamed", 2L, Operation.DELETE),
                tuple("ddl_archive_renamed.ddl_orders_renamed", 3L, Operation.DELETE));
        assertThat(captureEvents()).containsExactly(
                "recaptured public.ddl_orders_renamed v2 [\"id\"] -> [\"id\"] (ddl_orders_renamed) ALTER TABLE",
                "recaptured ddl_archive.ddl_orders_renamed v3 [\"id\"] -> [\"id\"] (ddl_archive.ddl_orders_renamed) "
                        + "ALTER TABLE",
                "recaptured ddl_archive_renamed.ddl_orders_renamed v4 [\"id\"] -> [\"id\"] "
                        + "(ddl_archive_renamed.ddl_orders_renamed) ALTER SCHEMA");

        postgres.execute("TRUNCATE wail.outbox; SELECT wail.uncapture('ddl_archive_renamed.ddl_orders_renamed');"
                + "INSERT INTO ddl_archive_renamed.ddl_orders_renamed VALUES (4, 'new')");
        assertThat(intents()).isEmpty();
        assertThat(Hooks.rows(postgres, "SELECT tgname FROM pg_trigger "
                + "WHERE tgrelid = 'ddl_archive_renamed.ddl_orders_renamed'::regclass")).isEmpty();
        assertThat(captureEvents()).last().isEqualTo("uncaptured ddl_archive_renamed.ddl_orders_renamed v4 "
                + "[\"id\"] -> - (-) wail.uncapture");
    }

    @Test
    void replacingThePrimaryKeyInOneAlterTableRecapturesWithTheNewKey() {
        postgres.execute("ALTER TABLE ddl_orders DROP CONSTRAINT ddl_orders_pkey, ADD PRIMARY KEY (status, id);"
                + "INSERT INTO ddl_orders VALUES (1, 'new')");

        assertThat(intents()).singleElement().satisfies(i -> assertThat(i.key()).isEqualTo(
                EntityKey.builder().add("status", "new").add("id", 1L).build()));
        assertThat(captureEvents()).containsExactly(
                "recaptured public.ddl_orders v2 [\"id\"] -> [\"status\", \"id\"] (ddl_orders) ALTER TABLE");
    }

    @Test
    void changingTheTypeOfAKeyColumnChangesItsEncoding() {
        postgres.execute("INSERT INTO ddl_orders VALUES (1, 'new');"
                + "ALTER TABLE ddl_orders ALTER COLUMN id TYPE text;"
                + "INSERT INTO ddl_orders VALUES ('2', 'new')");

        assertThat(Hooks.rows(postgres, "SELECT wail.outbox_payload(o)::json->>'k' FROM wail.outbox o ORDER BY id"))
                .containsExactly("[[1]]", "[[\"2\"]]");
        assertThat(Hooks.rows(postgres, "SELECT format('%s -> %s', old_definition->'key_types', "
                + "new_definition->'key_types') FROM wail.capture_events"))
                .containsExactly("[\"bigint\"] -> [\"text\"]");
    }

    @Test
    void otherColumnsComeAndGoWithoutTouchingTheCapture() {
        postgres.execute("ALTER TABLE ddl_orders ADD COLUMN note text;"
                + "ALTER TABLE ddl_orders RENAME COLUMN status TO state;"
                + "ALTER TABLE ddl_orders DROP COLUMN note;"
                + "INSERT INTO ddl_orders VALUES (1, 'new')");

        assertThat(intents()).extracting(i -> i.key().value(0)).containsExactly(1L);
        assertThat(captureEvents()).isEmpty();
    }

    @Test
    void ddlThatWouldLeaveTheTableWithoutAKeyWailCanUseIsRefusedAndTheHooksKeepWorking() {
        assertThatThrownBy(() -> postgres.execute("ALTER TABLE ddl_orders DROP CONSTRAINT ddl_orders_pkey"))
                .hasMessageContaining("wail: ALTER TABLE refused: table public.ddl_orders has no primary key")
                .hasMessageContaining("Change its primary key in one ALTER TABLE (DROP CONSTRAINT ..., "
                        + "ADD PRIMARY KEY (...))")
                .hasMessageContaining("SELECT wail.uncapture('public.ddl_orders');");
        assertThatThrownBy(() -> postgres.execute("ALTER TABLE ddl_orders DROP COLUMN id"))
                .hasMessageContaining("wail: ALTER TABLE refused: table public.ddl_orders has no primary key");
        assertThatThrownBy(() -> postgres.execute("ALTER TABLE ddl_orders ALTER COLUMN id TYPE double precision"))
                .hasMessageContaining("wail: ALTER TABLE refused: key column id of public.ddl_orders has type "
                        + "double precision, which wail cannot use as a key");

        postgres.execute("INSERT INTO ddl_orders VALUES (1, 'new')");
        assertThat(intents()).extracting(i -> i.key().value(0)).containsExactly(1L);
        assertThat(captureEvents()).isEmpty();
    }

    @Test
    void droppingACapturedTableRemovesItsCaptureAndRecordsWhy() {
        postgres.execute("SELECT wail.capture('public.ddl_orders', source => 'shop', chunk_keys => 10);"
                + "DROP TABLE ddl_orders");

        assertThat(captureEvents()).containsExactly(
                "recaptured public.ddl_orders v2 [\"id\"] -> [\"id\"] (ddl_orders) wail.capture",
                "dropped public.ddl_orders v2 [\"id\"] -> - (-) DROP: the table was dropped; its rows were not "
                        + "reported deleted");
        assertThat(Hooks.rows(postgres, "SELECT old_definition->>'chunk_keys' FROM wail.capture_events "
                + "WHERE event = 'dropped'")).containsExactly("10");
        assertThat(postgres.queryString("SELECT count(*) FROM wail.captured_tables WHERE target::text LIKE "
                + "'%ddl_orders%'")).isEqualTo("0");
        assertThat(Hooks.rows(postgres, "SELECT proname FROM pg_proc WHERE pronamespace = 'wail'::regnamespace "
                + "AND prorettype = 'trigger'::regtype AND proname NOT IN (SELECT 'hook_' || target::oid "
                + "FROM wail.captured_tables)")).isEmpty();
    }

    @Test
    void captureEventsRecordTheFirstCaptureWithItsDefinition() {
        postgres.execute("DROP TABLE ddl_orders; CREATE TABLE ddl_orders (id bigint PRIMARY KEY, status text);"
                + "TRUNCATE wail.capture_events;"
                + "SELECT wail.capture('ddl_orders', source => 'shop')");

        assertThat(Hooks.rows(postgres, "SELECT format('%s %s %s %s', event, capture_version, "
                + "coalesce(old_definition::text, '-'), new_definition) FROM wail.capture_events"))
                .containsExactly("captured 1 - {\"source\": \"shop\", \"delivery\": \"outbox\", "
                + "\"key_types\": [\"bigint\"], \"chunk_keys\": 5000, \"chunk_bytes\": 200000, "
                + "\"key_columns\": [\"id\"], \"table_label\": \"ddl_orders\"}");
    }
}
