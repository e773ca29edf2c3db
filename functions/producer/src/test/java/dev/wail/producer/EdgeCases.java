package dev.wail.producer;

import dev.wail.core.intent.IntentLimits;
import dev.wail.core.wire.IntentCodec;
import dev.wail.core.wire.IntentFormatException;
import dev.wail.core.intent.Intent;
import java.util.List;
import java.util.Random;

/**
 * Edge cases of what an intent may hold, drawn from a seeded {@link Random} so that a failure reproduces: text at and
 * just over each limit of {@link IntentLimits}, outside the Basic Multilingual Plane, with NUL, lone surrogates or
 * control characters (six bytes each once escaped), empty strings, and integers at the ends of 64 bits.
 */
public final class EdgeCases {

    public static final long SEED = 20_261_203L;
    private static final int NAME = IntentLimits.MAX_NAME_CHARS;
    private static final int VALUE = IntentLimits.MAX_KEY_VALUE_CHARS;
    private static final String SMILE = "\uD83D\uDE00";

    private static final List<String> NAMES = List.of("x".repeat(NAME), "x".repeat(NAME + 1),
            SMILE.repeat(NAME / 2) + "x", SMILE.repeat(NAME / 2 + 1), "naïve", "表", "a\nb", "a\u0085b", "a\0b",
            "\uD800", "a\uDC00b", "\"\\/");
    private static final List<String> TEXT = List.of("", "A7", "x".repeat(VALUE), "x".repeat(VALUE + 1),
            "x".repeat(3000), "é".repeat(VALUE), SMILE.repeat(VALUE / 2) + "x", SMILE.repeat(300), "a\0b", "\0",
            "\uD800", "a\uDC00", "\uDBFF\uDFFF", "\u0001\u001f\u007f", "\u0001".repeat(1500), "\"\\/\u2028\uFFFF",
            "中文キー", " trailing ");
    private static final List<Long> INTEGERS = List.of(0L, 1L, -1L, 42L, Long.MIN_VALUE, Long.MAX_VALUE);

    private final Random random = new Random(SEED);

    public <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    public long nextLong() {
        return random.nextLong();
    }

    /** {@code usual} three times in four, else an edge-case name. */
    public String name(String usual) {
        return random.nextInt(4) == 0 ? pick(NAMES) : usual;
    }

    public String text() {
        return pick(TEXT);
    }

    /** A string or a 64-bit integer. */
    public Object keyValue() {
        return random.nextInt(3) == 0 ? pick(INTEGERS) : text();
    }

    /** Mostly 1 to 3, sometimes the most allowed, sometimes one more. */
    public int keyColumns() {
        int roll = random.nextInt(12);
        return roll < 9 ? 1 + roll % 3 : roll == 9 ? IntentLimits.MAX_KEY_COLUMNS : IntentLimits.MAX_KEY_COLUMNS + 1;
    }

    /** Whether the consumer's codec turns the intent's encoding back into an equal intent. */
    public static boolean roundTrips(Intent intent) {
        try {
            return IntentCodec.DEFAULT.decode(IntentCodec.DEFAULT.encodeToString(intent)).equals(intent);
        } catch (IntentFormatException | IllegalArgumentException refused) {
            return false;
        }
    }
}
