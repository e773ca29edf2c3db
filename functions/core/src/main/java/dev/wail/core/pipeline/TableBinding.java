package dev.wail.core.pipeline;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the consumer treats one table of one source: which columns make the key, which to project, which column (if
 * any) versions a row, and where its state goes. Built from configuration only: an intent names a table, and the
 * registry either has a binding for it or the intent is rejected, so nothing an intent carries ever becomes an
 * identifier in a query.
 *
 * @param source        the source name intents carry
 * @param table         the table name intents carry
 * @param keyColumns    the primary key columns, in key order
 * @param columns       the columns to read and write (key columns included)
 * @param versionColumn an optional column whose value grows with every write of a row
 * @param sinkTable     the read-model table the PostgreSQL sink writes to
 */
public record TableBinding(
        String source,
        String table,
        List<String> keyColumns,
        List<String> columns,
        Optional<String> versionColumn,
        String sinkTable) {

    public TableBinding {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(table, "table");
        keyColumns = List.copyOf(keyColumns);
        columns = List.copyOf(columns);
        Objects.requireNonNull(versionColumn, "versionColumn");
        Objects.requireNonNull(sinkTable, "sinkTable");
        if (keyColumns.isEmpty()) {
            throw new IllegalArgumentException(source + "/" + table + ": no key columns configured");
        }
        for (String keyColumn : keyColumns) {
            if (!columns.contains(keyColumn)) {
                throw new IllegalArgumentException(source + "/" + table + ": key column '" + keyColumn
                        + "' is not among the projected columns " + columns);
            }
        }
    }

    public String qualifiedName() {
        return source + "/" + table;
    }
}
