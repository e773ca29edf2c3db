package dev.wail.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.pipeline.MessageOutcome.Status;
import dev.wail.core.wire.IntentCodec;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The recipe's routing and outcomes, over a source and a sink that are plain maps. The real PostgreSQL hydrator and
 * sink are tested on an embedded server in the consumer module.
 */
class ConsumerPipelineTest {

    private static final TableBinding ORDERS = new TableBinding("shop", "orders", List.of("id"),
            List.of("id", "status"), Optional.empty(), "read_model.orders");
    private static final TableBinding PAYMENTS = new TableBinding("shop", "payments", List.of("id"),
            List.of("id", "amount"), Optional.empty(), "read_model.payments");

    private final Map<String, Map<EntityKey, String>> source = new HashMap<>();
    private final Map<Long, TransactionStatus> transactions = new HashMap<>();
    private final Map<String, Map<EntityKey, String>> sink = new HashMap<>();
    private final List<String> hydrationCalls = new ArrayList<>();
    private final List<Freshness> freshnessAsked = new ArrayList<>();
    private String failingTable;
    private final Map<EntityKey, EntityKey> canonicalKeys = new HashMap<>();
    private final Map<EntityKey, String> invalidKeys = new HashMap<>();
    private final Map<EntityKey, String> unreadableKeys = new HashMap<>();
    private long sinkPosition = 0;

    /** A source that is a map of tables, answering transaction statuses from a map (unknown ids are committed). */
    private final Source mapSource = new Source() {
        @Override
        public Uni<Map<Long, TransactionStatus>> transactionStatus(Set<Long> ids) {
            Map<Long, TransactionStatus> statuses = new HashMap<>();
            ids.forEach(id -> statuses.put(id, transactions.getOrDefault(id, TransactionStatus.COMMITTED)));
            return Uni.createFrom().item(statuses);
        }

        @Override
        public Uni<KeyCheck> keys(TableBinding table, List<EntityKey> keys) {
            Map<EntityKey, EntityKey> canonical = new HashMap<>();
            Map<EntityKey, String> problems = new HashMap<>();
            keys.stream().filter(canonicalKeys::containsKey).forEach(k -> canonical.put(k, canonicalKeys.get(k)));
            keys.stream().filter(invalidKeys::containsKey).forEach(k -> problems.put(k, invalidKeys.get(k)));
            return Uni.createFrom().item(new KeyCheck(canonical, problems));
        }

        @Override
        public Uni<SourceSnapshot> read(TableBinding table, List<EntityKey> keys, Freshness freshness) {
            hydrationCalls.add(table.table() + keys);
            freshnessAsked.add(freshness);
            if (table.table().equals(failingTable)) {
                return Uni.createFrom().failure(new IllegalStateException("connection refused"));
            }
            Map<EntityKey, String> unreadable = new HashMap<>();
            keys.stream().filter(unreadableKeys::containsKey).forEach(k -> unreadable.put(k, unreadableKeys.get(k)));
            if (!unreadable.isEmpty()) {
                return Uni.createFrom().failure(new UnreadableKeysException(unreadable));
            }
            Map<EntityKey, String> rows = source.getOrDefault(table.table(), Map.of());
            return Uni.createFrom().item(new SourceSnapshot(keys.stream()
                    .map(k -> rows.containsKey(k) ? EntityState.present(k, rows.get(k)) : EntityState.absent(k))
                    .toList(), 99));
        }
    };
    /** A sink that is a map of tables; it hands the reader the position it last recorded. */
    private final Sink mapSink = (table, keys, reader) -> reader.read(keys, new Sink.Floor(sinkPosition,
            Optional.empty())).invoke(snapshot -> {
        Map<EntityKey, String> rows = sink.computeIfAbsent(table.sinkTable(), t -> new HashMap<>());
        snapshot.states().forEach(s -> {
            if (s.exists()) {
                rows.put(s.key(), s.document());
            } else {
                rows.remove(s.key());
            }
        });
        sinkPosition = snapshot.position();
    }).replaceWith(Map.of());
    private final ConsumerPipeline pipeline = new ConsumerPipeline(IntentCodec.DEFAULT,
            new TableRegistry(List.of(ORDERS, PAYMENTS)), Map.of("shop", mapSource), mapSink);

