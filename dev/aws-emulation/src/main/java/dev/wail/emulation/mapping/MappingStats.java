package dev.wail.emulation.mapping;

import java.util.concurrent.atomic.AtomicLong;

/** What an event source mapping did: batches and records delivered, records handed back for retry. */
public final class MappingStats {

    /**
     * One delivery of a batch as both mappings make it: the delay fault, the invocation (with the crash fault), a
     * second delivery under the duplicate fault, all counted. Returns the identifiers the partial batch response
     * reported, or {@code null} when the invocation failed as a whole (error, crash, timeout, malformed response).
     */
    java.util.Set<String> deliver(dev.wail.emulation.lambda.FunctionPool consumer, String event, int records,
            Faults faults) throws InterruptedException {
        faults.delay();
        batches.incrementAndGet();
        this.records.addAndGet(records);
        largestBatch.accumulateAndGet(records, Math::max);
        dev.wail.emulation.lambda.InvocationResult result = consumer.invoke(event, faults.crashAfter());
        completed(result, records);
        if (faults.deliverTwice()) {
            completed(consumer.invoke(event), records);
            this.records.addAndGet(records);
        }
        java.util.Set<String> failed = result.ok() ? BatchResponse.failedItems(result.payload()) : null;
        if (failed == null) {
            failedInvocations.incrementAndGet();
        }
        return failed;
    }

    final AtomicLong batches = new AtomicLong();
    final AtomicLong records = new AtomicLong();
    final AtomicLong retriedRecords = new AtomicLong();
    final AtomicLong failedInvocations = new AtomicLong();
    final AtomicLong discardedRecords = new AtomicLong();
    final AtomicLong largestBatch = new AtomicLong();
    final AtomicLong completedBatches = new AtomicLong();
    final AtomicLong completedRecords = new AtomicLong();

    /**
     * An invocation that returned has reported its metrics (a crashed one may not have): the per-invocation figures
     * are taken over these, so that they compare with the consumers' own counts.
     */
    private void completed(dev.wail.emulation.lambda.InvocationResult result, int records) {
        if (result.ok()) {
            completedBatches.incrementAndGet();
            completedRecords.addAndGet(records);
        }
    }

    public long batches() {
        return batches.get();
    }

    /** Records delivered to the function, redeliveries included. */
    public long records() {
        return records.get();
    }

    /** Invocations that returned a response (not crashed, not timed out, no function error). */
    public long completedBatches() {
        return completedBatches.get();
    }

    /** Records given to the invocations that returned a response. */
    public long completedRecords() {
        return completedRecords.get();
    }

    /** The most records one invocation was given. */
    public long largestBatch() {
        return largestBatch.get();
    }

    /** Records that come back: reported in {@code batchItemFailures} or in a failed invocation. */
    public long retriedRecords() {
        return retriedRecords.get();
    }

    /** Invocations that failed as a whole: a function error, a crash, a timeout. */
    public long failedInvocations() {
        return failedInvocations.get();
    }

    /** Kinesis only: records given up on after the retry limit (sent to the on-failure destination). */
    public long discardedRecords() {
        return discardedRecords.get();
    }
}
