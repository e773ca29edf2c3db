package dev.wail.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.producer.hook.HookPayloadReader;
import dev.wail.testing.EmbeddedPostgresServer;
import dev.wail.testing.RealServices;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Delivery 'aws_lambda' on plain PostgreSQL through {@code wail/aws_lambda_emulation.sql}: the trigger's
 * {@code aws_lambda.invoke(..., 'Event')} lands in {@code aws_lambda_emulation.invocations} at once, outside the
 * writing transaction, as Aurora's invoke leaves at once.
 */
@RealServices
class AwsLambdaEmulationTest {

    private final EmbeddedPostgresServer postgres;

    AwsLambdaEmulationTest(EmbeddedPostgresServer postgres) {
        this.postgres = postgres;
    }

    @BeforeEach
    void freshTable() {
        Hooks.installWithAwsLambdaEmulation(postgres);
        postgres.execute(Hooks.capturedTableSql("emulated_orders", "delivery => 'aws_lambda', "
                + "function_name => 'wail-producer-hook', region => 'eu-west-1'")
                + "TRUNCATE aws_lambda_emulation.invocations, aws_lambda_emulation.failed_invocations");
    }

    private record Invocation(String functionName, String region, List<Intent> intents) {
    }

    private List<Invocation> invocations() throws SQLException {
        List<Invocation> invocations = new ArrayList<>();
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT function_name, region, payload "
                        + "FROM aws_lambda_emulation.invocations ORDER BY id")) {
            while (rows.next()) {
                invocations.add(new Invocation(rows.getString(1), rows.getString(2),
                        HookPayloadReader.read(rows.getString(3))));
            }
        }
        return invocations;
    }

    private String query(String sql) throws SQLException {
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getString(1);
        }
    }

    @Test
    void eachStatementInvokesTheFunctionOnceWithItsKeys() throws SQLException {
        postgres.execute("INSERT INTO emulated_orders VALUES (1, 'new'), (2, 'new');"
                + "UPDATE emulated_orders SET status = 'paid' WHERE id = 2;"
                + "DELETE FROM emulated_orders WHERE id = 1");

        assertThat(invocations()).hasSize(3).allSatisfy(invocation -> {
            assertThat(invocation.functionName()).isEqualTo("wail-producer-hook");
            assertThat(invocation.region()).isEqualTo("eu-west-1");
        }).flatExtracting(Invocation::intents).extracting(i -> i.key().value(0), Intent::operation).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1L, Operation.INSERT),
                org.assertj.core.groups.Tuple.tuple(2L, Operation.INSERT),
                org.assertj.core.groups.Tuple.tuple(2L, Operation.UPDATE),
                org.assertj.core.groups.Tuple.tuple(1L, Operation.DELETE));
    }

    @Test
    void theInvocationIsVisibleBeforeCommitAndSurvivesARollbackLikeAurorasAsynchronousInvoke() throws SQLException {
        try (Connection writer = postgres.dataSource().getConnection(); Statement s = writer.createStatement()) {
            writer.setAutoCommit(false);
            s.execute("INSERT INTO emulated_orders VALUES (7, 'new')");

            assertThat(invocations()).as("seen from another session before the writer commits").hasSize(1);
            writer.rollback();
        }

        Intent intent = invocations().get(0).intents().get(0);
        assertThat(intent.key().value(0)).isEqualTo(7L);
        assertThat(query("SELECT count(*) FROM emulated_orders")).isEqualTo("0");
        // What the consumer checks before it trusts an intent: the transaction that reported it never committed.
        long xid = ((VersionHint.Postgres) intent.version()).transactionId();
        assertThat(query("SELECT pg_xact_status('" + xid + "'::xid8)")).isEqualTo("aborted");
    }

    @Test
    void aLostLoopbackConnectionIsReopenedWithoutLosingTheInvocation() throws SQLException {
        try (Connection writer = postgres.dataSource().getConnection(); Statement s = writer.createStatement()) {
            s.execute("INSERT INTO emulated_orders VALUES (1, 'new')");
            postgres.execute("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                    + "WHERE application_name = 'aws_lambda_emulation'");
            s.execute("INSERT INTO emulated_orders VALUES (2, 'new')");
        }

        assertThat(invocations()).flatExtracting(Invocation::intents).extracting(i -> i.key().value(0))
                .containsExactly(1L, 2L);
    }

    @Test
    void theDocumentedSignaturesAnswerLikeAurora() throws SQLException {
        assertThat(query("SELECT status_code FROM aws_lambda.invoke(aws_commons.create_lambda_function_arn("
                + "'wail-producer-hook', 'eu-west-1'), '{\"a\":1}'::json, 'Event')")).isEqualTo("202");
        assertThat(query("SELECT status_code FROM aws_lambda.invoke('wail-producer-hook', '{\"a\":1}'::jsonb, "
                + "region => 'eu-west-1', invocation_type => 'Event')")).isEqualTo("202");
        assertThat(query("SELECT status_code FROM aws_lambda.invoke('wail-producer-hook', '{}'::json, "
                + "invocation_type => 'DryRun')")).isEqualTo("204");
        assertThat(query("SELECT count(*) FROM aws_lambda_emulation.invocations "
                + "WHERE payload::jsonb = '{\"a\": 1}'"))
                .isEqualTo("2");

        assertThatThrownBy(() -> query("SELECT * FROM aws_lambda.invoke('wail-producer-hook', '{}'::json)"))
                .hasMessageContaining("the local emulation delivers asynchronously only");
        assertThatThrownBy(() -> query("SELECT * FROM aws_lambda.invoke("
                + "'arn:aws:lambda:us-east-1:000000000000:function:wail-producer-hook', '{}'::json, "
                + "region => 'eu-west-1', invocation_type => 'Event')"))
                .hasMessageContaining("region eu-west-1 conflicts with the region us-east-1 of function ARN");
        assertThatThrownBy(() -> query("SELECT * FROM aws_lambda.invoke('f', '{}'::json, invocation_type => 'event')"))
                .hasMessageContaining("invocation_type must be RequestResponse, Event or DryRun (case-sensitive), "
                        + "got event");
    }

    @Test
    void aPayloadOverTheInvokeLimitFailsTheWriteInsteadOfBeingSent() throws SQLException {
        postgres.execute("""
                DROP TABLE IF EXISTS public.emulated_wide;
                CREATE TABLE public.emulated_wide (code text PRIMARY KEY);
                SELECT wail.capture('public.emulated_wide', source => 'shop', delivery => 'aws_lambda',
                                    function_name => 'wail-producer-hook', chunk_bytes => 262144);
                """);

        // Keys of 2,000 characters: a chunk takes keys until they pass 262,144 bytes, then the header comes on top.
        assertThatThrownBy(() -> postgres.execute(
                "INSERT INTO emulated_wide SELECT lpad(g::text, 2000, 'x') FROM generate_series(1, 260) g"))
                .hasMessageContaining("exceeds the 262144 byte asynchronous invoke limit")
                .hasMessageContaining("capture the table again with a smaller chunk_bytes");
        assertThat(invocations()).isEmpty();
    }
}
