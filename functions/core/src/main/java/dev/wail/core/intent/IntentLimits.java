package dev.wail.core.intent;

import java.math.BigInteger;

/**
 * What an intent may hold: the one definition that every reader and writer of intents applies (the consumer's
 * {@code IntentCodec} when it decodes, the producer's hook payload and DynamoDB stream readers before they append), so
 * that the producer refuses exactly what the consumer would reject, with the same reason.
 *
 * <p>Lengths count UTF-16 code units ({@link String#length()}), as Java and JavaScript do. Every check takes the name
 * of the field as its caller spells it ({@code k.id} on the wire, {@code k[3][0]} in a hook payload) and throws an
 * {@link IntentLimitException} naming that field, the limit and what was found.
 *
 * <table>
 *   <caption>The limits</caption>
 *   <tr><th>what</th><th>limit</th></tr>
 *   <tr><td>source, table</td><td>1 to {@value #MAX_NAME_CHARS} characters, no control characters, no lone
 *       surrogate</td></tr>
 *   <tr><td>key column name</td><td>1 to {@value #MAX_NAME_CHARS} characters, no NUL, no lone surrogate</td></tr>
 *   <tr><td>key columns</td><td>1 to {@value #MAX_KEY_COLUMNS}</td></tr>
 *   <tr><td>key value</td><td>a 64-bit integer, or a string of 0 to {@value #MAX_KEY_VALUE_CHARS} characters
 *       without NUL or lone surrogates</td></tr>
 *   <tr><td>capture version</td><td>0 to {@value Integer#MAX_VALUE}, or absent</td></tr>
 *   <tr><td>capture time</td><td>at or after the Unix epoch</td></tr>
 *   <tr><td>stream sequence number</td><td>at most {@value #MAX_SEQUENCE_DIGITS} decimal digits</td></tr>
 *   <tr><td>the whole intent, encoded</td><td>at most {@value #MAX_INTENT_BYTES} bytes (measured by the codec)</td></tr>
 * </table>
 *
 * NUL is refused because PostgreSQL text cannot hold it and a key holding it could never be read back; a lone
 * surrogate is not Unicode and has no UTF-8 encoding.
 */
public final class IntentLimits {

    /** Longest source, table or key column name. */
    public static final int MAX_NAME_CHARS = 255;
    /** Most key columns of one key. */
    public static final int MAX_KEY_COLUMNS = 16;
    /** Longest text key value. */
    public static final int MAX_KEY_VALUE_CHARS = 2048;
    /** Most digits of a stream sequence number (DynamoDB Streams: up to 40). */
    public static final int MAX_SEQUENCE_DIGITS = 40;
    /** Largest encoded intent; a typical one is under 100 bytes. */
    public static final int MAX_INTENT_BYTES = 8 * 1024;

    private IntentLimits() {
    }

    /**
     * Checks every field of an intent against the limits above, except its encoded size, which only the codec can
     * measure ({@code IntentCodec.requireWithinLimits} checks both). Fields are named in wire notation ({@code s},
     * {@code t}, {@code k}, {@code k.<column>}, {@code cv}, {@code q}, {@code c}).
     */
    public static void requireFields(Intent intent) {
        requireName("s", intent.source());
        requireName("t", intent.table());
        requireKey("k", intent.key());
        if (intent.captureVersion() != null) {
            requireCaptureVersion("cv", intent.captureVersion());
        }
        if (intent.version() instanceof VersionHint.StreamSequence sequence) {
            requireSequence("q", sequence.sequenceNumber());
        }
        requireCapturedAt("c", intent.capturedAt().toEpochMilli());
    }

