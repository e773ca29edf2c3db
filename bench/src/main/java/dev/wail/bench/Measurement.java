package dev.wail.bench;

import dev.wail.embedded.EmbeddedPostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Runs the workload at one rate against whichever pipeline is live and measures what the sink saw. */
final class Measurement {

    static final String HARNESS_APPLICATION = "bench-harness";

    private final EmbeddedPostgresServer postgres;
    private final OrderTraffic traffic;
    private final Duration drainTimeout;

    Measurement(EmbeddedPostgresServer postgres, OrderTraffic traffic, Duration drainTimeout) {
        this.postgres = postgres;
        this.traffic = traffic;
        this.drainTimeout = drainTimeout;
    }

    /** Writes at {@code rate} for {@code seconds} while {@code pipeline} is live, waits for convergence, measures. */
    Step run(Pipeline pipeline, int rate, int seconds) throws InterruptedException {
        long mark = harnessNumber("SELECT coalesce(max(n), 0) FROM bench.sink_log");
        double startEpochMillis = System.currentTimeMillis();
        Probe probe = Probe.start(postgres, pipeline);
        OrderTraffic.Result written = traffic.run(rate, seconds, true);
        boolean converged = awaitConvergence();
        Profile profile = probe.stop();
        List<double[]> lag = lagSince(mark, startEpochMillis);
        double[] sorted = lag.stream().filter(l -> !Double.isNaN(l[1])).mapToDouble(l -> l[1]).sorted().toArray();
        return new Step(rate, written.achievedRate(), written.writes(), lag.size(), percentile(sorted, 0.50),
                percentile(sorted, 0.99), sorted.length == 0 ? 0 : sorted[sorted.length - 1], converged, lag,
                profile);
    }

    /** Writes as fast as the source allows, whatever the pipeline does: the source's own throughput. */
    double sourceThroughput(int seconds) throws InterruptedException {
        return traffic.run(1, seconds, false).achievedRate();
    }

    boolean awaitConvergence() {
        try {
            Awaitility.await().atMost(drainTimeout).pollInterval(Duration.ofMillis(200))
                    .until(() -> harnessNumber(BenchSchema.DIFFERENCES) == 0);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** (seconds since start, lag ms) per sink write after {@code mark}; a delete's lag is NaN (no stamp). */
    private List<double[]> lagSince(long mark, double startEpochMillis) {
        String sql = Probe.HARNESS + "SELECT extract(epoch FROM sunk_at) * 1000, extract(epoch FROM sunk_at - written_at) * 1000"
                + " FROM bench.sink_log WHERE n > " + mark + " ORDER BY n";
        List<double[]> lag = new ArrayList<>();
        try (Connection connection = harnessConnection();
             Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                double at = (rows.getDouble(1) - startEpochMillis) / 1000;
                double millis = rows.getDouble(2);
                lag.add(new double[] {at, rows.wasNull() ? Double.NaN : millis});
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the sink log: " + e.getMessage(), e);
        }
        return lag;
    }

    /**
     * A connection of the harness, named {@value #HARNESS_APPLICATION} so the probe leaves its server cost out (the
     * convergence check compares both tables in full, several times a second).
     */
    private Connection harnessConnection() throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl() + "&ApplicationName=" + HARNESS_APPLICATION);
    }

    private long harnessNumber(String sql) {
        try (Connection connection = harnessConnection(); Statement statement = connection.createStatement()) {
            return Probe.number(statement, sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + e.getMessage() + "\n" + sql, e);
        }
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    static double median(double... values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /** Resets the kernel's peak-RSS counter (VmHWM) of this process, so each pipeline's peak is its own. */
    static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (java.io.IOException e) {
            // Not Linux or not permitted: the peak then covers the whole process so far, which the report says.
        }
    }

    /** Peak resident set size of this process in MiB (VmHWM), or -1 where /proc is not available. */
    static double peakRssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }
}
