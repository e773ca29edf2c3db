package dev.wail.consumer.postgres;

import static dev.wail.consumer.postgres.SqlIdentifiers.quote;
import static dev.wail.consumer.postgres.SqlIdentifiers.quoteAll;
import static dev.wail.consumer.postgres.SqlIdentifiers.quoteQualified;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.EntityState;
import dev.wail.core.pipeline.SourceSnapshot;
import dev.wail.core.pipeline.TableBinding;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Reads current rows from one PostgreSQL endpoint (the writer or a reader) with the Vert.x reactive client: one query
 * per table per batch, whatever the number of keys. Key values travel as one text array parameter per key column,
 * cast in SQL to the column's own type (looked up once per table in the catalog) so the primary key index serves the
 * lookup; the same statement reports the position the read includes and whether it sees given transactions:
 *
 * <pre>
 * WITH p AS MATERIALIZED (SELECT &lt;position&gt;, bool_and(pg_visible_in_snapshot(x, pg_current_snapshot()))
 *                           FROM unnest($2::text[]::xid8[]) x)
 * SELECT p.*, r.* FROM p LEFT JOIN (
 *   SELECT t."id"::text, row_to_json(t)::text
 *     FROM (SELECT "id", "status" FROM "public"."orders" WHERE ("id") IN
 *           (SELECT * FROM unnest($1::text[]::bigint[]))) t) r ON true
 * </pre>
 *
 * Both are evaluated while the statement runs, after its snapshot was taken: the position (the replay position on a
 * replica, the WAL insert position on a primary) is at least that of every commit the read saw, and the visibility
 * check is made against the very snapshot that read the rows. Each row comes back as a JSON document of the
 * projected columns, the form every sink takes.
 *
 * <p>The position must also be one the snapshot <em>includes</em>: a later read of the writer must never claim a
 * higher position while missing a commit an earlier read of a replica saw. PostgreSQL writes a commit record and
 * marks the transaction committed in its commit log before the transaction becomes visible, and with synchronous
 * replication the backend waits for the standbys in between ({@code wait_event = 'SyncRep'}); an asynchronous
 * replica can show the commit while the primary's new snapshots still do not, and {@code pg_xact_status} still says
 * "in progress". So the same statement checks that no transaction of its snapshot's in-progress list
 * ({@code pg_snapshot_xip}) is a backend waiting for synchronous replication ({@code pg_stat_activity}); a read that
 * fails the check is reported as not having seen everything ({@link Read#sawTransactions} false) and is not used.
 * The check sees other roles' sessions only with {@code pg_read_all_stats} (see {@link PgSource} for what happens
 * without it).
 *
 * <p>Where the role may call {@code pg_control_system()} (probed once per endpoint), the statement also returns the
 * cluster's {@code system_identifier} as the read's {@link SourceSnapshot#history}: a restored or reloaded source
 * is another cluster, whose positions do not compare with the old ones.
 */
public final class PgHydrator {

    /** The position every read reports; on a primary {@code pg_last_wal_replay_lsn()} is null. */
    static final String POSITION =
            "(COALESCE(pg_last_wal_replay_lsn(), pg_current_wal_insert_lsn()) - '0/0'::pg_lsn)::bigint";

    /**
     * A transaction of the snapshot's in-progress list whose commit is written and which only waits for synchronous
     * standbys: the read is behind its own position. ({@code backend_xid} is a 32-bit xid, the list holds xid8.)
     */
    static final String BEHIND_ITS_POSITION = "EXISTS (SELECT 1 FROM pg_snapshot_xip(pg_current_snapshot()) c"
            + " JOIN pg_stat_activity a ON a.backend_xid::text = (c::text::numeric % 4294967296)::text"
            + " WHERE a.wait_event = 'SyncRep')";
    private static final String HISTORY = "(SELECT system_identifier::text FROM pg_control_system())";
    /** What PostgreSQL raises when the role may not call a function, and when the function does not exist. */
    private static final Set<String> NO_HISTORY = Set.of("42501", "42883");

    private static final Pattern TYPE_NAME = Pattern.compile("[a-z][a-z0-9_ ]*");
    private static final String KEY_TYPES = """
            SELECT a.attname::text, a.atttypid::regtype::text
              FROM pg_attribute a
             WHERE a.attrelid = $1::regclass AND a.attname = ANY($2) AND NOT a.attisdropped""";

    private final Pool pool;
    private final Map<TableBinding, Uni<Map<String, String>>> keyTypes = new ConcurrentHashMap<>();
    private final Map<TableBinding, Uni<String>> queries = new ConcurrentHashMap<>();
    private final AtomicReference<Uni<Boolean>> historyReadable = new AtomicReference<>();

    public PgHydrator(Pool pool) {
        this.pool = pool;
    }

    /**
     * One read of {@code keys}, and whether it saw every one of {@code transactions} and every commit below its
     * position (see the class comment).
     */
    public record Read(SourceSnapshot snapshot, boolean sawTransactions) {
    }

    /** @return the endpoint's current position, without reading anything */
    public Uni<Long> position() {
        return pool.query("SELECT " + POSITION).execute().map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<Read> read(TableBinding table, List<EntityKey> keys, Set<Long> transactions) {
        return query(table)
                .chain(sql -> pool.preparedQuery(sql).execute(parameters(table, keys, transactions)))
                .map(rows -> withHistory(toRead(keys, rows), rows));
    }

    /** The history the statement reported (its last column, present when the role may read it). */
    private static Read withHistory(Read read, RowSet<Row> rows) {
        if (!rows.columnsNames().contains("history") || !rows.iterator().hasNext()) {
            return read;
        }
        SourceSnapshot snapshot = read.snapshot();
        return new Read(new SourceSnapshot(snapshot.states(), snapshot.position(),
                Optional.ofNullable(rows.iterator().next().getString("history")), snapshot.current()),
                read.sawTransactions());
    }

    /**
     * Whether this endpoint lets the role read {@code pg_control_system()}; asked once. Not allowed (or not offered,
     * as on some managed services) means reads carry no history; any other failure is retried on next use.
     */
    private Uni<Boolean> historyReadable() {
        return historyReadable.updateAndGet(known -> known != null ? known : pool.query("SELECT " + HISTORY)
                .execute().map(rows -> true)
                .onFailure(failure -> failure instanceof PgException pg && NO_HISTORY.contains(pg.getSqlState()))
                .recoverWithItem(false)
                .onFailure().invoke(() -> historyReadable.set(null))
                .memoize().indefinitely());
    }

    /** The catalog types of the table's key columns by column name, looked up on first use and then reused. */
    public Uni<Map<String, String>> keyTypes(TableBinding table) {
        return keyTypes.computeIfAbsent(table, t -> pool.preparedQuery(KEY_TYPES)
                .execute(Tuple.of(quoteQualified(t.table()), t.keyColumns().toArray(String[]::new)))
                .map(rows -> columnTypes(t, rows))
                .memoize().indefinitely()
                .onFailure().invoke(() -> keyTypes.remove(t)));
    }

    private Uni<String> query(TableBinding table) {
        return queries.computeIfAbsent(table, t -> keyTypes(t)
                .chain(types -> historyReadable().map(history -> buildQuery(t, types, history)))
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

    private static String buildQuery(TableBinding table, Map<String, String> types, boolean history) {
        int keyColumns = table.keyColumns().size();
        List<String> unnestArgs = new ArrayList<>();
        List<String> keyTexts = new ArrayList<>();
        for (int i = 0; i < keyColumns; i++) {
            String column = table.keyColumns().get(i);
            unnestArgs.add("$" + (i + 1) + "::text[]::" + types.get(column) + "[]");
            keyTexts.add("t." + quote(column) + "::text AS k" + i);
        }
        return "WITH p AS MATERIALIZED (SELECT " + POSITION + " AS position,"
                + " coalesce(bool_and(pg_visible_in_snapshot(x, pg_current_snapshot())), true)"
                + " AND NOT " + BEHIND_ITS_POSITION + " AS visible"
                + (history ? ", " + HISTORY + " AS history" : "")
                + " FROM unnest($" + (keyColumns + 1) + "::text[]::xid8[]) x)"
                + " SELECT p.position, p.visible, r.*" + (history ? ", p.history" : "")
                + " FROM p LEFT JOIN (SELECT " + String.join(", ", keyTexts)
                + ", row_to_json(t)::text AS document FROM (SELECT " + quoteAll("", table.columns())
                + " FROM " + quoteQualified(table.table()) + " WHERE (" + quoteAll("", table.keyColumns())
                + ") IN (SELECT * FROM unnest(" + String.join(", ", unnestArgs) + "))) t) r ON true";
    }

    private static Tuple parameters(TableBinding table, List<EntityKey> keys, Set<Long> transactions) {
        int columns = table.keyColumns().size();
        Tuple tuple = Tuple.tuple();
        for (int c = 0; c < columns; c++) {
            String[] values = new String[keys.size()];
            for (int k = 0; k < keys.size(); k++) {
                values[k] = String.valueOf(keys.get(k).value(c));
            }
            tuple.addArrayOfString(values);
        }
        return tuple.addArrayOfString(transactions.stream().map(Long::toUnsignedString).toArray(String[]::new));
    }

    private static Read toRead(List<EntityKey> keys, RowSet<Row> rows) {
        int columns = keys.isEmpty() ? 0 : keys.get(0).size();
        Map<List<String>, String> documents = new HashMap<>();
        long position = 0;
        boolean visible = true;
        for (Row row : rows) {
            position = row.getLong(0);
            visible = row.getBoolean(1);
            String document = row.getString(2 + columns);
            if (document != null) {
                List<String> keyText = new ArrayList<>(columns);
                for (int c = 0; c < columns; c++) {
                    keyText.add(row.getString(2 + c));
                }
                documents.put(keyText, document);
            }
        }
        List<EntityState> states = new ArrayList<>(keys.size());
        for (EntityKey key : keys) {
            String document = documents.get(key.values().stream().map(String::valueOf).toList());
            states.add(document == null ? EntityState.absent(key) : EntityState.present(key, document));
        }
        return new Read(new SourceSnapshot(states, position), visible);
    }
}