    private static String intent(String table, long id, Operation op, long lsn) {
        return intent(table, id, op, lsn, lsn);
    }

    private static String intent(String table, long id, Operation op, long transaction, long lsn) {
        return IntentCodec.DEFAULT.encodeToString(new Intent("shop", table, EntityKey.of("id", id), op,
                new VersionHint.Postgres(transaction, lsn), Instant.EPOCH));
    }

    private static String intent(EntityKey key, long transaction, long lsn) {
        return IntentCodec.DEFAULT.encodeToString(new Intent("shop", "orders", key, Operation.UPDATE,
                new VersionHint.Postgres(transaction, lsn), Instant.EPOCH));
    }

    private List<MessageOutcome> process(InboundMessage... messages) {
        return pipeline.process(List.of(messages)).await().indefinitely().outcomes().stream()
                .map(MessageOutcome::summary).toList();
    }

    @Test
    void coalescesHydratesOncePerTableAndWritesCurrentState() {
        source.put("orders", Map.of(EntityKey.of("id", 1L), "{\"id\":1,\"status\":\"shipped\"}"));

        List<MessageOutcome> outcomes = process(
                new InboundMessage("a", intent("orders", 1, Operation.INSERT, 1)),
                new InboundMessage("b", intent("orders", 1, Operation.UPDATE, 2)),
                new InboundMessage("c", intent("orders", 2, Operation.DELETE, 3)));

        assertThat(outcomes).extracting(MessageOutcome::status).containsExactly(Status.DONE, Status.DONE, Status.DONE);
        assertThat(hydrationCalls).containsExactly("orders[{id=1}, {id=2}]");
        assertThat(sink.get("read_model.orders")).containsExactly(
                Map.entry(EntityKey.of("id", 1L), "{\"id\":1,\"status\":\"shipped\"}"));
    }

    @Test
    void anEntityTheSinksGuardRefusedIsRetriedWithTheSinksReasonWhileItsNeighboursAreDone() {
        source.put("orders", Map.of(EntityKey.of("id", 1L), "{\"id\":1}", EntityKey.of("id", 2L), "{\"id\":2}"));
        Sink refusing = (table, keys, reader) -> mapSink.refresh(table, keys, reader)
                .replaceWith(Map.of(EntityKey.of("id", 2L), "recorded position 120 is newer than the read's 99"));
        ConsumerPipeline guarded = new ConsumerPipeline(IntentCodec.DEFAULT, new TableRegistry(List.of(ORDERS)),
                Map.of("shop", mapSource), refusing);

        BatchResult result = guarded.process(List.of(
                new InboundMessage("a", intent("orders", 1, Operation.UPDATE, 1)),
                new InboundMessage("b", intent("orders", 2, Operation.UPDATE, 2)))).await().indefinitely();

        assertThat(result.outcomes()).extracting(MessageOutcome::status).containsExactly(Status.DONE, Status.RETRY);
        assertThat(result.outcomes().get(1).reason()).contains("the sink refused the state of")
                .contains("read_model.orders").contains("recorded position 120 is newer than the read's 99");
        assertThat(result.tables()).singleElement().satisfies(stats -> {
            assertThat(stats.refreshed()).isEqualTo(1);
            assertThat(stats.guardRefused()).isEqualTo(1);
            assertThat(stats.freshnessLagMillis()).hasSize(1);
        });
    }

    @Test
    void badMessagesAreRejectedWithReasonsWhileTheirNeighboursSucceed() {
        source.put("orders", Map.of(EntityKey.of("id", 7L), "{\"id\":7}"));

        List<MessageOutcome> outcomes = process(
                new InboundMessage("garbage", "{not json"),
                new InboundMessage("good", intent("orders", 7, Operation.UPDATE, 1)),
                new InboundMessage("unknown", intent("audit_log", 7, Operation.UPDATE, 2)));

        assertThat(outcomes).containsExactly(
                new MessageOutcome("garbage", Status.REJECTED,
                        "malformed intent: malformed JSON at line 1, column 2: Unexpected character ('n' (code 110)):"
                                + " was expecting double-quote to start field name"),
                MessageOutcome.done("good"),
                new MessageOutcome("unknown", Status.REJECTED, "table not configured: shop/audit_log"));
        assertThat(sink.get("read_model.orders")).containsOnlyKeys(EntityKey.of("id", 7L));
    }

