package dev.wail.local.observe;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the read model's write log ({@code local_run.sink_writes}, filled by a trigger on the sink table): how many
 * rows the sink wrote, and the freshness lag of those writes, source write to sink write on one server clock.
 */
public final class SinkProbe implements AutoCloseable {

    private static final String WRITES_SINCE = """
            SELECT coalesce(max(seq), ?) AS last_seq, count(*) AS writes,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY lag_ms) AS p50,
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY lag_ms) AS p99,
                   max(lag_ms) AS max
              FROM (SELECT seq, extract(epoch FROM landed_at - updated_at) * 1000 AS lag_ms
                      FROM local_run.sink_writes WHERE seq > ? AND coalesce(updated_at >= ?, true)) w""";

    private static final String PER_MINUTE = """
            SELECT floor(extract(epoch FROM landed_at - ?) / 60)::int AS minute, count(*) AS writes,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY lag_ms) AS p50,
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY lag_ms) AS p99,
                   max(lag_ms) AS max
              FROM (SELECT landed_at, extract(epoch FROM landed_at - updated_at) * 1000 AS lag_ms
                      FROM local_run.sink_writes WHERE landed_at >= ?) w
             GROUP BY 1 ORDER BY 1""";

    private final String jdbcUrl;
    private Connection connection;

    public SinkProbe(String jdbcUrl) throws SQLException {
        this.jdbcUrl = jdbcUrl;
        this.connection = DriverManager.getConnection(jdbcUrl);
    }

    /** The connection, opened again if it broke (a source-restart fault restarts the server the read model is on). */
    private Connection connection() throws SQLException {
        if (!connection.isValid(2)) {
            connection.close();
            connection = DriverManager.getConnection(jdbcUrl);
        }
        return connection;
    }

    /**
     * The freshness lag of the sink writes that landed in each minute from {@code start} on (minute 0 is the first):
     * whether the lag stays flat over a long run.
     */
    public synchronized List<MinuteLag> perMinute(Instant start) throws SQLException {
        try (PreparedStatement statement = connection().prepareStatement(PER_MINUTE)) {
            statement.setObject(1, start.atOffset(ZoneOffset.UTC));
            statement.setObject(2, start.atOffset(ZoneOffset.UTC));
            List<MinuteLag> minutes = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    minutes.add(new MinuteLag(rows.getInt("minute"), rows.getLong("writes"), rows.getDouble("p50"),
                            rows.getDouble("p99"), rows.getDouble("max")));
                }
            }
            return minutes;
        }
    }

    /** Sink writes that landed in one minute of the run, and their freshness lag in milliseconds. */
    public record MinuteLag(int minute, long writes, double p50Ms, double p99Ms, double maxMs) {
    }

    /**
     * Sink writes after {@code afterSeq} and their lag. Deletes count as writes; they carry no source write time, so
     * the percentiles are over inserts and updates.
     */
    public SinkWindow since(long afterSeq) throws SQLException {
        return window(afterSeq, Instant.EPOCH);
    }

    /**
     * Sink writes of source writes made at or after {@code from} (and deletes, which carry no time), and their lag:
     * the freshness of a part of the run, such as the part after the functions' JIT compilers have warmed up.
     */
    public SinkWindow ofSourceWritesFrom(Instant from) throws SQLException {
        return window(0, from);
    }

    private synchronized SinkWindow window(long afterSeq, Instant from) throws SQLException {
        try (PreparedStatement statement = connection().prepareStatement(WRITES_SINCE)) {
            statement.setLong(1, afterSeq);
            statement.setLong(2, afterSeq);
            statement.setObject(3, from.atOffset(ZoneOffset.UTC));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new SinkWindow(rows.getLong("last_seq"), rows.getLong("writes"), rows.getDouble("p50"),
                        rows.getDouble("p99"), rows.getDouble("max"));
            }
        }
    }

    /** Sink writes in a window, and their freshness lag in milliseconds (0 when the window had none). */
    public record SinkWindow(long lastSeq, long writes, double p50Ms, double p99Ms, double maxMs) {
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
