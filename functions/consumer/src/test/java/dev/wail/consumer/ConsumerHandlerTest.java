package dev.wail.consumer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wail.consumer.deadletter.DeadLetter;
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
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The SQS handler's promises on real services: write-ahead verification against real transactions, a corpus of bad
 * messages each recorded with its reason while valid neighbours succeed, a source outage that retries instead of
 * rejecting, and one hydration query for a batch of 1,000 intents. What every handler promises (the FIFO group rule
 * among them) is in {@code handler.ConsumerHandlerContract}.
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
class ConsumerHandlerTest {

    @Inject
    SqsConsumerHandler handler;

    @ConfigProperty(name = "test.wail.jdbc-url")
    String jdbcUrl;

    @ConfigProperty(name = "test.wail.sqs-endpoint")
    URI sqsEndpoint;

    @ConfigProperty(name = "quarkus.lambda.mock-event-server.test-port")
    int lambdaPort;

    private SqsClient sqs;

    @BeforeEach
    void setUp() {
        sqs = EmbeddedSqsServer.clientFor(sqsEndpoint);
        execute("""
                CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
                DROP SCHEMA IF EXISTS verify CASCADE;
                CREATE SCHEMA verify;
                CREATE SCHEMA IF NOT EXISTS read_model;
                CREATE TABLE verify.items (id bigint PRIMARY KEY, status text NOT NULL);
                DROP TABLE IF EXISTS read_model.verify_items;
                CREATE TABLE read_model.verify_items (id bigint PRIMARY KEY, status text);
                DELETE FROM wail.dead_letters;
                """);
    }

    @AfterEach
    void tearDown() {
        sqs.close();
    }

    @Test
    void aWriteAheadIntentWaitsForItsTransactionAndARolledBackOneLeavesNothing() throws SQLException {
        try (Connection writer = DriverManager.getConnection(jdbcUrl)) {
            writer.setAutoCommit(false);
            Intent draft = change(writer, "INSERT INTO verify.items VALUES (1, 'draft')", 1);
            List<Message> early = deliver("verify-intents", List.of(encode(draft)));

            SQSBatchResponse whileOpen = invoke("verify-intents", early);
            assertThat(LambdaEvents.failedIds(whileOpen)).containsExactly(early.get(0).messageId());

            writer.rollback();
            SQSBatchResponse afterRollback = invoke("verify-intents", early);
            assertThat(LambdaEvents.failedIds(afterRollback)).isEmpty();
            assertThat(query("SELECT count(*)::text FROM read_model.verify_items")).isEqualTo("0");

            Intent paid = change(writer, "INSERT INTO verify.items VALUES (2, 'paid')", 2);
            List<Message> committed = deliver("verify-intents", List.of(encode(paid)));
            writer.commit();
            assertThat(LambdaEvents.failedIds(invoke("verify-intents", committed))).isEmpty();
        }
        assertThat(query("SELECT jsonb_agg(to_jsonb(r) ORDER BY id)::text FROM read_model.verify_items r"))
                .isEqualTo("[{\"id\": 2, \"status\": \"paid\"}]");
        assertThat(query("SELECT count(*)::text FROM wail.dead_letters")).isEqualTo("0");
    }

