package dev.wail.core.intent;

import java.util.Comparator;
import java.util.Objects;

/**
 * One row (or item) of one table of one source: what coalescing groups by, what a FIFO message group or a Kinesis
 * partition key is derived from.
 */
public record Entity(String source, String table, EntityKey key) implements Comparable<Entity> {

    private static final Comparator<Entity> ORDER = Comparator.comparing(Entity::source)
            .thenComparing(Entity::table)
            .thenComparing(Entity::key);

    public Entity {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(key, "key");
    }

    @Override
    public int compareTo(Entity other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return source + "/" + table + key;
    }
}
