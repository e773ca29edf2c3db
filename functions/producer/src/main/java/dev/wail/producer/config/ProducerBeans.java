package dev.wail.producer.config;

import dev.wail.core.log.IntentLog;
import dev.wail.producer.log.SqsIntentLog;
import dev.wail.producer.outbox.OutboxDrain;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Wires the plain-Java producer parts from configuration and the clients Quarkus provides. */
public class ProducerBeans {

    @Produces
    @Singleton
    IntentLog intentLog(SqsClient sqs, ProducerConfig config) {
        return new SqsIntentLog(sqs, config.queueUrl(), config.sendAttempts(), config.sendBackoff());
    }

    @Produces
    @Singleton
    OutboxDrain outboxDrain(Pool pool, IntentLog log, ProducerConfig config) {
        return new OutboxDrain(pool, log, config.outboxBatchRows());
    }
}
