package dev.wail.consumer.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of a consumer handler, written once and run against every event source (a subclass per handler, on
 * the real log service and the embedded PostgreSQL): every message gets its outcome; the response makes the event
 * source deliver again exactly what failed (by its own rule); a rejected message is recorded with its reason and
 * leaves the log, a packed one with only its rejected intents; after a failure, the later messages of its group wait;
 * the invocation's deadline is kept; the batch metrics count what the response reports.
 *
 * <p>A subclass brings the log: how entries are appended and read back ({@link #deliver}), and what its event source
 * delivers again after a response ({@link Delivered#invoke}).
 */
abstract class ConsumerHandlerContract {

    /** A message to append: its body and its group (SQS FIFO message group, Kinesis partition key). */
    protected record Entry(String group, String body) {
    }

    /** Entries appended to the log and read back, as the event source mapping would hand them to the handler. */
    protected interface Delivered {

        /** The records' ids (SQS message id, Kinesis sequence number), in the order of the entries appended. */
        List<String> ids();

        /**
         * Runs the handler on the event built from the records read back.
         *
         * @return the ids the event source delivers again after the handler's response, by the source's own rule
         */
        Set<String> invoke(Context context);
    }

    protected static final String MALFORMED = "{\"v\":1,\"s\":\"shop\",\"t\":\"contract.items\"";
    protected static final String MALFORMED_REASON = "malformed intent: malformed JSON at line 1, column 39:"
            + " Unexpected end-of-input: expected close marker for Object (start marker at [Source: REDACTED"
            + " (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])";
    /** A source whose database is down (see application.properties): a transient failure. */
    protected static final String SOURCE_DOWN = "{\"v\":1,\"s\":\"down\",\"t\":\"orders\",\"k\":{\"id\":1},\"c\":1}";
    protected static final String UNCONFIGURED = "{\"v\":1,\"s\":\"shop\",\"t\":\"contract.nowhere\","
            + "\"k\":{\"id\":1},\"c\":1}";

    @ConfigProperty(name = "test.wail.jdbc-url")
    String jdbcUrl;

    /** Appends the entries, in order, and reads them back. */
    protected abstract Delivered deliver(List<Entry> entries);

    /** The log's ARN, under which dead letters are recorded. */
    protected abstract String logArn();

    /**
     * The ids the event source delivers again when the handler reports {@code failed}: SQS delivers those; a Kinesis
     * shard delivers everything from the first of them on.
     */
    protected abstract Set<String> deliveredAgain(List<String> ids, Set<String> failed);

    /**
     * The {@code Retried} metric when the first message of a group fails and a later one of the same group is done:
     * SQS FIFO retries both (2); Kinesis retries the first and its shard redelivers the rest by itself (1).
     */
    protected abstract long retriedAfterAFailureInItsGroup();

    @BeforeEach
    void freshTables() {
        TestData.execute(jdbcUrl, """
                DROP SCHEMA IF EXISTS contract CASCADE;
                CREATE SCHEMA contract;
                CREATE SCHEMA IF NOT EXISTS read_model;
                CREATE TABLE contract.items (id bigint PRIMARY KEY, status text NOT NULL);
                INSERT INTO contract.items VALUES (1, 'one'), (2, 'two'), (3, 'three');
                DROP TABLE IF EXISTS read_model.contract_items;
                CREATE TABLE read_model.contract_items (id bigint PRIMARY KEY, status text);
                """);
    }

    @Test
    void everyMessageGetsItsOutcomeAndOnlyWhatFailedComesAgain() {
        Delivered delivered = deliver(List.of(new Entry("a", item(1)), new Entry("b", MALFORMED),
                new Entry("c", item(2)), new Entry("d", SOURCE_DOWN), new Entry("e", item(3))));
        List<String> ids = delivered.ids();

        List<JsonNode> metrics = new ArrayList<>();
        Set<String> again = printedMetrics(metrics, () -> delivered.invoke(null));

        assertThat(again).isEqualTo(deliveredAgain(ids, Set.of(ids.get(3))));
        assertThat(readModel()).isEqualTo(
                "[{\"id\": 1, \"status\": \"one\"}, {\"id\": 2, \"status\": \"two\"}, {\"id\": 3, \"status\": \"three\"}]");
        assertThat(deadLetters("REJECTED")).isEqualTo(ids.get(1) + " " + MALFORMED + ": " + MALFORMED_REASON);
        assertThat(batchMetrics(metrics)).isEqualTo("Messages=5 Rejected=1 Retried=1 DeadLettered=1");
    }

    @Test
    void aPackedMessageRejectedInPartIsDoneWithOnlyItsRejectedIntentsRecorded() {
        String packed = "[" + item(1) + "," + UNCONFIGURED + "," + item(2) + "]";
        Delivered delivered = deliver(List.of(new Entry("a", packed)));

        List<JsonNode> metrics = new ArrayList<>();
        Set<String> again = printedMetrics(metrics, () -> delivered.invoke(null));

        assertThat(again).isEmpty();
        assertThat(readModel()).isEqualTo("[{\"id\": 1, \"status\": \"one\"}, {\"id\": 2, \"status\": \"two\"}]");
        assertThat(deadLetters("REJECTED")).isEqualTo(delivered.ids().get(0) + " "
                + IntentCodec.DEFAULT.encodeAll(List.of(IntentCodec.DEFAULT.decode(UNCONFIGURED)))
                + ": 1 of 3 intents rejected (the others are done): table not configured: shop/contract.nowhere");
        assertThat(batchMetrics(metrics)).isEqualTo("Messages=1 Rejected=1 Retried=0 DeadLettered=1");
    }

    @Test
    void afterAFailureTheLaterMessagesOfItsGroupComeAgainAndRetriedCountsThem() {
        Delivered delivered = deliver(List.of(new Entry("g1", SOURCE_DOWN),
                new Entry("g2", item(2)), new Entry("g1", item(1))));
        List<String> ids = delivered.ids();

        List<JsonNode> metrics = new ArrayList<>();
        Set<String> again = printedMetrics(metrics, () -> delivered.invoke(null));

        assertThat(again).isEqualTo(deliveredAgain(ids, Set.of(ids.get(0), ids.get(2))));
        assertThat(readModel()).contains("{\"id\": 2, \"status\": \"two\"}");
        assertThat(batchMetrics(metrics)).isEqualTo("Messages=3 Rejected=0 Retried=" + retriedAfterAFailureInItsGroup()
                + " DeadLettered=0");
    }

    @Test
    void nearTheDeadlineTheHandlerStopsWaitingAndEveryUnfinishedMessageComesAgain() throws SQLException {
        Delivered delivered = deliver(List.of(new Entry("a", item(1)), new Entry("b", item(2))));
        Duration remaining = BatchSkeleton.DEADLINE_MARGIN.plusMillis(700);
        try (Connection blocker = DriverManager.getConnection(jdbcUrl)) {
            // The sink cannot write while another transaction holds the read model's table.
            blocker.setAutoCommit(false);
            blocker.createStatement().execute("LOCK TABLE read_model.contract_items IN ACCESS EXCLUSIVE MODE");

            List<JsonNode> metrics = new ArrayList<>();
            long started = System.nanoTime();
            Set<String> again = printedMetrics(metrics,
                    () -> delivered.invoke(InvocationContext.remaining(remaining)));
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(took).isLessThan(remaining);
            assertThat(again).containsExactlyInAnyOrderElementsOf(delivered.ids());
            assertThat(batchMetrics(metrics)).isEqualTo("Messages=2 Rejected=0 Retried=2 DeadLettered=0");
            blocker.rollback();
        }
        assertThat(delivered.invoke(InvocationContext.remaining(Duration.ofSeconds(30)))).isEmpty();
        assertThat(readModel()).isEqualTo("[{\"id\": 1, \"status\": \"one\"}, {\"id\": 2, \"status\": \"two\"}]");
    }

    protected static String item(int id) {
        return "{\"v\":1,\"s\":\"shop\",\"t\":\"contract.items\",\"k\":{\"id\":" + id + "},\"o\":\"u\",\"c\":1}";
    }

    private String readModel() {
        return TestData.queryString(jdbcUrl,
                "SELECT jsonb_agg(to_jsonb(r) ORDER BY id)::text FROM read_model.contract_items r");
    }

    /** The dead letters of the log with that disposition, "id body: reason", in id order. */
    private String deadLetters(String disposition) {
        return TestData.queryString(jdbcUrl, "SELECT string_agg(message_id || ' ' || body || ': ' || reason, ' | '"
                + " ORDER BY message_id) FROM wail.dead_letters WHERE log = '" + logArn() + "' AND disposition = '"
                + disposition + "'");
    }

    /** The batch document's counts (dimension Function), as one line. */
    private static String batchMetrics(List<JsonNode> documents) {
        JsonNode batch = documents.stream().filter(d -> d.has("Function")).findFirst()
                .orElseThrow(() -> new AssertionError("no batch metrics in " + documents));
        return "Messages=" + batch.get("Messages").asLong() + " Rejected=" + batch.get("Rejected").asLong()
                + " Retried=" + batch.get("Retried").asLong() + " DeadLettered=" + batch.get("DeadLettered").asLong();
    }

    /**
     * Runs an invocation with standard output captured, adds the EMF documents it printed to {@code documents} (as
     * Lambda would ship them to CloudWatch) and returns its result.
     */
    private static <T> T printedMetrics(List<JsonNode> documents, Supplier<T> invocation) {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        T result;
        try {
            result = invocation.get();
        } finally {
            System.setOut(original);
        }
        ObjectMapper json = new ObjectMapper();
        printed.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("{") && line.contains("\"_aws\""))
                .forEach(line -> {
                    try {
                        documents.add(json.readTree(line));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
        return result;
    }
}
