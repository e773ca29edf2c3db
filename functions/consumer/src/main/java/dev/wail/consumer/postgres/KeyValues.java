package dev.wail.consumer.postgres;

import dev.wail.core.intent.EntityKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks key values against the types of the key columns before they are bound, so that one intent with a key the
 * column cannot hold (a letter for a number) is rejected alone instead of failing its whole table's query. Covers the
 * integer, uuid and text types; a value for a column of another type is left for PostgreSQL to judge.
 */
final class KeyValues {

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Map<String, long[]> INTEGER_RANGES = Map.of(
            "smallint", new long[] {Short.MIN_VALUE, Short.MAX_VALUE},
            "integer", new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE},
            "bigint", new long[] {Long.MIN_VALUE, Long.MAX_VALUE});

    private KeyValues() {
    }

    /** @return why the key cannot be looked up, or empty when it can */
    static Optional<String> problem(EntityKey key, List<String> columns, Map<String, String> types) {
        for (int i = 0; i < columns.size(); i++) {
            String column = columns.get(i);
            Optional<String> problem = problem(types.get(column), key.value(i))
                    .map(p -> "column " + column + " is " + types.get(column) + ": " + p);
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> problem(String type, Object value) {
        long[] range = INTEGER_RANGES.get(type);
        if (range != null) {
            if (!(value instanceof Long number)) {
                return Optional.of("got the string " + quoted(value));
            }
            return number < range[0] || number > range[1] ? Optional.of(number + " is out of range") : Optional.empty();
        }
        if (type.equals("uuid") && !(value instanceof String text && UUID.matcher(text).matches())) {
            return Optional.of(quoted(value) + " is not a UUID");
        }
        return Optional.empty();
    }

    private static String quoted(Object value) {
        String text = String.valueOf(value);
        return "'" + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + "'";
    }
}
