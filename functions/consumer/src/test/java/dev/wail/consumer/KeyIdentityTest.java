package dev.wail.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wail.consumer.postgres.PgHydrator;
import dev.wail.consumer.postgres.PgReadModelSink;
import dev.wail.consumer.postgres.PgSource;
import dev.wail.consumer.postgres.SchemaInstaller;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.pipeline.BatchResult;
import dev.wail.core.pipeline.ConsumerPipeline;
import dev.wail.core.pipeline.InboundMessage;
import dev.wail.core.pipeline.MessageOutcome;
import dev.wail.core.pipeline.MessageOutcome.Status;
import dev.wail.core.pipeline.TableBinding;
import dev.wail.core.pipeline.TableRegistry;
import dev.wail.core.pipeline.TableStats;
import dev.wail.core.pipeline.UnreadableKeysException;
import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.testing.RealServices;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Key identity through the real pipeline on a real PostgreSQL: for every key type wail allows, a source row and two
 * intents spelling its key otherwise than PostgreSQL prints it; the read model must get the row (never take it for
 * deleted), and both spellings must be one entity, hydrated once. Then bad keys among good ones of the same table,
 * and an unknown transaction next to a committed one of the same key: only the bad messages are rejected.
 */
@RealServices
class KeyIdentityTest {

    /** A key type: its SQL type, the value stored, and two other spellings of it an intent may carry. */
    private record KeyCase(String name, String type, String stored, Object spelling, Object otherSpelling) {
    }

    private static final List<KeyCase> CASES = List.of(
            new KeyCase("int2", "smallint", "7", "7", " +0007"),
            new KeyCase("int8", "bigint", "9007199254740993", 9007199254740993L, "9007199254740993"),
            new KeyCase("num", "numeric", "1.50", "1.5", "15e-1"),
            new KeyCase("txt", "text", "héllo ", "héllo ", "héllo "),
            new KeyCase("vc", "varchar(10)", "v", "v", "v"),
            new KeyCase("bpc", "char(5)", "ab", "ab", "ab   "),
            new KeyCase("uid", "uuid", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D",
                    "{a1b2c3d4e5f64a7b8c9d0e1f2a3b4c5d}"),
            new KeyCase("bool", "boolean", "true", "t", "yes"),
            new KeyCase("day", "date", "2026-01-02", "2026-1-2", "2026-01-02 AD"),
            new KeyCase("ts", "timestamp", "2026-01-02 03:04:05.25", "2026-01-02 03:04:05.250", "2026-01-02T03:04:05.25"),
            new KeyCase("tstz", "timestamptz", "2026-01-02 03:04:05.25+00", "2026-01-02T05:04:05.25+02:00",
                    "2026-01-02 03:04:05.250 +00"),
            new KeyCase("tod", "time", "03:04:05.12", "03:04:05.120", "3:04:05.12"),
            new KeyCase("bin", "bytea", "\\xdeadbeef", "\\xDEADBEEF", "\\xde ad be ef"),
            new KeyCase("ip", "inet", "2001:db8::1", "2001:0DB8:0:0:0:0:0:1", "2001:db8::1/128"),
            new KeyCase("net", "cidr", "2001:db8::/32", "2001:DB8::/32", "2001:db8:0:0:0:0:0:0/32"),
            new KeyCase("mood", "keys.mood", "ok", "ok", "ok"),
            new KeyCase("code", "keys.code", "c-1", "c-1", "c-1"));

    private final EmbeddedPostgresServer postgres;
    private EmbeddedPostgresServer.ReactivePool reactive;
    private EmbeddedPostgresServer.ReactivePool sinkReactive;
    private Pool pool;
    private Pool sinkPool;

    KeyIdentityTest(EmbeddedPostgresServer postgres) {
        this.postgres = postgres;
    }

