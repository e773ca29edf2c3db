package dev.wail.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.TestData;
import dev.wail.producer.hook.HookPayloadReader;
import dev.wail.testing.RealServices;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.PGConnection;

/** The statement-level triggers on a real PostgreSQL: what lands in wail.outbox for each kind of write. */
@RealServices
class HookTriggerTest {

    private final EmbeddedPostgresServer postgres;

    HookTriggerTest(EmbeddedPostgresServer postgres) {
        this.postgres = postgres;
    }

    @BeforeEach
    void freshTables() {
        Hooks.install(postgres);
        postgres.execute("""
                DROP TABLE IF EXISTS public.hook_orders, sales.hook_lines;
                CREATE SCHEMA IF NOT EXISTS sales;
                CREATE TABLE public.hook_orders (id bigint PRIMARY KEY, status text NOT NULL);
                CREATE TABLE sales.hook_lines (tenant uuid, line_no int, sku text, PRIMARY KEY (tenant, line_no));
                TRUNCATE wail.outbox;
                SELECT wail.capture('public.hook_orders', source => 'shop');
                SELECT wail.capture('sales.hook_lines', source => 'shop');
                """);
    }

    private List<Intent> outboxIntents() throws SQLException {
        List<Intent> intents = new ArrayList<>();
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT wail.outbox_payload(o) FROM wail.outbox o ORDER BY id")) {
            while (rows.next()) {
                intents.addAll(HookPayloadReader.read(rows.getString(1)));
            }
        }
        return intents;
    }

    private List<Integer> outboxPayloadBytes() throws SQLException {
        List<Integer> sizes = new ArrayList<>();
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT octet_length(wail.outbox_payload(o)) FROM wail.outbox o ORDER BY id")) {
            while (rows.next()) {
                sizes.add(rows.getInt(1));
            }
        }
        return sizes;
    }

    private long outboxRows() throws SQLException {
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT count(*) FROM wail.outbox")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Test
    void oneMultiRowStatementMakesOnePayloadWithEveryKey() throws SQLException {
        postgres.execute("INSERT INTO hook_orders SELECT g, 'new' FROM generate_series(1, 1000) g");

        List<Intent> intents = outboxIntents();

        assertThat(outboxRows()).isEqualTo(1);
        assertThat(intents).hasSize(1000).allSatisfy(i -> {
            assertThat(i.source()).isEqualTo("shop");
            assertThat(i.table()).isEqualTo("hook_orders");
            assertThat(i.operation()).isEqualTo(Operation.INSERT);
            assertThat(i.version()).isInstanceOf(VersionHint.Postgres.class);
        });
        assertThat(intents).extracting(Intent::key).extracting(k -> k.value(0))
                .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.rangeClosed(1, 1000).boxed().toList());
    }

    @Test
    void versionHintCarriesTheWritingTransactionAndGrowsForLaterWritesOfARow() throws SQLException {
        long txid;
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO hook_orders VALUES (7, 'new')");
            try (ResultSet r = s.executeQuery("SELECT pg_current_xact_id()::text::bigint")) {
                r.next();
                txid = r.getLong(1);
            }
            c.commit();
        }
        postgres.execute("UPDATE hook_orders SET status = 'paid' WHERE id = 7");

        List<Intent> intents = outboxIntents();

        assertThat(intents).hasSize(2);
        VersionHint.Postgres insert = (VersionHint.Postgres) intents.get(0).version();
        assertThat(insert.transactionId()).isEqualTo(txid);
        assertThat(intents.get(1).operation()).isEqualTo(Operation.UPDATE);
        assertThat(intents.get(1).version()).isGreaterThan(insert);
    }

    @Test
    void compositeKeysKeepKeyOrderAndTypesAndNonPublicTablesAreSchemaQualified() throws SQLException {
        postgres.execute("INSERT INTO sales.hook_lines VALUES "
                + "('6f1c2a9e-3b1d-4c6e-9f0a-1b2c3d4e5f60', 1, 'A'), ('6f1c2a9e-3b1d-4c6e-9f0a-1b2c3d4e5f60', 2, 'B')");

        assertThat(outboxIntents()).extracting(Intent::table, Intent::key).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("sales.hook_lines", EntityKey.builder()
                        .add("tenant", "6f1c2a9e-3b1d-4c6e-9f0a-1b2c3d4e5f60").add("line_no", 1L).build()),
                org.assertj.core.groups.Tuple.tuple("sales.hook_lines", EntityKey.builder()
                        .add("tenant", "6f1c2a9e-3b1d-4c6e-9f0a-1b2c3d4e5f60").add("line_no", 2L).build()));
    }

    @Test
    void anUpdateThatChangesTheKeyReportsTheOldAndTheNewKey() throws SQLException {
        postgres.execute("INSERT INTO hook_orders VALUES (1, 'new'); TRUNCATE wail.outbox;"
                + "UPDATE hook_orders SET id = 2 WHERE id = 1");

        assertThat(outboxIntents()).extracting(i -> i.key().value(0), Intent::operation)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(1L, Operation.UPDATE),
                        org.assertj.core.groups.Tuple.tuple(2L, Operation.UPDATE));
    }

    @Test
    void deletesAreReported() throws SQLException {
        postgres.execute("INSERT INTO hook_orders VALUES (1, 'new'), (2, 'new'); TRUNCATE wail.outbox;"
                + "DELETE FROM hook_orders WHERE id = 2");

        assertThat(outboxIntents()).singleElement().satisfies(i -> {
            assertThat(i.operation()).isEqualTo(Operation.DELETE);
            assertThat(i.key()).isEqualTo(EntityKey.of("id", 2L));
        });
    }

    @Test
    void aRolledBackTransactionLeavesNothingInTheOutbox() throws SQLException {
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO hook_orders VALUES (1, 'new')");
            s.execute("UPDATE hook_orders SET status = 'paid'");
            c.rollback();
        }

        assertThat(outboxRows()).isZero();
    }

    @Test
    void aStatementThatFitsOnePayloadWritesOneAndOneThatDoesNotIsChunkedAndOneThatChangesNothingWritesNothing()
            throws SQLException {
        // Every statement first tries the single-payload query; the chunked one runs only when it wrote nothing.
        postgres.execute("SELECT wail.capture('public.hook_orders', source => 'shop', chunk_keys => 100);"
                + "INSERT INTO hook_orders SELECT g, 'new' FROM generate_series(1, 100) g");
        assertThat(outboxRows()).isOne();

        postgres.execute("UPDATE hook_orders SET status = 'none' WHERE id < 0;"
                + "DELETE FROM hook_orders WHERE id > 1000");
        assertThat(outboxRows()).isOne();

        postgres.execute("UPDATE hook_orders SET status = 'paid' WHERE id BETWEEN 1 AND 100;"
                + "INSERT INTO hook_orders SELECT g, 'new' FROM generate_series(101, 201) g");
        assertThat(outboxRows()).isEqualTo(4);
        assertThat(outboxIntents()).extracting(i -> (Long) i.key().value(0), Intent::operation)
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 201).boxed()
                        .flatMap(id -> id <= 100 ? Stream.of(tuple(id, Operation.INSERT), tuple(id, Operation.UPDATE))
                                : Stream.of(tuple(id, Operation.INSERT)))
                        .toList());
    }

    @Test
    void largeStatementsAreChunked() throws SQLException {
        postgres.execute("SELECT wail.capture('public.hook_orders', source => 'shop', chunk_keys => 100);"
                + "INSERT INTO hook_orders SELECT g, 'new' FROM generate_series(1, 250) g");

        assertThat(outboxRows()).isEqualTo(3);
        assertThat(outboxIntents()).hasSize(250).extracting(Intent::key).doesNotHaveDuplicates();
    }

    @Test
    void uncaptureRemovesTheHooksAndCaptureRefusesTablesWithoutPrimaryKey() throws SQLException {
        postgres.execute("SELECT wail.uncapture('public.hook_orders'); INSERT INTO hook_orders VALUES (1, 'new')");
        assertThat(outboxRows()).isZero();

        postgres.execute("DROP TABLE IF EXISTS no_pk; CREATE TABLE no_pk (a int)");
        assertThatThrownBy(() -> postgres.execute("SELECT wail.capture('no_pk', source => 'shop')"))
                .hasMessageContaining("table public.no_pk has no primary key");
    }

    @Test
    void truncateReportsEveryKeyItRemovesAsDeleted() throws SQLException {
        postgres.execute("INSERT INTO hook_orders VALUES (1, 'new'), (2, 'new'), (3, 'new');"
                + "INSERT INTO sales.hook_lines VALUES ('6f1c2a9e-3b1d-4c6e-9f0a-1b2c3d4e5f60', 1, 'A');"
                + "TRUNCATE wail.outbox;"
                + "TRUNCATE hook_orders, sales.hook_lines");

        assertThat(outboxIntents()).extracting(Intent::table, i -> i.key().values(), Intent::operation)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("hook_orders", List.of(1L), Operation.DELETE),
                        org.assertj.core.groups.Tuple.tuple("hook_orders", List.of(2L), Operation.DELETE),
                        org.assertj.core.groups.Tuple.tuple("hook_orders", List.of(3L), Operation.DELETE),
                        org.assertj.core.groups.Tuple.tuple("sales.hook_lines",
                                List.of("6f1c2a9e-3b1d-4c6e-9f0a-1b2c3d4e5f60", 1L), Operation.DELETE));
    }

    @Test
    void aPartitionedTableReportsTheKeysOfEveryPartitionTruncateIncluded() throws SQLException {
        postgres.execute("""
                DROP TABLE IF EXISTS public.hook_parted;
                CREATE TABLE public.hook_parted (id bigint PRIMARY KEY, status text) PARTITION BY RANGE (id);
                CREATE TABLE public.hook_parted_low PARTITION OF hook_parted FOR VALUES FROM (0) TO (100);
                CREATE TABLE public.hook_parted_high PARTITION OF hook_parted FOR VALUES FROM (100) TO (200);
                SELECT wail.capture('public.hook_parted', source => 'shop');
                INSERT INTO hook_parted VALUES (1, 'new'), (150, 'new');
                TRUNCATE hook_parted;
                """);

        assertThat(outboxIntents()).extracting(Intent::table, i -> i.key().value(0), Intent::operation)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("hook_parted", 1L, Operation.INSERT),
                        org.assertj.core.groups.Tuple.tuple("hook_parted", 150L, Operation.INSERT),
                        org.assertj.core.groups.Tuple.tuple("hook_parted", 1L, Operation.DELETE),
                        org.assertj.core.groups.Tuple.tuple("hook_parted", 150L, Operation.DELETE));
    }

    @Test
    void aRolledBackTruncateLeavesNothingInTheOutbox() throws SQLException {
        postgres.execute("INSERT INTO hook_orders VALUES (1, 'new'); TRUNCATE wail.outbox");
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("TRUNCATE hook_orders");
            c.rollback();
        }

        assertThat(outboxRows()).isZero();
    }

    @Test
    void copyFromStdinIsReportedLikeOneMultiRowInsert() throws Exception {
        try (Connection c = postgres.dataSource().getConnection()) {
            long copied = c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "COPY hook_orders (id, status) FROM STDIN WITH (FORMAT csv)",
                    new StringReader("10,new\n11,new\n12,paid\n"));
            assertThat(copied).isEqualTo(3);
        }

        assertThat(outboxRows()).isEqualTo(1);
        assertThat(outboxIntents()).extracting(i -> i.key().value(0), Intent::operation).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(10L, Operation.INSERT),
                org.assertj.core.groups.Tuple.tuple(11L, Operation.INSERT),
                org.assertj.core.groups.Tuple.tuple(12L, Operation.INSERT));
    }

    @Test
    void wideKeysAreChunkedByBytesSoEveryPayloadFitsAnAsynchronousInvoke() throws SQLException {
        // 600 keys of 1,000 characters: 600 KB of keys, fewer than chunk_keys, so only the byte budget can split them.
        postgres.execute("""
                DROP TABLE IF EXISTS public.hook_wide;
                CREATE TABLE public.hook_wide (code text PRIMARY KEY);
                SELECT wail.capture('public.hook_wide', source => 'shop');
                INSERT INTO hook_wide SELECT lpad(g::text, 1000, 'x') FROM generate_series(1, 600) g;
                """);

        assertThat(outboxPayloadBytes()).hasSizeBetween(3, 4).allSatisfy(bytes -> assertThat(bytes)
                .isLessThanOrEqualTo(256 * 1024));
        assertThat(outboxIntents()).extracting(i -> i.key().value(0)).containsExactlyInAnyOrderElementsOf(
                IntStream.rangeClosed(1, 600).mapToObj(g -> "x".repeat(1000 - String.valueOf(g).length()) + g)
                        .toList());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            delivery => 'sns'            | delivery must be 'outbox' or 'aws_lambda', got 'sns'
            delivery => 'aws_lambda'     | delivery 'aws_lambda' needs function_name
            function_name => 'wail-hook' | function_name and region apply to delivery 'aws_lambda' only
            chunk_bytes => 300000        | chunk_bytes must be between 1 and 262144, got 300000
            """)
    void captureRefusesSettingsThatCannotWork(String options, String problem) {
        assertThatThrownBy(() -> postgres.execute(
                "SELECT wail.capture('public.hook_orders', source => 'shop', " + options + ")"))
                .hasMessageContaining(problem);
    }

    @Test
    void awsLambdaDeliveryNeedsTheExtensionOrTheEmulation() {
        // A database of its own: others in this server may have the emulation installed.
        postgres.execute("DROP DATABASE IF EXISTS hooks_without_lambda; CREATE DATABASE hooks_without_lambda");
        String jdbcUrl = postgres.jdbcUrl().replace("/" + EmbeddedPostgresServer.DATABASE + "?",
                "/hooks_without_lambda?");
        TestData.execute(jdbcUrl, Hooks.installerSql() + "CREATE TABLE t (id int PRIMARY KEY);");

        assertThatThrownBy(() -> TestData.execute(jdbcUrl,
                "SELECT wail.capture('t', source => 'shop', delivery => 'aws_lambda', function_name => 'wail-hook')"))
                .hasMessageContaining("needs aws_lambda.invoke, which this database does not have")
                .hasMessageContaining("CREATE EXTENSION IF NOT EXISTS aws_lambda CASCADE");
    }

    @Test
    void rerunningTheInstallerKeepsEveryCapturedTableAndItsSettings() throws SQLException {
        postgres.execute("SELECT wail.capture('public.hook_orders', source => 'shop', chunk_keys => 2);"
                + Hooks.installerSql()
                + "INSERT INTO hook_orders SELECT g, 'new' FROM generate_series(1, 5) g");

        assertThat(outboxRows()).isEqualTo(3);
        assertThat(outboxIntents()).hasSize(5);
    }
}
