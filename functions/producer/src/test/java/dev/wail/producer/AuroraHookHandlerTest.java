package dev.wail.producer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.embedded.TestData;
import dev.wail.emulation.aurora.DeliveryReport;
import dev.wail.emulation.aurora.HttpInvocationTarget;
import dev.wail.emulation.aurora.LambdaInvokeEmulator;
import dev.wail.testing.RealServicesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Delivery {@code aws_lambda} end to end on real services: triggers on PostgreSQL call the emulated
 * {@code aws_lambda.invoke}, the local invoker posts each payload to the deployed {@code aurora-hook} handler through
 * the Lambda mock event server, and the handler appends the intents to an SQS queue (ElasticMQ).
 */
@QuarkusTest
@TestProfile(AuroraHookHandlerTest.AuroraHook.class)
@QuarkusTestResource(RealServicesResource.class)
class AuroraHookHandlerTest {

    /** The deployed artifact, configured as the {@code aurora-hook} function. */
    public static final class AuroraHook implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.lambda.handler", "aurora-hook");
        }
    }

    private static final String FUNCTION = "wail-producer-hook";

    @Inject
    Pool pool;

    private RealServicesResource.Endpoints services;
    private SqsClient sqs;

    @BeforeEach
    void setUp() {
        services = RealServicesResource.Endpoints.current();
        sqs = EmbeddedSqsServer.clientFor(services.sqsEndpoint());
        TestData.execute(services.jdbcUrl(), Hooks.awsLambdaEmulationSql() + Hooks.installerSql()
                + "TRUNCATE aws_lambda_emulation.invocations, aws_lambda_emulation.failed_invocations;");
        TestData.receiveAll(sqs, services.queueUrl());
    }

    @AfterEach
    void tearDown() {
        sqs.close();
    }

    private LambdaInvokeEmulator emulator(URI function) {
        return new LambdaInvokeEmulator(pool, new HttpInvocationTarget(function, Duration.ofSeconds(30)), 100,
                LambdaInvokeEmulator.LAMBDA_ASYNC_ATTEMPTS, Duration.ZERO);
    }

    private List<Intent> receiveIntents() {
        return TestData.receiveAll(sqs, services.queueUrl()).stream()
                .flatMap(m -> IntentCodec.DEFAULT.decodeAll(m.body()).stream()).toList();
    }

    private String query(String sql) {
        return TestData.queryString(services.jdbcUrl(), sql);
    }

    private void captureWithAwsLambda(String table) {
        TestData.execute(services.jdbcUrl(), Hooks.capturedTableSql(table, "delivery => 'aws_lambda', "
                + "function_name => '" + FUNCTION + "', region => 'us-east-1'"));
    }

    private void invoke(String payload) {
        TestData.execute(services.jdbcUrl(), "SELECT aws_lambda.invoke('" + FUNCTION + "', '" + payload
                + "'::json, invocation_type => 'Event')");
    }

    @Test
    void everyWriteReachesTheQueueAsExactIntentsRolledBackOnesIncluded() throws Exception {
        captureWithAwsLambda("hook_e2e");
        TestData.execute(services.jdbcUrl(), """
                INSERT INTO hook_e2e VALUES (1, 'new'), (2, 'new'), (3, 'new');
                UPDATE hook_e2e SET id = 20 WHERE id = 2;
                DELETE FROM hook_e2e WHERE id = 3;
                TRUNCATE hook_e2e;
                BEGIN;
                INSERT INTO hook_e2e VALUES (4, 'never committed');
                ROLLBACK;
                """);
        assertThat(query("SELECT count(*) FROM aws_lambda_emulation.invocations"))
                .as("one invocation per statement, waiting while no invoker runs").isEqualTo("5");

        List<Intent> received = new ArrayList<>();
        try (AutoCloseable invoker = emulator(services.lambdaUrl()).startPolling(Duration.ofMillis(50))) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                received.addAll(receiveIntents());
                assertThat(received).hasSize(9);
            });
        }

        assertThat(received).allSatisfy(i -> assertThat(i.source() + "/" + i.table()).isEqualTo("shop/hook_e2e"))
                .extracting(Intent::operation, i -> i.key().value(0)).containsExactlyInAnyOrder(
                        tuple(Operation.INSERT, 1L), tuple(Operation.INSERT, 2L), tuple(Operation.INSERT, 3L),
                        tuple(Operation.UPDATE, 2L), tuple(Operation.UPDATE, 20L), tuple(Operation.DELETE, 3L),
                        tuple(Operation.DELETE, 1L), tuple(Operation.DELETE, 20L), tuple(Operation.INSERT, 4L));
        Intent rolledBack = received.stream().filter(i -> i.key().value(0).equals(4L)).findFirst().orElseThrow();
        long xid = ((VersionHint.Postgres) rolledBack.version()).transactionId();
        assertThat(query("SELECT pg_xact_status('" + xid + "'::xid8)")).isEqualTo("aborted");
        assertThat(query("SELECT count(*) FROM aws_lambda_emulation.invocations")).isEqualTo("0");
        assertThat(query("SELECT count(*) FROM aws_lambda_emulation.failed_invocations")).isEqualTo("0");
    }

    @Test
    void aMalformedPayloadFailsEveryAttemptAndEndsInTheFailedInvocationsWithItsReason() {
        invoke("{\"wail\":1,\"s\":\"shop\",\"kc\":7}");
        LambdaInvokeEmulator emulator = emulator(services.lambdaUrl());

        assertThat(emulator.deliverOnce().await().indefinitely()).isEqualTo(new DeliveryReport(1, 0, 1, 0, 0));
        assertThat(emulator.deliverOnce().await().indefinitely()).isEqualTo(new DeliveryReport(1, 0, 1, 0, 0));
        assertThat(emulator.deliverOnce().await().indefinitely()).isEqualTo(new DeliveryReport(1, 0, 0, 1, 0));

        assertThat(query("SELECT attempts || ' ' || error FROM aws_lambda_emulation.failed_invocations"))
                .startsWith("3 HTTP 500 from " + FUNCTION)
                .contains("hook payload field 'kc': expected an array of key column names");
        assertThat(query("SELECT count(*) FROM aws_lambda_emulation.invocations")).isEqualTo("0");
        assertThat(receiveIntents()).isEmpty();
    }

    @Test
    void aBadKeyEntryFailsTheInvocationWhileItsNeighboursReachTheQueue() {
        invoke("{\"wail\":1,\"s\":\"shop\",\"t\":\"orders\",\"o\":\"u\",\"x\":752345,\"l\":439041101,"
                + "\"c\":1764034800123,\"kc\":[\"id\"],\"k\":[[1],[true],[3]]}");
        LambdaInvokeEmulator emulator = emulator(services.lambdaUrl());

        DeliveryReport first = emulator.deliverOnce().await().indefinitely();

        assertThat(first).isEqualTo(new DeliveryReport(1, 0, 1, 0, 0));
        assertThat(receiveIntents()).extracting(i -> i.key().value(0)).containsExactlyInAnyOrder(1L, 3L);
        assertThat(query("SELECT last_error FROM aws_lambda_emulation.invocations"))
                .contains("1 key entries of the hook payload were rejected (the 2 others were appended): "
                        + "hook payload field 'k[1][0]': key values must be strings or 64-bit integers, got true");
    }

    @Test
    void oneStatementsPayloadIsPackedIntoMessagesOfTheShippedPacking() {
        captureWithAwsLambda("hook_packed");
        TestData.execute(services.jdbcUrl(), "INSERT INTO hook_packed SELECT g, 'new' FROM generate_series(1, 250) g");

        assertThat(emulator(services.lambdaUrl()).deliverUntilIdle()).isEqualTo(new DeliveryReport(1, 1, 0, 0, 0));

        // One invocation, 250 intents: three messages of at most ProducerDefaults' 100 intents each, not 250.
        List<Message> messages = TestData.receiveAll(sqs, services.queueUrl());
        assertThat(messages).extracting(m -> IntentCodec.DEFAULT.decodeAll(m.body()).size())
                .containsExactlyInAnyOrder(100, 100, 50);
        assertThat(messages.stream().flatMap(m -> IntentCodec.DEFAULT.decodeAll(m.body()).stream()))
                .allSatisfy(i -> assertThat(i.operation()).isEqualTo(Operation.INSERT))
                .extracting(i -> i.key().value(0))
                .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 250).boxed().toList());
    }

    @Test
    void theInvocationFailsWhenTheLogDoesNotAcceptItsIntents() {
        String queueName = RealServicesResource.QUEUE;
        sqs.deleteQueue(b -> b.queueUrl(services.queueUrl()));
        try {
            given().contentType(ContentType.JSON)
                    .body("{\"wail\":1,\"s\":\"shop\",\"t\":\"orders\",\"o\":\"i\",\"x\":9,\"l\":9,\"c\":9,"
                            + "\"kc\":[\"id\"],\"k\":[[1],[2]]}")
                    .when().post(services.lambdaUrl())
                    .then().statusCode(500)
                    .body("errorMessage", containsString("the intent log did not accept 2 of 2 intents"));
        } finally {
            sqs.createQueue(b -> b.queueName(queueName));
        }
    }

    @Test
    void invocationsWaitUncountedWhileTheFunctionIsUnreachable() throws IOException {
        invoke("{\"wail\":1,\"s\":\"shop\",\"t\":\"orders\",\"o\":\"d\",\"x\":9,\"l\":9,\"c\":9,"
                + "\"kc\":[\"id\"],\"k\":[[5]]}");

        DeliveryReport whileDown = emulator(URI.create("http://127.0.0.1:" + closedPort() + "/_lambda_"))
                .deliverOnce().await().indefinitely();

        assertThat(whileDown).isEqualTo(new DeliveryReport(1, 0, 0, 0, 1));
        assertThat(query("SELECT attempts FROM aws_lambda_emulation.invocations")).isEqualTo("0");
        assertThat(emulator(services.lambdaUrl()).deliverUntilIdle()).isEqualTo(new DeliveryReport(1, 1, 0, 0, 0));
        assertThat(receiveIntents()).extracting(Intent::operation, i -> i.key().value(0))
                .containsExactly(tuple(Operation.DELETE, 5L));
    }

    /** A port nothing listens on: bound by this test, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
