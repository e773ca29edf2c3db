package dev.wail.bench;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded server's processes and their CPU, read from {@code /proc}: the server runs on this machine, one
 * process per connection, so each connection's CPU (a writer, wail's drain, Debezium's walsender) is measurable on
 * its own. Each process is named by its connection's {@code application_name}, else its {@code backend_type}.
 */
final class PgProcesses {

    private static final String PROCESSES = Probe.HARNESS + """
            SELECT pid, CASE WHEN application_name <> '' THEN application_name ELSE backend_type END
              FROM pg_stat_activity WHERE pid <> pg_backend_pid()""";
    private static final String TOP_STATEMENTS = Probe.HARNESS + """
            SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 90), calls, total_exec_time FROM pg_stat_statements
             WHERE query NOT LIKE '%%/* bench */%%' ORDER BY total_exec_time DESC LIMIT %d""";

    private PgProcesses() {
    }

    /** Each server process's name and CPU seconds so far; processes that ended before they were read are left out. */
    static Map<Integer, Usage.Reading> sample(Statement sql) throws SQLException {
        Map<Integer, Usage.Reading> readings = new HashMap<>();
        try (ResultSet rows = sql.executeQuery(PROCESSES)) {
            while (rows.next()) {
                int pid = rows.getInt(1);
                double seconds = ProcStat.cpuSeconds(Path.of("/proc/" + pid + "/stat"));
                if (seconds >= 0) {
                    readings.put(pid, new Usage.Reading(rows.getString(2), seconds));
                }
            }
        }
        return readings;
    }

    /** Counts from now on: pg_stat_statements is reset. */
    static void resetStatements(Statement sql) throws SQLException {
        sql.execute(Probe.HARNESS + "SELECT pg_stat_statements_reset()");
    }

    /** The statements that took the most execution time since the reset, the harness's own left out. */
    static List<Profile.StatementTime> topStatements(Statement sql, int limit) throws SQLException {
        List<Profile.StatementTime> top = new ArrayList<>();
        try (ResultSet rows = sql.executeQuery(TOP_STATEMENTS.formatted(limit))) {
            while (rows.next()) {
                top.add(new Profile.StatementTime(rows.getString(1), rows.getLong(2), rows.getDouble(3)));
            }
        }
        return top;
    }
}