    @Test
    void everyBadMessageIsRecordedWithItsReasonWhileItsValidNeighboursSucceed() {
        execute("INSERT INTO verify.items VALUES (7, 'shipped')");
        String valid = "{\"v\":1,\"s\":\"shop\",\"t\":\"verify.items\",\"k\":{\"id\":7},\"o\":\"u\",\"c\":1}";
        Map<String, String> corpus = new java.util.LinkedHashMap<>();
        corpus.put("{not json", "malformed intent: malformed JSON at line 1, column 2: Unexpected character ('n' (code 110)):"
                + " was expecting double-quote to start field name");
        corpus.put("{\"v\":1,\"s\":\"shop\",\"t\":\"verify.items\",\"k\":{\"id\":true},\"c\":1}",
                "malformed intent: field 'k.id': expected a string or an integer, got a boolean");
        corpus.put("{\"v\":1,\"s\":\"shop\",\"t\":\"verify.items\",\"k\":{\"id\":7},\"x\":\"soon\",\"c\":1}",
                "malformed intent: field 'x': expected an unsigned integer, got a string");
        corpus.put("{\"v\":2,\"s\":\"shop\",\"t\":\"verify.items\",\"k\":{\"id\":7},\"c\":1}",
                "malformed intent: field 'v': unsupported format version 2 (this reader understands 1)");
        corpus.put("{\"v\":1,\"s\":\"shop\",\"t\":\"verify.items\",\"k\":{\"id\":\"" + "9".repeat(9000) + "\"},\"c\":1}",
                "malformed intent: an intent is 9057 bytes, over the limit of 8192");
        corpus.put("{\"v\":1,\"s\":\"shop\",\"t\":\"pg_catalog.pg_authid\",\"k\":{\"oid\":10},\"c\":1}",
                "table not configured: shop/pg_catalog.pg_authid");
        corpus.put("{\"v\":1,\"s\":\"shop\",\"t\":\"verify.items; DROP TABLE verify.items; --\",\"k\":{\"id\":7},\"c\":1}",
                "table not configured: shop/verify.items; DROP TABLE verify.items; --");
        corpus.put("{\"v\":1,\"s\":\"shop\",\"t\":\"verify.items\",\"k\":{\"id\":\"7' OR '1'='1\"},\"c\":1}",
                "key of shop/verify.items{id=7' OR '1'='1}: column id is bigint: '7' OR '1'='1' is not an integer");
        corpus.put("{\"v\":1,\"s\":\"shop\",\"t\":\"verify.items\",\"k\":{\"status\":\"x\"},\"c\":1}",
                "key columns [status] of shop/verify.items{status=x} do not match the configured key columns [id]");
        List<String> bodies = new ArrayList<>(corpus.keySet());
        bodies.add(3, valid);
        List<Message> messages = deliver("corpus-intents", bodies);

        List<String> failed = given().contentType(ContentType.JSON)
                .body(LambdaEvents.sqsEvent("corpus-intents", messages))
                .when().post("http://localhost:" + lambdaPort + "/_lambda_")
                .then().statusCode(200).extract().jsonPath().getList("batchItemFailures.itemIdentifier");

        String validId = messages.stream().filter(m -> m.body().equals(valid)).findFirst().orElseThrow().messageId();
        assertThat(failed).hasSize(corpus.size()).doesNotContain(validId);
        assertThat(query("SELECT jsonb_agg(to_jsonb(r))::text FROM read_model.verify_items r"))
                .isEqualTo("[{\"id\": 7, \"status\": \"shipped\"}]");
        assertThat(query("SELECT count(*)::text FROM verify.items")).isEqualTo("1");
        List<DeadLetter> letters = deadLetters("corpus-intents");
        assertThat(letters).hasSize(corpus.size()).allSatisfy(letter -> {
            assertThat(letter.disposition).isEqualTo(DeadLetter.Disposition.REJECTED);
            assertThat(letter.reason).isEqualTo(corpus.get(letter.body));
        });
    }