    @Test
    void aFailingTableRetriesOnlyTheMessagesThatCarriedIt() {
        failingTable = "payments";
        source.put("orders", Map.of(EntityKey.of("id", 1L), "{\"id\":1}"));
        String packed = "[" + intent("orders", 1, Operation.UPDATE, 1) + "," + intent("payments", 9, Operation.INSERT, 2)
                + "]";

        List<MessageOutcome> outcomes = process(
                new InboundMessage("orders-only", intent("orders", 1, Operation.UPDATE, 3)),
                new InboundMessage("both", packed));

        assertThat(outcomes.get(0)).isEqualTo(MessageOutcome.done("orders-only"));
        assertThat(outcomes.get(1).status()).isEqualTo(Status.RETRY);
        assertThat(outcomes.get(1).reason())
                .isEqualTo("table shop/payments failed: java.lang.IllegalStateException: connection refused");
        assertThat(sink.get("read_model.orders")).containsKey(EntityKey.of("id", 1L));
    }

    @Test
    void anEntityWithATransactionStillInProgressIsRetriedAndNotRead() {
        transactions.put(500L, TransactionStatus.IN_PROGRESS);
        source.put("orders", Map.of(EntityKey.of("id", 1L), "{\"id\":1}", EntityKey.of("id", 2L), "{\"id\":2}"));

        List<MessageOutcome> outcomes = process(
                new InboundMessage("committed", intent("orders", 1, Operation.UPDATE, 400, 10)),
                new InboundMessage("early", intent("orders", 2, Operation.UPDATE, 500, 11)));

        assertThat(outcomes).containsExactly(MessageOutcome.done("committed"), new MessageOutcome("early",
                Status.RETRY, "transaction 500 of shop/orders{id=2} is still in progress"));
        assertThat(hydrationCalls).containsExactly("orders[{id=1}]");
        assertThat(freshnessAsked).containsExactly(new Freshness(0, Set.of(400L)));
    }

    @Test
    void aTransactionTheSourceNeverAssignedRejectsItsMessageWithTheReasonButTheRowIsStillRead() {
        transactions.put(900L, TransactionStatus.UNKNOWN);
        source.put("orders", Map.of(EntityKey.of("id", 1L), "{\"id\":1}"));

        List<MessageOutcome> outcomes = process(
                new InboundMessage("forged", intent("orders", 5, Operation.UPDATE, 900, 10)),
                new InboundMessage("fine", intent("orders", 1, Operation.UPDATE, 400, 11)));

        assertThat(outcomes).containsExactly(new MessageOutcome("forged", Status.REJECTED, "transaction 900 of "
                + "shop/orders{id=5} is unknown to its source (never assigned there: is the source's endpoint the right"
                + " cluster?)"), MessageOutcome.done("fine"));
        // Reading the current row is always safe; after a failover that lost WAL it is what brings the sink back.
        assertThat(hydrationCalls).containsExactly("orders[{id=1}, {id=5}]");
        assertThat(freshnessAsked).as("the unknown transaction is not looked for in the read's snapshot")
                .containsExactly(new Freshness(0, Set.of(400L)));
    }

