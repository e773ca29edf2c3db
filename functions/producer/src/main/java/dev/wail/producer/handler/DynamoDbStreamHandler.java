package dev.wail.producer.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse.BatchItemFailure;
import dev.wail.core.log.IntentLog;
import dev.wail.core.log.IntentLog.AppendResult;
import dev.wail.producer.config.ProducerConfig;
import dev.wail.producer.dynamodb.StreamRecordReader;
import dev.wail.producer.dynamodb.StreamRecordReader.StreamBatch;
import dev.wail.producer.metrics.ProducerMetrics;
import jakarta.inject.Named;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * {@code dynamodb-stream}: invoked by a Lambda event source mapping on a DynamoDB stream (any view type;
 * {@code KEYS_ONLY} is enough), appends one intent per record to the intent log and reports partial failure the
 * stream way: the sequence number of the first record the log did not accept, from which Lambda re-reads the shard
 * (the mapping needs {@code FunctionResponseTypes = ReportBatchItemFailures}). Records that cannot become intents are
 * logged with the reason, counted, and skipped: re-reading them could never succeed.
 */
@Named("dynamodb-stream")
public class DynamoDbStreamHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

    private static final Logger LOG = Logger.getLogger(DynamoDbStreamHandler.class);

    private final StreamRecordReader reader;
    private final IntentLog log;

    private final ProducerMetrics metrics;

    public DynamoDbStreamHandler(IntentLog log, ProducerConfig config, ProducerMetrics metrics) {
        String source = config.dynamodb().source().orElseThrow(() -> new IllegalStateException(
                "wail.producer.dynamodb.source (WAIL_PRODUCER_DYNAMODB_SOURCE) is not set: name the source the "
                        + "consumer configures these DynamoDB tables under, e.g. WAIL_PRODUCER_DYNAMODB_SOURCE=shop"));
        this.reader = new StreamRecordReader(source);
        this.log = log;
        this.metrics = metrics;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        StreamBatch batch = reader.read(event);
        metrics.refused(batch.rejected().size());
        batch.rejected().forEach(r -> LOG.warnf("DynamoDB stream record %d skipped (eventID %s, sequence number %s): %s",
                r.index(), r.eventId(), r.sequenceNumber(), r.reason()));
        AppendResult appended = batch.intents().isEmpty() ? AppendResult.allAccepted() : log.append(batch.intents());
        String retryFrom = batch.firstFailedSequenceNumber(appended.failedIndexes());
        LOG.infof("DynamoDB stream batch: %d records, %d intents accepted, %d not accepted, %d records skipped%s",
                batch.records(), batch.intents().size() - appended.failedIndexes().size(),
                appended.failedIndexes().size(), batch.rejected().size(),
                retryFrom == null ? "" : "; retry from sequence number " + retryFrom + " (" + appended.firstError() + ")");
        return new StreamsEventResponse(retryFrom == null ? List.of() : List.of(new BatchItemFailure(retryFrom)));
    }
}