    @BeforeEach
    void setUp() {
        StringBuilder sql = new StringBuilder("""
                DROP SCHEMA IF EXISTS keys CASCADE;
                DROP SCHEMA IF EXISTS read_model CASCADE;
                DROP SCHEMA IF EXISTS wail CASCADE;
                CREATE SCHEMA keys;
                CREATE SCHEMA read_model;
                CREATE TYPE keys.mood AS ENUM ('ok', 'meh');
                CREATE DOMAIN keys.code AS text CHECK (VALUE LIKE 'c-%');
                CREATE DOMAIN keys.positive_qty AS integer CHECK (VALUE > 0);
                CREATE TABLE keys.orders (id bigint, created_at timestamptz, v text, PRIMARY KEY (id, created_at));
                CREATE TABLE read_model.orders (LIKE keys.orders INCLUDING ALL);
                INSERT INTO keys.orders VALUES (7, '2026-01-02 03:04:05+00', 'row-orders');
                CREATE TABLE keys.lines (code text, day date, qty keys.positive_qty, v text,
                                         PRIMARY KEY (code, day, qty));
                CREATE TABLE read_model.lines (LIKE keys.lines INCLUDING ALL);
                INSERT INTO keys.lines VALUES ('a', '2026-01-01', 1, 'row-a'), ('b', '2026-01-02', 2, 'row-b');
                """);
        for (KeyCase c : CASES) {
            sql.append("CREATE TABLE keys.k_").append(c.name()).append(" (k ").append(c.type())
                    .append(" PRIMARY KEY, v text); CREATE TABLE read_model.k_").append(c.name())
                    .append(" (LIKE keys.k_").append(c.name()).append(" INCLUDING ALL); INSERT INTO keys.k_")
                    .append(c.name()).append(" VALUES ('").append(c.stored()).append("', 'row-").append(c.name())
                    .append("');\n");
        }
        postgres.execute(sql.toString());
        postgres.execute(SchemaInstaller.sql());
        reactive = postgres.openReactivePool(4);
        pool = reactive.pool();
        // The sink holds its connections while it reads the source: one batch of many tables needs a source pool
        // of its own, as a deployment with a writer-url has.
        sinkReactive = postgres.openReactivePool(4);
        sinkPool = sinkReactive.pool();
    }

    @AfterEach
    void tearDown() {
        reactive.close();
        sinkReactive.close();
    }

    private static TableBinding table(String name, List<String> keyColumns, List<String> columns) {
        return new TableBinding("shop", "keys." + name, keyColumns, columns, Optional.empty(), "read_model." + name);
    }

    private static final TableBinding ORDERS = table("orders", List.of("id", "created_at"),
            List.of("id", "created_at", "v"));
    private static final TableBinding LINES = table("lines", List.of("code", "day", "qty"),
            List.of("code", "day", "qty", "v"));

    private ConsumerPipeline pipeline(List<TableBinding> tables) {
        return new ConsumerPipeline(IntentCodec.DEFAULT, new TableRegistry(tables),
                Map.of("shop", new PgSource("shop", pool, Optional.empty())), new PgReadModelSink(sinkPool));
    }

    private static InboundMessage message(String id, TableBinding table, EntityKey key, VersionHint version) {
        return new InboundMessage(id, IntentCodec.DEFAULT.encodeToString(new Intent("shop", table.table(), key,
                Operation.UPDATE, version, Instant.EPOCH)));
    }

    private static InboundMessage message(String id, TableBinding table, EntityKey key) {
        return message(id, table, key, VersionHint.NONE);
    }

    private String readModel(String table) {
        return postgres.queryString("SELECT coalesce(string_agg(v, ',' ORDER BY v), '') FROM read_model." + table);
    }

    @Test
    void everyKeyTypeFindsItsRowHoweverTheKeyIsSpelledAndTwoSpellingsAreOneEntity() {
        List<TableBinding> tables = new ArrayList<>();
        List<InboundMessage> messages = new ArrayList<>();
        for (KeyCase c : CASES) {
            TableBinding table = table("k_" + c.name(), List.of("k"), List.of("k", "v"));
            tables.add(table);
            messages.add(message(c.name() + "-1", table, EntityKey.of("k", c.spelling())));
            messages.add(message(c.name() + "-2", table, EntityKey.of("k", c.otherSpelling())));
        }
        tables.add(ORDERS);
        messages.add(message("orders-1", ORDERS, EntityKey.builder().add("id", 7L)
                .add("created_at", "2026-01-02T03:04:05+00:00").build()));
        messages.add(message("orders-2", ORDERS, EntityKey.builder().add("id", "7")
                .add("created_at", "2026-01-02T04:04:05+01").build()));

        BatchResult result = pipeline(tables).process(messages).await().indefinitely();

        assertThat(result.outcomes()).allSatisfy(o -> assertThat(o.status()).as(o.toString()).isEqualTo(Status.DONE));
        assertThat(result.tables()).allSatisfy(stats -> assertThat(stats).extracting(TableStats::table,
                TableStats::intents, TableStats::entities, TableStats::refreshed)
                .containsExactly(stats.table(), 2, 1, 1));
        for (KeyCase c : CASES) {
            assertThat(readModel("k_" + c.name())).as(c.type()).isEqualTo("row-" + c.name());
        }
        assertThat(readModel("orders")).isEqualTo("row-orders");
        assertThat(postgres.queryString("SELECT count(*)::text FROM wail.sink_positions WHERE deleted"))
                .isEqualTo("0");
    }

