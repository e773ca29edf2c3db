package dev.wail.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.wail.consumer.handler.SqsConsumerHandler;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.embedded.TestData;
import dev.wail.emulation.mapping.LambdaEvents;
import dev.wail.testing.RealServicesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Invariants 2 (sinks never regress) and 3 (convergence) under the deliveries a standard SQS queue allows, forced on
 * purpose: after a backfill of every key, writers update and delete a small set of hot rows in PostgreSQL and send each change's intent write-ahead
 * (before their transaction ends, some of which roll back), often twice and often again late; four consumer
 * invocations run at once on overlapping keys while the writers go on. The read model audits itself with a trigger
 * that records every write taking a row to a lower revision or bringing a deleted row back; when the writers stop and
 * the queue drains, the read model must equal the source row by row, deletes included, with no violation recorded.
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
class ConcurrentDeliveryTest {

    private static final String QUEUE = "race-intents";
    private static final int KEYS = 40;
    private static final int FIRST_DELETABLE = 30;
    private static final int WRITERS = 3;
    private static final int CONSUMERS = 4;
    private static final int CHANGES_PER_WRITER = 80;

    @Inject
    SqsConsumerHandler handler;

    @ConfigProperty(name = "test.wail.jdbc-url")
    String jdbcUrl;

    @ConfigProperty(name = "test.wail.sqs-endpoint")
    URI sqsEndpoint;

    private final AtomicInteger intentsSent = new AtomicInteger();
    private final AtomicInteger copiesSent = new AtomicInteger();
    private final AtomicInteger rolledBack = new AtomicInteger();
    private final AtomicInteger invocations = new AtomicInteger();
    private final AtomicInteger reportedFailed = new AtomicInteger();

    @Test
    void theReadModelNeverGoesBackAndEndsEqualToTheSource() throws Exception {
        TestData.execute(jdbcUrl, TestData.resource("/sql/race.sql"));
        try (SqsClient sqs = EmbeddedSqsServer.clientFor(sqsEndpoint)) {
            String queueUrl = sqs.createQueue(b -> b.queueName(QUEUE)
                    .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1"))).queueUrl();
            ExecutorService threads = Executors.newFixedThreadPool(WRITERS + CONSUMERS);
            AtomicBoolean consuming = new AtomicBoolean(true);
            try {
                backfill(sqs, queueUrl);
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int seed = w;
                    writers.add(threads.submit(() -> write(sqs, queueUrl, new Random(seed))));
                }
                List<Future<?>> consumers = new ArrayList<>();
                for (int c = 0; c < CONSUMERS; c++) {
                    consumers.add(threads.submit(() -> consume(sqs, queueUrl, consuming)));
                }
                for (Future<?> writer : writers) {
                    writer.get();
                }
                deleteForSure(sqs, queueUrl, KEYS - 1);

                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> messagesLeft(sqs, queueUrl) == 0);
                consuming.set(false);
                for (Future<?> consumer : consumers) {
                    consumer.get();
                }
            } finally {
                consuming.set(false);
                threads.shutdownNow();
            }
        }

