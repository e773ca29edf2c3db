package dev.wail.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.producer.hook.HookPayloadReader;
import dev.wail.testing.RealServices;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
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

    /**
     * The largest chunk_bytes for emulated_wide (one text key, source 'shop'): 262,144 + 1, less the header's 161
     * bytes at most ({"wail":1,"s":"shop","t":"emulated_wide","cv":<10 digits>,"o":"u","x":<20>,"l":<20>,"c":<20>,
     * "kc":["code"],"k":[ ... ]}) and one key's 12,292 ([" and "] around 2,048 characters of 6 bytes: control
     * characters, escaped as a backslash, u and four hex digits).
     */
    private static final int LARGEST_CHUNK_BYTES = 262_145 - 161 - 12_292;

    private void createWideTable() {
        postgres.execute("""
                DROP TABLE IF EXISTS public.emulated_wide;
                CREATE TABLE public.emulated_wide (code text PRIMARY KEY);
                """);
    }

    private String captureWide(String chunkBytes) {
        return "SELECT wail.capture('public.emulated_wide', source => 'shop', delivery => 'aws_lambda', "
                + "function_name => 'wail-producer-hook'" + chunkBytes + ")";
    }

    @Test
    void captureRefusesAChunkBytesWithWhichAPayloadCouldExceedTheInvokeLimit() {
        createWideTable();

        // Used to be accepted, and a statement of 260 keys of 2,000 characters then failed the user's INSERT.
        assertThatThrownBy(() -> postgres.execute(captureWide(", chunk_bytes => 262144")))
                .hasMessageContaining("chunk_bytes must be at most " + LARGEST_CHUNK_BYTES
                        + " for public.emulated_wide with delivery 'aws_lambda', got 262144")
                .hasMessageContaining("under the 262144 byte asynchronous invoke limit with its header (161 bytes at "
                        + "most) and, past chunk_bytes, one more key (12292 bytes at most: 1 key columns");
        assertThatThrownBy(() -> postgres.execute(captureWide(", chunk_bytes => " + (LARGEST_CHUNK_BYTES + 1))))
                .hasMessageContaining("chunk_bytes must be at most " + LARGEST_CHUNK_BYTES);
    }

    @Test
    void leftOutChunkBytesIsLoweredToWhatTheTablesKeyLeavesRoomFor() throws SQLException {
        // Six text key columns: a key takes up to 73,747 bytes, the header 181, so 200,000 would not fit.
        createWideTable();
        postgres.execute("ALTER TABLE public.emulated_wide ADD COLUMN a text, ADD COLUMN b text, "
                + "ADD COLUMN c text, ADD COLUMN d text, ADD COLUMN e text, "
                + "DROP CONSTRAINT emulated_wide_pkey, ADD PRIMARY KEY (code, a, b, c, d, e);" + captureWide(""));
        assertThat(query("SELECT chunk_bytes FROM wail.captured_tables WHERE target = 'public.emulated_wide'::regclass"))
                .isEqualTo(String.valueOf(262_145 - 181 - (2 + 5 + 6 * 12_290)));

        postgres.execute("DROP TABLE IF EXISTS public.emulated_narrow; "
                + "CREATE TABLE public.emulated_narrow (id bigint PRIMARY KEY); "
                + "SELECT wail.capture('public.emulated_narrow', source => 'shop', delivery => 'aws_lambda', "
                + "function_name => 'wail-producer-hook')");
        assertThat(query("SELECT chunk_bytes FROM wail.captured_tables WHERE target = 'public.emulated_narrow'::regclass"))
                .isEqualTo("200000");
    }

    @Test
    void aKeyChangeThatLeavesLessRoomLowersChunkBytesAndRecordsIt() throws SQLException {
        createWideTable();
        postgres.execute(captureWide(""));
        assertThat(query("SELECT chunk_bytes FROM wail.captured_tables WHERE target = 'public.emulated_wide'::regclass"))
                .isEqualTo("200000");

        // Followed by the event trigger: the key grows to six text columns, and 200,000 no longer fits.
        postgres.execute("ALTER TABLE public.emulated_wide ADD COLUMN a text, ADD COLUMN b text, "
                + "ADD COLUMN c text, ADD COLUMN d text, ADD COLUMN e text, "
                + "DROP CONSTRAINT emulated_wide_pkey, ADD PRIMARY KEY (code, a, b, c, d, e)");
        assertThat(query("SELECT chunk_bytes FROM wail.captured_tables WHERE target = 'public.emulated_wide'::regclass"))
                .isEqualTo(String.valueOf(262_145 - 181 - (2 + 5 + 6 * 12_290)));
        assertThat(query("SELECT new_definition->>'chunk_bytes' FROM wail.capture_events "
                + "WHERE table_oid = 'public.emulated_wide'::regclass ORDER BY id DESC LIMIT 1"))
                .isEqualTo(String.valueOf(262_145 - 181 - (2 + 5 + 6 * 12_290)));
    }

    @Test
    void worstCaseKeysAtTheLargestAcceptedChunkBytesStayUnderTheInvokeLimitAndAllArrive() throws SQLException {
        createWideTable();
        assertThatThrownBy(() -> postgres.execute(captureWide(", chunk_bytes => " + (LARGEST_CHUNK_BYTES + 1))))
                .hasMessageContaining("chunk_bytes must be at most " + LARGEST_CHUNK_BYTES);
        postgres.execute(captureWide(", chunk_bytes => " + LARGEST_CHUNK_BYTES));

        // Keys of 2,048 control characters, 6 bytes each in JSON, 12,290 per key: g in binary
        // written with chr(1) and chr(2).
        postgres.execute("INSERT INTO emulated_wide SELECT translate(lpad(g::bit(7)::text, 2048, '0'), '01', "
                + "chr(1) || chr(2)) FROM generate_series(1, 100) g");

        // Read in SQL: HookPayloadReader rightly refuses keys this long as intents (over IntentLimits' 8 KiB).
        List<Integer> sizes = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement()) {
            try (ResultSet rows = s.executeQuery(
                    "SELECT octet_length(payload::text) FROM aws_lambda_emulation.invocations ORDER BY id")) {
                while (rows.next()) {
                    sizes.add(rows.getInt(1));
                }
            }
            try (ResultSet rows = s.executeQuery("SELECT k->>0 FROM aws_lambda_emulation.invocations, "
                    + "json_array_elements(payload::json->'k') k")) {
                while (rows.next()) {
                    keys.add(rows.getString(1));
                }
            }
        }
        // A key goes to the payload its offset (a multiple of 12,293 bytes) falls in: 20 or 21 keys a payload,
        // 21 making 258,152 bytes of keys plus the header.
        assertThat(sizes).hasSize(5).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(262_144));
        assertThat(sizes.stream().mapToInt(Integer::intValue).max().orElseThrow()).isGreaterThan(258_152);
        assertThat(keys).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 100)
                .mapToObj(g -> String.format("%2048s", Integer.toBinaryString(g)).replace(' ', '0')
                        .replace('0', '\u0001').replace('1', '\u0002'))
                .toList());
        assertThat(query("SELECT count(*) FROM aws_lambda_emulation.failed_invocations")).isEqualTo("0");
    }
}
