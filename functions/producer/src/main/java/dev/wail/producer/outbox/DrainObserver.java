package dev.wail.producer.outbox;

/**
 * Told of each drain transaction of an {@link OutboxDrain} once it committed (a transaction that failed is not
 * reported here: the drain throws its failure): what it did and where its time went, for a benchmark or metrics that
 * time the drain's stages without copying its loop.
 *
 * <p>Called on the thread that ran the transaction; {@link OutboxDrain#drainUntil} runs up to {@code sendsInFlight}
 * transactions at once, so an observer must be thread-safe, quick, and must not throw.
 */
@FunctionalInterface
public interface DrainObserver {

    /** Observes nothing: what a drain built without an observer has. */
    DrainObserver NONE = transaction -> {
    };

    void transaction(Transaction transaction);

    /**
     * One drain transaction.
     *
     * @param report      what it did: rows read, intents the log accepted, rows rejected or kept ({@code rows() == 0}:
     *                    a poll that found the outbox empty)
     * @param startNanos  {@link System#nanoTime()} when it began, before the rows were locked
     * @param appendNanos how long {@code IntentLog.append} took, the send (next to nothing when there was no intent)
     * @param endNanos    {@link System#nanoTime()} when it ended, after the commit
     */
    record Transaction(DrainReport report, long startNanos, long appendNanos, long endNanos) {
    }
}
