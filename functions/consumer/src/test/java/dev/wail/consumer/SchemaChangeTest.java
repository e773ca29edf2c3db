package dev.wail.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wail.consumer.metrics.ConsumerMetrics;
import dev.wail.consumer.postgres.PgReadModelSink;
import dev.wail.consumer.postgres.PgSource;
import dev.wail.consumer.postgres.SchemaInstaller;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.pipeline.ConsumerPipeline;
import dev.wail.core.pipeline.InboundMessage;
import dev.wail.core.pipeline.MessageOutcome;
import dev.wail.core.pipeline.MessageOutcome.Status;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.core.pipeline.TableRegistry;
import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.lambda.metrics.EmfEnvironment;
import dev.wail.testing.EmfLines;
import dev.wail.testing.RealServices;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 item 2: schema changes reach a warm consumer. The consumer caches each table's key types and statement;
 * a DDL on the source while it runs must make it reload them (once, not per message) and converge, and a DDL its
 * configuration no longer fits must make the messages wait (RETRY) with a reason a person can act on, as a metric
 * ({@code ConfigurationMismatch}) and a log line, until the DDL is reverted or the configuration fixed. Every
 * step runs real statements on embedded PostgreSQL through the whole pipeline (PgSource, PgReadModelSink).
 */
@RealServices
class SchemaChangeTest {

    private static final String SOURCE_TABLES = """
            DROP SCHEMA IF EXISTS drift CASCADE;
            DROP SCHEMA IF EXISTS read_model CASCADE;
            DROP SCHEMA IF EXISTS wail CASCADE;
            CREATE SCHEMA drift;
            CREATE SCHEMA read_model;
            CREATE TABLE drift.orders (id integer PRIMARY KEY, status text NOT NULL, total_cents bigint NOT NULL);
            CREATE TABLE read_model.orders (id bigint PRIMARY KEY, status text, total_cents bigint);
            CREATE TABLE drift.tokens (id text PRIMARY KEY, v text NOT NULL);
            CREATE TABLE read_model.tokens (id uuid PRIMARY KEY, v text);
            INSERT INTO drift.orders VALUES (1, 'new', 100), (2, 'new', 200);
            INSERT INTO drift.tokens VALUES ('0e4f3c1a-59b2-4c6e-9d1f-2a7b8c9d0e1f', 'first');
            """;

    private static final TableBinding ORDERS = new TableBinding("shop", "drift.orders", List.of("id"),
            List.of("id", "status", "total_cents"), Optional.empty(), "read_model.orders");
    private static final TableBinding TOKENS = new TableBinding("shop", "drift.tokens", List.of("id"),
            List.of("id", "v"), Optional.empty(), "read_model.tokens");
    private static final String TOKEN = "0e4f3c1a-59b2-4c6e-9d1f-2a7b8c9d0e1f";

    private final EmbeddedPostgresServer postgres;
    private final EmfLines metricLines = new EmfLines();
    private EmbeddedPostgresServer.ReactivePool sourcePool;
    private EmbeddedPostgresServer.ReactivePool sinkPool;
    private int messages;

    SchemaChangeTest(EmbeddedPostgresServer postgres) {
        this.postgres = postgres;
    }

    @BeforeEach
    void setUp() {
        postgres.execute(SOURCE_TABLES);
        postgres.execute(SchemaInstaller.sql());
        sourcePool = postgres.openReactivePool(2);
        sinkPool = postgres.openReactivePool(2);
    }

    @AfterEach
    void tearDown() {
        sourcePool.close();
        sinkPool.close();
    }

    /** A warm consumer: one pipeline (one PgSource and its caches) for the whole test, as a Lambda instance keeps. */
    private ConsumerPipeline pipeline(TableBinding... tables) {
        ConsumerMetrics metrics = new ConsumerMetrics(new EmfEnvironment(metricLines,
                ConsumerMetrics.DEFAULT_FUNCTION_NAME));
        return new ConsumerPipeline(IntentCodec.DEFAULT, new TableRegistry(List.of(tables)),
                Map.of("shop", new PgSource("shop", sourcePool.pool(), Optional.empty(), metrics)),
                new PgReadModelSink(sinkPool.pool(), metrics));
    }

