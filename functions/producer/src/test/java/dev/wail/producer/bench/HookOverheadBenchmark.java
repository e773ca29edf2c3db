package dev.wail.producer.bench;

import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.producer.Hooks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What the hooks cost the writer: an update-heavy workload on an embedded PostgreSQL, run with no hook, with delivery
 * {@code outbox} and with delivery {@code aws_lambda} (on the dblink emulation), printed as a table. A program that
 * prints figures, not a test: it asserts nothing and is skipped unless {@code -Dwail.bench=true}.
 *
 * <pre>
 * mvn -B -ntp -pl functions/producer -am test -Dwail.bench=true -Dtest=HookOverheadBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * Workload: {@code wail.bench.clients} connections (8), each running autocommit statements back to back on a table of
 * {@code wail.bench.rows} rows (100,000): 70% single-row UPDATEs, 20% 100-row UPDATEs (a key range), 10% single-row
 * INSERTs. Each mode runs {@code wail.bench.seconds} (12) per round, in the order none, outbox, aws_lambda, then
 * reversed (so that table growth and bloat weigh on every mode alike), after a 5 s warm-up; before each run the table
 * is vacuumed and a checkpoint taken. Neither the outbox drain nor the emulated invoker runs: the figures are the
 * writers' cost only.
 *
 * <p>To compare with an earlier version of the hooks in the same run (same machine load), pass its installer:
 * {@code -Dwail.bench.baselineHooks=/tmp/hooks-main.sql} (e.g. from {@code git show main:functions/producer/src/main/
 * resources/wail/hooks.sql}); each round then also runs {@code outbox} with those hooks, installed before the run and
 * replaced by the current ones after it.
 */
class HookOverheadBenchmark {

    private static final int CLIENTS = Integer.getInteger("wail.bench.clients", 8);
    private static final int ROWS = Integer.getInteger("wail.bench.rows", 100_000);
    private static final int SECONDS = Integer.getInteger("wail.bench.seconds", 12);
    private static final int ROUNDS = Integer.getInteger("wail.bench.rounds", 1);
    private static final int RANGE_ROWS = 100;
    private static final String BASELINE_HOOKS = System.getProperty("wail.bench.baselineHooks", "");

    enum Mode {
        NONE("no hook", null),
        OUTBOX("outbox", "SELECT wail.capture('bench_items', source => 'bench')"),
        OUTBOX_BASELINE("outbox, baseline hooks", "SELECT wail.capture('bench_items', source => 'bench')"),
        AWS_LAMBDA("aws_lambda (emulated)", "SELECT wail.capture('bench_items', source => 'bench', "
                + "delivery => 'aws_lambda', function_name => 'wail-bench-hook')");

        final String label;
        final String install;

        Mode(String label, String install) {
            this.label = label;
            this.install = install;
        }
    }

    /** What one client, or a whole run, did. */
    record Counts(long statements, long rows, long deadlocks) {
        Counts plus(Counts other) {
            return new Counts(statements + other.statements, rows + other.rows, deadlocks + other.deadlocks);
        }
    }

    /** One timed run of one mode. */
    record Run(Counts counts, double seconds, long payloads, long walBytes, long serverCpuNanos) {
        Run plus(Run other) {
            return new Run(counts.plus(other.counts), seconds + other.seconds, payloads + other.payloads,
                    walBytes + other.walBytes, serverCpuNanos + other.serverCpuNanos);
        }
    }

    public static void main(String[] args) throws Exception {
        new HookOverheadBenchmark().printFigures();
    }

