package dev.wail.core.intent;

import dev.wail.core.wire.IntentCodec;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * "Key K of table T in source S changed (around version V)": the unit the producer appends to the intent log and
 * the consumer acts on. It carries no row data.
 *
 * @param source     the configured name of the database the change happened in (e.g. {@code shop})
 * @param table      the table as the hook names it: {@code orders} for PostgreSQL's {@code public} schema,
 *                   {@code schema.table} otherwise; a DynamoDB table name as is
 * @param key        the entity's primary key
 * @param operation  what the hook saw happen (a hint)
 * @param version    where in the source's history it happened (a hint)
 * @param capturedAt when the hook saw it, to the millisecond (the wire precision); freshness lag is measured from it
 */
public record Intent(
        String source, String table, EntityKey key, Operation operation, VersionHint version, Instant capturedAt) {

    /**
     * The order coalescing keeps the last of: by version hint, then capture time, then operation (a delete outranks
     * an update, an update an insert). Two intents equal in all of these carry the same information.
     */
    public static final Comparator<Intent> RECENCY = Comparator.comparing(Intent::version)
            .thenComparing(Intent::capturedAt)
            .thenComparing(intent -> recencyRank(intent.operation()));

    public Intent {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(version, "version");
        capturedAt = Instant.ofEpochMilli(Objects.requireNonNull(capturedAt, "capturedAt").toEpochMilli());
    }

    public Entity entity() {
        return new Entity(source, table, key);
    }

    /**
     * A content-derived id (16 URL-safe base64 characters). A hook that reports the same change twice produces the
     * same id, so SQS FIFO deduplication and logs recognise it; it is not sent on the wire because it is derivable.
     */
    public String id() {
        return IntentCodec.idOf(this);
    }

    private static int recencyRank(Operation operation) {
        return switch (operation) {
            case UNKNOWN -> 0;
            case INSERT -> 1;
            case UPDATE -> 2;
            case DELETE -> 3;
        };
    }
}
