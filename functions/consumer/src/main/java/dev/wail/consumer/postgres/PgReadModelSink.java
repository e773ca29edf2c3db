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
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The PostgreSQL read model: a table with the projected columns, keyed like the source, kept by the {@link Sink}
 * contract. One transaction per table per batch:
 * <ol>
 *   <li>{@code pg_advisory_xact_lock} on every entity, in ascending lock-key order (no deadlocks between batches
 *       with overlapping keys); concurrent refreshes of an entity queue here;</li>
 *   <li>the newest position recorded for the entities ({@code wail.sink_positions}) becomes the floor of the
 *       source read, which happens now, under the locks;</li>
 *   <li>one statement upserts every present state, one deletes every absent state; each first records the read's
 *       position in {@code wail.sink_positions} (a tombstone for a delete) and touches only the entities whose
 *       recorded position is not newer; with a version column, a row is also never replaced by a lower version.</li>
 * </ol>
 * The states travel as one JSON parameter that PostgreSQL turns into typed rows with {@code jsonb_populate_record},
 * so any column type the source and the sink agree on works without mapping code here.
 */
public final class PgReadModelSink implements Sink {

    private static final String LOCK = "SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) k";
    private static final String FLOOR = "SELECT coalesce(max(position), 0) FROM wail.sink_positions"
            + " WHERE sink_table = $1 AND entity = ANY($2::text[])";

    private final Pool pool;

    public PgReadModelSink(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<Void> refresh(TableBinding table, List<EntityKey> keys, StateReader reader) {
        if (keys.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Map<EntityKey, String> ids = new HashMap<>();
        keys.forEach(key -> ids.put(key, entityId(table, key)));
        String[] entities = ids.values().toArray(String[]::new);
        Long[] lockKeys = ids.values().stream().map(PgReadModelSink::lockKey).sorted().distinct()
                .toArray(Long[]::new);
        return pool.withTransaction(connection -> connection.preparedQuery(LOCK).execute(Tuple.of(lockKeys))
                .chain(() -> connection.preparedQuery(FLOOR).execute(Tuple.of(table.sinkTable(), entities)))
                .map(rows -> rows.iterator().next().getLong(0))
                .chain(floor -> reader.read(keys, floor))
                .chain(snapshot -> write(connection, table, snapshot, ids))).replaceWithVoid();
    }

    /** @param ids the entity id of every key, computed once per refresh */
    private Uni<Void> write(SqlConnection connection, TableBinding table, SourceSnapshot snapshot,
            Map<EntityKey, String> ids) {
        Batch upserts = new Batch();
        Batch deletes = new Batch();
        for (EntityState state : snapshot.states()) {
            if (state.exists()) {
                upserts.add(ids.get(state.key()), new JsonObject(state.document()));
            } else {
                deletes.add(ids.get(state.key()), keyDocument(table, state.key()));
            }
        }
        Uni<?> upsert = upserts.isEmpty() ? Uni.createFrom().voidItem()
                : connection.preparedQuery(upsertSql(table)).execute(upserts.parameters(table, snapshot.position()));
        return upsert.chain(() -> deletes.isEmpty() ? Uni.createFrom().voidItem()
                : connection.preparedQuery(deleteSql(table)).execute(deletes.parameters(table, snapshot.position())))
                .replaceWithVoid();
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

        Tuple parameters(TableBinding table, long position) {
            return Tuple.of(documents, entities.toArray(String[]::new), table.sinkTable(), position);
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
     * {@code admitted} records the read's position ($4) for the sink table ($3) and returns the entities whose
     * recorded position was not newer, the only ones the statement may touch.
     */
    private static String admitted(boolean deleted) {
        return "WITH incoming AS (SELECT e.entity, d.document"
                + " FROM unnest($2::text[]) WITH ORDINALITY e(entity, n)"
                + " JOIN jsonb_array_elements($1::jsonb) WITH ORDINALITY d(document, n) USING (n)),"
                + " admitted AS (INSERT INTO wail.sink_positions AS p (sink_table, entity, position, deleted)"
                + " SELECT $3, entity, $4, " + deleted + " FROM incoming"
                + " ON CONFLICT (sink_table, entity) DO UPDATE SET position = EXCLUDED.position,"
                + " deleted = EXCLUDED.deleted, updated_at = now() WHERE p.position <= EXCLUDED.position"
                + " RETURNING entity) ";
    }

    private static String admittedRows(TableBinding table) {
        return "incoming i JOIN admitted a USING (entity)"
                + " CROSS JOIN LATERAL jsonb_populate_record(NULL::" + quoteQualified(table.sinkTable())
                + ", i.document) r";
    }

    static String upsertSql(TableBinding table) {
        String columns = quoteAll("", table.columns());
        String updates = table.columns().stream().filter(c -> !table.keyColumns().contains(c))
                .map(c -> quote(c) + " = EXCLUDED." + quote(c)).collect(Collectors.joining(", "));
        String versionGuard = table.versionColumn()
                .map(v -> " WHERE s." + quote(v) + " IS NULL OR s." + quote(v) + " <= EXCLUDED." + quote(v))
                .orElse("");
        return admitted(false) + "INSERT INTO " + quoteQualified(table.sinkTable()) + " AS s (" + columns + ")"
                + " SELECT " + quoteAll("r.", table.columns()) + " FROM " + admittedRows(table)
                + " ON CONFLICT (" + quoteAll("", table.keyColumns()) + ") DO "
                + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + updates + versionGuard);
    }

    static String deleteSql(TableBinding table) {
        String matches = table.keyColumns().stream().map(c -> "s." + quote(c) + " = r." + quote(c))
                .collect(Collectors.joining(" AND "));
        return admitted(true) + "DELETE FROM " + quoteQualified(table.sinkTable()) + " s USING "
                + admittedRows(table) + " WHERE " + matches;
    }
}