    @Test
    @EnabledIfSystemProperty(named = "wail.bench", matches = "true")
    void printFigures() throws Exception {
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start()) {
            prepare(postgres);
            run(postgres, Mode.NONE, 5);
            Map<Mode, Run> totals = new EnumMap<>(Mode.class);
            for (int round = 0; round < ROUNDS; round++) {
                for (Mode mode : order()) {
                    totals.merge(mode, run(postgres, mode, SECONDS), Run::plus);
                }
            }
            print(postgres, totals);
        }
    }

    private static List<Mode> order() {
        List<Mode> modes = modes();
        List<Mode> reversed = new ArrayList<>(modes);
        Collections.reverse(reversed);
        List<Mode> order = new ArrayList<>(modes);
        order.addAll(reversed);
        return order;
    }

    /** Every mode, the baseline hooks' only when an installer for them was given. */
    private static List<Mode> modes() {
        List<Mode> modes = new ArrayList<>(List.of(Mode.values()));
        if (BASELINE_HOOKS.isEmpty()) {
            modes.remove(Mode.OUTBOX_BASELINE);
        }
        return modes;
    }

    private static String baselineInstallerSql() {
        try {
            return Files.readString(Path.of(BASELINE_HOOKS));
        } catch (IOException e) {
            throw new UncheckedIOException("wail.bench.baselineHooks: cannot read " + BASELINE_HOOKS, e);
        }
    }

    private static void prepare(EmbeddedPostgresServer postgres) {
        Hooks.installWithAwsLambdaEmulation(postgres);
        postgres.execute("""
                CREATE TABLE bench_items (id bigint PRIMARY KEY, counter bigint NOT NULL, note text NOT NULL,
                                          updated_at timestamptz NOT NULL);
                INSERT INTO bench_items SELECT g, 0, md5(g::text) || md5((g + 1)::text), now()
                  FROM generate_series(1, %d) g;
                CREATE SEQUENCE bench_insert_ids START %d;
                """.formatted(ROWS, ROWS + 1));
    }

    private static Run run(EmbeddedPostgresServer postgres, Mode mode, int seconds) throws Exception {
        postgres.execute("SELECT wail.uncapture('bench_items')");
        // The installer that generates this mode's trigger function; it also reinstalls the hooks of captured tables.
        postgres.execute(mode == Mode.OUTBOX_BASELINE ? baselineInstallerSql() : Hooks.installerSql());
        postgres.execute((mode.install == null ? "" : mode.install + ";")
                + "TRUNCATE wail.outbox, aws_lambda_emulation.invocations");
        postgres.execute("VACUUM ANALYZE bench_items");
        postgres.execute("CHECKPOINT");
        List<Connection> connections = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            for (int i = 0; i < CLIENTS; i++) {
                connections.add(DriverManager.getConnection(postgres.jdbcUrl()));
            }
            long walBefore = walPosition(postgres);
            Map<Long, Long> cpuBefore = serverCpu(postgres);
            long start = System.nanoTime();
            long deadline = start + seconds * 1_000_000_000L;
            List<Future<Counts>> running = new ArrayList<>();
            for (Connection connection : connections) {
                running.add(clients.submit(() -> work(connection, deadline)));
            }
            Counts counts = new Counts(0, 0, 0);
            for (Future<Counts> client : running) {
                counts = counts.plus(client.get());
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            long payloads = count(postgres, "SELECT (SELECT count(*) FROM wail.outbox) "
                    + "+ (SELECT count(*) FROM aws_lambda_emulation.invocations)");
            long cpu = cpuSince(cpuBefore, serverCpu(postgres));
            return new Run(counts, elapsed, payloads, walPosition(postgres) - walBefore, cpu);
        } finally {
            clients.shutdownNow();
            for (Connection connection : connections) {
                connection.close();
            }
        }
    }

    /** One client: statements back to back until the deadline. */
    private static Counts work(Connection connection, long deadline) throws SQLException {
        long statements = 0;
        long rows = 0;
        long deadlocks = 0;
        try (PreparedStatement one = connection.prepareStatement(
                     "UPDATE bench_items SET counter = counter + 1, updated_at = now() WHERE id = ?");
                PreparedStatement range = connection.prepareStatement(
                     "UPDATE bench_items SET counter = counter + 1, updated_at = now() WHERE id BETWEEN ? AND ?");
                PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO bench_items VALUES (nextval('bench_insert_ids'), 0, 'inserted', now())")) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (System.nanoTime() < deadline) {
                int dice = random.nextInt(100);
                long id = 1 + random.nextLong(ROWS - RANGE_ROWS);
                try {
                    if (dice < 70) {
                        one.setLong(1, id);
                        rows += one.executeUpdate();
                    } else if (dice < 90) {
                        range.setLong(1, id);
                        range.setLong(2, id + RANGE_ROWS - 1);
                        rows += range.executeUpdate();
                    } else {
                        rows += insert.executeUpdate();
                    }
                    statements++;
                } catch (SQLException e) {
                    if (!"40P01".equals(e.getSQLState())) {
                        throw e;
                    }
                    deadlocks++;
                }
            }
        }
        return new Counts(statements, rows, deadlocks);
    }

    /**
     * CPU time so far of every PostgreSQL server process (the postmaster's children: the clients' backends, the WAL
     * writer, the checkpointer, ...), in ns, by process id, from Linux's /proc ({@code schedstat}); empty elsewhere.
     * Unlike throughput, it hardly depends on what else the machine runs, so modes compare on a shared machine.
     */
    private static Map<Long, Long> serverCpu(EmbeddedPostgresServer postgres) throws SQLException {
        Map<Long, Long> cpu = new java.util.HashMap<>();
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) {
            return cpu;
        }
        long postmaster = parentOf(count(postgres, "SELECT pg_backend_pid()"));
        try (var processes = Files.list(proc)) {
            processes.map(p -> p.getFileName().toString()).filter(name -> name.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong).filter(pid -> parentOf(pid) == postmaster)
                    .forEach(pid -> cpu.put(pid, cpuNanos(pid)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cpu;
    }

    private static long cpuSince(Map<Long, Long> before, Map<Long, Long> after) {
        return after.entrySet().stream().mapToLong(e -> e.getValue() - before.getOrDefault(e.getKey(), 0L)).sum();
    }

    /** The parent of process pid, or -1 when it is gone. */
    private static long parentOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    private static long cpuNanos(long pid) {
        try {
            return Long.parseLong(Files.readString(Path.of("/proc", Long.toString(pid), "schedstat")).split(" ")[0]);
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    private static long walPosition(EmbeddedPostgresServer postgres) throws SQLException {
        return count(postgres, "SELECT pg_current_wal_lsn() - '0/0'::pg_lsn");
    }

    private static long count(EmbeddedPostgresServer postgres, String sql) throws SQLException {
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static void print(EmbeddedPostgresServer postgres, Map<Mode, Run> totals) throws SQLException {
        double baseline = totals.get(Mode.NONE).counts().rows() / totals.get(Mode.NONE).seconds();
        StringBuilder out = new StringBuilder("\nwail hook overhead: ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, PostgreSQL ")
                .append(count(postgres, "SELECT current_setting('server_version_num')::int")).append(", ")
                .append(CLIENTS).append(" clients, ").append(ROWS).append(" rows, ").append(ROUNDS * 2)
                .append(" x ").append(SECONDS).append(" s per mode; 70% 1-row UPDATE, 20% ").append(RANGE_ROWS)
                .append("-row UPDATE, 10% INSERT, autocommit, synchronous_commit on\n\n")
                .append(String.format("%-22s %12s %12s %10s %12s %14s %10s%n", "mode", "statements/s", "rows/s",
                        "rows/s vs", "payloads/s", "WAL bytes/stmt", "deadlocks"))
                .append("  (then server CPU: PostgreSQL processes' CPU per statement and per row, and vs no hook)\n");
        double baselineCpu = (double) totals.get(Mode.NONE).serverCpuNanos() / totals.get(Mode.NONE).counts().statements();
        for (Mode mode : modes()) {
            Run run = totals.get(mode);
            double rowsPerSecond = run.counts().rows() / run.seconds();
            out.append(String.format("%-22s %12.0f %12.0f %+9.1f%% %12.0f %14.0f %10d%n", mode.label,
                    run.counts().statements() / run.seconds(), rowsPerSecond,
                    100 * (rowsPerSecond / baseline - 1), run.payloads() / run.seconds(),
                    (double) run.walBytes() / run.counts().statements(), run.counts().deadlocks()));
            double cpuPerStatement = (double) run.serverCpuNanos() / run.counts().statements();
            out.append(String.format("%-22s server CPU %6.1f us/stmt %6.2f us/row %+7.1f%%%n", "",
                    cpuPerStatement / 1000, (double) run.serverCpuNanos() / run.counts().rows() / 1000,
                    100 * (cpuPerStatement / baselineCpu - 1)));
        }
        System.out.println(out);
    }
}
