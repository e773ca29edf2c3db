package dev.wail.producer.config;

import dev.wail.core.log.IntentLog;
import dev.wail.lambda.metrics.EmfEnvironment;
import dev.wail.producer.log.KinesisIntentLog;
import dev.wail.producer.log.ObservedIntentLog;
import dev.wail.producer.log.RetryPolicy;
import dev.wail.producer.log.SqsIntentLog;
import dev.wail.producer.metrics.ProducerMetrics;
import dev.wail.producer.handler.OutboxDrainHandler;
import dev.wail.producer.outbox.OutboxDrain;
import io.quarkus.arc.ActiveResult;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.ConfigProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Wires the plain-Java producer parts from configuration and the clients Quarkus provides. */
public class ProducerBeans {

    /** Built at start-up, so that a missing setting stops the function's initialisation, not its first invocation. */
    @Produces
    @Singleton
    @Startup
    IntentLog intentLog(ProducerConfig config, Instance<SqsClient> sqs, Instance<KinesisClient> kinesis,
            ProducerMetrics metrics) {
        return new ObservedIntentLog(selectLog(config, sqs::get, kinesis::get), metrics);
    }

    /** Metric lines on stdout, which Lambda ships to CloudWatch Logs, where they become metrics. */
    @Produces
    @Singleton
    ProducerMetrics metrics() {
        return new ProducerMetrics(EmfEnvironment.console(ProducerMetrics.DEFAULT_FUNCTION_NAME));
    }

    /** The log {@code wail.producer.log} names; only its client is created. */
    static IntentLog selectLog(ProducerConfig config, Supplier<SqsClient> sqs, Supplier<KinesisClient> kinesis) {
        RetryPolicy retry = new RetryPolicy(config.sendAttempts(), config.sendBackoff());
        return switch (config.log()) {
            case SQS -> {
                String queueUrl = required(config.queueUrl(), "wail.producer.queue-url", "sqs");
                int perMessage = config.sqs().intentsPerMessage();
                if (perMessage < 1) {
                    throw new IllegalStateException(describe("wail.producer.sqs.intents-per-message")
                            + " must be at least 1, got " + perMessage);
                }
                yield new SqsIntentLog(sqs.get(), queueUrl, retry, perMessage);
            }
            case KINESIS -> {
                String stream = required(config.streamName(), "wail.producer.stream-name", "kinesis");
                int perRecord = config.kinesis().intentsPerRecord();
                if (perRecord < 1) {
                    throw new IllegalStateException(describe("wail.producer.kinesis.intents-per-record")
                            + " must be at least 1, got " + perRecord);
                }
                yield new KinesisIntentLog(kinesis.get(), stream, retry, perRecord);
            }
        };
    }

    private static String required(Optional<String> value, String property, String log) {
        return value.filter(v -> !v.isBlank()).orElseThrow(() -> new IllegalStateException(describe(property)
                + " must be set when wail.producer.log=" + log));
    }

    /** A property with the environment variable that sets it in Lambda: {@code a.b-c (A_B_C)}. */
    private static String describe(String property) {
        return property + " (" + property.toUpperCase().replace('.', '_').replace('-', '_') + ")";
    }

    /**
     * There is no Quarkus extension for Kinesis: the plain SDK client, on the same light HTTP client as SQS. Region,
     * credentials and endpoint follow the SDK's own resolution (AWS_REGION and the function's role in Lambda;
     * AWS_ENDPOINT_URL when set).
     */
    @Produces
    @Singleton
    KinesisClient kinesisClient() {
        return KinesisClient.builder().httpClient(UrlConnectionHttpClient.create()).build();
    }

    void closeKinesisClient(@Disposes KinesisClient client) {
        client.close();
    }

    /**
     * Only the {@code outbox-drain} handler needs the database: the pool is looked up when this drain is built, never
     * injected directly. A direct injection makes Quarkus fail the start-up of every handler of this artifact when no
     * datasource URL is set (the datasource is then inactive), and {@code aurora-hook} and {@code dynamodb-stream} are
     * deployed without one.
     */
    @Produces
    @Singleton
    OutboxDrain outboxDrain(InjectableInstance<Pool> pool, IntentLog log, ProducerConfig config) {
        return new OutboxDrain(pool.getActive(), log, config.outboxBatchRows(), config.outboxSendsInFlight(),
                config.outboxIdlePoll());
    }

    /**
     * The drain cannot work without its database: with no datasource URL, its start-up fails (with Quarkus's message
     * naming {@code quarkus.datasource.reactive.url}) rather than its first invocation.
     */
    void requireDatabaseForTheDrain(@Observes StartupEvent start, InjectableInstance<Pool> pool) {
        String handler = ConfigProvider.getConfig().getOptionalValue("quarkus.lambda.handler", String.class)
                .orElse("");
        ActiveResult database = pool.getHandle().getBean().checkActive();
        if (handler.equals(OutboxDrainHandler.NAME) && !database.value()) {
            throw new IllegalStateException("the " + OutboxDrainHandler.NAME + " handler needs the database whose "
                    + "outbox it drains: " + database.inactiveReason());
        }
    }
}
