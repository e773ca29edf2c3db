package dev.wail.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wail.consumer.metrics.ConsumerMetrics;
import dev.wail.consumer.postgres.PgReadModelSink;
import dev.wail.consumer.postgres.PgSource;
import dev.wail.consumer.postgres.SchemaInstaller;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.Freshness;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.lambda.metrics.EmfEnvironment;
import dev.wail.testing.EmfLines;
import dev.wail.testing.RealServices;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Finding 4 of issue 19: a version column must grow with every write of a row in commit order. {@code now()} does
 * not: it is the transaction's start time, so T1 can start before T2, commit after it, and carry the lower value.
 * The position guard admits the newer read of T1's state, the version column refuses it, and the read model keeps
 * T2's state for good: the consumer must say so (a refusal, a log line, {@code VersionColumnRefused}) instead of
 * acknowledging. A counter set by the writing statement converges through the same interleaving.
 */
@RealServices
class VersionColumnTest {

    private static final List<EntityKey> KEY = List.of(EntityKey.of("id", 1L));

    private final EmbeddedPostgresServer postgres;
    private EmbeddedPostgresServer.ReactivePool pool;
    private final EmfLines metricLines = new EmfLines();
    private PgReadModelSink sink;
    private PgSource source;

    VersionColumnTest(EmbeddedPostgresServer postgres) {
        this.postgres = postgres;
    }

    @BeforeEach
    void setUp() {
        postgres.execute("""
                DROP SCHEMA IF EXISTS versioned CASCADE;
                DROP SCHEMA IF EXISTS wail CASCADE;
                CREATE SCHEMA versioned;
                CREATE TABLE versioned.items (id bigint PRIMARY KEY, status text NOT NULL,
                                              updated_at timestamptz NOT NULL, version bigint NOT NULL);
                INSERT INTO versioned.items VALUES (1, 'created', now(), 1);
                CREATE TABLE versioned.sink_by_time (id bigint PRIMARY KEY, status text, updated_at timestamptz);
                CREATE TABLE versioned.sink_by_counter (id bigint PRIMARY KEY, status text, version bigint);
                """);
        postgres.execute(SchemaInstaller.sql());
        pool = postgres.openReactivePool(2);
        sink = new PgReadModelSink(pool.pool(),
                new ConsumerMetrics(new EmfEnvironment(metricLines, ConsumerMetrics.DEFAULT_FUNCTION_NAME)));
        source = new PgSource("shop", pool.pool(), Optional.empty());
    }

    @AfterEach
    void tearDown() {
        pool.close();
    }

    @Test
    void updatedAtSetToNowKeepsTheEarlierCommitForGoodAndTheConsumerSaysSo() throws SQLException {
        TableBinding byTime = new TableBinding("shop", "versioned.items", List.of("id"),
                List.of("id", "status", "updated_at"), Optional.of("updated_at"), "versioned.sink_by_time");

        interleave("UPDATE versioned.items SET status = 'T1', updated_at = now() WHERE id = 1",
                "UPDATE versioned.items SET status = 'T2', updated_at = now() WHERE id = 1",
                () -> assertThat(refresh(byTime)).isEmpty());
        Map<EntityKey, String> refused = refresh(byTime);

        assertThat(postgres.queryString("SELECT status FROM versioned.items")).isEqualTo("T1");
        assertThat(postgres.queryString("SELECT status FROM versioned.sink_by_time")).isEqualTo("T2");
        assertThat(refused).containsOnlyKeys(KEY.get(0));
        assertThat(refused.get(KEY.get(0))).startsWith("version column updated_at holds ")
                .contains("the column is not a version").contains("never now()");
        JsonNode metric = metricLines.withDimensions("Source", "Table").get(0);
        assertThat(metric.get("VersionColumnRefused").asDouble()).isEqualTo(1);
        assertThat(metric.get("VersionColumn").asText()).isEqualTo("updated_at");
    }

    @Test
    void aCounterSetByTheWritingStatementConvergesThroughTheSameInterleaving() throws SQLException {
        TableBinding byCounter = new TableBinding("shop", "versioned.items", List.of("id"),
                List.of("id", "status", "version"), Optional.of("version"), "versioned.sink_by_counter");

        interleave("UPDATE versioned.items SET status = 'T1', version = version + 1 WHERE id = 1",
                "UPDATE versioned.items SET status = 'T2', version = version + 1 WHERE id = 1",
                () -> assertThat(refresh(byCounter)).isEmpty());
        assertThat(refresh(byCounter)).isEmpty();

        assertThat(postgres.queryString("SELECT status || '@' || version FROM versioned.items")).isEqualTo("T1@3");
        assertThat(postgres.queryString("SELECT status || '@' || version FROM versioned.sink_by_counter"))
                .isEqualTo("T1@3");
        assertThat(metricLines.documents()).isEmpty();
    }

    /**
     * T1 starts first (its {@code now()} is fixed then), T2 writes and commits, the sink refreshes, then T1 writes
     * (after T2, so the row lock orders them) and commits last.
     */
    private void interleave(String first, String second, Runnable betweenCommits) throws SQLException {
        try (Connection t1 = postgres.dataSource().getConnection();
                Connection t2 = postgres.dataSource().getConnection();
                Statement s1 = t1.createStatement(); Statement s2 = t2.createStatement()) {
            t1.setAutoCommit(false);
            s1.execute("SELECT now()");
            t2.setAutoCommit(false);
            s2.execute(second);
            t2.commit();
            betweenCommits.run();
            s1.execute(first);
            t1.commit();
        }
    }

    private Map<EntityKey, String> refresh(TableBinding table) {
        return sink.refresh(table, KEY, (keys, floor) -> source.read(table, keys,
                new Freshness(floor.position(), Set.of(), floor.history()))).await().atMost(Duration.ofSeconds(30));
    }
}