    @Test
    void keysAreRewrittenToTheSourcesCanonicalFormBeforeCoalescingAndInvalidOnesAreRejectedAlone() {
        canonicalKeys.put(EntityKey.of("id", "0001"), EntityKey.of("id", 1L));
        canonicalKeys.put(EntityKey.of("id", "+1"), EntityKey.of("id", 1L));
        invalidKeys.put(EntityKey.of("id", "x"), "column id is bigint: 'x' is not an integer");
        source.put("orders", Map.of(EntityKey.of("id", 1L), "{\"id\":1}"));

        BatchResult result = pipeline.process(List.of(
                new InboundMessage("padded", intent(EntityKey.of("id", "0001"), 1, 1)),
                new InboundMessage("plain", intent(EntityKey.of("id", 1L), 2, 2)),
                new InboundMessage("signed", intent(EntityKey.of("id", "+1"), 3, 3)),
                new InboundMessage("letter", intent(EntityKey.of("id", "x"), 4, 4)))).await().indefinitely();

        assertThat(result.outcomes()).map(MessageOutcome::summary).containsExactly(MessageOutcome.done("padded"), MessageOutcome.done("plain"),
                MessageOutcome.done("signed"), new MessageOutcome("letter", Status.REJECTED,
                        "key of shop/orders{id=x}: column id is bigint: 'x' is not an integer"));
        assertThat(result).extracting(BatchResult::intents, BatchResult::entities).containsExactly(4, 1);
        assertThat(result.tables()).singleElement().extracting(TableStats::refreshed).isEqualTo(1);
        assertThat(hydrationCalls).containsExactly("orders[{id=1}]");
        assertThat(freshnessAsked).containsExactly(new Freshness(0, Set.of(1L, 2L, 3L)));
        assertThat(sink.get("read_model.orders")).containsOnlyKeys(EntityKey.of("id", 1L));
    }

    @Test
    void anUnknownTransactionNeverAbsorbsACommittedIntentOfTheSameKey() {
        transactions.put(900L, TransactionStatus.UNKNOWN);
        source.put("orders", Map.of(EntityKey.of("id", 5L), "{\"id\":5}"));

        List<MessageOutcome> outcomes = process(
                new InboundMessage("committed", intent("orders", 5, Operation.UPDATE, 400, 10)),
                new InboundMessage("forged", intent("orders", 5, Operation.UPDATE, 900, 11)));

        assertThat(outcomes).containsExactly(MessageOutcome.done("committed"), new MessageOutcome("forged",
                Status.REJECTED, "transaction 900 of shop/orders{id=5} is unknown to its source (never assigned there:"
                + " is the source's endpoint the right cluster?)"));
        assertThat(hydrationCalls).containsExactly("orders[{id=5}]");
        assertThat(freshnessAsked).containsExactly(new Freshness(0, Set.of(400L)));
        assertThat(sink.get("read_model.orders")).containsOnlyKeys(EntityKey.of("id", 5L));
    }

    @Test
    void keysTheSourceCannotReadAreRejectedAndTheOthersReadAgain() {
        unreadableKeys.put(EntityKey.of("id", 2L), "PostgreSQL cannot hold it: value for domain violates check"
                + " constraint (SQLSTATE 23514)");
        source.put("orders", Map.of(EntityKey.of("id", 1L), "{\"id\":1}", EntityKey.of("id", 2L), "{\"id\":2}"));

        List<MessageOutcome> outcomes = process(
                new InboundMessage("good", intent("orders", 1, Operation.UPDATE, 1)),
                new InboundMessage("bad", intent("orders", 2, Operation.UPDATE, 2)));

        assertThat(outcomes).containsExactly(MessageOutcome.done("good"), new MessageOutcome("bad", Status.REJECTED,
                "key of shop/orders{id=2}: PostgreSQL cannot hold it: value for domain violates check constraint"
                        + " (SQLSTATE 23514)"));
        assertThat(hydrationCalls).containsExactly("orders[{id=1}, {id=2}]", "orders[{id=1}]");
        assertThat(sink.get("read_model.orders")).containsOnlyKeys(EntityKey.of("id", 1L));
    }

