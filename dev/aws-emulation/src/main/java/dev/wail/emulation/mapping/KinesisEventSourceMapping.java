package dev.wail.emulation.mapping;

import dev.wail.emulation.lambda.FunctionPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Lambda's Kinesis event source mapping: one poller per shard, so records of a shard are delivered in order, one batch
 * at a time. A batch gathers up to {@code batchSize} records within the batching window. After a partial batch
 * response the shard resumes from the first reported sequence number (the records before it are done); after a failed
 * invocation (error, crash, timeout) it retries the whole batch. A batch retried {@code maxRetries} times is sent to
 * the on-failure destination (here: counted and logged) and the shard moves on, as with
 * {@code maximum_retry_attempts}.
 */
public final class KinesisEventSourceMapping implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KinesisEventSourceMapping.class);
    /** Lambda polls an idle shard about once a second; a shorter pause keeps a short local run lively. */
    private static final Duration IDLE_POLL = Duration.ofMillis(250);

    private final KinesisClient kinesis;
    private final String streamName;
    private final String streamArn;
    private final FunctionPool consumer;
    private final int batchSize;
    private final Duration batchWindow;
    private final int maxRetries;
    private final Faults faults;
    private final MappingStats stats = new MappingStats();
    private final ExecutorService pollers = Executors.newCachedThreadPool();
    private volatile boolean running = true;

    public KinesisEventSourceMapping(KinesisClient kinesis, String streamName, String streamArn, FunctionPool consumer,
            int batchSize, Duration batchWindow, int maxRetries, Faults faults) {
        this.kinesis = kinesis;
        this.streamName = streamName;
        this.streamArn = streamArn;
        this.consumer = consumer;
        this.batchSize = batchSize;
        this.batchWindow = batchWindow;
        this.maxRetries = maxRetries;
        this.faults = faults;
    }

    /** Starts one poller per shard, reading each shard from its oldest record. */
    public void start() {
        for (Shard shard : kinesis.listShards(b -> b.streamName(streamName)).shards()) {
            pollers.submit(() -> pollLogged(shard.shardId()));
        }
    }

    public MappingStats stats() {
        return stats;
    }

    private void pollLogged(String shardId) {
        try {
            poll(shardId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "Kinesis mapping: poller of %s stopped", shardId);
        }
    }

    private void poll(String shardId) throws InterruptedException {
        String iterator = kinesis.getShardIterator(b -> b.streamName(streamName).shardId(shardId)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        List<Record> batch = new ArrayList<>();
        long windowEnds = 0;
        while (running) {
            GetRecordsResponse response = getRecords(iterator, batchSize - batch.size());
            iterator = response.nextShardIterator();
            if (batch.isEmpty() && !response.records().isEmpty()) {
                windowEnds = System.currentTimeMillis() + batchWindow.toMillis();
            }
            batch.addAll(response.records());
            boolean full = batch.size() >= batchSize;
            if (!batch.isEmpty() && (full || System.currentTimeMillis() >= windowEnds)) {
                deliver(shardId, batch);
                batch.clear();
            } else if (response.records().isEmpty()) {
                Thread.sleep(IDLE_POLL.toMillis());
            }
        }
    }

    private GetRecordsResponse getRecords(String iterator, int limit) {
        return kinesis.getRecords(b -> b.shardIterator(iterator).limit(limit));
    }

    /**
     * Delivers one batch until it is done or given up on. After a partial batch response the records from the first
     * reported one on are delivered again, which is what resuming the shard at that sequence number amounts to.
     */
    private void deliver(String shardId, List<Record> batch) throws InterruptedException {
        List<Record> pending = batch;
        for (int attempt = 0; ; attempt++) {
            String event = LambdaEvents.kinesisEvent(streamArn, shardId, pending);
            Set<String> failed = stats.deliver(consumer, event, pending.size(), faults);
            int firstFailed = failed == null ? 0 : firstReported(pending, failed);
            if (firstFailed < 0) {
                return;
            }
            stats.retriedRecords.addAndGet(pending.size() - firstFailed);
            if (attempt + 1 >= maxRetries) {
                stats.discardedRecords.addAndGet(pending.size() - firstFailed);
                LOG.errorf("Kinesis mapping: %d records of %s from %s given up after %d attempts (on-failure "
                        + "destination)", pending.size() - firstFailed, shardId,
                        pending.get(firstFailed).sequenceNumber(), attempt + 1);
                return;
            }
            pending = new ArrayList<>(pending.subList(firstFailed, pending.size()));
        }
    }

    /** Index of the first record whose sequence number was reported; -1 when none was (the batch is done). */
    private static int firstReported(List<Record> batch, Set<String> failed) {
        for (int i = 0; i < batch.size(); i++) {
            if (failed.contains(batch.get(i).sequenceNumber())) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        pollers.shutdown();
        pollers.awaitTermination(1, TimeUnit.MINUTES);
    }
}
