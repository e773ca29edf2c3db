package dev.wail.consumer.postgres;

import static dev.wail.consumer.postgres.SqlIdentifiers.quote;
import static dev.wail.consumer.postgres.SqlIdentifiers.quoteAll;
import static dev.wail.consumer.postgres.SqlIdentifiers.quoteQualified;

import dev.wail.core.intent.Entity;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.EntityState;
import dev.wail.core.pipeline.Sink;
import dev.wail.core.pipeline.SourceSnapshot;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.core.wire.IntentCodec;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The PostgreSQL read model: a table with the projected columns, keyed like the source, kept by the {@link Sink}
 * contract. One transaction per table per batch:
 * <ol>
 *   <li>{@code pg_advisory_xact_lock} on every entity, in ascending lock-key order (no deadlocks between batches
 *       with overlapping keys); concurrent refreshes of an entity queue here;</li>
 *   <li>the source's current epoch ({@code wail.source_epochs}: a number and the history it follows) and the newest
 *       position recorded in that epoch for the entities ({@code wail.sink_positions}) become the floor of the source
 *       read, which happens now, under the locks;</li>
 *   <li>the read is judged against the epoch (see below); a read of a new history opens the next epoch;</li>
 *   <li>one statement upserts every present state, one deletes every absent state; each first records the read's
 *       (epoch, position) in {@code wail.sink_positions} (a tombstone for a delete) and touches only the entities
 *       whose recorded (epoch, position) is not newer; with a version column, a row is also never replaced by a
 *       lower version. Each returns the entities it refused, which {@link #refresh} reports (never acknowledged).</li>
 * </ol>
 *
 * <p><b>Source histories.</b> A WAL position means something only within one history of a cluster. A restore, a
 * dump and reload into a new cluster, or a failover that lost WAL gives the source positions lower than those
 * recorded, and without epochs every later write of those rows would be refused. A new history is recognised when
 * a read names another history than the epoch's ({@code system_identifier}, where the source's role may read it),
 * or when a read from a current endpoint (the writer) is below the recorded floor, which cannot happen on one
 * history. A current read of a new history opens epoch n+1, which wins over every position of epoch n, so the sink
 * converges on the new history; a non-current read of another history (a replica of the replaced cluster) fails the
 * call and is retried. Each change is logged at WARN and reported to {@link Events#historyChanged}.
 *
 * <p><b>Round trips.</b> Four on the sink's connection per table per batch, whatever the number of entities:
 * {@code BEGIN}; the lock and the floor, sent together (the client pipelines them; the floor is a statement of its
 * own so that its snapshot is taken after the locks are granted); the upsert and the delete, sent together; and
 * {@code COMMIT}. Naming or opening an epoch adds one, once per history.
 *
 * <p><b>Why the locks, and not the conditional upsert alone.</b> The upsert already admits a state only if no newer
 * (epoch, position) is recorded, and it serializes on the row of {@code wail.sink_positions}, so without the locks
 * the sink would still keep the highest position it was offered. That is not enough, because a read's position is
 * not an exact label of its snapshot: PostgreSQL takes a statement's snapshot first and computes the position
 * ({@code pg_current_wal_insert_lsn()}, see {@link PgHydrator}) a moment later, while the statement runs. Two
 * concurrent reads R1 and R2 of one row can then see it in this order: R2 takes its snapshot; a writer commits a
 * new state of the row; R1 takes its snapshot (new state) and computes its position p1; R2 computes its position
 * p2 &gt; p1 (the WAL grew meanwhile). R2 holds the older state under the higher position, and a position guard alone
 * would let it replace R1's newer state for good, every message acknowledged. No single number computed inside
 * the statement avoids this on a busy primary: an upper bound (the insert position) can be higher than a later
 * snapshot's, and a lower bound does not exist, since commits become visible in another order than their WAL
 * records. The locks make the reads of one entity happen one after another in time, and PostgreSQL's snapshots
 * only grow with time, so each read sees at least what the previous one saw, and its position is higher too; the
 * position ledger then carries that order to reads of replicas and across restarts. What they cost is waiting:
 * batches sharing hot entities run one after another (see {@code SinkGuardBenchmark} for the figures).
 *
 * <p>The states travel as one JSON parameter that PostgreSQL turns into typed rows with {@code jsonb_populate_record},
 * so any column type the source and the sink agree on works without mapping code here.
 */
public final class PgReadModelSink implements Sink {

    private static final Logger LOG = Logger.getLogger(PgReadModelSink.class);
    /** A statement not sent: no rows. */
    private static final Uni<RowSet<Row>> NOTHING = Uni.createFrom().nullItem();

    private static final String LOCK = "SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) k";
    /** The source's newest epoch (epoch 0 of unknown history when none is recorded) and the floor within it. */
    private static final String EPOCH_AND_FLOOR = """
            SELECT e.epoch, e.history, coalesce((SELECT max(p.position) FROM wail.sink_positions p
                    WHERE p.sink_table = $1 AND p.entity = ANY($2::text[]) AND p.epoch = e.epoch), 0)
              FROM ((SELECT epoch, history FROM wail.source_epochs WHERE source = $3)
                    UNION ALL SELECT 0, NULL::text ORDER BY 1 DESC, 2 NULLS LAST LIMIT 1) e""";
    private static final String NAME_HISTORY = """
            INSERT INTO wail.source_epochs AS e (source, epoch, history, reason) VALUES ($1, $2, $3, $4)
            ON CONFLICT (source, epoch) DO UPDATE SET history = coalesce(e.history, EXCLUDED.history)
            RETURNING history""";
    private static final String OPEN_EPOCH = """
            INSERT INTO wail.source_epochs (source, epoch, history, reason, first_position) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (source, epoch) DO NOTHING RETURNING epoch""";
    /** An alias no configured column can take (identifiers are checked to be plain, see {@link SqlIdentifiers}). */
    private static final String ENTITY = "\"wail entity\"";

    /** What the sink tells the outside world about, besides the refusals it returns. */
    public interface Events {
        /** A source's history changed: the sink opened epoch {@code to}; positions of older epochs no longer count. */
        void historyChanged(String source, long from, long to, String why);

        /** A version column refused states that the position guard admitted: the column is not a version. */
        void versionColumnRefused(TableBinding table, String column, int entities);

        /**
         * The configuration of {@code table} no longer fits its read model table ({@code reason} says what is
         * missing and which setting to update); the table's messages are retried. Default: nothing.
         */
        default void configurationMismatch(TableBinding table, String reason) {
        }

        Events NONE = new Events() {
            @Override
            public void historyChanged(String source, long from, long to, String why) {
            }

            @Override
            public void versionColumnRefused(TableBinding table, String column, int entities) {
            }
        };
    }

    private final Pool pool;
    private final Events events;

    public PgReadModelSink(Pool pool) {
        this(pool, Events.NONE);
    }

    public PgReadModelSink(Pool pool, Events events) {
        this.pool = pool;
        this.events = events;
    }

    /** The source's current epoch as the sink recorded it, and the floor of the entities within it. */
    private record Epoch(long number, Optional<String> history, long floor) {
    }

    @Override
    public Uni<Map<EntityKey, String>> refresh(TableBinding table, List<EntityKey> keys, StateReader reader) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Map<EntityKey, String> ids = new HashMap<>();
        keys.forEach(key -> ids.put(key, entityId(table, key)));
        String[] entities = ids.values().toArray(String[]::new);
        Long[] lockKeys = ids.values().stream().map(PgReadModelSink::lockKey).sorted().distinct()
                .toArray(Long[]::new);
        // Sent together, answered in order (the client pipelines the statements of one connection): one round trip.
        // The floor's statement takes its snapshot once the lock statement has returned on the server, so it sees the
        // positions committed by every batch that held one of these locks before. (One statement would not: its
        // snapshot would be taken before its locks were granted.)
        return pool.withTransaction(connection -> Uni.combine().all()
                .unis(connection.preparedQuery(LOCK).execute(Tuple.of(lockKeys)),
                        connection.preparedQuery(EPOCH_AND_FLOOR)
                                .execute(Tuple.of(table.sinkTable(), entities, table.source())))
                .with((locked, rows) -> {
                    Row row = rows.iterator().next();
                    return new Epoch(row.getLong(0), Optional.ofNullable(row.getString(1)), row.getLong(2));
                })
                .chain(epoch -> reader.read(keys, new Floor(epoch.floor(), epoch.history()))
                        .chain(snapshot -> epochOf(connection, table, epoch, snapshot)
                                .chain(writeEpoch -> write(connection, table, snapshot, ids, writeEpoch)
                                        .onFailure(PgHydrator::isDefinitionChange)
                                        .transform(ReadModelStatementFailed::new)))))
                .onFailure(ReadModelStatementFailed.class)
                .recoverWithUni(failure -> mismatch(table, failure.getCause()));
    }

    /** A write that failed with an undefined column or table: diagnosed once its transaction is over. */
    private static final class ReadModelStatementFailed extends RuntimeException {
        ReadModelStatementFailed(Throwable cause) {
            super(cause);
        }
    }

    /**
     * Why a write failed with an undefined column or table, as a {@link ConfigurationMismatchException} naming the
     * setting to update (logged, reported); {@code failure} itself when the read model has every configured column.
     * Asked on a connection of its own, after the write's transaction rolled back.
     */
    private <T> Uni<T> mismatch(TableBinding table, Throwable failure) {
        return CatalogCheck.missingColumns(pool, table.sinkTable(), table.columns())
                .onFailure().recoverWithUni(() -> Uni.createFrom().failure(failure))
                .chain(missing -> {
                    String of = " (the read model of " + ConfigurationMismatchException.describe(table) + ")";
                    String reason;
                    if (missing.isEmpty()) {
                        reason = "read model table " + table.sinkTable() + of + " does not exist: create it or update "
                                + ConfigurationMismatchException.setting(table, "sink-table");
                    } else if (!missing.get().isEmpty()) {
                        reason = CatalogCheck.named(missing.get()) + " of read model table " + table.sinkTable() + of
                                + (missing.get().size() == 1 ? " does" : " do") + " not exist: add "
                                + (missing.get().size() == 1 ? "it" : "them") + " to the read model table or update "
                                + ConfigurationMismatchException.setting(table, "columns");
                    } else {
                        return Uni.createFrom().failure(failure);
                    }
                    LOG.errorf("%s; the messages of the table are retried until then", reason);
                    events.configurationMismatch(table, reason);
                    return Uni.createFrom().failure(new ConfigurationMismatchException(table, reason));
                });
    }

    /**
     * The epoch to record the read under: the current one; the next one if the read proves a new history (opened
     * here, logged, reported); a failure for a read of another history that is not current.
     */
    private Uni<Long> epochOf(SqlConnection connection, TableBinding table, Epoch epoch, SourceSnapshot snapshot) {
        String why = newHistory(epoch, snapshot);
        if (why == null) {
            if (epoch.history().isEmpty() && snapshot.history().isPresent()) {
                return nameHistory(connection, table, epoch, snapshot.history().get());
            }
            return Uni.createFrom().item(epoch.number());
        }
        if (!snapshot.current()) {
            return Uni.createFrom().failure(new IllegalStateException("source " + table.source() + ": a replica "
                    + "answered from history " + snapshot.history().orElse("(unknown)") + " at position "
                    + snapshot.position() + ", but the sink follows epoch " + epoch.number() + " of history "
                    + epoch.history().orElse("(unknown)") + " (" + why + "); a replica of a replaced cluster "
                    + "is never written, the read is retried"));
        }
        long next = epoch.number() + 1;
        return connection.preparedQuery(OPEN_EPOCH).execute(Tuple.of(table.source(), next,
                        snapshot.history().orElse(null), why, snapshot.position()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw new IllegalStateException("source " + table.source() + ": another consumer opened "
                                + "epoch " + next + " at the same time; the read is retried in that epoch");
                    }
                    LOG.warnf("source %s: its history changed (%s); epoch %d opened, which wins over every "
                            + "position recorded in epoch %d. Rows converge as their intents arrive; to refresh "
                            + "every row now, backfill the source's tables (emit intents for all keys).",
                            table.source(), why, next, epoch.number());
                    events.historyChanged(table.source(), epoch.number(), next, why);
                    return next;
                });
    }

    /** @return why the read belongs to another history than the epoch's, or null when it belongs to it */
    private static String newHistory(Epoch epoch, SourceSnapshot snapshot) {
        if (epoch.history().isPresent() && snapshot.history().isPresent()
                && !epoch.history().equals(snapshot.history())) {
            return "system identifier " + snapshot.history().get() + " instead of " + epoch.history().get();
        }
        if (snapshot.current() && snapshot.position() < epoch.floor()) {
            return "the writer's position " + snapshot.position() + " is below the position " + epoch.floor()
                    + " recorded in epoch " + epoch.number() + " (restore, reload or failover that lost WAL)";
        }
        return null;
    }

    /** The first read that names its history names the current epoch's; a concurrent different name is retried. */
    private Uni<Long> nameHistory(SqlConnection connection, TableBinding table, Epoch epoch, String history) {
        return connection.preparedQuery(NAME_HISTORY).execute(Tuple.of(table.source(), epoch.number(), history,
                        "first read naming its history"))
                .map(rows -> {
                    String named = rows.iterator().next().getString(0);
                    if (!history.equals(named)) {
                        throw new IllegalStateException("source " + table.source() + ": epoch " + epoch.number()
                                + " was just named history " + named + " by another consumer, this read is of "
                                + history + "; retried");
                    }
                    return epoch.number();
                });
    }

    /** @param ids the entity id of every key, computed once per refresh */
    private Uni<Map<EntityKey, String>> write(SqlConnection connection, TableBinding table, SourceSnapshot snapshot,
            Map<EntityKey, String> ids, long epoch) {
        Batch upserts = new Batch();
        Batch deletes = new Batch();
        Map<String, EntityKey> keys = new HashMap<>();
        for (EntityState state : snapshot.states()) {
            keys.put(ids.get(state.key()), state.key());
            if (state.exists()) {
                upserts.add(ids.get(state.key()), new JsonObject(state.document()));
            } else {
                deletes.add(ids.get(state.key()), keyDocument(table, state.key()));
            }
        }
        // Both statements are sent together (one round trip); they touch disjoint entities.
        Uni<RowSet<Row>> upserted = upserts.isEmpty() ? NOTHING
                : connection.preparedQuery(upsertSql(table)).execute(upserts.parameters(table, epoch,
                        snapshot.position()));
        Uni<RowSet<Row>> deleted = deletes.isEmpty() ? NOTHING
                : connection.preparedQuery(deleteSql(table)).execute(deletes.parameters(table, epoch,
                        snapshot.position()));
        return Uni.combine().all().unis(upserted, deleted).with((upsertRows, deleteRows) -> {
            Map<EntityKey, String> refused = new HashMap<>();
            collectRefused(table, upsertRows, keys, refused);
            collectRefused(table, deleteRows, keys, refused);
            return Map.copyOf(refused);
        });
    }

    /**
     * Rows (null when the statement was not sent) of (entity, refused_by, epoch, position, held, offered): the position
     * guard refused a state whose read was older than what the sink recorded; the version column refused a state the
     * position guard admitted.
     */
    private void collectRefused(TableBinding table, RowSet<Row> rows, Map<String, EntityKey> keys,
            Map<EntityKey, String> refused) {
        if (rows == null) {
            return;
        }
        int byVersion = 0;
        for (Row row : rows) {
            EntityKey key = keys.get(row.getString(0));
            if ("version".equals(row.getString(1))) {
                byVersion++;
                refused.put(key, "version column " + table.versionColumn().orElseThrow() + " holds "
                        + row.getString(4) + ", the newer read has " + row.getString(5) + ": the column is not a "
                        + "version (it must grow with every write of a row, e.g. a counter set in the writing "
                        + "statement, never now())");
            } else {
                refused.put(key, "the sink recorded a newer read (epoch " + row.getLong(2) + ", position "
                        + row.getLong(3) + ") than this one; the source answered below the floor it was given");
            }
        }
        if (byVersion > 0) {
            String column = table.versionColumn().orElseThrow();
            LOG.warnf("%s: version column %s refused %d state(s) read at a newer source position: it is not a "
                    + "version, and the read model diverges from the source. Make %s a counter or sequence value "
                    + "set by every writing statement (e.g. version = version + 1), never now(), or remove "
                    + "wail.sources.%s.tables.\"%s\".version-column.", table.qualifiedName(), column, byVersion,
                    column, table.source(), table.table());
            events.versionColumnRefused(table, column, byVersion);
        }
    }

    /** Documents and the entity ids they belong to, in the same order. */
    private static final class Batch {
        private final JsonArray documents = new JsonArray();
        private final List<String> entities = new ArrayList<>();

        void add(String entity, JsonObject document) {
            entities.add(entity);
            documents.add(document);
        }

        boolean isEmpty() {
            return entities.isEmpty();
        }

        Tuple parameters(TableBinding table, long epoch, long position) {
            return Tuple.of(documents, entities.toArray(String[]::new), table.sinkTable(), position, epoch);
        }
    }

    private static String entityId(TableBinding table, EntityKey key) {
        return IntentCodec.entityId(new Entity(table.source(), table.table(), key));
    }

    /** 64 bits of the entity id: a collision only makes two entities wait for each other. */
    private static long lockKey(String entityId) {
        return ByteBuffer.wrap(Base64.getUrlDecoder().decode(entityId)).getLong();
    }

    private static JsonObject keyDocument(TableBinding table, EntityKey key) {
        JsonObject document = new JsonObject();
        for (int i = 0; i < table.keyColumns().size(); i++) {
            document.put(table.keyColumns().get(i), key.value(i));
        }
        return document;
    }

    /**
     * The shared head of both statements: {@code incoming} pairs each document ($1) with its entity id ($2);
     * {@code admitted} records the read's epoch ($5) and position ($4) for the sink table ($3) and returns the
     * entities whose recorded (epoch, position) was not newer, the only ones the statement may touch; {@code rows}
     * are their typed rows.
     */
    private static String admitted(TableBinding table, boolean deleted) {
        return "WITH incoming AS (SELECT e.entity, d.document"
                + " FROM unnest($2::text[]) WITH ORDINALITY e(entity, n)"
                + " JOIN jsonb_array_elements($1::jsonb) WITH ORDINALITY d(document, n) USING (n)),"
                + " admitted AS (INSERT INTO wail.sink_positions AS p (sink_table, entity, epoch, position, deleted)"
                + " SELECT $3, entity, $5, $4, " + deleted + " FROM incoming"
                + " ON CONFLICT (sink_table, entity) DO UPDATE SET epoch = EXCLUDED.epoch,"
                + " position = EXCLUDED.position, deleted = EXCLUDED.deleted, updated_at = now()"
                + " WHERE (p.epoch, p.position) <= (EXCLUDED.epoch, EXCLUDED.position)"
                + " RETURNING entity),"
                + " rows AS (SELECT i.entity AS " + ENTITY + ", " + quoteAll("r.", table.columns())
                + " FROM incoming i JOIN admitted a USING (entity)"
                + " CROSS JOIN LATERAL jsonb_populate_record(NULL::" + quoteQualified(table.sinkTable())
                + ", i.document) r), ";
    }

    /** The tail of both statements: the entities refused by position, as {@link #collectRefused} reads them. */
    private static String refusedByPosition() {
        return "SELECT i.entity, 'position', p.epoch, p.position, NULL::text, NULL::text FROM incoming i"
                + " JOIN wail.sink_positions p ON p.sink_table = $3 AND p.entity = i.entity"
                + " WHERE NOT EXISTS (SELECT 1 FROM admitted a WHERE a.entity = i.entity)";
    }

    private static String keysMatch(String left, String right, TableBinding table) {
        return table.keyColumns().stream().map(c -> left + "." + quote(c) + " = " + right + "." + quote(c))
                .collect(Collectors.joining(" AND "));
    }

    static String upsertSql(TableBinding table) {
        String columns = quoteAll("", table.columns());
        String updates = table.columns().stream().filter(c -> !table.keyColumns().contains(c))
                .map(c -> quote(c) + " = EXCLUDED." + quote(c)).collect(Collectors.joining(", "));
        Optional<String> version = updates.isEmpty() ? Optional.empty() : table.versionColumn();
        String versionGuard = version
                .map(v -> " WHERE s." + quote(v) + " IS NULL OR s." + quote(v) + " <= EXCLUDED." + quote(v))
                .orElse("");
        String written = "written AS (INSERT INTO " + quoteQualified(table.sinkTable()) + " AS s (" + columns + ")"
                + " SELECT " + columns + " FROM rows"
                + " ON CONFLICT (" + quoteAll("", table.keyColumns()) + ") DO "
                + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + updates + versionGuard)
                + " RETURNING " + quoteAll("s.", table.keyColumns()) + ") ";
        // A row the version guard kept: admitted by position, not written, and present before the statement.
        String refusedByVersion = version.map(v -> " UNION ALL SELECT r." + ENTITY + ", 'version', NULL, NULL, s."
                + quote(v) + "::text, r." + quote(v) + "::text FROM rows r JOIN " + quoteQualified(table.sinkTable())
                + " s ON " + keysMatch("s", "r", table)
                + " WHERE NOT EXISTS (SELECT 1 FROM written w WHERE " + keysMatch("w", "r", table) + ")")
                .orElse("");
        return admitted(table, false) + written + refusedByPosition() + refusedByVersion;
    }

    static String deleteSql(TableBinding table) {
        return admitted(table, true) + "removed AS (DELETE FROM " + quoteQualified(table.sinkTable()) + " s"
                + " USING rows r WHERE " + keysMatch("s", "r", table) + ") " + refusedByPosition();
    }
}
