package dev.wail.bench;

import dev.wail.embedded.EmbeddedPostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Samples, every {@value #EVERY_MILLIS} ms while a run lasts, the CPU of each thread of this JVM and of each server
 * process, the machine's busy share, and the depth of each of the pipeline's queues; reads the server's statement
 * times at the end. Measures where the time goes instead of guessing it. Runs on its own thread and connection
 * ({@code application_name} {@value #APPLICATION}); its own SQL carries {@link #HARNESS} so it can be left out.
 */
final class Probe {

    static final String HARNESS = "/* bench */ ";
    static final String APPLICATION = "bench-probe";
    private static final long EVERY_MILLIS = 500;
    private static final int TOP_STATEMENTS = 6;
    private static final Logger LOG = Logger.getLogger(Probe.class);

    private final Connection connection;
    private final Statement sql;
    private final Pipeline pipeline;
    private final long startNanos = System.nanoTime();
    private final long[] machineStart = MachineCpu.read();
    private final double processStart = ThreadCpu.processSeconds();
    private final Usage<Long> threads;
    private final Usage<Long> internalThreads;
    private final Usage<Integer> processes;
    private final Map<String, List<double[]>> queues = new LinkedHashMap<>();
    private final Map<String, StageClock.Totals> stagesAtStart;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, APPLICATION);
        thread.setDaemon(true);
        return thread;
    });

    private Probe(Connection connection, Pipeline pipeline) throws SQLException {
        this.connection = connection;
        this.sql = connection.createStatement();
        this.pipeline = pipeline;
        this.stagesAtStart = pipeline.instruments().stages().snapshot();
        PgProcesses.resetStatements(sql);
        this.threads = new Usage<>(ThreadCpu.javaThreads());
        this.internalThreads = new Usage<>(ThreadCpu.jvmInternalThreads());
        this.processes = new Usage<>(PgProcesses.sample(sql));
    }

    /**
     * Once per server: statement statistics on, nested statements (a trigger's) counted on their own too. ALTER
     * SYSTEM cannot run inside a transaction block, hence one statement per call.
     */
    static void prepareServer(EmbeddedPostgresServer postgres) {
        postgres.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        postgres.execute("ALTER SYSTEM SET pg_stat_statements.track = 'all'");
        postgres.execute("SELECT pg_reload_conf()");
    }

    /** Starts sampling now; {@link #stop()} returns what it saw. */
    static Probe start(EmbeddedPostgresServer postgres, Pipeline pipeline) {
        try {
            Connection connection = DriverManager.getConnection(postgres.jdbcUrl() + "&ApplicationName=" + APPLICATION);
            Probe probe = new Probe(connection, pipeline);
            probe.clock.scheduleAtFixedRate(probe::sampleQuietly, EVERY_MILLIS, EVERY_MILLIS, TimeUnit.MILLISECONDS);
            return probe;
        } catch (SQLException e) {
            throw new IllegalStateException("the probe could not connect to the server: " + e.getMessage(), e);
        }
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("a probe sample failed, the next one follows: %s", e.getMessage());
        }
    }

    private void sample() throws SQLException {
        threads.add(ThreadCpu.javaThreads());
        internalThreads.add(ThreadCpu.jvmInternalThreads());
        processes.add(PgProcesses.sample(sql));
        double at = (System.nanoTime() - startNanos) / 1e9;
        pipeline.queueDepths(sql).forEach((name, depth) ->
                queues.computeIfAbsent(name, n -> new ArrayList<>()).add(new double[] {at, depth}));
    }

    /** Stops sampling, takes a last sample, and returns the profile of the whole time since {@link #start}. */
    Profile stop() throws InterruptedException {
        clock.shutdown();
        clock.awaitTermination(10, TimeUnit.SECONDS);
        try (connection; sql) {
            sample();
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            long[] machineEnd = MachineCpu.read();
            List<Profile.CpuUse> jvm = new ArrayList<>(threads.byGroup());
            jvm.addAll(internalThreads.byGroup());
            double untracked = Math.max(0, ThreadCpu.processSeconds() - processStart
                    - jvm.stream().mapToDouble(Profile.CpuUse::cpuSeconds).sum());
            return new Profile(seconds, Runtime.getRuntime().availableProcessors(),
                    MachineCpu.busyShare(machineStart, machineEnd), loadAverage(), jvm, untracked,
                    processes.byGroup(), queueDepths(), PgProcesses.topStatements(sql, TOP_STATEMENTS),
                    pipeline.instruments().roles().snapshot(), stageTimes());
        } catch (SQLException e) {
            throw new IllegalStateException("the probe could not finish: " + e.getMessage(), e);
        }
    }

    private List<Profile.StageTime> stageTimes() {
        List<Profile.StageTime> times = new ArrayList<>();
        pipeline.instruments().stages().snapshot().forEach((name, totals) -> {
            StageClock.Totals run = totals.minus(stagesAtStart.get(name));
            times.add(new Profile.StageTime(name, run.threads(), run.partOfAbove(), run.calls(), run.items(),
                    run.nanos() / 1e6));
        });
        return times;
    }

    private List<Profile.QueueDepth> queueDepths() {
        List<Profile.QueueDepth> depths = new ArrayList<>();
        queues.forEach((name, series) -> depths.add(new Profile.QueueDepth(name,
                (long) series.stream().mapToDouble(p -> p[1]).max().orElse(0),
                series.stream().mapToDouble(p -> p[1]).average().orElse(0), List.copyOf(series))));
        return depths;
    }

    /** The first column of a one-row query on the probe's connection, as a number; the query is marked harness. */
    static long number(Statement sql, String query) throws SQLException {
        try (java.sql.ResultSet row = sql.executeQuery(HARNESS + query)) {
            row.next();
            return row.getLong(1);
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "n/a";
        }
    }
}
