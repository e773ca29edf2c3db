package dev.wail.consumer.postgres;

import dev.wail.consumer.HydrationContract;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.Hydrator;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.TestData;
import dev.wail.testing.RealServices;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The hydration contract for {@link PgHydrator} on the embedded PostgreSQL; reads counted by pg_stat_statements. */
@RealServices
class PgHydratorContractTest extends HydrationContract {

    private final EmbeddedPostgresServer postgres;
    private EmbeddedPostgresServer.ReactivePool reactive;
    private PgHydrator hydrator;

    PgHydratorContractTest(EmbeddedPostgresServer postgres) {
        this.postgres = postgres;
    }

    @BeforeEach
    void createTables() {
        postgres.execute("""
                CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
                DROP SCHEMA IF EXISTS hyd CASCADE;
                CREATE SCHEMA hyd;
                CREATE TABLE hyd.items (id bigint PRIMARY KEY, name text NOT NULL, qty int NOT NULL, note text);
                CREATE TABLE hyd.typed (u uuid, i int, b bigint, t text, n numeric, note text,
                                        PRIMARY KEY (u, i, b, t, n));
                """);
        reactive = postgres.openReactivePool(2);
        hydrator = new PgHydrator(reactive.pool());
    }

    @AfterEach
    void closePool() {
        reactive.close();
    }

    @Override
    protected Hydrator hydrator() {
        return hydrator;
    }

    @Override
    protected TableBinding items(List<String> columns) {
        return binding("hyd.items", List.of("id"), columns);
    }

    @Override
    protected void put(List<Long> ids) {
        postgres.execute("INSERT INTO hyd.items VALUES " + ids.stream()
                .map(id -> "(" + id + ", 'item-" + id + "', " + (id % 5) + ", 'secret-" + id + "')")
                .collect(Collectors.joining(", ")));
    }

    @Override
    protected int reads() {
        String calls = TestData.queryString(postgres.jdbcUrl(), "SELECT coalesce(sum(calls), 0)::text"
                + " FROM pg_stat_statements WHERE query LIKE '%FROM \"hyd\".\"items\"%'");
        postgres.execute("SELECT pg_stat_statements_reset()");
        return Integer.parseInt(calls);
    }

    /** A key column named {@code t}, the alias the read gives the projected row: the row, not the column, becomes the document. */
    @Override
    protected List<KeyTypes> keysOfEveryType() {
        UUID tenant = UUID.fromString("6f1c2a9e-3b1d-4c6e-9f0a-1b2c3d4e5f60");
        postgres.execute("INSERT INTO hyd.typed VALUES ('" + tenant + "', 7, 9007199254740993, 'o''brien', 2.50, 'x'),"
                + " ('" + tenant + "', -1, -1, '', 0, 'y')");
        TableBinding typed = binding("hyd.typed", List.of("u", "i", "b", "t", "n"), List.of("u", "i", "b", "t", "n"));
        return List.of(new KeyTypes(typed, List.of(
                EntityKey.builder().add("u", tenant).add("i", 7L).add("b", 9007199254740993L).add("t", "o'brien")
                        .add("n", "2.50").build(),
                EntityKey.builder().add("u", tenant.toString()).add("i", -1L).add("b", -1L).add("t", "")
                        .add("n", 0L).build())));
    }
}