        System.out.printf("concurrent delivery: %d intents + %d duplicate/late copies, %d transactions rolled back,"
                + " %d consumer invocations, %d messages reported failed and redelivered, %s%n", intentsSent.get(),
                copiesSent.get(), rolledBack.get(), invocations.get(), reportedFailed.get(), query(
                        "SELECT string_agg(kind || ' ' || n, ', ') FROM (SELECT kind, count(*) n"
                                + " FROM race_sink.writes GROUP BY kind ORDER BY kind) w") + " sink writes");
        assertThat(query("SELECT coalesce(string_agg(what, '; '), 'none') FROM race_sink.violations"))
                .isEqualTo("none");
        assertThat(query("SELECT count(*)::text FROM race.counters")).isNotEqualTo(String.valueOf(KEYS));
        assertThat(rows("race_sink.counters")).isEqualTo(rows("race.counters"));
        assertThat(query("SELECT count(*)::text FROM race_sink.writes WHERE kind = 'UPDATE'")).isNotEqualTo("0");
        assertThat(query("SELECT count(*)::text FROM wail.dead_letters WHERE disposition = 'REJECTED'"))
                .isEqualTo("0");
    }

    /** One writer: random updates of hot rows and deletes of some, each intent sent before its transaction ends. */
    private void write(SqsClient sqs, String queueUrl, Random random) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
            connection.setAutoCommit(false);
            for (int change = 0; change < CHANGES_PER_WRITER; change++) {
                int id = random.nextInt(KEYS);
                boolean delete = id >= FIRST_DELETABLE && random.nextInt(25) == 0;
                changeAndAnnounce(connection, sqs, queueUrl, random, id, delete);
                if (random.nextInt(8) == 0) {
                    connection.rollback();
                    rolledBack.incrementAndGet();
                } else {
                    connection.commit();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How a read model starts: one intent without a version per existing key. */
    private void backfill(SqsClient sqs, String queueUrl) {
        for (int id = 0; id < KEYS; id++) {
            Intent intent = new Intent("race", "race.counters", EntityKey.of("id", (long) id), Operation.UNKNOWN,
                    VersionHint.NONE, Instant.now());
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(IntentCodec.DEFAULT.encodeToString(intent)));
        }
    }

    private void deleteForSure(SqsClient sqs, String queueUrl, int id) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
            connection.setAutoCommit(false);
            changeAndAnnounce(connection, sqs, queueUrl, new Random(id), id, true);
            connection.commit();
        }
    }

    /** What an {@code aws_lambda} hook does: the intent leaves while the transaction is still open. */
    private void changeAndAnnounce(Connection connection, SqsClient sqs, String queueUrl, Random random, int id,
            boolean delete) throws SQLException {
        String change = delete ? "DELETE FROM race.counters WHERE id = ?"
                : "UPDATE race.counters SET rev = rev + 1, payload = md5(random()::text) WHERE id = ?";
        try (PreparedStatement statement = connection.prepareStatement(change + " RETURNING "
                + "pg_current_xact_id()::text, (pg_current_wal_insert_lsn() - '0/0')::text")) {
            statement.setInt(1, id);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return; // deleted earlier: nothing changed, nothing to announce
                }
                Intent intent = new Intent("race", "race.counters", EntityKey.of("id", (long) id),
                        delete ? Operation.DELETE : Operation.UPDATE,
                        new VersionHint.Postgres(Long.parseUnsignedLong(row.getString(1)),
                                new java.math.BigDecimal(row.getString(2)).longValueExact()),
                        Instant.now());
                send(sqs, queueUrl, random, IntentCodec.DEFAULT.encodeToString(intent));
            }
        }
    }

    /** A standard queue may deliver a message twice and in any order: often send a copy now, or one that comes late. */
    private void send(SqsClient sqs, String queueUrl, Random random, String body) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
        intentsSent.incrementAndGet();
        int copies = random.nextInt(5);
        if (copies == 0) {
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
            copiesSent.incrementAndGet();
        } else if (copies == 1) {
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body).delaySeconds(1));
            copiesSent.incrementAndGet();
        }
    }

    /** One consumer function instance, doing what the event source mapping does around the handler. */
    private void consume(SqsClient sqs, String queueUrl, AtomicBoolean consuming) {
        while (consuming.get()) {
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (messages.isEmpty()) {
                continue;
            }
            SQSBatchResponse response = handler.handleRequest(LambdaEvents.sqsEventObject(QUEUE, messages), null);
            invocations.incrementAndGet();
            Set<String> failed = Set.copyOf(LambdaEvents.failedIds(response));
            reportedFailed.addAndGet(failed.size());
            List<DeleteMessageBatchRequestEntry> done = messages.stream()
                    .filter(m -> !failed.contains(m.messageId()))
                    .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId())
                            .receiptHandle(m.receiptHandle()).build())
                    .toList();
            if (!done.isEmpty()) {
                sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(done));
            }
        }
    }

    private static int messagesLeft(SqsClient sqs, String queueUrl) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return attributes.values().stream().mapToInt(Integer::parseInt).sum();
    }

    private String rows(String table) {
        return query("SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY id), '[]')::text FROM " + table + " t");
    }

    private String query(String sql) {
        return TestData.queryString(jdbcUrl, sql);
    }
}
