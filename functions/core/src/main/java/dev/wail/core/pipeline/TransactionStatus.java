package dev.wail.core.pipeline;

/** What the source says about the transaction that wrote an intent ({@code pg_xact_status} for PostgreSQL). */
public enum TransactionStatus {
    /** Committed, or so old that the source no longer knows (then long committed or long aborted: a read is safe). */
    COMMITTED,
    /** Rolled back: on its own, the intent describes a change that never happened. */
    ABORTED,
    /** Not finished yet: a write-ahead intent reached the consumer before its transaction ended. */
    IN_PROGRESS,
    /**
     * The source has never assigned this id: the intent comes from another cluster or was forged. It can never be
     * verified, so its messages are rejected with the reason (check the source's configured endpoint).
     */
    UNKNOWN
}
