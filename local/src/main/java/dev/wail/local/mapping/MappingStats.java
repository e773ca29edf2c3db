package dev.wail.local.mapping;

import java.util.concurrent.atomic.AtomicLong;

/** What an event source mapping did: batches and records delivered, records handed back for retry. */
public final class MappingStats {

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
