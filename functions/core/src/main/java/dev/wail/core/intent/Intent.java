package dev.wail.core.intent;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * "Key K of table T in source S changed (around version V)": the unit the producer appends to the intent log and
 * the consumer acts on. It carries no row data. Immutable and thread-safe; equal when every field is equal.
 *
 * <p>An intent need not be within {@link IntentLimits}: the readers that build intents from outside input check them
 * (through {@code IntentCodec.requireWithinLimits}) before anything is appended.
 */
public final class Intent {

    /**
     * The order coalescing keeps the last of: by version hint, then capture time, then operation (a delete outranks
     * an update, an update an insert). Two intents equal in all of these carry the same information.
     */
    public static final Comparator<Intent> RECENCY = Comparator.comparing(Intent::version)
            .thenComparing(Intent::capturedAt)
            .thenComparing(intent -> recencyRank(intent.operation()));

    private final String source;
    private final String table;
    private final EntityKey key;
    private final Operation operation;
    private final VersionHint version;
    private final Instant capturedAt;
    private final Integer captureVersion;

    /**
     * @param source         the configured name of the database the change happened in (e.g. {@code shop})
     * @param table          the table as the hook names it: {@code orders} for PostgreSQL's {@code public} schema,
     *                       {@code schema.table} otherwise; a DynamoDB table name as is
     * @param key            the entity's primary key
     * @param operation      what the hook saw happen (a hint)
     * @param version        where in the source's history it happened (a hint)
     * @param capturedAt     when the hook saw it; kept to the millisecond (the wire precision); freshness lag is
     *                       measured from it
     * @param captureVersion the table's capture version when the hook ran (bumped by each re-capture that changed the
     *                       table's capture definition), or {@code null} when the source has none (DynamoDB, hooks
     *                       older than the field)
     */
    public Intent(String source, String table, EntityKey key, Operation operation, VersionHint version,
            Instant capturedAt, Integer captureVersion) {
        this.source = Objects.requireNonNull(source, "source");
        this.table = Objects.requireNonNull(table, "table");
        this.key = Objects.requireNonNull(key, "key");
        this.operation = Objects.requireNonNull(operation, "operation");
        this.version = Objects.requireNonNull(version, "version");
        this.capturedAt = Instant.ofEpochMilli(Objects.requireNonNull(capturedAt, "capturedAt").toEpochMilli());
        this.captureVersion = captureVersion;
    }

    /** An intent without a capture version. */
    public Intent(String source, String table, EntityKey key, Operation operation, VersionHint version,
            Instant capturedAt) {
        this(source, table, key, operation, version, capturedAt, null);
    }

    public String source() {
        return source;
    }

    public String table() {
        return table;
    }

    public EntityKey key() {
        return key;
    }

    public Operation operation() {
        return operation;
    }

    public VersionHint version() {
        return version;
    }

    public Instant capturedAt() {
        return capturedAt;
    }

    /** The table's capture version when the hook ran, or {@code null} when the source did not say. */
    public Integer captureVersion() {
        return captureVersion;
    }

    public Entity entity() {
        return new Entity(source, table, key);
    }

    private static int recencyRank(Operation operation) {
        return switch (operation) {
            case UNKNOWN -> 0;
            case INSERT -> 1;
            case UPDATE -> 2;
            case DELETE -> 3;
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Intent other && source.equals(other.source) && table.equals(other.table)
                && key.equals(other.key) && operation == other.operation && version.equals(other.version)
                && capturedAt.equals(other.capturedAt) && Objects.equals(captureVersion, other.captureVersion);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, table, key, operation, version, capturedAt, captureVersion);
    }

    @Override
    public String toString() {
        return "Intent[source=" + source + ", table=" + table + ", key=" + key + ", operation=" + operation
                + ", version=" + version + ", capturedAt=" + capturedAt
                + (captureVersion == null ? "" : ", captureVersion=" + captureVersion) + "]";
    }
}
