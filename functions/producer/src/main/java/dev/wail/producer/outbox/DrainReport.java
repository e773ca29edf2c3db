package dev.wail.producer.outbox;

/**
 * What one drain did.
 *
 * @param rows         outbox rows read
 * @param intents      intents the log accepted (from rows that were then deleted)
 * @param rejectedRows rows whose payload could not be read, moved to {@code wail.outbox_rejected} with the reason
 * @param retainedRows rows kept in the outbox because the log did not accept all of their intents
 */
public record DrainReport(int rows, int intents, int rejectedRows, int retainedRows) {

    public static final DrainReport EMPTY = new DrainReport(0, 0, 0, 0);

    public DrainReport plus(DrainReport other) {
        return new DrainReport(rows + other.rows, intents + other.intents, rejectedRows + other.rejectedRows,
                retainedRows + other.retainedRows);
    }
}
