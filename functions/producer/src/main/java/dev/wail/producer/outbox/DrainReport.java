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
 */
public record DrainReport(int rows, int intents, int rejectedRows, int retainedRows, int rejectedKeys) {

    public static final DrainReport EMPTY = new DrainReport(0, 0, 0, 0, 0);

    /** A report of a drain that rejected no key entry. */
    public DrainReport(int rows, int intents, int rejectedRows, int retainedRows) {
        this(rows, intents, rejectedRows, retainedRows, 0);
    }

    public DrainReport plus(DrainReport other) {
        return new DrainReport(rows + other.rows, intents + other.intents, rejectedRows + other.rejectedRows,
                retainedRows + other.retainedRows, rejectedKeys + other.rejectedKeys);
    }
}
