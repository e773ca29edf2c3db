package dev.wail.core.intent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The primary key of one entity: an ordered list of column -> value pairs (one pair for a simple key, several for a
 * composite key, in the table's key order).
 *
 * <p>Values are either {@link Long} (integer columns) or {@link String} (every other key type, in its JSON form).
 * Equality is by value, not by meaning: two keys are equal when their columns and values are equal in order, so
 * {@code "1.50"} and {@code "1.5"} are two keys here. One row gets one key because every value takes one canonical
 * form: the PostgreSQL hook writes it (the table of forms per column type is in docs/concepts.md, "Key identity"), and the
 * consumer rewrites every delivered key to it through {@code Source.keys} before coalescing, since intents may also
 * come from backfills or other writers. Keys order first by columns, then value by value with integers before
 * strings, which gives coalescing a deterministic output order.
 */
public final class EntityKey implements Comparable<EntityKey> {

    private final List<String> columns;
    private final List<Object> values;
    /** Computed on first use (keys are hashed per intent in every map of a batch); 0 means not yet. */
    private int hash;

    private EntityKey(List<String> columns, List<Object> values) {
        this.columns = columns;
        this.values = values;
    }

    public static EntityKey of(String column, Object value) {
        return builder().add(column, value).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<String> columns() {
        return columns;
    }

    /** The values in column order, each a {@link Long} or a {@link String}. */
    public List<Object> values() {
        return values;
    }

    public int size() {
        return columns.size();
    }

    public Object value(int index) {
        return values.get(index);
    }

    @Override
    public int compareTo(EntityKey other) {
        int n = Math.min(size(), other.size());
        for (int i = 0; i < n; i++) {
            int byColumn = columns.get(i).compareTo(other.columns.get(i));
            if (byColumn != 0) {
                return byColumn;
            }
            int byValue = compareValues(values.get(i), other.values.get(i));
            if (byValue != 0) {
                return byValue;
            }
        }
        return Integer.compare(size(), other.size());
    }

    private static int compareValues(Object a, Object b) {
        if (a instanceof Long la && b instanceof Long lb) {
            return Long.compare(la, lb);
        }
        if (a instanceof String sa && b instanceof String sb) {
            return sa.compareTo(sb);
        }
        return a instanceof Long ? -1 : 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EntityKey other && columns.equals(other.columns) && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = 31 * columns.hashCode() + values.hashCode();
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < size(); i++) {
            if (i > 0) {
                text.append(", ");
            }
            text.append(columns.get(i)).append('=').append(values.get(i));
        }
        return text.append('}').toString();
    }

    /** Collects key columns in key order; rejects duplicate columns and unsupported value types. */
    public static final class Builder {
        private final List<String> columns = new ArrayList<>(2);
        private final List<Object> values = new ArrayList<>(2);

        private Builder() {
        }

        /**
         * @param value a {@link Long}, {@link Integer}, {@link Short}, {@link String} or {@link UUID}
         * @throws IllegalArgumentException for any other type, a blank column or a repeated column
         */
        public Builder add(String column, Object value) {
            Objects.requireNonNull(column, "key column");
            if (column.isEmpty()) {
                throw new IllegalArgumentException("key column name is empty");
            }
            if (columns.contains(column)) {
                throw new IllegalArgumentException("key column '" + column + "' appears twice");
            }
            columns.add(column);
            values.add(normalize(column, value));
            return this;
        }

        public EntityKey build() {
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("a key needs at least one column");
            }
            return new EntityKey(List.copyOf(columns), Collections.unmodifiableList(new ArrayList<>(values)));
        }

        private static Object normalize(String column, Object value) {
            if (value instanceof Long || value instanceof String) {
                return value;
            }
            if (value instanceof Integer || value instanceof Short) {
                return ((Number) value).longValue();
            }
            if (value instanceof UUID uuid) {
                return uuid.toString();
            }
            String type = value == null ? "null" : value.getClass().getSimpleName();
            throw new IllegalArgumentException(
                    "key column '" + column + "' has a " + type + " value; keys hold integers, strings or UUIDs");
        }
    }
}
