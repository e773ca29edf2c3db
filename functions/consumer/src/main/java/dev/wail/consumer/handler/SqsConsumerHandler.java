package dev.wail.consumer.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.wail.core.pipeline.ConsumerPipeline;
import dev.wail.core.pipeline.InboundMessage;
import dev.wail.core.pipeline.MessageOutcome;
import jakarta.inject.Named;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * {@code consumer-sqs}: an SQS event source mapping with {@code ReportBatchItemFailures} delivers a batch; every
 * message that is not done is reported failed so that SQS delivers it again (and, after the queue's
 * {@code maxReceiveCount}, moves it to the dead-letter queue).
 */
@Named("consumer-sqs")
public class SqsConsumerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger LOG = Logger.getLogger(SqsConsumerHandler.class);

    private final ConsumerPipeline pipeline;

    public SqsConsumerHandler(ConsumerPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<InboundMessage> messages = event.getRecords().stream()
                .map(record -> new InboundMessage(record.getMessageId(), record.getBody()))
                .toList();
        List<MessageOutcome> outcomes = pipeline.process(messages).await().indefinitely().outcomes();
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (MessageOutcome outcome : outcomes) {
            if (outcome.status() != MessageOutcome.Status.DONE) {
                LOG.warnf("message %s %s: %s", outcome.messageId(), outcome.status(), outcome.reason());
                failures.add(new SQSBatchResponse.BatchItemFailure(outcome.messageId()));
            }
        }
        return new SQSBatchResponse(failures);
    }
}