    private InboundMessage message(TableBinding table, Object key, Integer captureVersion) {
        Intent intent = new Intent("shop", table.table(), EntityKey.of("id", key), Operation.UPDATE,
                VersionHint.NONE, Instant.now(), captureVersion);
        return new InboundMessage("m" + (++messages), IntentCodec.DEFAULT.encodeToString(intent));
    }

    private static List<MessageOutcome> process(ConsumerPipeline pipeline, InboundMessage... batch) {
        return pipeline.process(List.of(batch)).await().indefinitely().outcomes();
    }

    private static List<Status> statuses(List<MessageOutcome> outcomes) {
        return outcomes.stream().map(MessageOutcome::status).toList();
    }

    /** The source's rows and the read model's, row by row, as text. */
    private String rows(String query) {
        return postgres.queryString("SELECT coalesce(string_agg(r::text, ';' ORDER BY r::text), '') FROM (" + query
                + ") r");
    }

    private void assertConverged() {
        assertThat(rows("SELECT id::bigint, status, total_cents FROM read_model.orders"))
                .isEqualTo(rows("SELECT id::bigint, status, total_cents FROM drift.orders"))
                .isNotEmpty();
    }

    private List<JsonNode> metric(String name, String... dimensions) {
        return metricLines.withDimensions(dimensions).stream().filter(document -> document.has(name)).toList();
    }

