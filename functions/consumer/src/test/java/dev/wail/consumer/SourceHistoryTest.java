package dev.wail.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wail.consumer.metrics.ConsumerMetrics;
import dev.wail.consumer.postgres.PgReadModelSink;
import dev.wail.consumer.postgres.PgSource;
import dev.wail.consumer.postgres.SchemaInstaller;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.pipeline.Freshness;
import dev.wail.core.pipeline.SourceSnapshot;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.TestData;
import dev.wail.lambda.metrics.EmfEnvironment;
import dev.wail.testing.EmfLines;
import dev.wail.testing.LogCapture;
import dev.wail.testing.RealServices;
import dev.wail.testing.Resources;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Finding 2 of issue 19: a source replaced by another cluster holding the same data at lower WAL positions (a
 * restore, a dump and reload). The original cluster is the shared embedded server (its WAL pushed forward so its
 * positions are surely higher); the replacement is a fresh initdb loaded with the same rows, then changed. The sink
 * must keep converging on the replacement, say so in the log and in {@code SourceHistoryChanged}, and never take a
 * state from a replica of the replaced cluster again.
 */
@RealServices
class SourceHistoryTest {

    private static final TableBinding ITEMS = new TableBinding("shop", "hist.items", List.of("id"),
            List.of("id", "status"), Optional.empty(), "read_model.hist_items");
    private static final List<EntityKey> KEYS = List.of(EntityKey.of("id", 1L), EntityKey.of("id", 2L),
            EntityKey.of("id", 3L));
    private static final String SCHEMA = """
            DROP SCHEMA IF EXISTS hist CASCADE;
            CREATE SCHEMA hist;
            CREATE TABLE hist.items (id bigint PRIMARY KEY, status text NOT NULL);
            INSERT INTO hist.items VALUES (1, 'one'), (2, 'two'), (3, 'three');
            """;
    private static final String ROWS = "SELECT coalesce(string_agg(id || '=' || status, ',' ORDER BY id), '')";

    private final EmbeddedPostgresServer original;
    private EmbeddedPostgresServer replacement;
    private EmbeddedPostgresServer.ReactivePool sinkPool;
    private EmbeddedPostgresServer.ReactivePool originalPool;
    private EmbeddedPostgresServer.ReactivePool replacementPool;
    private final EmfLines metricLines = new EmfLines();
    private PgReadModelSink sink;

    SourceHistoryTest(EmbeddedPostgresServer original) {
        this.original = original;
    }

    @BeforeEach
    void setUp() {
        original.execute(SCHEMA + """
                DROP SCHEMA IF EXISTS read_model CASCADE;
                DROP SCHEMA IF EXISTS wail CASCADE;
                CREATE SCHEMA read_model;
                CREATE TABLE read_model.hist_items (id bigint PRIMARY KEY, status text);
                """);
        original.execute(SchemaInstaller.sql());
        replacement = EmbeddedPostgresServer.start();
        replacement.execute(SCHEMA);
        for (int i = 0; i < 3; i++) { // whole WAL segments: the original's positions end up far above a fresh one's
            original.execute("SELECT pg_logical_emit_message(false, 'wail-test', 'x', true); SELECT pg_switch_wal()");
        }
        sinkPool = original.openReactivePool(2);
        originalPool = original.openReactivePool(2);
        replacementPool = replacement.openReactivePool(2);
        sink = new PgReadModelSink(sinkPool.pool(),
                new ConsumerMetrics(new EmfEnvironment(metricLines, ConsumerMetrics.DEFAULT_FUNCTION_NAME)));
        assertThat(position(replacement)).isLessThan(position(original));
    }

    @AfterEach
    void tearDown() {
        Resources.closeInOrder(sinkPool, originalPool, replacementPool, replacement);
    }

