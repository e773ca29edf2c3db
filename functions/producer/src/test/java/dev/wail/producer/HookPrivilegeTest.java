package dev.wail.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.TestData;
import dev.wail.producer.hook.HookPayloadReader;
import dev.wail.testing.RealServices;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An application role with nothing but its table privileges writes captured tables, in both deliveries: the
 * SECURITY DEFINER trigger functions (owned by wail_hooks) do the rest, and the role itself cannot touch wail.outbox,
 * aws_lambda or wail.capture.
 */
@RealServices
class HookPrivilegeTest {

    private static final String WRITER = "wail_test_app_writer";

    private final EmbeddedPostgresServer postgres;

    HookPrivilegeTest(EmbeddedPostgresServer postgres) {
        this.postgres = postgres;
    }

    @BeforeEach
    void freshTablesAndAWriter() {
        Hooks.installWithAwsLambdaEmulation(postgres);
        postgres.execute("""
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wail_test_app_writer') THEN
                        CREATE ROLE wail_test_app_writer LOGIN NOSUPERUSER;
                    END IF;
                END $$;
                DROP TABLE IF EXISTS public.priv_orders, public.priv_lines;
                CREATE TABLE public.priv_orders (id bigint PRIMARY KEY, status text NOT NULL);
                CREATE TABLE public.priv_lines (id bigint PRIMARY KEY, status text NOT NULL);
                GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON public.priv_orders, public.priv_lines
                   TO wail_test_app_writer;
                SELECT wail.capture('public.priv_orders', source => 'shop');
                SELECT wail.capture('public.priv_lines', source => 'shop', delivery => 'aws_lambda',
                                    function_name => 'wail-producer-hook');
                TRUNCATE wail.outbox, aws_lambda_emulation.invocations;
                """);
    }

    private String writerUrl() {
        return postgres.jdbcUrl().replace("user=" + EmbeddedPostgresServer.USER, "user=" + WRITER);
    }

    private void asWriter(String sql) {
        TestData.execute(writerUrl(), sql);
    }

    private List<Intent> invokedIntents() {
        return Hooks.rows(postgres, "SELECT payload FROM aws_lambda_emulation.invocations ORDER BY id").stream()
                .flatMap(payload -> HookPayloadReader.read(payload).stream()).toList();
    }

    @Test
    void aRoleWithOnlyTablePrivilegesWritesCapturedTablesInBothDeliveries() {
        assertThat(postgres.queryString("SELECT rolsuper FROM pg_roles WHERE rolname = '" + WRITER + "'"))
                .isEqualTo("f");
        for (String table : List.of("priv_orders", "priv_lines")) {
            asWriter("INSERT INTO " + table + " VALUES (1, 'new'), (2, 'new');"
                    + "UPDATE " + table + " SET status = 'paid' WHERE id = 2;"
                    + "DELETE FROM " + table + " WHERE id = 1;"
                    + "TRUNCATE " + table);
        }

        List<org.assertj.core.groups.Tuple> expected = List.of(tuple(1L, Operation.INSERT),
                tuple(2L, Operation.INSERT), tuple(2L, Operation.UPDATE), tuple(1L, Operation.DELETE),
                tuple(2L, Operation.DELETE));
        assertThat(Hooks.outboxIntents(postgres)).allSatisfy(i -> assertThat(i.table()).isEqualTo("priv_orders"))
                .extracting(i -> i.key().value(0), Intent::operation).containsExactlyElementsOf(expected);
        assertThat(invokedIntents()).allSatisfy(i -> assertThat(i.table()).isEqualTo("priv_lines"))
                .extracting(i -> i.key().value(0), Intent::operation).containsExactlyElementsOf(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "INSERT INTO wail.outbox (payload) VALUES ('{}')",
        "SELECT * FROM wail.outbox",
        "DELETE FROM wail.outbox",
        "SELECT wail.capture('public.priv_orders', source => 'other')",
        "SELECT * FROM aws_lambda.invoke(aws_commons.create_lambda_function_arn('wail-producer-hook'), "
                + "'{}'::json, 'Event')"})
    void theRoleIsRefusedWhenItTouchesWailOrAwsLambdaDirectly(String sql) {
        assertThatThrownBy(() -> asWriter(sql)).hasMessageContaining("permission denied for schema");
    }

    @Test
    void aTruncateOfATableWithRowLevelSecurityReportsEveryRowAndNoOtherRoleSeesMore() {
        // The writer sees only its own rows; the TRUNCATE's hook reads the table as wail_hooks and must see them all.
        postgres.execute("""
                ALTER TABLE public.priv_orders ADD COLUMN owner name NOT NULL DEFAULT current_user;
                ALTER TABLE public.priv_orders ENABLE ROW LEVEL SECURITY;
                CREATE POLICY own_rows ON public.priv_orders USING (owner = current_user);
                INSERT INTO public.priv_orders (id, status, owner) VALUES (1, 'new', 'someone_else');
                """);
        asWriter("INSERT INTO priv_orders (id, status) VALUES (2, 'new')");
        assertThat(TestData.queryString(writerUrl(), "SELECT string_agg(id::text, ',') FROM priv_orders"))
                .isEqualTo("2");
        postgres.execute("TRUNCATE wail.outbox");

        asWriter("TRUNCATE priv_orders");

        assertThat(Hooks.outboxIntents(postgres)).extracting(i -> i.key().value(0), Intent::operation)
                .containsExactlyInAnyOrder(tuple(1L, Operation.DELETE), tuple(2L, Operation.DELETE));
    }

    @Test
    void ddlByANonSuperuserOwnerOfACapturedTableIsFollowed() {
        postgres.execute("""
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'wail_test_migrator') THEN
                        CREATE ROLE wail_test_migrator LOGIN NOSUPERUSER;
                    END IF;
                END $$;
                ALTER TABLE public.priv_orders OWNER TO wail_test_migrator;
                """);
        TestData.execute(postgres.jdbcUrl().replace("user=" + EmbeddedPostgresServer.USER, "user=wail_test_migrator"),
                "ALTER TABLE priv_orders RENAME COLUMN id TO order_id");
        asWriter("INSERT INTO priv_orders VALUES (1, 'new')");

        assertThat(Hooks.outboxIntents(postgres)).singleElement()
                .satisfies(i -> assertThat(i.key().columns()).containsExactly("order_id"));
    }

    @Test
    void triggerFunctionsRunAsWailHooksWithAPinnedSearchPath() {
        assertThat(Hooks.rows(postgres, """
                SELECT format('%s %s %s %s', p.oid::regprocedure, p.prosecdef, p.proowner::regrole, p.proconfig)
                  FROM pg_proc p JOIN wail.captured_tables t ON p.proname = 'hook_' || t.target::oid
                 WHERE t.target IN ('priv_orders'::regclass, 'priv_lines'::regclass) ORDER BY t.target::text"""))
                .hasSize(2).allSatisfy(fn -> assertThat(fn)
                        .endsWith(" t wail_hooks {\"search_path=pg_catalog, pg_temp\"}"));
        assertThat(postgres.queryString("SELECT has_function_privilege('public', "
                + "'wail.invoke(text, text, json)', 'EXECUTE')")).isEqualTo("f");
        assertThat(postgres.queryString("SELECT has_table_privilege('wail_hooks', 'wail.outbox', 'SELECT, DELETE')"))
                .isEqualTo("f");
    }
}
