package dev.wail.consumer.postgres;

import static dev.wail.consumer.postgres.SqlIdentifiers.quote;
import static dev.wail.consumer.postgres.SqlIdentifiers.quoteAll;
import static dev.wail.consumer.postgres.SqlIdentifiers.quoteQualified;

import dev.wail.core.pipeline.EntityState;
import dev.wail.core.pipeline.Sink;
import dev.wail.core.pipeline.TableBinding;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The PostgreSQL read model: a table with the projected columns, keyed like the source. Per batch, one statement
 * upserts every present state and one deletes every absent one, both in one transaction; the states travel as one
 * JSON parameter that PostgreSQL turns into typed rows with {@code jsonb_populate_recordset}, so any column type the
 * source and the sink agree on works without mapping code here.
 */
public final class PgReadModelSink implements Sink {

    private final Pool pool;

    public PgReadModelSink(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<Void> write(TableBinding table, List<EntityState> states) {
        JsonArray upserts = new JsonArray();
        JsonArray deletes = new JsonArray();
        for (EntityState state : states) {
            if (state.exists()) {
                upserts.add(new JsonObject(state.document()));
            } else {
                deletes.add(keyDocument(table, state));
            }
        }
        return pool.withTransaction(connection -> {
            Uni<?> upsert = upserts.isEmpty() ? Uni.createFrom().voidItem()
                    : connection.preparedQuery(upsertSql(table)).execute(Tuple.of(upserts));
            return upsert.chain(() -> deletes.isEmpty() ? Uni.createFrom().voidItem()
                    : connection.preparedQuery(deleteSql(table)).execute(Tuple.of(deletes)));
        }).replaceWithVoid();
    }

    private static JsonObject keyDocument(TableBinding table, EntityState state) {
        JsonObject key = new JsonObject();
        for (int i = 0; i < table.keyColumns().size(); i++) {
            key.put(table.keyColumns().get(i), state.key().value(i));
        }
        return key;
    }

    static String upsertSql(TableBinding table) {
        String sink = quoteQualified(table.sinkTable());
        String columns = quoteAll("", table.columns());
        String updates = table.columns().stream().filter(c -> !table.keyColumns().contains(c))
                .map(c -> quote(c) + " = EXCLUDED." + quote(c)).collect(Collectors.joining(", "));
        return "INSERT INTO " + sink + " (" + columns + ") SELECT " + columns
                + " FROM jsonb_populate_recordset(NULL::" + sink + ", $1::jsonb)"
                + " ON CONFLICT (" + quoteAll("", table.keyColumns()) + ") DO "
                + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + updates);
    }

    static String deleteSql(TableBinding table) {
        String sink = quoteQualified(table.sinkTable());
        String matches = table.keyColumns().stream().map(c -> "s." + quote(c) + " = d." + quote(c))
                .collect(Collectors.joining(" AND "));
        return "DELETE FROM " + sink + " s USING jsonb_populate_recordset(NULL::" + sink + ", $1::jsonb) d WHERE "
                + matches;
    }
}