    @Test
    void aSourceReloadedIntoANewClusterStartsAnEpochTheSinkConvergesOn() {
        refresh(new PgSource("shop", originalPool.pool(), Optional.empty()));
        assertThat(sinkRows()).isEqualTo("1=one,2=two,3=three");
        replacement.execute("UPDATE hist.items SET status = 'two, after the reload' WHERE id = 2;"
                + " DELETE FROM hist.items WHERE id = 3");

        try (LogCapture log = LogCapture.of(PgReadModelSink.class.getName())) {
            refresh(new PgSource("shop", replacementPool.pool(), Optional.empty()));

            assertThat(sinkRows()).isEqualTo("1=one,2=two, after the reload");
            assertThat(log.lines()).extracting(LogCapture.Line::message).singleElement().asString()
                    .contains("source shop: its history changed (system identifier "
                            + systemIdentifier(replacement) + " instead of " + systemIdentifier(original) + ")")
                    .contains("epoch 1 opened");
        }
        assertThat(TestData.queryString(original.jdbcUrl(), "SELECT string_agg(epoch || ':' || history, ','"
                + " ORDER BY epoch) FROM wail.source_epochs WHERE source = 'shop'"))
                .isEqualTo("0:" + systemIdentifier(original) + ",1:" + systemIdentifier(replacement));
        List<JsonNode> changes = metricLines.withDimensions("Function");
        assertThat(changes).singleElement().satisfies(line -> {
            assertThat(line.get("SourceHistoryChanged").asDouble()).isEqualTo(1);
            assertThat(line.get("Source").asText()).isEqualTo("shop");
        });

        replacement.execute("UPDATE hist.items SET status = 'two, later' WHERE id = 2");
        refresh(new PgSource("shop", replacementPool.pool(), Optional.empty()));
        assertThat(sinkRows()).isEqualTo("1=one,2=two, later");
        assertThat(metricLines.withDimensions("Function")).hasSize(1);
    }

    @Test
    void aReplicaOfTheReplacedClusterIsNeverWrittenAgain() {
        refresh(new PgSource("shop", originalPool.pool(), Optional.empty()));
        replacement.execute("UPDATE hist.items SET status = 'two, after the reload' WHERE id = 2");
        refresh(new PgSource("shop", replacementPool.pool(), Optional.empty()));
        original.execute("UPDATE hist.items SET status = 'two, on the old cluster' WHERE id = 2");

        // The old cluster as the reader: higher positions, the old history; passed over for the writer.
        refresh(new PgSource("shop", replacementPool.pool(), Optional.of(originalPool.pool())));
        assertThat(sinkRows()).isEqualTo("1=one,2=two, after the reload,3=three");

        // A source that hands the sink the old cluster's answer as a replica's read: refused, nothing written.
        PgSource old = new PgSource("shop", originalPool.pool(), Optional.empty());
        assertThatThrownBy(() -> sink.refresh(ITEMS, KEYS, (keys, floor) -> old.read(ITEMS, keys,
                new Freshness(0, Set.of()))
                .map(read -> new SourceSnapshot(read.states(), read.position(), read.history(), false)))
                .await().atMost(Duration.ofSeconds(30)))
                .hasMessageContaining("a replica answered from history " + systemIdentifier(original))
                .hasMessageContaining("is never written");
        assertThat(sinkRows()).isEqualTo("1=one,2=two, after the reload,3=three");
    }

    @Test
    void withoutASystemIdentifierAWriterReadBelowTheRecordedPositionStillStartsAnEpoch() {
        replacement.execute("""
                REVOKE EXECUTE ON FUNCTION pg_control_system() FROM PUBLIC;
                CREATE ROLE wail_reader LOGIN;
                GRANT USAGE ON SCHEMA hist TO wail_reader;
                GRANT SELECT ON hist.items TO wail_reader;
                """);
        Pool restricted = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost("127.0.0.1")
                        .setPort(replacement.port()).setDatabase(EmbeddedPostgresServer.DATABASE).setUser("wail_reader"))
                .with(new PoolOptions().setMaxSize(2)).using(replacementPool.vertx()).build();
        try {
            refresh(new PgSource("shop", originalPool.pool(), Optional.empty()));
            replacement.execute("UPDATE hist.items SET status = 'two, after the reload' WHERE id = 2");

            refresh(new PgSource("shop", restricted, Optional.empty()));

            assertThat(sinkRows()).isEqualTo("1=one,2=two, after the reload,3=three");
            assertThat(TestData.queryString(original.jdbcUrl(), "SELECT epoch || ':' || coalesce(history, 'unknown')"
                    + " || ': ' || reason FROM wail.source_epochs WHERE source = 'shop' AND epoch = 1"))
                    .startsWith("1:unknown: the writer's position ")
                    .contains("is below the position");
        } finally {
            restricted.closeAndAwait();
        }
    }

    private void refresh(PgSource source) {
        Map<EntityKey, String> refused = sink.refresh(ITEMS, KEYS, (keys, floor) -> source.read(ITEMS, keys,
                new Freshness(floor.position(), Set.of(), floor.history()))).await().atMost(Duration.ofSeconds(30));
        assertThat(refused).isEmpty();
    }

    private String sinkRows() {
        return original.queryString(ROWS + " FROM read_model.hist_items");
    }

    private static long position(EmbeddedPostgresServer server) {
        return Long.parseLong(server.queryString("SELECT (pg_current_wal_insert_lsn() - '0/0')::text"));
    }

    private static String systemIdentifier(EmbeddedPostgresServer server) {
        return server.queryString("SELECT system_identifier::text FROM pg_control_system()");
    }
}
