package dev.wail.embedded;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * A real PostgreSQL server (binaries from Maven Central, run from a temporary data directory), listening on 127.0.0.1
 * only, configured the way wail needs: logical WAL (the benchmark's Debezium side reads it), synchronous commit
 * (a test that reads what it just committed must see it), statement statistics for round-trip counting.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";

    private final EmbeddedPostgres postgres;
    private final Path ownedDataDirectory;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path ownedDataDirectory) {
        this.postgres = postgres;
        this.ownedDataDirectory = ownedDataDirectory;
    }

    public static EmbeddedPostgresServer start() {
        return start(EmbeddedPostgres.builder(), null);
    }

    private static EmbeddedPostgresServer start(EmbeddedPostgres.Builder builder, Path ownedDataDirectory) {
        try {
            return new EmbeddedPostgresServer(builder
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_wal_senders", "4")
                    .setServerConfig("max_replication_slots", "4")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setRegisterShutdownHook(true)
                    .start(), ownedDataDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
    }

    /**
     * Starts a hot standby of this server that streams its WAL through a physical replication slot, for tests that
     * need a replica that lags (pause it with {@code SELECT pg_wal_replay_pause()}). Built like
     * {@code pg_basebackup}, which the embedded binaries do not include: a non-exclusive base backup copied file by
     * file, its label written into the copy, {@code standby.signal} and {@code primary_conninfo} added.
     * Closing the standby stops it and deletes its data directory; the slot stays on this server.
     */
    public EmbeddedPostgresServer startStandby() {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            String slot = "wail_standby_" + System.nanoTime();
            statement.execute("SELECT pg_create_physical_replication_slot('" + slot + "', true)");
            Path source = Path.of(queryOne(statement, "SHOW data_directory"));
            Path copy = Files.createTempDirectory("wail-standby-");
            statement.execute("SELECT pg_backup_start('wail standby', true)");
            BaseBackup.copy(source, copy);
            try (ResultSet stop = statement.executeQuery("SELECT labelfile FROM pg_backup_stop(false)")) {
                stop.next();
                Files.writeString(copy.resolve("backup_label"), stop.getString(1));
            }
            Files.writeString(copy.resolve("standby.signal"), "");
            Files.writeString(copy.resolve("postgresql.auto.conf"), "primary_conninfo = 'host=127.0.0.1 port="
                    + port() + " user=" + USER + "'\nprimary_slot_name = '" + slot + "'\nhot_standby = on\n",
                    StandardOpenOption.APPEND);
            return start(EmbeddedPostgres.builder().setDataDirectory(copy).setCleanDataDirectory(false), copy);
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("could not start a standby of the embedded server", e);
        }
    }

    private static String queryOne(Statement statement, String sql) throws SQLException {
        try (ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }

    /** Runs a query on its own connection and returns the first column of the first row as text. */
    public String queryString(String sql) {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            return queryOne(statement, sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage() + "\n" + sql, e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE + "?user=" + USER;
    }

    /** The URL form the Vert.x reactive client and Quarkus' {@code quarkus.datasource.reactive.url} take. */
    public String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    /** A Vert.x reactive pool on this server, as the functions use, with its own Vert.x instance. */
    public ReactivePool openReactivePool(int maxSize) {
        return openReactivePool(maxSize, "vertx-pg-client");
    }

    /**
     * The same, its connections named {@code applicationName} in {@code pg_stat_activity}, so what they cost the
     * server can be told apart from other connections' cost.
     */
    public ReactivePool openReactivePool(int maxSize, String applicationName) {
        Vertx vertx = Vertx.vertx();
        Pool pool = PgBuilder.pool()
                .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(port()).setDatabase(DATABASE)
                        .setUser(USER).addProperty("application_name", applicationName))
                .with(new PoolOptions().setMaxSize(maxSize))
                .using(vertx)
                .build();
        return new ReactivePool(vertx, pool);
    }

    /** A pool and the Vert.x instance it runs on; closing it closes both, the pool first. */
    public record ReactivePool(Vertx vertx, Pool pool) implements AutoCloseable {
        @Override
        public void close() {
            pool.closeAndAwait();
            vertx.closeAndAwait();
        }
    }

    public DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }

    /**
     * Creates a superuser that must log in with {@code password} (scram-sha-256) over TCP, while every other user
     * keeps the server's trust authentication: a connection as this user proves the password was given.
     */
    public void createRoleWithPassword(String role, String password) {
        execute("CREATE ROLE " + role + " LOGIN SUPERUSER PASSWORD '" + password.replace("'", "''") + "'");
        Path hba = Path.of(queryString("SHOW hba_file"));
        try {
            Files.writeString(hba, "host all " + role + " 127.0.0.1/32 scram-sha-256\n" + Files.readString(hba));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        execute("SELECT pg_reload_conf()");
    }

    /** Runs one or more SQL statements (a script) on its own connection, autocommit. */
    public void execute(String sql) {
        try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage() + "\n" + sql, e);
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
            if (ownedDataDirectory != null) {
                Folders.delete(ownedDataDirectory);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not stop cleanly", e);
        }
    }
}
