package dev.wail.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.wire.IntentCodec;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.embedded.LocalAws;
import dev.wail.embedded.TestData;
import dev.wail.emulation.lambda.FunctionPool;
import dev.wail.emulation.lambda.FunctionSpec;
import dev.wail.emulation.lambda.InvocationResult;
import dev.wail.emulation.lambda.RuntimeClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The producer's deployable zip under the {@code java21} runtime emulation, each handler with exactly the environment
 * the Terraform module gives its function: {@code aurora-hook} and {@code dynamodb-stream} get no datasource and must
 * start and append intents; {@code outbox-drain} without one must fail its start-up and say what to set. Input is
 * the JSON Lambda delivers (a hook payload, a DynamoDB Streams event); the intents are read back from ElasticMQ.
 */
class ProducerHandlersIT {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Path WORK = REPOSITORY.resolve("local/target/it-producer-handlers");

    private static EmbeddedSqsServer sqs;
    private static RuntimeClient runtime;
    private static Path taskRoot;
    private final ConcurrentLinkedQueue<String> output = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() {
        sqs = EmbeddedSqsServer.start();
        runtime = RuntimeClient.prepare(REPOSITORY.resolve("local/target/lambda-runtime"), WORK);
        taskRoot = FunctionZips.unpack(REPOSITORY.resolve("functions"), "producer", WORK.resolve("functions"));
    }

    @AfterAll
    static void stop() {
        sqs.close();
    }

    @Test
    void auroraHookStartsWithoutADatasourceAndAppendsOneIntentPerKey() throws Exception {
        String queue = sqs.createQueue("aurora-hook-intents");

        InvocationResult result = invokeOnce(spec("aurora-hook", queue, Map.of()),
                TestData.resource("/events/aurora-hook-payload.json"));

        assertThat(result.ok()).as(result.error() + "\n" + String.join("\n", output)).isTrue();
        assertThat(result.payload()).contains("\"intents\":2");
        VersionHint version = new VersionHint.Postgres(752345, 439041101);
        Instant captured = Instant.ofEpochMilli(1764669600123L);
        assertThat(intentsOn(queue)).containsExactlyInAnyOrder(
                new Intent("shop", "orders", EntityKey.of("id", 42L), Operation.UPDATE, version, captured),
                new Intent("shop", "orders", EntityKey.of("id", 43L), Operation.UPDATE, version, captured));
    }

    @Test
    void dynamodbStreamStartsWithoutADatasourceAndAppendsEachRecord() throws Exception {
        String queue = sqs.createQueue("dynamodb-intents");

        InvocationResult result = invokeOnce(spec("dynamodb-stream", queue,
                Map.of("WAIL_PRODUCER_DYNAMODB_SOURCE", "crm")), TestData.resource("/events/dynamodb-keys-only.json"));

        assertThat(result.ok()).as(result.error() + "\n" + String.join("\n", output)).isTrue();
        assertThat(result.payload()).contains("\"batchItemFailures\":[]");
        assertThat(intentsOn(queue)).containsExactlyInAnyOrder(
                new Intent("crm", "customers", EntityKey.of("id", "cust-42"), Operation.INSERT,
                        VersionHint.StreamSequence.of("4421584500000000017450439091"),
                        Instant.ofEpochSecond(1764669600)),
                new Intent("crm", "customers", EntityKey.of("id", "cust-7"), Operation.DELETE,
                        VersionHint.StreamSequence.of("4421584600000000017450439092"),
                        Instant.ofEpochSecond(1764669601)));
    }

    @Test
    void outboxDrainWithoutADatasourceFailsItsStartUpNamingTheSetting() throws Exception {
        String queue = sqs.createQueue("outbox-intents");

        try (FunctionPool drain = new FunctionPool(spec("outbox-drain", queue, Map.of()), 1, runtime, output::add)) {
            assertThatThrownBy(() -> drain.warm(1)).hasMessageContaining("did not initialise");
        }
        assertThat(String.join("\n", output)).contains("the outbox-drain handler needs the database whose outbox it "
                + "drains").contains("set configuration property 'quarkus.datasource.reactive.url'");
    }

    /** The environment infra/producer.tf gives a producer function on an SQS log, pointed at ElasticMQ. */
    private FunctionSpec spec(String handler, String queueUrl, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("QUARKUS_LAMBDA_HANDLER", handler);
        env.put("WAIL_PRODUCER_LOG", "sqs");
        env.put("WAIL_PRODUCER_SEND_ATTEMPTS", "4");
        env.put("WAIL_PRODUCER_QUEUE_URL", queueUrl);
        env.put("WAIL_PRODUCER_SQS_INTENTS_PER_MESSAGE", "1");
        env.put("AWS_REGION", LocalAws.REGION);
        env.put("AWS_ENDPOINT_URL", sqs.endpoint().toString());
        // ElasticMQ takes any credentials: dummies, never real ones.
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        return new FunctionSpec("wail-it-" + handler, taskRoot, env, 512, Duration.ofSeconds(30));
    }

    private InvocationResult invokeOnce(FunctionSpec spec, String event) throws InterruptedException {
        try (FunctionPool function = new FunctionPool(spec, 1, runtime, output::add)) {
            function.warm(1);
            return function.invoke(event);
        }
    }

    private static List<Intent> intentsOn(String queueUrl) {
        return TestData.receiveAll(sqs.client(), queueUrl).stream()
                .flatMap(message -> IntentCodec.DEFAULT.decodeAll(message.body()).stream()).toList();
    }
}