    @Test
    void keysPostgresqlCannotHoldAreRejectedAloneWhileTheirNeighboursAreWritten() {
        List<InboundMessage> messages = List.of(
                message("good-a", LINES, lineKey("a", "2026-01-01", 1L)),
                message("nul", LINES, lineKey("a\u0000", "2026-01-01", 1L)),
                message("date-out-of-range", LINES, lineKey("a", "5874898-01-01", 1L)),
                message("check-violation", LINES, lineKey("a", "2026-01-01", -1L)),
                message("good-b", LINES, lineKey("b", "2026-01-02", 2L)));

        List<MessageOutcome> outcomes = pipeline(List.of(LINES)).process(messages).await().indefinitely()
                .outcomes();

        assertThat(outcomes).extracting(MessageOutcome::messageId, MessageOutcome::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("good-a", Status.DONE),
                org.assertj.core.groups.Tuple.tuple("nul", Status.REJECTED),
                org.assertj.core.groups.Tuple.tuple("date-out-of-range", Status.REJECTED),
                org.assertj.core.groups.Tuple.tuple("check-violation", Status.REJECTED),
                org.assertj.core.groups.Tuple.tuple("good-b", Status.DONE));
        // The codec refuses a NUL in any key value (IntentLimits) before the key codec sees it.
        assertThat(outcomes.get(1).reason()).isEqualTo("malformed intent: field 'k.code': the key value contains NUL"
                + " (U+0000) at position 1; keys may not (PostgreSQL text cannot hold it)");
        assertThat(outcomes.get(2).reason()).isEqualTo("key of shop/keys.lines{code=a, day=5874898-01-01, qty=1}:"
                + " column day is date: '5874898-01-01' is out of range for date (4714-11-24 BC to 5874897-12-31)");
        assertThat(outcomes.get(3).reason()).isEqualTo("key of shop/keys.lines{code=a, day=2026-01-01, qty=-1}:"
                + " PostgreSQL cannot hold it: value for domain keys.positive_qty violates check constraint"
                + " \"positive_qty_check\" (SQLSTATE 23514)");
        assertThat(readModel("lines")).isEqualTo("row-a,row-b");
    }

    @Test
    void aReadThatFailsOnOneKeyIsNarrowedDownToThatKey() {
        PgHydrator hydrator = new PgHydrator(pool);
        List<EntityKey> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            keys.add(lineKey("k" + i, "2026-01-01", 1L));
        }
        EntityKey unknownLabel = EntityKey.of("k", "furious");
        TableBinding moods = table("k_mood", List.of("k"), List.of("k", "v"));
        keys.add(17, lineKey("z", "2026-01-01", 0L));

        assertThatThrownBy(() -> hydrator.read(LINES, keys, Set.of()).await().indefinitely())
                .isInstanceOfSatisfying(UnreadableKeysException.class, e -> assertThat(e.reasons())
                        .containsOnlyKeys(lineKey("z", "2026-01-01", 0L)));
        assertThatThrownBy(() -> hydrator.read(moods, List.of(EntityKey.of("k", "ok"), unknownLabel), Set.of())
                .await().indefinitely())
                .isInstanceOfSatisfying(UnreadableKeysException.class, e -> assertThat(e.reasons()).containsExactly(
                        Map.entry(unknownLabel, "PostgreSQL cannot hold it: invalid input value for enum keys.mood:"
                                + " \"furious\" (SQLSTATE 22P02)")));
    }

    @Test
    void anUnknownTransactionIsRejectedAloneAndTheCommittedChangeOfTheSameKeyIsWritten() {
        long committed = Long.parseLong(postgres.queryString(
                "WITH u AS (UPDATE keys.lines SET v = 'row-a2' WHERE code = 'a' RETURNING 1)"
                        + " SELECT pg_current_xact_id()::text FROM u"));
        long neverAssigned = committed + 1_000_000;
        EntityKey a = lineKey("a", "2026-01-01", 1L);

        List<MessageOutcome> outcomes = pipeline(List.of(LINES)).process(List.of(
                message("committed", LINES, a, new VersionHint.Postgres(committed, 10)),
                message("forged", LINES, a, new VersionHint.Postgres(neverAssigned, 20))))
                .await().indefinitely().outcomes();

        assertThat(outcomes).map(MessageOutcome::summary).containsExactly(MessageOutcome.done("committed"),
                new MessageOutcome("forged",
                Status.REJECTED, "transaction " + neverAssigned + " of shop/keys.lines{code=a, day=2026-01-01, qty=1}"
                + " is unknown to its source (never assigned there: is the source's endpoint the right cluster?)"));
        assertThat(readModel("lines")).isEqualTo("row-a2");
    }

    private static EntityKey lineKey(String code, String day, long qty) {
        return EntityKey.builder().add("code", code).add("day", day).add("qty", qty).build();
    }
}
