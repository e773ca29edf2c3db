package dev.wail.local.mapping;

import java.util.concurrent.atomic.AtomicLong;

/** What an event source mapping did: batches and records delivered, records handed back for retry. */
public final class MappingStats {

    /**
     * One delivery of a batch as both mappings make it: the delay fault, the invocation (with the crash fault), a
     * second delivery under the duplicate fault, all counted. Returns the identifiers the partial batch response
     * reported, or {@code null} when the invocation failed as a whole (error, crash, timeout, malformed response).
     */
    java.util.Set<String> deliver(dev.wail.local.lambda.FunctionPool consumer, String event, int records,
            Faults faults) throws InterruptedException {
        faults.delay();
        batches.incrementAndGet();
        this.records.addAndGet(records);
        dev.wail.local.lambda.InvocationResult result = consumer.invoke(event, faults.crashAfter());
        if (faults.deliverTwice()) {
            consumer.invoke(event);
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

    public long batches() {
        return batches.get();
    }

    /** Records delivered to the function, redeliveries included. */
    public long records() {
        return records.get();
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