    @Test
    void anEntityAnnouncedOnlyByRolledBackTransactionsIsDroppedAndCounted() {
        transactions.put(600L, TransactionStatus.ABORTED);
        transactions.put(601L, TransactionStatus.ABORTED);
        source.put("orders", Map.of(EntityKey.of("id", 3L), "{\"id\":3,\"status\":\"new\"}"));

        BatchResult result = pipeline.process(List.of(
                new InboundMessage("rolled-back-1", intent("orders", 8, Operation.INSERT, 600, 20)),
                new InboundMessage("rolled-back-2", intent("orders", 8, Operation.UPDATE, 601, 21)),
                new InboundMessage("aborted-then-committed", intent("orders", 3, Operation.UPDATE, 601, 22)),
                new InboundMessage("committed", intent("orders", 3, Operation.UPDATE, 602, 23))))
                .await().indefinitely();

        assertThat(result.outcomes()).extracting(MessageOutcome::status).containsOnly(Status.DONE);
        assertThat(result).extracting(BatchResult::intents, BatchResult::entities).containsExactly(4, 2);
        assertThat(result.tables()).singleElement().extracting(TableStats::refreshed, TableStats::droppedAborted,
                TableStats::pending).containsExactly(1, 1, 0);
        assertThat(hydrationCalls).containsExactly("orders[{id=3}]");
        assertThat(freshnessAsked).containsExactly(new Freshness(0, Set.of(602L)));
        assertThat(sink.get("read_model.orders")).containsOnlyKeys(EntityKey.of("id", 3L));
    }

    @Test
    void theSinksRecordedPositionIsPassedToTheSourceAsTheFloorOfTheRead() {
        sinkPosition = 42;
        source.put("orders", Map.of(EntityKey.of("id", 1L), "{\"id\":1}"));

        process(new InboundMessage("m", intent("orders", 1, Operation.UPDATE, 700, 30)));

        assertThat(freshnessAsked).containsExactly(new Freshness(42, Set.of(700L)));
        assertThat(sinkPosition).isEqualTo(99);
    }

    @Test
    void aTableWhoseSourceIsNotConfiguredStopsTheStartInsteadOfFailingBatches() {
        TableRegistry registry = new TableRegistry(List.of(ORDERS, new TableBinding("crm", "people", List.of("id"),
                List.of("id"), Optional.empty(), "read_model.people")));

        assertThatThrownBy(() -> new ConsumerPipeline(IntentCodec.DEFAULT, registry, Map.of("shop", mapSource),
                mapSink)).hasMessage("table crm/people: source 'crm' is not configured");
    }

    @Test
    void perTableStatsCarryCountsAndTheFreshnessLagOfEveryRefreshedEntity() {
        transactions.put(600L, TransactionStatus.ABORTED);
        source.put("orders", Map.of(EntityKey.of("id", 1L), "{\"id\":1}"));
        ConsumerPipeline timed = new ConsumerPipeline(IntentCodec.DEFAULT, new TableRegistry(List.of(ORDERS, PAYMENTS)),
                Map.of("shop", mapSource), mapSink, Clock.fixed(Instant.ofEpochMilli(5_000), ZoneOffset.UTC));

        BatchResult result = timed.process(List.of(
                new InboundMessage("a", intent("orders", 1, Operation.INSERT, 1)),
                new InboundMessage("b", intent("orders", 1, Operation.UPDATE, 2)),
                new InboundMessage("c", intent("orders", 2, Operation.DELETE, 3)),
                new InboundMessage("d", intent("payments", 8, Operation.INSERT, 600, 4)))).await().indefinitely();

        assertThat(result.tables()).containsExactlyInAnyOrder(
                new TableStats("shop", "orders", 3, 2, 2, 0, 0, 0, 0, 0, List.of(5_000L, 5_000L)),
                new TableStats("shop", "payments", 1, 1, 0, 1, 0, 0, 0, 0, List.of()));
    }

