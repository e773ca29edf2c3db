package dev.wail.consumer.postgres;

import static dev.wail.consumer.postgres.SqlIdentifiers.quote;
import static dev.wail.consumer.postgres.SqlIdentifiers.quoteAll;
import static dev.wail.consumer.postgres.SqlIdentifiers.quoteQualified;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.EntityState;
import dev.wail.core.pipeline.Hydrator;
import dev.wail.core.pipeline.SourceSnapshot;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.core.pipeline.UnreadableKeysException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads current rows from one PostgreSQL endpoint (the writer or a reader) with the Vert.x reactive client: one query
 * per table per batch, whatever the number of keys. Key values travel as one text array parameter per key column, in
 * their canonical forms ({@link PgKeyCodec}), cast in SQL to the column's own type (looked up once per table in the
 * catalog), and rows are matched to keys by typed equality, never by text: a key is found however PostgreSQL prints
 * it. Each row comes back with the ordinal of its key in the request. The primary key index serves the join; the same
 * statement reports the position the read includes and whether it sees given transactions:
 *
 * <pre>
 * WITH p AS MATERIALIZED (SELECT &lt;position&gt;, bool_and(pg_visible_in_snapshot(x, pg_current_snapshot()))
 *                           FROM unnest($3::text[]::xid8[]) x)
 * SELECT p.*, r.* FROM p LEFT JOIN (
 *   SELECT k.n, row_to_json(t.*)::text
 *     FROM unnest($1::text[]::bigint[], $2::text[]::timestamp with time zone[]) WITH ORDINALITY k(k0, k1, n)
 *     JOIN (SELECT "id", "created_at", "status" FROM "public"."orders") t
 *       ON t."id" = k.k0 AND t."created_at" = k.k1) r ON true
 * </pre>
 *
 * Both are evaluated while the statement runs, after its snapshot was taken: the position (the replay position on a
 * replica, the WAL insert position on a primary) is at least that of every commit the read saw, and the visibility
 * check is made against the very snapshot that read the rows. Each row comes back as a JSON document of the
 * projected columns, the form every sink takes ({@code t.*}, not {@code t}: a column named {@code t} would win over
 * the row).
 *
 * <p>If PostgreSQL cannot hold some key values (a data exception, SQLSTATE class 22, or a domain's CHECK, 23514),
 * the batch is narrowed down by bisection to the keys that fail on their own, and the read fails with an
 * {@link UnreadableKeysException} naming them with PostgreSQL's message, so that only their intents are rejected.
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
 *
 * <p><b>Definition changes.</b> The key columns' types and the statement are cached per table, and dropped (then
 * looked up again on next use, reported to {@link PgSchemaEvents#definitionReloaded}) when the table's definition
 * may have changed: an intent carries a newer capture version than any seen when the cache was built
 * ({@link #captureVersionSeen}); a read fails with an undefined column or table, an undefined operator or a type
 * mismatch (SQLSTATE 42703, 42P01, 42883, 42804; a key column's new type no longer compares with the cached one);
 * or keys fail to read, or to check, that the key columns' current types might hold (integer to bigint). In the
 * last cases the catalog is asked first and the cache is replaced only if the key types differ. A lookup replaces
 * the cache at most once per stale entry, whatever the number of batches that noticed, and the read is then
 * retried once. When the configuration still does not fit (a configured column or the table is gone, a key column
 * is of a type wail cannot bind), the read fails with a {@link ConfigurationMismatchException} saying which setting to
 * update: the caller retries the messages, they are not rejected.
 */
public final class PgHydrator implements Hydrator {

    /**
     * The position every read reports: the replay position on a server in recovery (a replica), the WAL insert
     * position otherwise. Not {@code COALESCE(pg_last_wal_replay_lsn(), ...)}: a server that went through recovery (a
     * promoted standby, a primary restarted after a crash) keeps reporting its last replayed position, frozen.
     */
    static final String POSITION = "(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()"
            + " ELSE pg_current_wal_insert_lsn() END - '0/0'::pg_lsn)::bigint";

    /** SQLSTATE class 22 (data exception) and 23514 (a domain's CHECK): the key value, not the database. */
    private static final String DATA_EXCEPTION_CLASS = "22";
    private static final String CHECK_VIOLATION = "23514";

    /**
     * A transaction of the snapshot's in-progress list whose commit is written and which only waits for synchronous
     * standbys: the read is behind its own position. ({@code backend_xid} is a 32-bit xid, the list holds xid8.)
     *
     * <p>{@code pg_stat_activity} copies every backend's status (query text included), which costs more than the read
     * of a small batch, so it is consulted only when a backend can be waiting: with {@code synchronous_standby_names}
     * empty, no commit waits for a standby. The setting is read in the same statement (nothing is cached between
     * reads); the uncorrelated {@code EXISTS} is an InitPlan, which PostgreSQL runs only when the {@code CASE} reaches
     * it. The one moment this can differ from scanning every time is a configuration reload that turns synchronous
     * replication on or off while a read runs in a backend that has not applied the change yet; {@link PgSource}
     * already relies on the same setting (asked once a minute) to decide whether the reader may be used at all.
     */
    static final String BEHIND_ITS_POSITION = "CASE WHEN current_setting('synchronous_standby_names') = '' THEN false"
            + " ELSE EXISTS (SELECT 1 FROM pg_snapshot_xip(pg_current_snapshot()) c"
            + " JOIN pg_stat_activity a ON a.backend_xid::text = (c::text::numeric % 4294967296)::text"
            + " WHERE a.wait_event = 'SyncRep') END";
    private static final String HISTORY = "(SELECT system_identifier::text FROM pg_control_system())";
    /** What PostgreSQL raises when the role may not call a function, and when the function does not exist. */
    private static final Set<String> NO_HISTORY = Set.of("42501", "42883");
    /**
     * What PostgreSQL raises when a statement no longer fits the table's definition: undefined column, undefined
     * table, undefined function or operator (a key column's type changed, {@code uuid = text}), datatype mismatch.
     */
    private static final Set<String> DEFINITION_CHANGED = Set.of("42703", "42P01", "42883", "42804");

    private final Pool pool;
    private final Map<TableBinding, Uni<PgKeyCodec>> codecs = new ConcurrentHashMap<>();
    private final Map<TableBinding, Statement> queries = new ConcurrentHashMap<>();
    private final AtomicReference<Uni<Boolean>> historyReadable = new AtomicReference<>();
    /** Per table, the newest capture version seen when its cache was built (see {@link #captureVersionSeen}). */
    private final Map<TableBinding, Integer> captureVersions = new ConcurrentHashMap<>();
    private final PgSchemaEvents events;

    public PgHydrator(Pool pool) {
        this(pool, PgSchemaEvents.NONE);
    }

    /** @param events told of every reload of a table's cached definition */
    public PgHydrator(Pool pool, PgSchemaEvents events) {
        this.pool = pool;
        this.events = events;
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

    /**
     * @return one state per key, in the order of {@code keys}; fails with {@link UnreadableKeysException} when the
     *     only trouble is keys PostgreSQL cannot hold, naming each of them
     */
    public Uni<Read> read(TableBinding table, List<EntityKey> keys, Set<Long> transactions) {
        Uni<PgKeyCodec> cached = keyCodec(table);
        return readWith(table, cached, keys, transactions)
                .onFailure(failure -> isDefinitionChange(failure) || failure instanceof UnreadableKeysException)
                .recoverWithUni(failure -> reloadIfChanged(table, cached, "a read failed: " + describe(failure))
                        .chain(reloaded -> reloaded ? readWith(table, keyCodec(table), keys, transactions)
                                : Uni.createFrom().failure(failure)))
                .onFailure(PgHydrator::isDefinitionChange)
                .recoverWithUni(failure -> mismatch(table, failure));
    }

    /**
     * An intent of {@code table} carries capture version {@code captureVersion}: if the table's cache was built
     * before any intent this new was seen, it is dropped (once: the first batch to see the version drops it) and
     * looked up again on next use. The capture version is bumped by the hooks' event trigger in the transaction of
     * the DDL, so the catalog already shows the new definition when such an intent arrives.
     */
    public void captureVersionSeen(TableBinding table, int captureVersion) {
        captureVersions.compute(table, (t, known) -> {
            if (known != null && captureVersion <= known) {
                return known;
            }
            Uni<PgKeyCodec> cached = codecs.get(t);
            if (cached != null && codecs.remove(t, cached)) {
                queries.remove(t);
                events.definitionReloaded(t, "intents carry capture version " + captureVersion + ", newer than "
                        + (known == null ? "none seen" : "version " + known) + " when the cache was built");
            }
            return captureVersion;
        });
    }

    /**
     * Looks the key columns' types up again and, if they differ from those of {@code stale} (still the cached
     * entry), replaces the table's cache with them.
     *
     * @return whether the cache holds another definition than {@code stale} now (replaced here or by another batch)
     */
    Uni<Boolean> reloadIfChanged(TableBinding table, Uni<PgKeyCodec> stale, String why) {
        return PgKeyCodec.lookUp(pool, table).chain(fresh -> stale.map(old -> {
            if (old.sameDefinition(fresh)) {
                return codecs.get(table) != stale;
            }
            if (codecs.replace(table, stale, Uni.createFrom().item(fresh))) {
                queries.remove(table);
                events.definitionReloaded(table, why);
            }
            return true;
        }).onFailure().recoverWithItem(() -> {
            // The stale entry itself failed (it is gone from the cache already): use what the catalog says now.
            codecs.put(table, Uni.createFrom().item(fresh));
            queries.remove(table);
            events.definitionReloaded(table, why);
            return true;
        }));
    }

    /**
     * The reason the configuration of {@code table} no longer fits the source, as a failed Uni with a
     * {@link ConfigurationMismatchException}; {@code failure} itself when every configured column is there (the error has
     * another cause: it is retried as any failure is).
     */
    private <T> Uni<T> mismatch(TableBinding table, Throwable failure) {
        List<String> configured = new ArrayList<>(table.columns());
        table.versionColumn().filter(column -> !configured.contains(column)).ifPresent(configured::add);
        return CatalogCheck.missingColumns(pool, table.table(), configured)
                .onFailure().recoverWithUni(() -> Uni.createFrom().failure(failure))
                .chain(missing -> {
                    if (missing.isEmpty()) {
                        return Uni.createFrom().failure(new ConfigurationMismatchException(table, "table " + table.table()
                                + " of source " + table.source() + " no longer exists: update or remove "
                                + ConfigurationMismatchException.setting(table, "*")));
                    }
                    if (missing.get().isEmpty()) {
                        return Uni.createFrom().failure(failure);
                    }
                    String column = missing.get().get(0);
                    String setting = table.keyColumns().contains(column)
                            ? ConfigurationMismatchException.setting(table, "key-columns") + " and "
                                    + ConfigurationMismatchException.setting(table, "columns")
                            : table.columns().contains(column) ? ConfigurationMismatchException.setting(table, "columns")
                            : ConfigurationMismatchException.setting(table, "version-column");
                    return Uni.createFrom().failure(new ConfigurationMismatchException(table,
                            CatalogCheck.named(missing.get()) + " of " + ConfigurationMismatchException.describe(table)
                                    + " no longer exist"
                                    + (missing.get().size() == 1 ? "s" : "") + ": update " + setting));
                });
    }

    private static String describe(Throwable failure) {
        return failure instanceof PgException pg ? pg.getErrorMessage() + " (SQLSTATE " + pg.getSqlState() + ")"
                : failure.getMessage();
    }

    static boolean isDefinitionChange(Throwable failure) {
        return failure instanceof PgException pg && DEFINITION_CHANGED.contains(pg.getSqlState());
    }

    private Uni<Read> readWith(TableBinding table, Uni<PgKeyCodec> cached, List<EntityKey> keys,
            Set<Long> transactions) {
        return cached.chain(codec -> query(table, codec).chain(sql -> readOnce(sql, codec, keys, transactions)
                .onFailure(PgHydrator::isDataException)
                .recoverWithUni(failure -> unreadable(sql, codec, keys).map(reasons -> {
                    if (reasons.isEmpty()) {
                        throw new IllegalStateException("a read of " + table.qualifiedName() + " failed, but no key"
                                + " fails on its own: " + failure.getMessage(), failure);
                    }
                    throw new UnreadableKeysException(reasons);
                }))));
    }

    /**
     * The {@link Hydrator} read: the states alone, with no transactions to check. {@link PgSource} uses
     * {@link #read(TableBinding, List, Set)}, which also reports the position and whether the read saw given
     * transactions.
     */
    @Override
    public Uni<List<EntityState>> read(TableBinding table, List<EntityKey> keys) {
        return read(table, keys, Set.of()).map(read -> read.snapshot().states());
    }

    /** The key codec of the table, built from the catalog on first use and then reused. */
    Uni<PgKeyCodec> keyCodec(TableBinding table) {
        return codecs.computeIfAbsent(table, t -> PgKeyCodec.lookUp(pool, t)
                .onFailure(PgHydrator::isDefinitionChange).recoverWithUni(failure -> mismatch(t, failure))
                .memoize().indefinitely()
                .onFailure().invoke(() -> codecs.remove(t)));
    }

    /** The statement for {@code codec}, cached per table; a statement built for another (older) codec is replaced. */
    private Uni<String> query(TableBinding table, PgKeyCodec codec) {
        return queries.compute(table, (t, known) -> known != null && known.codec() == codec ? known
                : new Statement(codec, historyReadable().map(history -> buildQuery(codec, history))
                        .memoize().indefinitely()
                        .onFailure().invoke(() -> queries.remove(t))))
                .sql();
    }

    /** A table's statement and the codec it was built for. */
    private record Statement(PgKeyCodec codec, Uni<String> sql) {
    }

    private Uni<Read> readOnce(String sql, PgKeyCodec codec, List<EntityKey> keys, Set<Long> transactions) {
        return pool.preparedQuery(sql).execute(parameters(codec, keys, transactions))
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

    /**
     * The keys that PostgreSQL cannot hold, each with its message, found by bisection: a half that reads is clear,
     * a single key that fails is unreadable. Only for a batch that failed with a data exception; any other failure
     * (the connection) fails the whole read.
     */
    private Uni<Map<EntityKey, String>> unreadable(String sql, PgKeyCodec codec, List<EntityKey> keys) {
        return readOnce(sql, codec, keys, Set.of()).map(read -> Map.<EntityKey, String>of())
                .onFailure(PgHydrator::isDataException).recoverWithUni(failure -> {
                    if (keys.size() == 1) {
                        PgException pg = (PgException) failure;
                        return Uni.createFrom().item(Map.of(keys.get(0), "PostgreSQL cannot hold it: "
                                + pg.getErrorMessage() + " (SQLSTATE " + pg.getSqlState() + ")"));
                    }
                    int half = keys.size() / 2;
                    return unreadable(sql, codec, keys.subList(0, half)).chain(first ->
                            unreadable(sql, codec, keys.subList(half, keys.size())).map(second -> {
                                Map<EntityKey, String> all = new HashMap<>(first);
                                all.putAll(second);
                                return all;
                            }));
                });
    }

    private static boolean isDataException(Throwable failure) {
        return failure instanceof PgException pg && pg.getSqlState() != null
                && (pg.getSqlState().startsWith(DATA_EXCEPTION_CLASS) || pg.getSqlState().equals(CHECK_VIOLATION));
    }

    private static String buildQuery(PgKeyCodec codec, boolean history) {
        TableBinding table = codec.table();
        int keyColumns = table.keyColumns().size();
        List<String> unnestArgs = new ArrayList<>();
        List<String> ordinals = new ArrayList<>();
        List<String> matches = new ArrayList<>();
        for (int i = 0; i < keyColumns; i++) {
            PgKeyCodec.Column column = codec.columns().get(i);
            unnestArgs.add("$" + (i + 1) + "::text[]::" + column.castType() + "[]");
            ordinals.add("k" + i);
            matches.add("t." + quote(column.name()) + " = k.k" + i);
        }
        return "WITH p AS MATERIALIZED (SELECT " + POSITION + " AS position,"
                + " coalesce(bool_and(pg_visible_in_snapshot(x, pg_current_snapshot())), true)"
                + " AND NOT " + BEHIND_ITS_POSITION + " AS visible"
                + (history ? ", " + HISTORY + " AS history" : "")
                + " FROM unnest($" + (keyColumns + 1) + "::text[]::xid8[]) x)"
                + " SELECT p.position, p.visible, r.*" + (history ? ", p.history" : "")
                + " FROM p LEFT JOIN (SELECT k.n"
                + ", row_to_json(t.*)::text AS document FROM unnest(" + String.join(", ", unnestArgs)
                + ") WITH ORDINALITY k(" + String.join(", ", ordinals) + ", n) JOIN (SELECT "
                + quoteAll("", table.columns()) + " FROM " + quoteQualified(table.table()) + ") t ON "
                + String.join(" AND ", matches) + ") r ON true";
    }

    private static Tuple parameters(PgKeyCodec codec, List<EntityKey> keys, Set<Long> transactions) {
        int columns = codec.columns().size();
        Tuple tuple = Tuple.tuple();
        for (int c = 0; c < columns; c++) {
            String[] values = new String[keys.size()];
            for (int k = 0; k < keys.size(); k++) {
                values[k] = codec.bindable(c, keys.get(k).value(c));
            }
            tuple.addArrayOfString(values);
        }
        return tuple.addArrayOfString(transactions.stream().map(Long::toUnsignedString).toArray(String[]::new));
    }

    /** Rows carry the 1-based ordinal of their key in {@code keys}; a key without a row is absent. */
    private static Read toRead(List<EntityKey> keys, RowSet<Row> rows) {
        String[] documents = new String[keys.size()];
        long position = 0;
        boolean visible = true;
        for (Row row : rows) {
            position = row.getLong(0);
            visible = row.getBoolean(1);
            Long ordinal = row.getLong(2);
            if (ordinal != null) {
                documents[(int) (ordinal - 1)] = row.getString(3);
            }
        }
        List<EntityState> states = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            EntityKey key = keys.get(i);
            states.add(documents[i] == null ? EntityState.absent(key) : EntityState.present(key, documents[i]));
        }
        return new Read(new SourceSnapshot(states, position), visible);
    }
}