    @Test
    void aSourceOutageRetriesItsMessagesAndRecordsThemOnlyOnTheirLastReceive() {
        execute("INSERT INTO verify.items VALUES (3, 'up')");
        String down = "{\"v\":1,\"s\":\"down\",\"t\":\"orders\",\"k\":{\"id\":3},\"c\":1}";
        String up = "{\"v\":1,\"s\":\"shop\",\"t\":\"verify.items\",\"k\":{\"id\":3},\"c\":1}";
        String queueUrl = sqs.createQueue(b -> b.queueName("outage-intents")
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "0"))).queueUrl();
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(down));
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(up));

        List<Message> first = receiveOnce(queueUrl);
        SQSBatchResponse[] response = new SQSBatchResponse[1];
        List<JsonNode> firstMetrics = printedMetrics(() -> response[0] = invoke("outage-intents", first));
        String downId = first.stream().filter(m -> m.body().equals(down)).findFirst().orElseThrow().messageId();
        assertThat(LambdaEvents.failedIds(response[0])).containsExactly(downId);
        assertThat(deadLetters("outage-intents")).isEmpty();
        assertThat(batchMetric(firstMetrics, "Retried")).isEqualTo(1);
        assertThat(batchMetric(firstMetrics, "DeadLettered")).isZero();

        List<JsonNode> lastMetrics = List.of();
        for (int receive = 2; receive <= 3; receive++) {
            List<Message> again = receiveOnce(queueUrl);
            assertThat(again).extracting(Message::messageId).contains(downId);
            lastMetrics = printedMetrics(() -> response[0] = invoke("outage-intents", again));
            assertThat(LambdaEvents.failedIds(response[0])).containsExactly(downId);
        }
        // The third receive is the queue's last: SQS moves the message to the dead-letter queue next.
        assertThat(batchMetric(lastMetrics, "DeadLettered")).isEqualTo(1);
        assertThat(deadLetters("outage-intents")).singleElement().satisfies(letter -> {
            assertThat(letter.disposition).isEqualTo(DeadLetter.Disposition.RETRY);
            assertThat(letter.reason).startsWith("table down/orders failed:").contains("Connection refused");
            assertThat(letter.body).isEqualTo(down);
        });
        assertThat(query("SELECT jsonb_agg(to_jsonb(r))::text FROM read_model.verify_items r"))
                .isEqualTo("[{\"id\": 3, \"status\": \"up\"}]");
    }

    @Test
    void aBatchOfAThousandIntentsForOneTableIsHydratedWithOneQuery() {
        execute("INSERT INTO verify.items SELECT g, 'item ' || g FROM generate_series(1, 1000) g");
        invoke("bulk-intents", List.of(message("warm-up", 1)));
        execute("SELECT pg_stat_statements_reset()");
        List<Message> messages = new ArrayList<>();
        for (int id = 1; id <= 1000; id++) {
            messages.add(message("m" + id, id));
        }

        assertThat(LambdaEvents.failedIds(invoke("bulk-intents", messages))).isEmpty();

        assertThat(query("SELECT sum(calls)::text FROM pg_stat_statements WHERE query LIKE '%FROM \"verify\".\"items\"%'"))
                .isEqualTo("1");
        assertThat(query("SELECT count(*)::text FROM read_model.verify_items")).isEqualTo("1000");
        assertThat(query("SELECT status FROM read_model.verify_items WHERE id = 777")).isEqualTo("item 777");
    }

    private static Message message(String id, long key) {
        return Message.builder().messageId(id).receiptHandle(id).body("{\"v\":1,\"s\":\"shop\",\"t\":\"verify.items\","
                + "\"k\":{\"id\":" + key + "},\"c\":1}").attributesWithStrings(Map.of("ApproximateReceiveCount", "1"))
                .build();
    }

    /** A change in the writer's open transaction, and the intent an aws_lambda hook would send for it right away. */
    private static Intent change(Connection writer, String sql, long id) throws SQLException {
        try (ResultSet row = writer.createStatement().executeQuery(sql + " RETURNING pg_current_xact_id()::text,"
                + " (pg_current_wal_insert_lsn() - '0/0')::text")) {
            row.next();
            return new Intent("shop", "verify.items", EntityKey.of("id", id), Operation.INSERT,
                    new VersionHint.Postgres(Long.parseUnsignedLong(row.getString(1)),
                            new BigDecimal(row.getString(2)).longValueExact()), Instant.now());
        }
    }

    private static String encode(Intent intent) {
        return IntentCodec.DEFAULT.encodeToString(intent);
    }

    private List<Message> deliver(String queue, List<String> bodies) {
        String queueUrl = sqs.createQueue(b -> b.queueName(queue)).queueUrl();
        bodies.forEach(body -> sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body)));
        List<Message> messages = receiveAll(queueUrl);
        assertThat(messages).hasSize(bodies.size());
        return messages;
    }

    /** One receive: on a queue with no visibility timeout, every receive returns the same messages again. */
    private List<Message> receiveOnce(String queueUrl) {
        return sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
    }

    private List<Message> receiveAll(String queueUrl) {
        List<Message> messages = new ArrayList<>();
        List<Message> received;
        do {
            received = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            messages.addAll(received);
        } while (!received.isEmpty() && messages.size() < 10_000);
        return messages;
    }

    /**
     * Runs an invocation with standard output captured and returns the EMF documents the function printed there, as
     * Lambda would ship them to CloudWatch.
     */
    private static List<JsonNode> printedMetrics(Runnable invocation) {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            invocation.run();
        } finally {
            System.setOut(original);
        }
        ObjectMapper json = new ObjectMapper();
        return printed.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("{") && line.contains("\"_aws\""))
                .map(line -> {
                    try {
                        return json.readTree(line);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).toList();
    }

    /** A metric of the batch's document (dimension Function). */
    private static double batchMetric(List<JsonNode> documents, String metric) {
        return documents.stream().filter(d -> d.has("Function")).findFirst()
                .orElseThrow(() -> new AssertionError("no batch metrics in " + documents)).get(metric).asDouble();
    }

    private SQSBatchResponse invoke(String queue, List<Message> messages) {
        return handler.handleRequest(LambdaEvents.sqsEventObject(queue, messages), null);
    }


    private static List<DeadLetter> deadLetters(String queue) throws RuntimeException {
        try {
            return VertxContextSupport.subscribeAndAwait(() -> io.quarkus.hibernate.reactive.panache.Panache
                    .withSession(() -> DeadLetter.<DeadLetter>find("log = ?1 order by lastSeenAt desc, id desc",
                            EmbeddedSqsServer.queueArn(queue)).list()));
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private void execute(String sql) {
        TestData.execute(jdbcUrl, sql);
    }

    private String query(String sql) {
        return TestData.queryString(jdbcUrl, sql);
    }
}