    @Test
    void refreshTimeSplitsIntoTheSourceReadAndTheSinksPartAroundIt() {
        source.put("orders", Map.of(EntityKey.of("id", 1L), "{\"id\":1}"));
        ManualClock clock = new ManualClock();
        // Verification takes 2 ms, the sink 4 ms before the read and 6 ms after it, the read itself 30 ms.
        Source slowSource = new Source() {
            @Override
            public Uni<Map<Long, TransactionStatus>> transactionStatus(Set<Long> ids) {
                return mapSource.transactionStatus(ids).invoke(() -> clock.advance(2));
            }

            @Override
            public Uni<SourceSnapshot> read(TableBinding table, List<EntityKey> keys, Freshness freshness) {
                return mapSource.read(table, keys, freshness).invoke(() -> clock.advance(30));
            }
        };
        Sink slowSink = (table, keys, reader) -> Uni.createFrom().voidItem().invoke(() -> clock.advance(4))
                .chain(() -> mapSink.refresh(table, keys, reader)).invoke(() -> clock.advance(6));
        ConsumerPipeline timed = new ConsumerPipeline(IntentCodec.DEFAULT, new TableRegistry(List.of(ORDERS)),
                Map.of("shop", slowSource), slowSink, clock);

        BatchResult result = timed.process(List.of(new InboundMessage("a", intent("orders", 1, Operation.UPDATE, 1))))
                .await().indefinitely();

        assertThat(result.tables()).singleElement().satisfies(stats -> {
            assertThat(stats.refreshMillis()).isEqualTo(42);
            assertThat(stats.hydrationMillis()).isEqualTo(30);
            assertThat(stats.sinkMillis()).isEqualTo(10);
        });
    }

    @Test
    void aPackedMessageWithSomeRejectedIntentsIsRejectedForThoseOnlyAndItsOtherIntentsAreWritten() {
        transactions.put(900L, TransactionStatus.UNKNOWN);
        invalidKeys.put(EntityKey.of("id", "x"), "column id is bigint: 'x' is not an integer");
        source.put("orders", Map.of(EntityKey.of("id", 1L), "{\"id\":1}", EntityKey.of("id", 5L), "{\"id\":5}"));
        Intent good = decoded(intent("orders", 1, Operation.UPDATE, 10));
        Intent unconfigured = decoded(intent("audit_log", 2, Operation.INSERT, 11));
        Intent badKey = decoded(intent(EntityKey.of("id", "x"), 12, 12));
        Intent forged = decoded(intent("orders", 5, Operation.UPDATE, 900, 13));

        BatchResult result = pipeline.process(List.of(new InboundMessage("packed",
                IntentCodec.DEFAULT.encodeAll(List.of(good, unconfigured, badKey, forged))))).await().indefinitely();

        MessageOutcome outcome = result.outcomes().get(0);
        assertThat(outcome.status()).isEqualTo(Status.REJECTED);
        assertThat(outcome.partlyRejected()).isTrue();
        assertThat(outcome.intents()).isEqualTo(4);
        assertThat(outcome.rejectedIntents()).containsExactly(
                new RejectedIntent(unconfigured, "table not configured: shop/audit_log"),
                new RejectedIntent(badKey, "key of shop/orders{id=x}: column id is bigint: 'x' is not an integer"),
                new RejectedIntent(forged, "transaction 900 of shop/orders{id=5} is unknown to its source (never"
                        + " assigned there: is the source's endpoint the right cluster?)"));
        assertThat(outcome.reason()).startsWith("3 of 4 intents rejected (the others are done): table not configured:"
                + " shop/audit_log; key of shop/orders{id=x}");
        assertThat(sink.get("read_model.orders")).containsOnlyKeys(EntityKey.of("id", 1L), EntityKey.of("id", 5L));
    }

    @Test
    void aPackedMessageWhoseIntentsAreAllRejectedIsRejectedWhole() {
        Intent first = decoded(intent("audit_log", 1, Operation.INSERT, 1));
        Intent second = decoded(intent("audit_log", 2, Operation.INSERT, 2));

        MessageOutcome outcome = pipeline.process(List.of(new InboundMessage("all-bad",
                IntentCodec.DEFAULT.encodeAll(List.of(first, second))))).await().indefinitely().outcomes().get(0);

        assertThat(outcome.status()).isEqualTo(Status.REJECTED);
        assertThat(outcome.partlyRejected()).isFalse();
        assertThat(outcome.reason()).isEqualTo("table not configured: shop/audit_log");
        assertThat(outcome.rejectedIntents()).extracting(RejectedIntent::intent).containsExactly(first, second);
    }

