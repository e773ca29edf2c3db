package dev.wail.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.IntentLimits;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.log.IntentLog;
import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.EmbeddedKinesisServer;
import dev.wail.embedded.EmbeddedPostgresServer;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.embedded.TestData;
import dev.wail.producer.log.KinesisIntentLog;
import dev.wail.producer.log.RetryPolicy;
import dev.wail.producer.log.SqsIntentLog;
import dev.wail.producer.outbox.DrainObserver;
import dev.wail.producer.outbox.DrainReport;
import dev.wail.producer.outbox.OutboxDrain;
import dev.wail.testing.RealServices;
import io.vertx.mutiny.sqlclient.Pool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Outbox rows through the real drain to a real SQS API (ElasticMQ) and a real Kinesis API (kinesis-mock). */
@RealServices
class OutboxDrainTest {

    private final EmbeddedPostgresServer postgres;
    private final EmbeddedSqsServer sqs;
    private final EmbeddedKinesisServer kinesis;
    private EmbeddedPostgresServer.ReactivePool reactive;
    private Pool pool;

    OutboxDrainTest(EmbeddedPostgresServer postgres, EmbeddedSqsServer sqs, EmbeddedKinesisServer kinesis) {
        this.postgres = postgres;
        this.sqs = sqs;
        this.kinesis = kinesis;
    }

    @BeforeEach
    void setUp() {
        DrainSetUp.capturedTableAndEmptyOutbox(postgres, "drain_orders");
        reactive = postgres.openReactivePool(4);
        pool = reactive.pool();
    }

    @AfterEach
    void tearDown() {
        reactive.close();
    }

    private List<Message> receiveAll(String queueUrl) {
        return TestData.receiveAll(sqs.client(), queueUrl);
    }

