package dev.wail.consumer.postgres;

import static dev.wail.consumer.postgres.SqlIdentifiers.quoteQualified;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;

/**
 * What the catalog says of configured tables and columns, asked only after a statement failed with an undefined
 * column or table: the source's table ({@link PgHydrator}) or the read model's ({@link PgReadModelSink}). One query,
 * identifiers bound as values.
 */
final class CatalogCheck {

    private static final String MISSING_COLUMNS = """
            SELECT to_regclass($1) IS NOT NULL, ARRAY(SELECT c FROM unnest($2::text[]) c WHERE NOT EXISTS (
                       SELECT 1 FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attname = c
                                                    AND a.attnum > 0 AND NOT a.attisdropped))""";

    private CatalogCheck() {
    }

    /**
     * @param table   a configured (optionally schema-qualified) table name
     * @param columns configured column names
     * @return the columns {@code table} does not have, in the order given; empty when the table does not exist
     */
    static Uni<Optional<List<String>>> missingColumns(Pool pool, String table, List<String> columns) {
        return pool.preparedQuery(MISSING_COLUMNS)
                .execute(Tuple.of(quoteQualified(table), columns.toArray(String[]::new)))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return row.getBoolean(0) ? Optional.of(List.of(row.getArrayOfStrings(1))) : Optional.empty();
                });
    }

    /** {@code column x} or {@code columns x, y}. */
    static String named(List<String> columns) {
        return columns.size() == 1 ? "column " + columns.get(0) : "columns " + String.join(", ", columns);
    }
}
