package dev.wail.consumer.postgres;

import static dev.wail.consumer.postgres.SqlIdentifiers.quote;
import static dev.wail.consumer.postgres.SqlIdentifiers.quoteAll;
import static dev.wail.consumer.postgres.SqlIdentifiers.quoteQualified;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.EntityState;
import dev.wail.core.pipeline.Hydrator;
import dev.wail.core.pipeline.TableBinding;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads current rows from PostgreSQL with the Vert.x reactive client: one query per table per batch, whatever the
 * number of keys. Key values travel as one text array parameter per key column, cast in SQL to the column's own type
 * (looked up once per table in the catalog) so the primary key index serves the lookup:
 *
 * <pre>
 * SELECT t."id"::text, row_to_json(t)::text
 *   FROM (SELECT "id", "status" FROM "public"."orders" WHERE ("id") IN
 *         (SELECT * FROM unnest($1::text[]::bigint[]))) t
 * </pre>
 *
 * Each row comes back as a JSON document of the projected columns, the form every sink takes.
 */
public final class PgHydrator implements Hydrator {

    private static final Pattern TYPE_NAME = Pattern.compile("[a-z][a-z0-9_ ]*");
    private static final String KEY_TYPES = """
            SELECT a.attname::text, a.atttypid::regtype::text
              FROM pg_attribute a
             WHERE a.attrelid = $1::regclass AND a.attname = ANY($2) AND NOT a.attisdropped""";

    private final Pool pool;
    private final Map<TableBinding, Uni<String>> queries = new ConcurrentHashMap<>();

    public PgHydrator(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<List<EntityState>> read(TableBinding table, List<EntityKey> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return query(table)
                .chain(sql -> pool.preparedQuery(sql).execute(keyArrays(table, keys)))
                .map(rows -> inRequestOrder(keys, rows));
    }

    /** The table's query, built on first use from the catalog's key column types and then reused. */
    private Uni<String> query(TableBinding table) {
        return queries.computeIfAbsent(table, t -> pool.preparedQuery(KEY_TYPES)
                .execute(Tuple.of(quoteQualified(t.table()), t.keyColumns().toArray(String[]::new)))
                .map(rows -> buildQuery(t, columnTypes(t, rows)))
                .memoize().indefinitely()
                .onFailure().invoke(() -> queries.remove(t)));
    }

    private static Map<String, String> columnTypes(TableBinding table, RowSet<Row> rows) {
        Map<String, String> types = new HashMap<>();
        for (Row row : rows) {
            String type = row.getString(1);
            if (!TYPE_NAME.matcher(type).matches()) {
                throw new IllegalStateException(table.qualifiedName() + ": key column " + row.getString(0)
                        + " has type " + type + ", which wail cannot use in a key lookup");
            }
            types.put(row.getString(0), type);
        }
        for (String column : table.keyColumns()) {
            if (!types.containsKey(column)) {
                throw new IllegalStateException(table.qualifiedName() + ": source table " + table.table()
                        + " has no column " + column + " (configured as a key column)");
            }
        }
        return types;
    }

    private static String buildQuery(TableBinding table, Map<String, String> types) {
        List<String> unnestArgs = new ArrayList<>();
        for (int i = 0; i < table.keyColumns().size(); i++) {
            unnestArgs.add("$" + (i + 1) + "::text[]::" + types.get(table.keyColumns().get(i)) + "[]");
        }
        String keyTextColumns = table.keyColumns().stream().map(c -> "t." + quote(c) + "::text")
                .collect(Collectors.joining(", "));
        return "SELECT " + keyTextColumns + ", row_to_json(t)::text FROM (SELECT " + quoteAll("", table.columns())
                + " FROM " + quoteQualified(table.table()) + " WHERE (" + quoteAll("", table.keyColumns())
                + ") IN (SELECT * FROM unnest(" + String.join(", ", unnestArgs) + "))) t";
    }

    private static Tuple keyArrays(TableBinding table, List<EntityKey> keys) {
        int columns = table.keyColumns().size();
        Tuple tuple = Tuple.tuple();
        for (int c = 0; c < columns; c++) {
            String[] values = new String[keys.size()];
            for (int k = 0; k < keys.size(); k++) {
                values[k] = String.valueOf(keys.get(k).value(c));
            }
            tuple.addArrayOfString(values);
        }
        return tuple;
    }

    private static List<EntityState> inRequestOrder(List<EntityKey> keys, RowSet<Row> rows) {
        int columns = keys.get(0).size();
        Map<List<String>, String> documents = new HashMap<>();
        for (Row row : rows) {
            List<String> keyText = new ArrayList<>(columns);
            for (int c = 0; c < columns; c++) {
                keyText.add(row.getString(c));
            }
            documents.put(keyText, row.getString(columns));
        }
        List<EntityState> states = new ArrayList<>(keys.size());
        for (EntityKey key : keys) {
            String document = documents.get(key.values().stream().map(String::valueOf).toList());
            states.add(document == null ? EntityState.absent(key) : EntityState.present(key, document));
        }
        return states;
    }
}
