package dev.wail.core.wire;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.IntentLimits;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * Intents made of edge cases, drawn from a seeded {@link Random} so that a failure reproduces: names and key values
 * at and just over each limit of {@link IntentLimits}, text outside the Basic Multilingual Plane, NUL, lone
 * surrogates, control characters (which JSON escapes into six bytes each), empty strings, and 1 to 17 key columns.
 */
final class IntentEdgeCases {

    private static final int NAME = IntentLimits.MAX_NAME_CHARS;
    private static final int VALUE = IntentLimits.MAX_KEY_VALUE_CHARS;
    private static final String SMILE = "\uD83D\uDE00";

    static final List<String> NAMES = List.of("shop", "orders", "sales.line_items", "", "x".repeat(NAME),
            "x".repeat(NAME + 1), SMILE.repeat(NAME / 2) + "x", SMILE.repeat(NAME / 2 + 1), "naïve", "表", "a\nb",
            "a\u007fb", "a\u0085b", "a\0b", "\uD800", "a\uDC00b", "\uDBFF\uDFFF", "\"\\/");

    static final List<String> TEXT = List.of("", "A7", "x".repeat(VALUE), "x".repeat(VALUE + 1),
            "é".repeat(VALUE), SMILE.repeat(VALUE / 2), SMILE.repeat(VALUE / 2) + "x", "a\0b", "\0", "\uD800",
            "a\uDC00", SMILE.substring(0, 1) + "x", "\uDBFF\uDFFF", "\u0001\u001f\u007f", "\u0001".repeat(VALUE),
            "\"\\/\u2028\uFFFF", "中文キー", "6f1c2a9e-3b1d-4c6e-9f0a-1b2c3d4e5f60", " trailing ");

    static final List<Long> INTEGERS = List.of(0L, 1L, -1L, 42L, Long.MIN_VALUE, Long.MAX_VALUE);

    private final Random random;

    IntentEdgeCases(Random random) {
        this.random = random;
    }

    <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    /** Usually a good name, often an edge one. */
    String name(String usual) {
        return random.nextInt(4) == 0 ? pick(NAMES) : usual;
    }

    Object keyValue() {
        return random.nextInt(3) == 0 ? pick(INTEGERS) : pick(TEXT);
    }

    int keyColumns() {
        int roll = random.nextInt(10);
        return roll < 6 ? 1 : roll < 8 ? 1 + random.nextInt(3) : roll == 8 ? IntentLimits.MAX_KEY_COLUMNS
                : IntentLimits.MAX_KEY_COLUMNS + 1;
    }

    /** Distinct column names for a key of {@code count} columns, the first sometimes an edge one. */
    List<String> columnNames(int count) {
        String first = name("id");
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> i == 0 ? first : (first.isEmpty() ? "c" : first.substring(0, Math.min(first.length(),
                        NAME - 4))) + "_" + i)
                .toList();
    }

    Intent intent() {
        List<String> columns = columnNames(keyColumns());
        EntityKey.Builder key = EntityKey.builder();
        try {
            columns.forEach(column -> key.add(column, keyValue()));
        } catch (IllegalArgumentException emptyColumnName) {
            // EntityKey itself refuses an empty column name; make the case a different one.
            return intent();
        }
        return new Intent(name("shop"), name("orders"), key.build(), pick(List.of(Operation.values())), version(),
                capturedAt(), captureVersion());
    }

    private VersionHint version() {
        return switch (random.nextInt(5)) {
            case 0 -> VersionHint.NONE;
            case 1 -> new VersionHint.Postgres(random.nextLong(), random.nextLong());
            case 2 -> new VersionHint.Postgres(-1L, 0L);
            case 3 -> VersionHint.StreamSequence.of(pick(List.of("0", "9".repeat(40), "1".repeat(41))));
            default -> VersionHint.StreamSequence.of(Long.toUnsignedString(random.nextLong()));
        };
    }

    private Instant capturedAt() {
        return Instant.ofEpochMilli(pick(List.of(0L, 1_764_034_800_123L, -1L, 1_764_034_800_123L)));
    }

    private Integer captureVersion() {
        return pick(java.util.Arrays.asList(null, null, 0, 1, 3, Integer.MAX_VALUE, -1));
    }
}
