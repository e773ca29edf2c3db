package dev.wail.consumer.handler;

import com.amazonaws.services.lambda.runtime.Context;
import dev.wail.consumer.deadletter.DeadLetterRecorder;
import dev.wail.consumer.deadletter.DeadLetterRecorder.Failure;
import dev.wail.consumer.metrics.ConsumerMetrics;
import dev.wail.consumer.postgres.ConsumerSchema;
import dev.wail.core.pipeline.BatchResult;
import dev.wail.core.pipeline.ConsumerPipeline;
import dev.wail.core.pipeline.InboundMessage;
import dev.wail.core.pipeline.MessageOutcome;
import dev.wail.core.pipeline.MessageOutcome.Status;
import io.smallrye.mutiny.TimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The one skeleton of every consumer handler: decode the event's records into messages, run the pipeline within the
 * invocation's deadline, let the handler settle the outcomes with its event source, trace and log them, publish the
 * batch's metrics with the outcomes as reported. A handler brings only its event's shape ({@link EventShape}).
 *
 * <p>The deadline: the skeleton stops waiting for the pipeline {@link #DEADLINE_MARGIN} before Lambda would end the
 * invocation (a killed invocation reports nothing and its whole batch comes again, after the visibility timeout).
 * Every message of a batch that did not finish in time is then reported {@link Status#RETRY}: the pipeline's writes
 * that did land are kept (the sinks never go backwards), and the next delivery finds them done.
 */
final class BatchSkeleton {

    /** Kept back from the invocation's remaining time: enough to record dead letters, publish metrics and reply. */
    static final Duration DEADLINE_MARGIN = Duration.ofSeconds(2);

    private static final Logger LOG = Logger.getLogger(BatchSkeleton.class);

    /**
     * What differs between event sources.
     *
     * @param <R> the event's record type
     * @param <T> the handler's response type
     */
    interface EventShape<R, T> {

        /** The record as the pipeline reads it: its id in the response, and its body. */
        InboundMessage message(R record);

        /**
         * Before outcomes are reported: what the event source's rules change (a dead-letter queue that takes rejected
         * messages, the FIFO rule). Must keep one outcome per message, in order.
         */
        default Adjusted adjust(List<R> records, List<InboundMessage> messages, List<MessageOutcome> outcomes) {
            return new Adjusted(outcomes, List.of());
        }

        /** Records the failures that must be, and builds the response that reports the others. */
        Settled<T> settle(List<R> records, List<Failure> failures, List<String> sentToDeadLetterQueue);
    }

    /**
     * @param outcomes              one per message, in order, as reported
     * @param sentToDeadLetterQueue ids of messages the handler moved to a dead-letter queue (acknowledged)
     */
    record Adjusted(List<MessageOutcome> outcomes, List<String> sentToDeadLetterQueue) {
    }

    /**
     * @param response     what the handler returns to Lambda
     * @param deadLettered messages that left the log for good in this invocation (the {@code DeadLettered} metric)
     */
    record Settled<T>(T response, int deadLettered) {
    }

    private final ConsumerPipeline pipeline;
    private final ConsumerSchema schema;
    private final ConsumerMetrics metrics;
    private final String noun;

    /** @param noun what the event source calls a record, for logs ("message", "record") */
    BatchSkeleton(ConsumerPipeline pipeline, ConsumerSchema schema, ConsumerMetrics metrics, String noun) {
        this.pipeline = pipeline;
        this.schema = schema;
        this.metrics = metrics;
        this.noun = noun;
    }

    /**
     * @param records the event's records ({@link BatchOutcomes#records} checked them)
     * @param context the invocation's, for its deadline; null (a direct call outside Lambda): no deadline
     * @throws ConsumerSchema.MissingSchemaException before anything is processed, when the deploy-time schema step
     *     has not run: the invocation fails, and the event source delivers the whole batch again
     */
    <R, T> T handle(List<R> records, Context context, EventShape<R, T> shape) {
        schema.check();
        List<InboundMessage> messages = records.stream().map(shape::message).toList();
        BatchResult result = processWithin(messages, context);
        Adjusted adjusted = shape.adjust(records, messages, result.outcomes());
        BatchOutcomes.trace(messages, adjusted.outcomes());
        List<Failure> failures = BatchOutcomes.failures(messages, adjusted.outcomes());
        failures.forEach(f -> LOG.warnf("%s %s %s%s: %s", noun, f.messageId(), f.disposition(),
                adjusted.sentToDeadLetterQueue().contains(f.messageId()) ? " (sent to the dead-letter queue)" : "",
                f.reason()));
        Settled<T> settled = shape.settle(records, failures, adjusted.sentToDeadLetterQueue());
        // After the event source's rules: Retried counts the messages reported for retry, FIFO followers included.
        metrics.publish(result.withOutcomes(adjusted.outcomes()), settled.deadLettered());
        return settled.response();
    }

    private BatchResult processWithin(List<InboundMessage> messages, Context context) {
        Optional<Duration> wait = waitFor(context);
        if (wait.isEmpty()) {
            return pipeline.process(messages).await().indefinitely();
        }
        try {
            return pipeline.process(messages).await().atMost(wait.get());
        } catch (TimeoutException late) {
            String reason = "the invocation's deadline was near: stopped waiting after " + wait.get().toMillis()
                    + " ms (" + DEADLINE_MARGIN.toMillis() + " ms before Lambda's timeout); retried";
            LOG.warnf("%d %ss not finished in time: %s", messages.size(), noun, reason);
            return BatchResult.unfinished(messages.stream()
                    .map(message -> new MessageOutcome(message.id(), Status.RETRY, reason)).toList());
        }
    }

    /**
     * How long to wait for the pipeline: the remaining time less the margin (at least 1 ms). Empty, no deadline: no
     * context, or one that knows no deadline (0 or less remaining: the runtime sent none, as Quarkus's mock event
     * server in tests and {@code local/}; in Lambda an invocation past its deadline is no longer running).
     */
    static Optional<Duration> waitFor(Context context) {
        if (context == null || context.getRemainingTimeInMillis() <= 0) {
            return Optional.empty();
        }
        long remaining = context.getRemainingTimeInMillis();
        return Optional.of(Duration.ofMillis(Math.max(1, remaining - DEADLINE_MARGIN.toMillis())));
    }
}
