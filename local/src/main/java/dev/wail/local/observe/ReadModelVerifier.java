package dev.wail.local.observe;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Compares the read model with the source, row by row and column by column: a row missing from the sink, a row the
 * source deleted but the sink kept, or a column that differs is a difference.
 */
public final class ReadModelVerifier {

    private static final String COLUMNS = "id, customer, status, total_cents, updated_at";

    private final String sourceJdbcUrl;
    private final String sinkJdbcUrl;

    public ReadModelVerifier(String sourceJdbcUrl, String sinkJdbcUrl) {
        this.sourceJdbcUrl = sourceJdbcUrl;
        this.sinkJdbcUrl = sinkJdbcUrl;
    }

    /** The outcome: rows on each side and the differences (all of them are counted, the first few described). */
    public record Verification(int sourceRows, int sinkRows, int differences, List<String> examples) {
        public boolean equal() {
            return differences == 0;
        }
    }

    public Verification verify() throws SQLException {
        Map<Long, List<Object>> source = rows(sourceJdbcUrl, "orders");
        Map<Long, List<Object>> sink = rows(sinkJdbcUrl, "read_model.orders");
        List<String> examples = new ArrayList<>();
        int differences = 0;
        for (Map.Entry<Long, List<Object>> row : source.entrySet()) {
            List<Object> copy = sink.get(row.getKey());
            if (!Objects.equals(row.getValue(), copy)) {
                differences++;
                describe(examples, "order " + row.getKey() + ": source " + row.getValue() + ", read model "
                        + (copy == null ? "missing" : copy));
            }
        }
        for (Long id : sink.keySet()) {
            if (!source.containsKey(id)) {
                differences++;
                describe(examples, "order " + id + ": deleted in the source, still in the read model " + sink.get(id));
            }
        }
        return new Verification(source.size(), sink.size(), differences, examples);
    }

    private static void describe(List<String> examples, String difference) {
        if (examples.size() < 10) {
            examples.add(difference);
        }
    }

    private static Map<Long, List<Object>> rows(String jdbcUrl, String table) throws SQLException {
        Map<Long, List<Object>> rows = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT " + COLUMNS + " FROM " + table)) {
            while (result.next()) {
                rows.put(result.getLong(1), List.of(result.getString(2), result.getString(3), result.getLong(4),
                        result.getTimestamp(5).toInstant()));
            }
        }
        return rows;
    }
}
