package dev.wail.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wail.consumer.postgres.PgReadModelSink;
import dev.wail.consumer.postgres.PgSource;
import dev.wail.consumer.postgres.SchemaInstaller;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.Freshness;
import dev.wail.core.pipeline.Sink;
import dev.wail.core.pipeline.SourceSnapshot;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.testing.RealServices;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The read-model sink's per-entity guard, with the interleaving that breaks it forced on a real server: a refresh
 * holds its guard on an entity while its source read is held back, the row changes at the source, and a second
 * refresh of the same entity starts. The second must neither read the source before the first has written (or its
 * read could be older than the first's and win), nor be given a floor older than what the first recorded (the floor
 * is read after the locks are granted, in a statement of its own: a statement's snapshot is taken before it waits for
 * a lock).
 */
@RealServices
class SinkGuardTest {

    private static final TableBinding ITEMS = new TableBinding("shop", "guard.items", List.of("id"),
            List.of("id", "revision"), Optional.empty(), "read_model.guard_items");
    private static final List<EntityKey> KEY = List.of(EntityKey.builder().add("id", 1).build());

    private final EmbeddedPostgresServer postgres;
    private EmbeddedPostgresServer.ReactivePool reactive;
    private PgSource source;

    SinkGuardTest(EmbeddedPostgresServer postgres) {
        this.postgres = postgres;
    }

    @BeforeEach
    void setUp() {
        postgres.execute("""
                DROP SCHEMA IF EXISTS guard CASCADE;
                CREATE SCHEMA guard;
                CREATE SCHEMA IF NOT EXISTS read_model;
                DROP TABLE IF EXISTS read_model.guard_items;
                CREATE TABLE guard.items (id int PRIMARY KEY, revision int NOT NULL);
                CREATE TABLE read_model.guard_items (id int PRIMARY KEY, revision int);
                INSERT INTO guard.items VALUES (1, 1);
                """);
        postgres.execute(SchemaInstaller.sql());
        postgres.execute("DELETE FROM wail.sink_positions WHERE sink_table = 'read_model.guard_items'");
        reactive = postgres.openReactivePool(4);
        source = new PgSource("shop", reactive.pool(), Optional.empty());
    }

    @AfterEach
    void tearDown() {
        reactive.close();
    }

    @Test
    void anOverlappingRefreshWaitsForTheFirstToWriteAndIsGivenTheFloorItRecorded() throws Exception {
        PgReadModelSink sink = new PgReadModelSink(reactive.pool());
        CompletableFuture<Void> releaseFirst = new CompletableFuture<>();
        AtomicReference<SourceSnapshot> firstRead = new AtomicReference<>();
        CompletableFuture<Map<EntityKey, String>> first = sink.refresh(ITEMS, KEY, (keys, floor) -> read(keys, floor)
                        .invoke(firstRead::set)
                        .chain(snapshot -> Uni.createFrom().completionStage(releaseFirst).replaceWith(snapshot)))
                .subscribeAsCompletionStage().toCompletableFuture();
        await().atMost(Duration.ofSeconds(20)).until(() -> firstRead.get() != null);

        postgres.execute("UPDATE guard.items SET revision = 2 WHERE id = 1");
        AtomicReference<Sink.Floor> secondFloor = new AtomicReference<>();
        CompletableFuture<Map<EntityKey, String>> second = sink.refresh(ITEMS, KEY, (keys, floor) -> {
            secondFloor.set(floor);
            return read(keys, floor);
        }).subscribeAsCompletionStage().toCompletableFuture();
        await().atMost(Duration.ofSeconds(20)).until(() -> postgres.queryString(
                "SELECT count(*)::text FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").equals("1"));
        assertThat(secondFloor.get()).as("the second refresh read while the first held its guard").isNull();

        releaseFirst.complete(null);

        assertThat(first.get(20, TimeUnit.SECONDS)).isEmpty();
        assertThat(second.get(20, TimeUnit.SECONDS)).isEmpty();
        assertThat(secondFloor.get().position()).as("the floor given to the second refresh")
                .isEqualTo(firstRead.get().position()).isPositive();
        assertThat(postgres.queryString("SELECT revision::text FROM read_model.guard_items WHERE id = 1"))
                .isEqualTo("2");
        assertThat(Long.parseLong(postgres.queryString("SELECT position::text FROM wail.sink_positions"
                + " WHERE sink_table = 'read_model.guard_items'"))).isGreaterThan(firstRead.get().position());
    }

    private Uni<SourceSnapshot> read(List<EntityKey> keys, Sink.Floor floor) {
        return source.read(ITEMS, keys, new Freshness(floor.position(), Set.of(), floor.history()));
    }
}
