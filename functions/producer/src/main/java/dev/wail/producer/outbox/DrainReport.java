package dev.wail.producer.outbox;

/**
 * What one drain did.
 *
 * @param rows         outbox rows read
 * @param intents      intents the log accepted (from rows that were then deleted)
 * @param rejectedRows rows whose payload could not be read at all, moved whole to {@code wail.outbox_rejected} with
 *                     the reason
 * @param retainedRows rows kept in the outbox because the log did not accept all of their intents
 * @param rejectedKeys bad key entries of readable rows, recorded in {@code wail.outbox_rejected} with a reason each
 *                     once the row's good entries were appended
 * @param idlePolls    polls of {@link OutboxDrain#drainUntil} that found the outbox empty (0 for the other drains)
 */
public record DrainReport(int rows, int intents, int rejectedRows, int retainedRows, int rejectedKeys, int idlePolls) {

    public static final DrainReport EMPTY = new DrainReport(0, 0, 0, 0, 0, 0);
    /** One poll that found nothing. */
    static final DrainReport IDLE_POLL = new DrainReport(0, 0, 0, 0, 0, 1);

    /** A report of a drain that rejected no key entry. */
    public DrainReport(int rows, int intents, int rejectedRows, int retainedRows) {
        this(rows, intents, rejectedRows, retainedRows, 0);
    }

    /** A report of a drain that did not poll an empty outbox. */
    public DrainReport(int rows, int intents, int rejectedRows, int retainedRows, int rejectedKeys) {
        this(rows, intents, rejectedRows, retainedRows, rejectedKeys, 0);
    }

    public DrainReport plus(DrainReport other) {
        return new DrainReport(rows + other.rows, intents + other.intents, rejectedRows + other.rejectedRows,
                retainedRows + other.retainedRows, rejectedKeys + other.rejectedKeys, idlePolls + other.idlePolls);
    }
}
