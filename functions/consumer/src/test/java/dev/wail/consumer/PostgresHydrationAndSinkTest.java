package dev.wail.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.consumer.postgres.PgHydrator;
import dev.wail.consumer.postgres.PgReadModelSink;
import dev.wail.consumer.postgres.PgSource;
import dev.wail.consumer.postgres.SchemaInstaller;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.EntityState;
import dev.wail.core.pipeline.Freshness;
import dev.wail.core.pipeline.SourceSnapshot;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.TestData;
import dev.wail.testing.RealServices;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL read-model sink on a real server, with a composite (uuid, integer) key. What every hydrator promises
 * is in {@link HydrationContract} ({@code PgHydratorContractTest}).
 */
@RealServices
class PostgresHydrationAndSinkTest {

    private static final UUID TENANT = UUID.fromString("6f1c2a9e-3b1d-4c6e-9f0a-1b2c3d4e5f60");
    private static final TableBinding LINES = new TableBinding("shop", "sales.lines", List.of("tenant", "line_no"),
            List.of("tenant", "line_no", "sku", "qty"), Optional.empty(), "read_model.lines");

    private final EmbeddedPostgresServer postgres;
    private EmbeddedPostgresServer.ReactivePool reactive;
    private Pool pool;

    PostgresHydrationAndSinkTest(EmbeddedPostgresServer postgres) {
        this.postgres = postgres;
    }

    @BeforeEach
    void setUp() {
        postgres.execute("""
                CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
                DROP SCHEMA IF EXISTS sales CASCADE;
                DROP SCHEMA IF EXISTS read_model CASCADE;
                CREATE SCHEMA sales;
                CREATE SCHEMA read_model;
                CREATE TABLE sales.lines (tenant uuid, line_no int, sku text NOT NULL, qty int NOT NULL,
                                          note text, PRIMARY KEY (tenant, line_no));
                DROP SCHEMA IF EXISTS wail CASCADE;
                CREATE TABLE read_model.lines (tenant uuid, line_no int, sku text, qty int,
                                               PRIMARY KEY (tenant, line_no));
                """);
        postgres.execute("INSERT INTO sales.lines SELECT '" + TENANT + "', g, 'sku-' || g, g % 7, 'not projected'"
                + " FROM generate_series(1, 1000) g");
        postgres.execute(SchemaInstaller.sql());
        reactive = postgres.openReactivePool(4);
        pool = reactive.pool();
    }

    @AfterEach
    void tearDown() {
        reactive.close();
    }

    private static List<EntityKey> keys(int from, int to) {
        List<EntityKey> keys = new ArrayList<>();
        for (int line = from; line <= to; line++) {
            keys.add(EntityKey.builder().add("tenant", TENANT).add("line_no", line).build());
        }
        return keys;
    }

    private String rows(String table) {
        return TestData.queryString(postgres.jdbcUrl(), "SELECT coalesce(jsonb_agg(jsonb_build_object('tenant', "
                + "tenant, 'line_no', line_no, 'sku', sku, 'qty', qty) ORDER BY line_no), '[]')::text FROM " + table);
    }

    private void refresh(List<EntityKey> keys) {
        PgSource source = new PgSource("shop", pool, Optional.empty());
        assertThat(new PgReadModelSink(pool).refresh(LINES, keys, (requested, floor) -> source.read(LINES, requested,
                new Freshness(floor.position(), Set.of(), floor.history()))).await().indefinitely()).isEmpty();
    }

    @Test
    void theSinkMirrorsPresentStatesAndRemovesAbsentOnes() {
        refresh(keys(1, 1000));
        assertThat(rows("read_model.lines")).isEqualTo(rows("sales.lines"));

        postgres.execute("UPDATE sales.lines SET qty = 99 WHERE line_no = 10; DELETE FROM sales.lines WHERE line_no > 990");
        refresh(keys(981, 1000));
        refresh(keys(10, 10));

        assertThat(rows("read_model.lines")).isEqualTo(rows("sales.lines"));
        assertThat(TestData.queryString(postgres.jdbcUrl(), "SELECT count(*)::text FROM read_model.lines"))
                .isEqualTo("990");
    }

    @Test
    void aStateReadBelowTheRecordedPositionIsRefusedAndReportedNotWritten() {
        refresh(keys(1, 2));
        List<EntityKey> both = keys(1, 2);
        SourceSnapshot stale = new SourceSnapshot(List.of(
                EntityState.present(both.get(0), "{\"tenant\":\"" + TENANT + "\",\"line_no\":1,\"sku\":\"old\",\"qty\":0}"),
                EntityState.absent(both.get(1))), 1);

        Map<EntityKey, String> refused = new PgReadModelSink(pool)
                .refresh(LINES, both, (requested, floor) -> Uni.createFrom().item(stale)).await().indefinitely();

        assertThat(refused).containsOnlyKeys(both);
        assertThat(refused.values()).allSatisfy(reason -> assertThat(reason)
                .startsWith("the sink recorded a newer read (epoch 0, position ")
                .endsWith("than this one; the source answered below the floor it was given"));
        assertThat(rows("read_model.lines")).isEqualTo(rows("sales.lines WHERE line_no <= 2"));
    }
}
