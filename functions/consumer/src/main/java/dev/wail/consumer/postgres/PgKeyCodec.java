package dev.wail.consumer.postgres;

import static dev.wail.consumer.postgres.SqlIdentifiers.quoteQualified;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.KeyCheck;
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

/**
 * The key identity of one table: for each key column its type, from the catalog (a domain resolved to its base type),
 * and the {@link PgKeyType} codec that validates and canonicalizes its values. One row has one canonical key however
 * an intent spelled it; a value the column cannot hold gets the reason instead.
 */
final class PgKeyCodec {

    /**
     * The key columns' declared types (the name to cast to, without a type modifier: {@code bpchar}, not
     * {@code character}, which would mean char(1)) and their base types, domains followed down to a non-domain.
     */
    private static final String KEY_COLUMNS = """
            WITH RECURSIVE c(name, declared, base) AS (
                SELECT a.attname::text, a.atttypid, a.atttypid
                  FROM pg_attribute a
                 WHERE a.attrelid = $1::regclass AND a.attname = ANY($2) AND a.attnum > 0 AND NOT a.attisdropped
                UNION ALL
                SELECT c.name, c.declared, t.typbasetype FROM c JOIN pg_type t ON t.oid = c.base WHERE t.typtype = 'd')
            SELECT c.name, format_type(c.declared, -1), format_type(c.base, -1), c.base::bigint, t.typtype = 'e'
              FROM c JOIN pg_type t ON t.oid = c.base WHERE t.typtype <> 'd'""";

    /**
     * One key column.
     *
     * @param castType the declared type as SQL (PostgreSQL's own quoting), what key values are cast to
     * @param label    the type for messages: the declared type, and its base type for a domain
     */
    record Column(String name, String castType, String label, PgKeyType type) {
    }

    private final TableBinding table;
    private final List<Column> columns;

    PgKeyCodec(TableBinding table, List<Column> columns) {
        this.table = table;
        this.columns = List.copyOf(columns);
    }

    /**
     * Looks the key columns' types up in the catalog; fails with a {@link ConfigurationMismatchException} naming the column
     * and the setting to update if one is missing or of a type wail cannot bind.
     */
    static Uni<PgKeyCodec> lookUp(Pool pool, TableBinding table) {
        return pool.preparedQuery(KEY_COLUMNS)
                .execute(Tuple.of(quoteQualified(table.table()), table.keyColumns().toArray(String[]::new)))
                .map(rows -> new PgKeyCodec(table, columns(table, rows)));
    }

    private static List<Column> columns(TableBinding table, RowSet<Row> rows) {
        Map<String, Column> byName = new HashMap<>();
        for (Row row : rows) {
            String name = row.getString(0);
            String declared = row.getString(1);
            String base = row.getString(2);
            String label = declared.equals(base) ? declared : declared + " (a domain over " + base + ")";
            PgKeyType type = PgKeyType.of(row.getLong(3), row.getBoolean(4)).orElseThrow(() ->
                    new ConfigurationMismatchException(table, "key column " + name + " of "
                            + ConfigurationMismatchException.describe(table) + " has type " + label + ", which wail does not"
                            + " support in a key (see docs/concepts.md, \"Key identity\"): change the column's type back or"
                            + " update " + ConfigurationMismatchException.setting(table, "key-columns")));
            byName.put(name, new Column(name, declared, label, type));
        }
        List<Column> columns = new ArrayList<>();
        for (String name : table.keyColumns()) {
            Column column = byName.get(name);
            if (column == null) {
                throw new ConfigurationMismatchException(table, "key column " + name + " of "
                        + ConfigurationMismatchException.describe(table) + " no longer exists: update "
                        + ConfigurationMismatchException.setting(table, "key-columns") + " and "
                        + ConfigurationMismatchException.setting(table, "columns"));
            }
            columns.add(column);
        }
        return columns;
    }

    /** Whether {@code other} binds the same key columns with the same types (nothing to reload). */
    boolean sameDefinition(PgKeyCodec other) {
        return columns.equals(other.columns);
    }

    List<Column> columns() {
        return columns;
    }

    /** @return the canonical form of every key that is spelled otherwise, and why each invalid key is invalid */
    KeyCheck check(List<EntityKey> keys) {
        Map<EntityKey, EntityKey> canonical = new HashMap<>();
        Map<EntityKey, String> problems = new HashMap<>();
        for (EntityKey key : keys) {
            try {
                EntityKey form = canonical(key);
                if (!form.equals(key)) {
                    canonical.put(key, form);
                }
            } catch (IllegalArgumentException invalid) {
                problems.put(key, invalid.getMessage());
            }
        }
        return new KeyCheck(canonical, problems);
    }

    /**
     * @return the key with every value in its canonical form
     * @throws IllegalArgumentException naming the column and its type, for a value the column cannot hold
     */
    EntityKey canonical(EntityKey key) {
        EntityKey.Builder builder = EntityKey.builder();
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            try {
                builder.add(column.name(), column.type().canonical(key.value(i)));
            } catch (IllegalArgumentException invalid) {
                throw new IllegalArgumentException("column " + column.name() + " is " + column.label() + ": "
                        + invalid.getMessage(), invalid);
            }
        }
        return builder.build();
    }

    /**
     * The text to bind for one key value: its canonical form when it has one, else the value as given (PostgreSQL
     * judges it, and a read that fails on it is narrowed down to it).
     */
    String bindable(int column, Object value) {
        PgKeyType type = columns.get(column).type();
        try {
            return type.bindable(type.canonical(value));
        } catch (IllegalArgumentException invalid) {
            return String.valueOf(value);
        }
    }

    TableBinding table() {
        return table;
    }
}