    private long count(String table) throws SQLException {
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void committedChangesReachTheQueueAsOneIntentPerMessageAndLeaveTheOutbox() throws SQLException {
        String queue = sqs.createQueue("drain-standard");
        postgres.execute("INSERT INTO drain_orders SELECT g, 'new' FROM generate_series(1, 25) g;"
                + "UPDATE drain_orders SET status = 'paid' WHERE id <= 5");
        OutboxDrain drain = new OutboxDrain(pool, new SqsIntentLog(sqs.client(), queue, 3, Duration.ofMillis(10)), 100);

        DrainReport report = drain.drainOnce().await().indefinitely();

        assertThat(report).isEqualTo(new DrainReport(2, 30, 0, 0));
        assertThat(count("wail.outbox")).isZero();
        List<Intent> received = receiveAll(queue).stream()
                .map(m -> IntentCodec.DEFAULT.decode(m.body())).toList();
        assertThat(received).hasSize(30);
        assertThat(received).filteredOn(i -> i.operation() == Operation.UPDATE)
                .extracting(i -> i.key().value(0)).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
        assertThat(received).filteredOn(i -> i.operation() == Operation.INSERT).hasSize(25);
    }

    @Test
    void committedChangesReachAKinesisStreamKeyedByEntityAndLeaveTheOutbox() throws SQLException {
        kinesis.createStream("drain-orders", 2);
        postgres.execute("INSERT INTO drain_orders SELECT g, 'new' FROM generate_series(1, 25) g;"
                + "UPDATE drain_orders SET status = 'paid' WHERE id <= 5;"
                + "DELETE FROM drain_orders WHERE id = 25");
        IntentLog log = new KinesisIntentLog(kinesis.client(), "drain-orders",
                new RetryPolicy(3, Duration.ofMillis(10)));
        OutboxDrain drain = new OutboxDrain(pool, log, 100);

        DrainReport report = drain.drainOnce().await().indefinitely();

        assertThat(report).isEqualTo(new DrainReport(3, 31, 0, 0));
        assertThat(count("wail.outbox")).isZero();
        List<Record> records = kinesis.records("drain-orders");
        assertThat(records).allSatisfy(r -> assertThat(r.partitionKey())
                .isEqualTo(IntentCodec.entityId(IntentCodec.DEFAULT.decode(r.data().asUtf8String()).entity())));
        List<Intent> received = records.stream().map(r -> IntentCodec.DEFAULT.decode(r.data().asUtf8String()))
                .toList();
        assertThat(received).allSatisfy(i -> assertThat(i.table()).isEqualTo("drain_orders"));
        assertThat(received).filteredOn(i -> i.operation() == Operation.INSERT).extracting(i -> i.key().value(0))
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 25).boxed().toList());
        assertThat(received).filteredOn(i -> i.operation() == Operation.UPDATE).extracting(i -> i.key().value(0))
                .containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
        assertThat(received).filteredOn(i -> i.operation() == Operation.DELETE).extracting(i -> i.key().value(0))
                .containsExactly(25L);
    }

    @Test
    void fifoMessagesAreGroupedByEntityAndDeduplicatedByIntentId() {
        String queue = sqs.createQueue("drain-orders.fifo");
        postgres.execute("INSERT INTO drain_orders VALUES (1, 'new'), (2, 'new');"
                + "UPDATE drain_orders SET status = 'paid' WHERE id = 1");
        OutboxDrain drain = new OutboxDrain(pool, new SqsIntentLog(sqs.client(), queue, 3, Duration.ofMillis(10)), 100);

        drain.drainOnce().await().indefinitely();
        List<Message> messages = receiveAll(queue);

        assertThat(messages).hasSize(3).allSatisfy(m -> {
            Intent intent = IntentCodec.DEFAULT.decode(m.body());
            assertThat(m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
                    .isEqualTo(IntentCodec.entityId(intent.entity()));
            assertThat(m.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)).isEqualTo(IntentCodec.idOf(intent));
        });
        assertThat(messages).extracting(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
                .containsOnly(IntentCodec.entityId(new dev.wail.core.intent.Entity("shop", "drain_orders",
                        EntityKey.of("id", 1L))), IntentCodec.entityId(new dev.wail.core.intent.Entity("shop",
                        "drain_orders", EntityKey.of("id", 2L))));
    }

    @Test
    void anUnreadablePayloadIsSetAsideWithItsReasonAndDoesNotHoldUpTheOthers() throws SQLException {
        String queue = sqs.createQueue("drain-bad-payload");
        postgres.execute("INSERT INTO wail.outbox (payload) VALUES ('{\"wail\":1,\"s\":\"shop\",\"kc\":7}');"
                + "INSERT INTO drain_orders VALUES (1, 'new')");
        OutboxDrain drain = new OutboxDrain(pool, new SqsIntentLog(sqs.client(), queue, 3, Duration.ofMillis(10)), 100);

        DrainReport report = drain.drainOnce().await().indefinitely();

        assertThat(report).isEqualTo(new DrainReport(2, 1, 1, 0));
        assertThat(receiveAll(queue)).hasSize(1);
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT reason FROM wail.outbox_rejected")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo("hook payload field 'kc': expected an array of key column names");
        }
        assertThat(count("wail.outbox")).isZero();
    }

    @Test
    void aPayloadWithOneBadKeyAppendsItsGoodKeysAndRecordsOnlyTheBadOneWithItsReason() throws SQLException {
        String queue = sqs.createQueue("drain-bad-key");
        String header = "{\"wail\":1,\"s\":\"shop\",\"t\":\"drain_codes\",\"cv\":2,\"o\":\"u\",\"x\":752345,"
                + "\"l\":439041101,\"c\":1764034800123,\"kc\":[\"code\"],";
        String tooLong = "x".repeat(3000);
        // Key entry k[2] holds a value the consumer's codec would reject (over 2,048 characters).
        postgres.execute("INSERT INTO wail.outbox (payload) VALUES ('" + header
                + "\"k\":[[\"A-1\"],[\"A-2\"],[\"" + tooLong + "\"],[\"B-1\"],[\"B-2\"]]}')");
        OutboxDrain drain = new OutboxDrain(pool, new SqsIntentLog(sqs.client(), queue, 3, Duration.ofMillis(10)), 100);

        DrainReport report = drain.drainOnce().await().indefinitely();

        assertThat(report).isEqualTo(new DrainReport(1, 4, 0, 0, 1));
        Instant at = Instant.ofEpochMilli(1_764_034_800_123L);
        assertThat(receiveAll(queue)).extracting(m -> IntentCodec.DEFAULT.decode(m.body()))
                .containsExactlyInAnyOrderElementsOf(Stream.of("A-1", "A-2", "B-1", "B-2")
                        .map(code -> new Intent("shop", "drain_codes", EntityKey.of("code", code), Operation.UPDATE,
                                new VersionHint.Postgres(752_345L, 439_041_101L), at, 2))
                        .toList());
        assertThat(count("wail.outbox")).isZero();
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT id, payload, reason FROM wail.outbox_rejected")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString("payload")).isEqualTo(header + "\"k\":[[\"" + tooLong + "\"]]}");
            assertThat(r.getString("reason")).isEqualTo("hook payload field 'k[2][0]': key column 'code': a key value "
                    + "must be at most 2048 characters, got 3000");
            assertThat(r.next()).isFalse();
        }
    }

    @Test
    void aKeyValueOverTheIntentLimitNeverFailsTheWriteAndIsRecordedAsRejectedWhenDrained() throws SQLException {
        String queue = sqs.createQueue("drain-long-key");
        String tooLong = "y".repeat(IntentLimits.MAX_KEY_VALUE_CHARS + 1);
        postgres.execute("DROP TABLE IF EXISTS public.drain_codes;"
                + "CREATE TABLE public.drain_codes (code text PRIMARY KEY);"
                + "SELECT wail.capture('public.drain_codes', source => 'shop');"
                + "INSERT INTO drain_codes VALUES ('A-1'), ('" + tooLong + "'), ('B-1')");
        assertThat(count("drain_codes")).as("the write is not refused").isEqualTo(3);
        OutboxDrain drain = new OutboxDrain(pool, new SqsIntentLog(sqs.client(), queue, 3, Duration.ofMillis(10)), 100);

        DrainReport report = drain.drainOnce().await().indefinitely();

        assertThat(report).isEqualTo(new DrainReport(1, 2, 0, 0, 1));
        assertThat(receiveAll(queue)).extracting(m -> IntentCodec.DEFAULT.decode(m.body()))
                .extracting(i -> i.table() + " " + i.operation() + " " + i.key())
                .containsExactlyInAnyOrder("drain_codes INSERT {code=A-1}", "drain_codes INSERT {code=B-1}");
        assertThat(count("wail.outbox")).isZero();
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT payload::json->'k', reason FROM wail.outbox_rejected")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getString(1)).isEqualTo("[[\"" + tooLong + "\"]]");
            assertThat(r.getString("reason")).isEqualTo("hook payload field 'k[1][0]': key column 'code': a key value "
                    + "must be at most 2048 characters, got 2049");
            assertThat(r.next()).isFalse();
        }
    }

    @Test
    void rowsStayInTheOutboxWhenTheLogRefusesTheirIntents() throws SQLException {
        // A queue that does not exist: every SendMessageBatch call fails, nothing may be deleted.
        String missing = sqs.endpoint() + "/" + EmbeddedSqsServer.ACCOUNT + "/no-such-queue";
        postgres.execute("INSERT INTO drain_orders VALUES (1, 'new'), (2, 'new')");
        OutboxDrain drain = new OutboxDrain(pool, new SqsIntentLog(sqs.client(), missing, 2, Duration.ofMillis(5)), 100);

        DrainReport report = drain.drainOnce().await().indefinitely();

        assertThat(report).isEqualTo(new DrainReport(1, 0, 0, 1));
        assertThat(count("wail.outbox")).isEqualTo(1);
    }

    @Test
    void concurrentDrainersSendEveryIntentExactlyOnce() throws Exception {
        String queue = sqs.createQueue("drain-concurrent");
        // 400 single-row statements: 400 outbox rows for four drainers to compete over, 20 rows per transaction.
        StringBuilder writes = new StringBuilder();
        for (int id = 1; id <= 400; id++) {
            writes.append("INSERT INTO drain_orders VALUES (").append(id).append(", 'new');");
        }
        postgres.execute(writes.toString());
        SqsIntentLog log = new SqsIntentLog(sqs.client(), queue, 3, Duration.ofMillis(10));
        List<OutboxDrain> drainers = IntStream.range(0, 4)
                .mapToObj(i -> new OutboxDrain(pool, log, 20)).toList();

        List<DrainReport> reports = new ArrayList<>();
        // One drain first, alone: SmallRye context propagation initializes lazily and two threads doing it at once
        // fail with "ContextManagerProvider already set" when a Quarkus test ran earlier in this JVM.
        reports.add(drainers.get(0).drainOnce().await().indefinitely());
        ExecutorService threads = Executors.newFixedThreadPool(drainers.size());
        try {
            for (Future<DrainReport> report : threads.invokeAll(drainers.stream()
                    .map(d -> (Callable<DrainReport>) () -> d.drainUntilEmpty(Long.MAX_VALUE)).toList())) {
                reports.add(report.get());
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(reports.stream().mapToInt(DrainReport::intents).sum()).isEqualTo(400);
        assertThat(reports).allSatisfy(r -> assertThat(r.retainedRows()).isZero());
        assertThat(count("wail.outbox")).isZero();
        assertThat(receiveAll(queue)).extracting(m -> IntentCodec.DEFAULT.decode(m.body()).key().value(0))
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 400).boxed().toList());
    }

    @Test
    void drainUntilKeepsPollingAndSendsAChangeCommittedWhileItRuns() throws Exception {
        String queue = sqs.createQueue("drain-polling");
        OutboxDrain drain = new OutboxDrain(pool, new SqsIntentLog(sqs.client(), queue, 3, Duration.ofMillis(10)), 100,
                2, Duration.ofMillis(20));
        drain.drainOnce().await().indefinitely();
        long deadline = System.currentTimeMillis() + 10_000;
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<DrainReport> running = thread.submit(() -> drain.drainUntil(deadline));
            List<Intent> sent = new ArrayList<>();
            for (long id : new long[] {6, 7}) {
                postgres.execute("INSERT INTO drain_orders VALUES (" + id + ", 'new')");
                // Sent while the same call is still polling, without another invocation: 7 after 6 was sent.
                await().atMost(Duration.ofSeconds(4)).untilAsserted(() -> {
                    receiveAll(queue).forEach(m -> sent.addAll(IntentCodec.DEFAULT.decodeAll(m.body())));
                    assertThat(sent).extracting(i -> i.key().value(0)).contains(id);
                });
            }
            assertThat(running.isDone()).isFalse();
            DrainReport report = running.get();

            assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(deadline);
            assertThat(sent).extracting(i -> i.key().value(0)).containsExactly(6L, 7L);
            assertThat(report.rows()).isEqualTo(2);
            assertThat(report.intents()).isEqualTo(2);
            // About 10 s of polls every 20 ms, less those that found a row: many idle polls, and no busy loop.
            assertThat(report.idlePolls()).isBetween(20, 10_000 / 20);
            assertThat(count("wail.outbox")).isZero();
        } finally {
            thread.shutdownNow();
        }
    }

    @Test
    void theObserverIsToldOfEachTransactionWithWhatItDidAndItsTimes() {
        String queue = sqs.createQueue("drain-observed");
        // 25 statements, so 25 outbox rows (the hook writes one row per statement).
        postgres.execute("DO $$ BEGIN FOR i IN 1..25 LOOP INSERT INTO drain_orders VALUES (i, 'new'); END LOOP; END $$");
        List<DrainObserver.Transaction> seen = new CopyOnWriteArrayList<>();
        OutboxDrain drain = new OutboxDrain(pool, new SqsIntentLog(sqs.client(), queue, 3, Duration.ofMillis(10)), 10,
                2, Duration.ZERO, seen::add);

        DrainReport report = drain.drainUntilEmpty(System.currentTimeMillis() + 30_000);

        assertThat(report.intents()).isEqualTo(25);
        // Every transaction, the helpers' included: 10 + 10 + 5 rows, perhaps an empty one a helper found too late.
        assertThat(seen).extracting(t -> t.report().rows()).filteredOn(rows -> rows > 0)
                .containsExactlyInAnyOrder(10, 10, 5);
        assertThat(seen.stream().map(DrainObserver.Transaction::report).reduce(DrainReport.EMPTY, DrainReport::plus))
                .isEqualTo(new DrainReport(25, 25, 0, 0));
        assertThat(seen).allSatisfy(t -> {
            assertThat(t.endNanos()).isGreaterThan(t.startNanos());
            assertThat(t.appendNanos()).isNotNegative().isLessThanOrEqualTo(t.endNanos() - t.startNanos());
        });
        assertThat(seen).filteredOn(t -> t.report().intents() > 0).allSatisfy(t -> assertThat(t.appendNanos())
                .as("a send to ElasticMQ takes time").isPositive());

        seen.clear();
        assertThat(drain.drainOnce().await().indefinitely()).isEqualTo(DrainReport.EMPTY);
        assertThat(seen).as("an idle poll is a transaction too").extracting(DrainObserver.Transaction::report)
                .containsExactly(DrainReport.EMPTY);
    }

    @Test
    void concurrentSendsKeepTheRowsOfAFailedSendAndDeleteOnlyRowsWhoseIntentsWereAccepted() throws Exception {
        String queue = sqs.createQueue("drain-in-flight");
        String missing = sqs.endpoint() + "/" + EmbeddedSqsServer.ACCOUNT + "/no-such-queue";
        StringBuilder writes = new StringBuilder();
        for (int id = 1; id <= 200; id++) {
            writes.append("INSERT INTO drain_orders VALUES (").append(id).append(", 'new');");
        }
        postgres.execute(writes.toString());
        SqsIntentLog good = new SqsIntentLog(sqs.client(), queue, 2, Duration.ofMillis(5));
        SqsIntentLog failing = new SqsIntentLog(sqs.client(), missing, 2, Duration.ofMillis(5));
        // Append 4 goes to a queue that does not exist (a real refusal by the service). Appends 1 (the drain alone) and
        // 2 (the first batch, which starts the helpers) run alone; from append 3 on, each waits until another one is
        // in flight, so the drain must run its sends concurrently to finish at all.
        AtomicInteger appends = new AtomicInteger();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        List<Long> refusedKeys = java.util.Collections.synchronizedList(new ArrayList<>());
        IntentLog log = intents -> {
            int call = appends.incrementAndGet();
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                if (call >= 3) {
                    await().atMost(Duration.ofSeconds(5)).until(() -> mostInFlight.get() > 1);
                }
                if (call == 4) {
                    intents.forEach(i -> refusedKeys.add((Long) i.key().value(0)));
                    return failing.append(intents);
                }
                return good.append(intents);
            } finally {
                inFlight.decrementAndGet();
            }
        };
        OutboxDrain drain = new OutboxDrain(pool, log, 20, 4, Duration.ofMillis(10));
        // Alone first: see concurrentDrainersSendEveryIntentExactlyOnce.
        DrainReport first = drain.drainOnce().await().indefinitely();

        DrainReport report = first.plus(drain.drainUntilEmpty(System.currentTimeMillis() + 30_000));

        assertThat(mostInFlight.get()).isGreaterThan(1);
        List<Long> sent = receiveAll(queue).stream()
                .flatMap(m -> IntentCodec.DEFAULT.decodeAll(m.body()).stream()).map(i -> (Long) i.key().value(0))
                .toList();
        List<Long> kept = keysLeftInTheOutbox();
        // The refused rows stayed in the outbox (retainedRows), then were either taken again by another transaction
        // of the same drain and sent, or are still there; no row is both sent and still in the outbox, none is lost.
        assertThat(refusedKeys).hasSize(20);
        assertThat(Stream.concat(sent.stream(), kept.stream())).containsAll(refusedKeys);
        assertThat(sent).doesNotHaveDuplicates();
        assertThat(kept).noneMatch(sent::contains);
        assertThat(Stream.concat(sent.stream(), kept.stream()))
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 200).boxed().toList());
        assertThat(report.retainedRows()).isEqualTo(20);
        assertThat(report.intents()).isEqualTo(sent.size());

        // The kept rows go out with the next drain, and then every row has been sent exactly once.
        assertThat(drain.drainUntilEmpty(System.currentTimeMillis() + 30_000).intents()).isEqualTo(kept.size());
        assertThat(count("wail.outbox")).isZero();
        assertThat(Stream.concat(sent.stream(), receiveAll(queue).stream()
                        .flatMap(m -> IntentCodec.DEFAULT.decodeAll(m.body()).stream())
                        .map(i -> (Long) i.key().value(0))))
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 200).boxed().toList());
    }

    /** The keys of the outbox's rows, read back from their payloads (one key per row here). */
    private List<Long> keysLeftInTheOutbox() throws SQLException {
        List<Long> keys = new ArrayList<>();
        try (Connection c = postgres.dataSource().getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT wail.outbox_payload(o) FROM wail.outbox o")) {
            while (r.next()) {
                dev.wail.producer.hook.HookPayloadReader.readEach(r.getString(1)).intents()
                        .forEach(i -> keys.add((Long) i.key().value(0)));
            }
        }
        return keys;
    }

    @Test
    void sendMessageBatchCallsRespectTheTenEntryLimit() {
        String queue = sqs.createQueue("drain-many", Map.of());
        postgres.execute("INSERT INTO drain_orders SELECT g, 'new' FROM generate_series(1, 95) g");
        OutboxDrain drain = new OutboxDrain(pool, new SqsIntentLog(sqs.client(), queue, 3, Duration.ofMillis(10)), 100);

        assertThat(drain.drainOnce().await().indefinitely().intents()).isEqualTo(95);
        assertThat(receiveAll(queue)).extracting(m -> IntentCodec.DEFAULT.decode(m.body()).key().value(0))
                .doesNotHaveDuplicates().hasSize(95);
    }
}
