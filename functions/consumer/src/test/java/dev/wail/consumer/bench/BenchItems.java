package dev.wail.consumer.bench;

import dev.wail.consumer.postgres.PgReadModelSink;
import dev.wail.consumer.postgres.PgSource;
import dev.wail.consumer.postgres.SchemaInstaller;
import dev.wail.core.pipeline.ConsumerPipeline;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.core.pipeline.TableRegistry;
import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.EmbeddedPostgresServer;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The consumer benchmarks' fixture: source table {@code bench.items} ({@value #ROWS} rows) and its read model
 * {@code read_model.bench_items} on one embedded server, the binding between them (source {@code bench}), the
 * pipeline over the real PostgreSQL source and sink, and the intents that name an item.
 */
final class BenchItems {

    static final int ROWS = 100_000;
    static final TableBinding ITEMS = new TableBinding("bench", "bench.items", List.of("id"),
            List.of("id", "status", "amount", "updated_at"), Optional.empty(), "read_model.bench_items");

    private BenchItems() {
    }

    /**
     * (Re)creates wail's consumer schema, {@code bench.items} filled with {@value #ROWS} rows, an empty read model and
     * no sink positions for it, and {@code pg_stat_statements} for the benchmarks that count statements.
     */
    static void install(EmbeddedPostgresServer postgres) {
        postgres.execute(SchemaInstaller.sql() + """
                CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
                DROP SCHEMA IF EXISTS bench CASCADE;
                CREATE SCHEMA bench;
                CREATE SCHEMA IF NOT EXISTS read_model;
                CREATE TABLE bench.items (id bigint PRIMARY KEY, status text NOT NULL, amount numeric NOT NULL,
                                          updated_at timestamptz NOT NULL);
                INSERT INTO bench.items SELECT g, 'status ' || (g % 7), g * 1.5, now() FROM generate_series(1, ROWS) g;
                DROP TABLE IF EXISTS read_model.bench_items;
                CREATE TABLE read_model.bench_items (LIKE bench.items INCLUDING ALL);
                DELETE FROM wail.sink_positions WHERE sink_table = 'read_model.bench_items';
                """.replace("ROWS", Integer.toString(ROWS)));
    }

    /** The source the pipeline reads items from. */
    static PgSource source(Pool pool) {
        return new PgSource("bench", pool, Optional.empty());
    }

    /** The consumer pipeline from {@code bench.items} to its read model, with the default refresh cap. */
    static ConsumerPipeline pipeline(Pool pool) {
        return pipeline(pool, ConsumerPipeline.DEFAULT_MAX_ENTITIES_PER_REFRESH);
    }

    /** The consumer pipeline from {@code bench.items} to its read model, refreshing at most {@code cap} entities at once. */
    static ConsumerPipeline pipeline(Pool pool, int cap) {
        return new ConsumerPipeline(IntentCodec.DEFAULT, new TableRegistry(List.of(ITEMS)), Map.of("bench",
                source(pool)), new PgReadModelSink(pool), Clock.systemUTC(), cap);
    }

    /** The wire form of an update intent for item {@code id}, committed at {@code commitMillis}. */
    static String intent(long id, long commitMillis) {
        return "{\"v\":1,\"s\":\"bench\",\"t\":\"bench.items\",\"k\":{\"id\":" + id + "},\"o\":\"u\",\"c\":"
                + commitMillis + "}";
    }
}