    @Test
    void aRenamedConfiguredColumnMakesTheMessagesWaitWithTheReasonAndTheyConvergeOnceTheDdlIsReverted() {
        ConsumerPipeline pipeline = pipeline(ORDERS);
        assertThat(statuses(process(pipeline, message(ORDERS, 1, 1), message(ORDERS, 2, 1))))
                .containsExactly(Status.DONE, Status.DONE);
        assertConverged();

        postgres.execute("ALTER TABLE drift.orders RENAME COLUMN total_cents TO amount_cents;"
                + " UPDATE drift.orders SET status = 'paid', amount_cents = amount_cents + 1");
        List<MessageOutcome> waiting = process(pipeline, message(ORDERS, 1, 2), message(ORDERS, 2, 2));

        String reason = "column total_cents of drift.orders of source shop no longer exists: update"
                + " wail.sources.shop.tables.\"drift.orders\".columns";
        assertThat(statuses(waiting)).containsExactly(Status.RETRY, Status.RETRY);
        assertThat(waiting).allSatisfy(outcome -> assertThat(outcome.reason()).contains(reason));
        assertThat(rows("SELECT id, status, total_cents FROM read_model.orders")).isEqualTo("(1,new,100);(2,new,200)");
        List<JsonNode> perTable = metric("ConfigurationMismatch", "Source", "Table");
        assertThat(perTable).hasSize(1);
        assertThat(perTable.get(0).get("Source").asText()).isEqualTo("shop");
        assertThat(perTable.get(0).get("Table").asText()).isEqualTo("drift.orders");
        assertThat(perTable.get(0).get("Reason").asText()).isEqualTo(reason);
        assertThat(perTable.get(0).get("ConfigurationMismatch").asDouble()).isEqualTo(1);
        assertThat(perTable.get(0).at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("wail");
        List<JsonNode> forAlarm = metric("ConfigurationMismatch", "Function");
        assertThat(forAlarm).hasSize(1);
        assertThat(forAlarm.get(0).get("Function").asText()).isEqualTo(ConsumerMetrics.DEFAULT_FUNCTION_NAME);
        assertThat(forAlarm.get(0).get("Table").asText()).isEqualTo("drift.orders");
        assertThat(forAlarm.get(0).get("Reason").asText()).isEqualTo(reason);

        postgres.execute("ALTER TABLE drift.orders RENAME COLUMN amount_cents TO total_cents");
        assertThat(statuses(process(pipeline, message(ORDERS, 1, 3), message(ORDERS, 2, 3))))
                .containsExactly(Status.DONE, Status.DONE);
        assertThat(rows("SELECT id, status, total_cents FROM read_model.orders")).isEqualTo("(1,paid,101);(2,paid,201)");
        assertConverged();
        assertThat(metric("ConfigurationMismatch", "Source", "Table")).hasSize(1);
    }

    @Test
    void aDroppedKeyColumnNamesTheKeySettingAndAFixedConfigurationConverges() {
        ConsumerPipeline warm = pipeline(ORDERS);
        assertThat(statuses(process(warm, message(ORDERS, 1, 1)))).containsExactly(Status.DONE);

        postgres.execute("ALTER TABLE drift.orders RENAME COLUMN id TO order_id;"
                + " UPDATE drift.orders SET status = 'shipped'");
        List<MessageOutcome> waiting = process(warm, message(ORDERS, 1, 2));
        assertThat(statuses(waiting)).containsExactly(Status.RETRY);
        assertThat(waiting.get(0).reason()).contains("key column id of drift.orders of source shop no longer exists:"
                + " update wail.sources.shop.tables.\"drift.orders\".key-columns and"
                + " wail.sources.shop.tables.\"drift.orders\".columns");
        assertThat(metric("ConfigurationMismatch", "Source", "Table")).hasSize(1);

        // The configuration fixed: a new deployment of the consumer, bound to the renamed column.
        postgres.execute("ALTER TABLE read_model.orders RENAME COLUMN id TO order_id");
        TableBinding fixed = new TableBinding("shop", "drift.orders", List.of("order_id"),
                List.of("order_id", "status", "total_cents"), Optional.empty(), "read_model.orders");
        Intent intent = new Intent("shop", "drift.orders", EntityKey.of("order_id", 1), Operation.UPDATE,
                VersionHint.NONE, Instant.now(), 2);
        InboundMessage again = new InboundMessage("again", IntentCodec.DEFAULT.encodeToString(intent));
        assertThat(statuses(process(pipeline(fixed), again))).containsExactly(Status.DONE);
        assertThat(rows("SELECT order_id, status, total_cents FROM read_model.orders")).isEqualTo("(1,shipped,100)");
    }

    @Test
    void aConfiguredColumnMissingFromTheReadModelMakesTheMessagesWaitWithTheReasonUntilItIsAdded() {
        ConsumerPipeline pipeline = pipeline(ORDERS);
        assertThat(statuses(process(pipeline, message(ORDERS, 1, 1)))).containsExactly(Status.DONE);

        postgres.execute("ALTER TABLE read_model.orders DROP COLUMN total_cents;"
                + " UPDATE drift.orders SET status = 'packed'");
        List<MessageOutcome> waiting = process(pipeline, message(ORDERS, 1, null), message(ORDERS, 2, null));

        String reason = "column total_cents of read model table read_model.orders (the read model of drift.orders of"
                + " source shop) does not exist: add it to the read model table or update"
                + " wail.sources.shop.tables.\"drift.orders\".columns";
        assertThat(statuses(waiting)).containsExactly(Status.RETRY, Status.RETRY);
        assertThat(waiting).allSatisfy(outcome -> assertThat(outcome.reason()).contains(reason));
        List<JsonNode> perTable = metric("ConfigurationMismatch", "Source", "Table");
        assertThat(perTable).hasSize(1);
        assertThat(perTable.get(0).get("Reason").asText()).isEqualTo(reason);
        assertThat(metric("ConfigurationMismatch", "Function")).hasSize(1);
        assertThat(rows("SELECT id, status FROM read_model.orders")).isEqualTo("(1,new)");

        postgres.execute("ALTER TABLE read_model.orders ADD COLUMN total_cents bigint");
        assertThat(statuses(process(pipeline, message(ORDERS, 1, null), message(ORDERS, 2, null))))
                .containsExactly(Status.DONE, Status.DONE);
        assertConverged();
        assertThat(rows("SELECT id, status, total_cents FROM read_model.orders"))
                .isEqualTo("(1,packed,100);(2,packed,200)");
    }

    @Test
    void aKeyColumnWidenedFromIntegerToBigintWhileWarmIsReloadedAndConverges() {
        ConsumerPipeline pipeline = pipeline(ORDERS);
        assertThat(statuses(process(pipeline, message(ORDERS, 1, 1)))).containsExactly(Status.DONE);

        postgres.execute("ALTER TABLE drift.orders ALTER COLUMN id TYPE bigint;"
                + " INSERT INTO drift.orders VALUES (3000000000, 'big', 300), (3000000001, 'bigger', 301)");
        // With the new capture version, and without one (hooks older than the field): both reach the new type.
        List<MessageOutcome> outcomes = process(pipeline, message(ORDERS, 3_000_000_000L, 2));
        List<MessageOutcome> withoutVersion = process(pipeline, message(ORDERS, 3_000_000_001L, null));

        assertThat(statuses(outcomes)).containsExactly(Status.DONE);
        assertThat(statuses(withoutVersion)).containsExactly(Status.DONE);
        assertThat(rows("SELECT id, status, total_cents FROM read_model.orders"))
                .isEqualTo("(1,new,100);(3000000000,big,300);(3000000001,bigger,301)");
        List<JsonNode> reloads = metric("DefinitionReloaded", "Source", "Table");
        assertThat(reloads).hasSize(1);
        assertThat(reloads.get(0).get("Why").asText()).contains("capture version 2");
        assertThat(metric("ConfigurationMismatch", "Source", "Table")).isEmpty();
    }

    @Test
    void aKeyColumnChangedFromTextToUuidWhileWarmIsReloadedWithoutACaptureVersion() {
        ConsumerPipeline pipeline = pipeline(TOKENS);
        assertThat(statuses(process(pipeline, message(TOKENS, TOKEN, null)))).containsExactly(Status.DONE);

        postgres.execute("ALTER TABLE drift.tokens ALTER COLUMN id TYPE uuid USING id::uuid;"
                + " UPDATE drift.tokens SET v = 'second'");
        assertThat(statuses(process(pipeline, message(TOKENS, TOKEN, null)))).containsExactly(Status.DONE);
        assertThat(rows("SELECT id, v FROM read_model.tokens")).isEqualTo("(" + TOKEN + ",second)");

        // The reloaded key type is uuid: another spelling of the same value is the same entity now.
        postgres.execute("UPDATE drift.tokens SET v = 'third'");
        assertThat(statuses(process(pipeline, message(TOKENS, TOKEN.toUpperCase(), null))))
                .containsExactly(Status.DONE);
        assertThat(rows("SELECT id, v FROM read_model.tokens")).isEqualTo("(" + TOKEN + ",third)");
        List<JsonNode> reloads = metric("DefinitionReloaded", "Source", "Table");
        assertThat(reloads).hasSize(1);
        assertThat(reloads.get(0).get("Why").asText()).contains("SQLSTATE 42883");
    }

    @Test
    void anAddedUnconfiguredColumnChangesNothingAndANewCaptureVersionReloadsOnceNotPerMessage() {
        ConsumerPipeline pipeline = pipeline(ORDERS);
        assertThat(statuses(process(pipeline, message(ORDERS, 1, 1), message(ORDERS, 2, 1))))
                .containsExactly(Status.DONE, Status.DONE);

        postgres.execute("ALTER TABLE drift.orders ADD COLUMN note text DEFAULT 'unread';"
                + " UPDATE drift.orders SET status = 'noted'");
        List<InboundMessage> first = new ArrayList<>();
        List<InboundMessage> second = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            first.add(message(ORDERS, 1 + i % 2, 2));
            second.add(message(ORDERS, 1 + i % 2, 2));
        }
        assertThat(statuses(pipeline.process(first).await().indefinitely().outcomes())).containsOnly(Status.DONE);
        assertThat(statuses(pipeline.process(second).await().indefinitely().outcomes())).containsOnly(Status.DONE);

        assertThat(rows("SELECT id, status, total_cents FROM read_model.orders"))
                .isEqualTo("(1,noted,100);(2,noted,200)");
        assertConverged();
        assertThat(metric("DefinitionReloaded", "Source", "Table")).as("one reload for capture version 2")
                .hasSize(1);
        assertThat(metric("ConfigurationMismatch", "Source", "Table")).isEmpty();
    }
}