    @Test
    void aPackedMessageWithAnIntentToRetryIsRetriedWholeAndStillNamesItsRejectedIntents() {
        transactions.put(500L, TransactionStatus.IN_PROGRESS);
        Intent pending = decoded(intent("orders", 1, Operation.UPDATE, 500, 10));
        Intent unconfigured = decoded(intent("audit_log", 2, Operation.INSERT, 11));

        MessageOutcome outcome = pipeline.process(List.of(new InboundMessage("mixed",
                IntentCodec.DEFAULT.encodeAll(List.of(pending, unconfigured))))).await().indefinitely().outcomes()
                .get(0);

        assertThat(outcome.summary()).isEqualTo(new MessageOutcome("mixed", Status.RETRY,
                "transaction 500 of shop/orders{id=1} is still in progress"));
        assertThat(outcome.rejectedIntents()).containsExactly(
                new RejectedIntent(unconfigured, "table not configured: shop/audit_log"));
    }

    @Test
    void keysTheSourceCannotReadRejectOnlyTheirIntentsInAPackedMessage() {
        unreadableKeys.put(EntityKey.of("id", 2L), "PostgreSQL cannot hold it (SQLSTATE 23514)");
        source.put("orders", Map.of(EntityKey.of("id", 1L), "{\"id\":1}"));
        Intent good = decoded(intent("orders", 1, Operation.UPDATE, 1));
        Intent bad = decoded(intent("orders", 2, Operation.UPDATE, 2));

        MessageOutcome outcome = pipeline.process(List.of(new InboundMessage("packed",
                IntentCodec.DEFAULT.encodeAll(List.of(bad, good, bad))))).await().indefinitely().outcomes().get(0);

        assertThat(outcome.partlyRejected()).isTrue();
        assertThat(outcome.rejectedIntents()).containsExactly(
                new RejectedIntent(bad, "key of shop/orders{id=2}: PostgreSQL cannot hold it (SQLSTATE 23514)"),
                new RejectedIntent(bad, "key of shop/orders{id=2}: PostgreSQL cannot hold it (SQLSTATE 23514)"));
        assertThat(sink.get("read_model.orders")).containsOnlyKeys(EntityKey.of("id", 1L));
    }

    @Test
    void aTableWithMoreEntitiesThanTheCapIsRefreshedInSeveralCallsOneAfterAnother() {
        Map<EntityKey, String> rows = new HashMap<>();
        List<Intent> intents = new ArrayList<>();
        for (long id = 1; id <= 5; id++) {
            rows.put(EntityKey.of("id", id), "{\"id\":" + id + "}");
            intents.add(decoded(intent("orders", id, Operation.UPDATE, 100 + id, 100 + id)));
        }
        source.put("orders", rows);
        ConsumerPipeline capped = new ConsumerPipeline(IntentCodec.DEFAULT, new TableRegistry(List.of(ORDERS)),
                Map.of("shop", mapSource), mapSink, Clock.systemUTC(), 2);

        BatchResult result = capped.process(List.of(new InboundMessage("packed",
                IntentCodec.DEFAULT.encodeAll(intents)))).await().indefinitely();

        assertThat(result.outcomes()).map(MessageOutcome::summary).containsExactly(MessageOutcome.done("packed"));
        assertThat(result).extracting(BatchResult::intents, BatchResult::entities).containsExactly(5, 5);
        assertThat(result.tables()).singleElement().extracting(TableStats::refreshed).isEqualTo(5);
        assertThat(hydrationCalls).containsExactly("orders[{id=1}, {id=2}]", "orders[{id=3}, {id=4}]",
                "orders[{id=5}]");
        // Each read must see the transactions of its own entities, not the whole table's.
        assertThat(freshnessAsked).extracting(Freshness::committedTransactions)
                .containsExactly(Set.of(101L, 102L), Set.of(103L, 104L), Set.of(105L));
        assertThat(sink.get("read_model.orders")).isEqualTo(rows);
    }

    private static Intent decoded(String encoded) {
        return IntentCodec.DEFAULT.decode(encoded);
    }

    /** Time that moves only when told to. */
    private static final class ManualClock extends Clock {

        private long millis = 1_000;

        void advance(long by) {
            millis += by;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException("a test clock in UTC");
        }
    }
}
