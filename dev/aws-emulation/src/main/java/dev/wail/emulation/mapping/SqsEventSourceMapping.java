package dev.wail.emulation.mapping;

import dev.wail.emulation.lambda.FunctionPool;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.aws.sqs.SqsIncomingMetadata;
import io.smallrye.reactive.messaging.aws.sqs.SqsReceiveMessageRequestCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Lambda's SQS event source mapping, on SmallRye Reactive Messaging's SQS connector (channel {@code intents}): the
 * connector long-polls the queue; {@code concurrency} pollers each gather up to {@code batchSize} messages within the
 * batching window, invoke the consumer function with the {@code SQSEvent} Lambda would build, and settle each message from the partial batch response: a success is deleted (the
 * connector's ack), a reported failure is left alone (its nack, strategy {@code ignore}) so that SQS hands it out
 * again after the visibility timeout and, after {@code maxReceiveCount} receives, moves it to the DLQ. An invocation
 * that fails as a whole (error, crash, timeout) leaves the whole batch to come back.
 */
@ApplicationScoped
public class SqsEventSourceMapping {

    /** The connector's {@code receive.request.customizer}: ask for the attributes Lambda puts in the event. */
    public static final String ALL_ATTRIBUTES = "lambda-attributes";

    private static final Logger LOG = Logger.getLogger(SqsEventSourceMapping.class);

    @Inject
    @Channel("intents")
    Multi<Message<String>> messages;

    private final MappingStats stats = new MappingStats();

    /** Lambda's event carries ApproximateReceiveCount, SentTimestamp, MessageGroupId...: request them all. */
    @Produces
    @Identifier(ALL_ATTRIBUTES)
    SqsReceiveMessageRequestCustomizer lambdaAttributes() {
        return request -> request.messageSystemAttributeNames(MessageSystemAttributeName.ALL);
    }

    /**
     * Starts {@code concurrency} pollers, each delivering one batch at a time; closing the returned handle stops them
     * after their batch in hand and cancels the subscription to the connector.
     */
    public AutoCloseable start(FunctionPool consumer, String queueName, int batchSize, Duration batchWindow,
            int concurrency, Faults faults) {
        // At most this many messages are received and not yet settled: one batch per poller, in hand or gathering.
        BatchGatherer<Message<String>> gatherer = new BatchGatherer<>(concurrency * batchSize);
        messages.subscribe().withSubscriber(gatherer);
        ExecutorService pollers = Executors.newFixedThreadPool(concurrency, runnable -> {
            Thread thread = new Thread(runnable, "sqs-mapping-poller");
            thread.setDaemon(true);
            return thread;
        });
        for (int i = 0; i < concurrency; i++) {
            pollers.submit(() -> poll(gatherer, consumer, queueName, batchSize, batchWindow, faults));
        }
        return () -> {
            pollers.shutdownNow();
            pollers.awaitTermination(1, TimeUnit.MINUTES);
            gatherer.cancel();
        };
    }

    public MappingStats stats() {
        return stats;
    }

    private void poll(BatchGatherer<Message<String>> gatherer, FunctionPool consumer, String queueName,
            int batchSize, Duration batchWindow, Faults faults) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                List<Message<String>> batch = gatherer.next(batchSize, batchWindow);
                try {
                    Set<String> failed = invoke(consumer, queueName, batch, faults);
                    settle(batch, failed).await().indefinitely();
                } finally {
                    gatherer.settled(batch.size());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!(e.getCause() instanceof InterruptedException)) {
                LOG.errorf(e, "SQS mapping: a poller stopped");
            }
        }
    }

    /** Invokes (twice under the duplicate fault) and returns the message ids that must come back. */
    private Set<String> invoke(FunctionPool consumer, String queueName, List<Message<String>> batch, Faults faults) {
        List<software.amazon.awssdk.services.sqs.model.Message> records = new ArrayList<>(batch.size());
        for (Message<String> message : batch) {
            records.add(message.getMetadata(SqsIncomingMetadata.class).orElseThrow().getMessage());
        }
        String event = LambdaEvents.sqsEvent(queueName, records);
        Set<String> failed;
        try {
            failed = stats.deliver(consumer, event, records.size(), faults);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed = null;
        }
        if (failed == null) {
            failed = Set.copyOf(records.stream().map(software.amazon.awssdk.services.sqs.model.Message::messageId)
                    .toList());
        }
        stats.retriedRecords.addAndGet(failed.size());
        return failed;
    }

    private static Uni<Void> settle(List<Message<String>> batch, Set<String> failed) {
        List<Uni<Void>> settlements = new ArrayList<>(batch.size());
        for (Message<String> message : batch) {
            String id = message.getMetadata(SqsIncomingMetadata.class).orElseThrow().getMessage().messageId();
            settlements.add(Uni.createFrom().completionStage(failed.contains(id)
                    ? message.nack(new IllegalStateException("reported in batchItemFailures"))
                    : message.ack()));
        }
        return Uni.join().all(settlements).andCollectFailures().replaceWithVoid()
                // A receipt handle expires with the visibility timeout: the message is already back in the queue.
                .onFailure().invoke(e -> LOG.warnf("settling a batch (the messages come back): %s",
                        e.getMessage().lines().skip(1).findFirst().orElse(e.getMessage()).trim()))
                .onFailure().recoverWithNull();
    }
}
