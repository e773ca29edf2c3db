package dev.wail.consumer.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.wail.consumer.deadletter.DeadLetterRecorder;
import dev.wail.consumer.postgres.ConsumerSchema;
import dev.wail.consumer.metrics.ConsumerMetrics;
import dev.wail.core.pipeline.ConsumerPipeline;
import dev.wail.embedded.EmbeddedKinesisServer;
import dev.wail.emulation.mapping.LambdaEvents;
import dev.wail.testing.RealServicesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * The consumer handler contract for {@code consumer-kinesis} on a one-shard stream of the Kinesis emulator
 * (kinesis-mock): the shard delivers again every record from the first one the response names.
 */
@QuarkusTest
@QuarkusTestResource(RealServicesResource.class)
class KinesisConsumerHandlerContractTest extends ConsumerHandlerContract {

    private static final AtomicInteger STREAMS = new AtomicInteger();
    private static EmbeddedKinesisServer kinesis;

    @Inject
    ConsumerPipeline pipeline;

    @Inject
    DeadLetterRecorder recorder;

    @Inject
    ConsumerSchema schema;

    @Inject
    ConsumerMetrics metrics;

    private String stream;

    @BeforeAll
    static void startKinesis() {
        kinesis = EmbeddedKinesisServer.start();
    }

    @AfterAll
    static void stopKinesis() {
        kinesis.close();
    }

    @BeforeEach
    void openStream() {
        stream = "contract-" + STREAMS.incrementAndGet();
        kinesis.createStream(stream, 1);
    }

    @Override
    protected Delivered deliver(List<Entry> entries) {
        entries.forEach(entry -> kinesis.client().putRecord(b -> b.streamName(stream).partitionKey(entry.group())
                .data(SdkBytes.fromUtf8String(entry.body()))));
        List<Record> records = kinesis.records(stream);
        String shardId = kinesis.shards(stream).get(0).shardId();
        KinesisConsumerHandler handler = new KinesisConsumerHandler(pipeline, schema, recorder, metrics);
        List<String> ids = records.stream().map(Record::sequenceNumber).toList();
        return new Delivered() {
            @Override
            public List<String> ids() {
                return ids;
            }

            @Override
            public Set<String> invoke(Context context) {
                StreamsEventResponse response = handler.handleRequest(
                        LambdaEvents.kinesisEventObject(logArn(), shardId, records), context);
                Set<String> reported = new LinkedHashSet<>();
                response.getBatchItemFailures().forEach(failure -> reported.add(failure.getItemIdentifier()));
                return deliveredAgain(ids, reported);
            }
        };
    }

    @Override
    protected String logArn() {
        return EmbeddedKinesisServer.streamArn(stream);
    }

    /** A shard re-delivers from the first sequence number reported: that record and every later one. */
    @Override
    protected Set<String> deliveredAgain(List<String> ids, Set<String> failed) {
        int first = ids.stream().filter(failed::contains).findFirst().map(ids::indexOf).orElse(ids.size());
        return new LinkedHashSet<>(ids.subList(first, ids.size()));
    }

    @Override
    protected long retriedAfterAFailureInItsGroup() {
        return 1;
    }
}
