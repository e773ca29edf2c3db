package dev.wail.consumer.deadletter;

import dev.wail.consumer.config.ConsumerConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The dead-letter queue the SQS handler sends rejected messages to, when {@code wail.consumer.dead-letter-queue-url}
 * names one ({@code WAIL_CONSUMER_DEAD_LETTER_QUEUE_URL}, set by the Terraform module to the queue's redrive
 * target). The SQS client is created only then, so a function without it (Kinesis) never builds one.
 */
@Singleton
public class DeadLetterQueues {

    private static final Logger LOG = Logger.getLogger(DeadLetterQueues.class);

    private final Optional<DeadLetterQueue> queue;
    private final String handler;
    private final int maxReceiveCount;

    public DeadLetterQueues(ConsumerConfig config, Instance<SqsClient> sqs,
            @ConfigProperty(name = "quarkus.lambda.handler") String handler) {
        this.queue = config.consumer().deadLetterQueueUrl().map(url -> new DeadLetterQueue(sqs.get(), url));
        this.handler = handler;
        this.maxReceiveCount = config.consumer().maxReceiveCount();
    }

    /** The configured dead-letter queue; empty: rejected messages are reported failed like transient failures. */
    public Optional<DeadLetterQueue> configured() {
        return queue;
    }

    /** Says once, at start-up, what becomes of a message that can never succeed on this SQS function. */
    void logPolicy(@Observes StartupEvent start) {
        if (!"consumer-sqs".equals(handler)) {
            return;
        }
        queue.ifPresentOrElse(
                q -> LOG.infof("rejected messages go to the dead-letter queue %s at once, with their reason", q.url()),
                () -> LOG.warnf("wail.consumer.dead-letter-queue-url (WAIL_CONSUMER_DEAD_LETTER_QUEUE_URL) is not set:"
                        + " a rejected (poison) message is reported failed and goes round the queue's maxReceiveCount"
                        + " (%d) receives before SQS moves it to the dead-letter queue, without its reason", maxReceiveCount));
    }
}
