package dev.wail.emulation.mapping;

import io.smallrye.mutiny.subscription.MultiSubscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Turns a stream of records into batches the way a Lambda poller does: a batch starts with the first record that
 * arrives and closes when it holds {@code batchSize} records or the batching window has passed. Demand is bounded: at
 * most {@code capacity} records are taken from the stream and not yet settled, so a slow function holds the records
 * back in the queue rather than in memory here.
 */
final class BatchGatherer<T> implements MultiSubscriber<T> {

    private final int capacity;
    private final BlockingQueue<T> arrived = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;

    BatchGatherer(int capacity) {
        this.capacity = capacity;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(capacity);
    }

    @Override
    public void onItem(T item) {
        arrived.add(item);
    }

    @Override
    public void onFailure(Throwable failure) {
        org.jboss.logging.Logger.getLogger(BatchGatherer.class).errorf(failure, "record stream failed");
    }

    @Override
    public void onCompletion() {
        // The connector's stream ends only when the application stops.
    }

    /** Blocks for the first record, then gathers more until the batch is full or the window has passed. */
    List<T> next(int batchSize, Duration window) throws InterruptedException {
        List<T> batch = new ArrayList<>(batchSize);
        batch.add(arrived.take());
        long closesAt = System.nanoTime() + window.toNanos();
        while (batch.size() < batchSize) {
            T more = arrived.poll(closesAt - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (more == null) {
                break;
            }
            batch.add(more);
        }
        return batch;
    }

    /** The records of a batch are settled (deleted or left to come back): take as many new ones. */
    void settled(int records) {
        subscription.request(records);
    }

    void cancel() {
        Flow.Subscription current = subscription;
        if (current != null) {
            current.cancel();
        }
    }
}
