package dev.wail.consumer.handler;

import com.amazonaws.services.lambda.runtime.Context;
import dev.wail.consumer.deadletter.DeadLetterQueue;
import dev.wail.consumer.deadletter.DeadLetterRecorder;
import dev.wail.consumer.postgres.ConsumerSchema;
import dev.wail.consumer.metrics.ConsumerMetrics;
import dev.wail.core.pipeline.ConsumerPipeline;
import dev.wail.embedded.EmbeddedSqsServer;
import dev.wail.emulation.mapping.LambdaEvents;
import dev.wail.testing.RealServicesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The consumer handler contract for {@code consumer-sqs} on an ElasticMQ FIFO queue, with a dead-letter queue that
 * takes rejected messages at once: SQS delivers again exactly the messages the response names.
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
class SqsConsumerHandlerContractTest extends ConsumerHandlerContract {

    private static final AtomicInteger QUEUES = new AtomicInteger();

    @Inject
    ConsumerPipeline pipeline;

    @Inject
    DeadLetterRecorder recorder;

    @Inject
    ConsumerSchema schema;

    @Inject
    ConsumerMetrics metrics;

    @ConfigProperty(name = "test.wail.sqs-endpoint")
    URI sqsEndpoint;

    private SqsClient sqs;
    private String queue;

    @BeforeEach
    void openQueue() {
        sqs = EmbeddedSqsServer.clientFor(sqsEndpoint);
        queue = "contract-" + QUEUES.incrementAndGet() + ".fifo";
    }

    @AfterEach
    void close() {
        sqs.close();
    }

    @Override
    protected Delivered deliver(List<Entry> entries) {
        String queueUrl = sqs.createQueue(b -> b.queueName(queue).attributes(Map.of(QueueAttributeName.FIFO_QUEUE,
                "true", QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "true"))).queueUrl();
        String dlqUrl = sqs.createQueue(b -> b.queueName("dead-" + queue).attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true"))).queueUrl();
        entries.forEach(entry -> sqs.sendMessage(b -> b.queueUrl(queueUrl).messageGroupId(entry.group())
                .messageBody(entry.body())));
        List<Message> messages = receiveAll(queueUrl, entries.size());
        SqsConsumerHandler handler = new SqsConsumerHandler(pipeline, schema, recorder, metrics, 3,
                Optional.of(new DeadLetterQueue(sqs, dlqUrl)));
        return new Delivered() {
            @Override
            public List<String> ids() {
                return entries.stream().map(entry -> messages.stream().filter(m -> m.body().equals(entry.body()))
                        .findFirst().orElseThrow().messageId()).toList();
            }

            @Override
            public Set<String> invoke(Context context) {
                return new LinkedHashSet<>(LambdaEvents.failedIds(
                        handler.handleRequest(LambdaEvents.sqsEventObject(queue, messages), context)));
            }
        };
    }

    /** Received in one or more calls: FIFO queues hand out up to 10 at a time. */
    private List<Message> receiveAll(String queueUrl, int expected) {
        List<Message> messages = new ArrayList<>();
        while (messages.size() < expected) {
            messages.addAll(sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages());
        }
        return messages;
    }

    @Override
    protected String logArn() {
        return EmbeddedSqsServer.queueArn(queue);
    }

    @Override
    protected Set<String> deliveredAgain(List<String> ids, Set<String> failed) {
        return failed;
    }

    @Override
    protected long retriedAfterAFailureInItsGroup() {
        return 2;
    }
}