    /** A source or table name: 1 to {@value #MAX_NAME_CHARS} characters, no control characters, no lone surrogate. */
    public static void requireName(String field, String name) {
        requireLength(field, "a name", name, 1, MAX_NAME_CHARS);
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new IntentLimitException(field, "contains a control character ("
                        + codePoint(name.charAt(i)) + ") at position " + i + "; a name may not");
            }
        }
        requireText(field, "the name", name);
    }

    /** A key's columns and values: 1 to {@value #MAX_KEY_COLUMNS} columns, each name and value within the limits. */
    public static void requireKey(String field, EntityKey key) {
        requireKeyColumnCount(field, key.size());
        for (int i = 0; i < key.size(); i++) {
            String column = key.columns().get(i);
            requireKeyColumn(field, column);
            requireKeyValue(field + "." + column, key.value(i));
        }
    }

    /** The number of key columns: 1 to {@value #MAX_KEY_COLUMNS}. */
    public static void requireKeyColumnCount(String field, int columns) {
        if (columns < 1 || columns > MAX_KEY_COLUMNS) {
            throw new IntentLimitException(field, "has " + columns + " key columns; a key has 1 to "
                    + MAX_KEY_COLUMNS);
        }
    }

    /** A key column name: 1 to {@value #MAX_NAME_CHARS} characters, no NUL, no lone surrogate. */
    public static void requireKeyColumn(String field, String column) {
        requireLength(field, "a key column name", column, 1, MAX_NAME_CHARS);
        requireText(field, "key column name '" + column + "'", column);
    }

    /**
     * A key value: a {@link Long}, or a {@link String} of 0 to {@value #MAX_KEY_VALUE_CHARS} characters without NUL
     * or lone surrogates.
     */
    public static void requireKeyValue(String field, Object value) {
        if (value instanceof Long) {
            return;
        }
        if (!(value instanceof String text)) {
            throw new IntentLimitException(field, "a key value must be a string or a 64-bit integer, got "
                    + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        requireLength(field, "a key value", text, 0, MAX_KEY_VALUE_CHARS);
        requireText(field, "the key value", text);
    }

    /** A capture version: 0 to {@value Integer#MAX_VALUE}. */
    public static void requireCaptureVersion(String field, long captureVersion) {
        if (captureVersion < 0 || captureVersion > Integer.MAX_VALUE) {
            throw new IntentLimitException(field, "a capture version must be 0 to " + Integer.MAX_VALUE + ", got "
                    + captureVersion);
        }
    }

    /** A capture time in milliseconds since the epoch: not negative. */
    public static void requireCapturedAt(String field, long epochMillis) {
        if (epochMillis < 0) {
            throw new IntentLimitException(field, "must be milliseconds since the epoch, got " + epochMillis);
        }
    }

    /** A stream sequence number: not negative, at most {@value #MAX_SEQUENCE_DIGITS} digits. */
    public static void requireSequence(String field, BigInteger sequence) {
        String digits = sequence.toString();
        if (sequence.signum() < 0 || digits.length() > MAX_SEQUENCE_DIGITS) {
            throw new IntentLimitException(field, "expected 1 to " + MAX_SEQUENCE_DIGITS + " decimal digits, got "
                    + digits.length() + (sequence.signum() < 0 ? " and a minus sign" : ""));
        }
    }

    /** An encoded intent's size: at most {@value #MAX_INTENT_BYTES} bytes. */
    public static void requireEncodedSize(String field, String what, long bytes) {
        if (bytes > MAX_INTENT_BYTES) {
            throw new IntentLimitException(field, what + " is " + bytes + " bytes, over the limit of "
                    + MAX_INTENT_BYTES);
        }
    }

    private static void requireLength(String field, String what, String text, int min, int max) {
        if (text == null || text.length() < min || text.length() > max) {
            throw new IntentLimitException(field, (min == 0 ? what + " must be at most " + max
                    : what + " must be " + min + " to " + max) + " characters, got "
                    + (text == null ? "none" : text.length()));
        }
    }

    /** No NUL, no lone surrogate: text that PostgreSQL can store and UTF-8 can encode. */
    private static void requireText(String field, String what, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\0') {
                throw new IntentLimitException(field, what + " contains NUL (U+0000) at position " + i
                        + "; keys may not (PostgreSQL text cannot hold it)");
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IntentLimitException(field, what + " contains a lone surrogate (" + codePoint(c)
                        + ") at position " + i + "; it is not Unicode text and has no UTF-8 encoding");
            }
        }
    }

    private static String codePoint(char c) {
        return String.format("U+%04X", (int) c);
    }
}
