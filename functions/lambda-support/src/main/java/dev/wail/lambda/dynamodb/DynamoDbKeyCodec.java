package dev.wail.lambda.dynamodb;

import dev.wail.core.intent.EntityKey;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * The one mapping between a DynamoDB item key and an intent key, both ways: the producer turns a stream record's
 * {@code Keys} into an intent key, the consumer turns the intent key back into the item key it reads. Free of any
 * AWS class, because the two sides hold different ones (the Lambda events model, the SDK v2 model): each adapts its
 * {@code AttributeValue} to a {@link KeyValue} in a few lines.
 *
 * <ul>
 *   <li>attributes: an intent key lists the key attributes ordered by name (a stream record does not say which one is
 *       the partition key); the item key is built in the table's key schema order, partition key first;</li>
 *   <li>{@code S}: the string as is (an integer intent value is taken as its decimal text);</li>
 *   <li>{@code N}: an integer when it is one that fits in 64 bits, otherwise its decimal text without trailing zeros
 *       ({@code "1.5"}, {@code "123456789012345678901234567890"}); back to DynamoDB as that number's plain text;</li>
 *   <li>{@code B}: standard base64 with padding; decoded back to the bytes.</li>
 * </ul>
 *
 * Round trip: for every key DynamoDB allows, {@code toItemKey(toEntityKey(k))} equals {@code k} up to the spelling of
 * numbers ({@code 2.50} comes back as {@code 2.5}, which DynamoDB holds as the same number).
 */
public final class DynamoDbKeyCodec {

    /** The types DynamoDB allows for key attributes. */
    public enum KeyType {
        S, N, B
    }

    /** A key attribute of a table's key schema. */
    public record KeyAttribute(String name, KeyType type) {

        public KeyAttribute {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
        }
    }

    /**
     * One key attribute's value apart from any SDK: {@code S} and {@code N} as their text, {@code B} as its bytes.
     * Equal when type and content are equal (bytes compared by content).
     */
    public record KeyValue(KeyType type, String text, byte[] bytes) {

        public static KeyValue s(String text) {
            return new KeyValue(KeyType.S, Objects.requireNonNull(text, "text"), null);
        }

        public static KeyValue n(String text) {
            return new KeyValue(KeyType.N, Objects.requireNonNull(text, "text"), null);
        }

        public static KeyValue b(byte[] bytes) {
            return new KeyValue(KeyType.B, null, Objects.requireNonNull(bytes, "bytes").clone());
        }

        @Override
        public byte[] bytes() {
            return bytes == null ? null : bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof KeyValue other && type == other.type && Objects.equals(text, other.text)
                    && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Objects.hash(type, text, Arrays.hashCode(bytes));
        }

        @Override
        public String toString() {
            return "{" + type + ": " + (type == KeyType.B ? Base64.getEncoder().encodeToString(bytes) : text) + "}";
        }
    }

    /** A key value that cannot be mapped (a number that is not one, binary that is not base64); names the attribute. */
    public static final class InvalidKeyValueException extends IllegalArgumentException {
        InvalidKeyValueException(String message) {
            super(message);
        }
    }

    private DynamoDbKeyCodec() {
    }

    /**
     * The intent key of an item key, attributes ordered by name; {@code read} adapts one SDK value (and may refuse it
     * with its own exception).
     *
     * @throws InvalidKeyValueException when a value cannot be mapped
     * @throws IllegalArgumentException when the intent key model refuses the key (see {@link EntityKey.Builder})
     */
    public static <V> EntityKey toEntityKey(Map<String, V> keys, BiFunction<String, V, KeyValue> read) {
        EntityKey.Builder key = EntityKey.builder();
        new TreeMap<>(keys).forEach((name, value) -> key.add(name, intentValue(name, read.apply(name, value))));
        return key.build();
    }

    /** S -> String; N -> Long when integral and in range, else its normalized decimal text; B -> base64 text. */
    public static Object intentValue(String attribute, KeyValue value) {
        return switch (value.type()) {
            case S -> value.text();
            case N -> number(attribute, value.text());
            case B -> Base64.getEncoder().encodeToString(value.bytes);
        };
    }

    /**
     * The item key of an intent key, in {@code schema} order (partition key first).
     *
     * @param table names the table in errors
     * @throws IllegalArgumentException when the key does not name exactly the schema's attributes, or a value does not
     *                                  fit its attribute's type ({@link InvalidKeyValueException})
     */
    public static Map<String, KeyValue> toItemKey(EntityKey key, List<KeyAttribute> schema, String table) {
        List<String> names = schema.stream().map(KeyAttribute::name).toList();
        if (!new HashSet<>(key.columns()).equals(new HashSet<>(names))) {
            throw new IllegalArgumentException("key " + key + " does not name the attributes of DynamoDB table "
                    + table + "'s key " + describe(schema));
        }
        Map<String, KeyValue> item = new LinkedHashMap<>();
        for (KeyAttribute attribute : schema) {
            item.put(attribute.name(), itemValue(attribute, key.value(key.columns().indexOf(attribute.name()))));
        }
        return item;
    }

    /** One intent key value as the DynamoDB value of {@code attribute}. */
    public static KeyValue itemValue(KeyAttribute attribute, Object value) {
        String text = String.valueOf(value);
        return switch (attribute.type()) {
            case S -> KeyValue.s(text);
            case N -> KeyValue.n(plainNumber(attribute, text));
            case B -> KeyValue.b(binary(attribute, text));
        };
    }

    /**
     * One string per distinct value, the same for a requested key value and the value DynamoDB returns for it:
     * numbers compared by value ({@code 2.50} is {@code 2.5}), binary by bytes.
     */
    public static String identity(KeyValue value) {
        return switch (value.type()) {
            case N -> new BigDecimal(value.text()).stripTrailingZeros().toPlainString();
            case B -> Base64.getEncoder().encodeToString(value.bytes);
            case S -> value.text();
        };
    }

    /** A schema as {@code [name (TYPE), ...]}, for errors. */
    public static String describe(List<KeyAttribute> schema) {
        return schema.stream().map(a -> a.name() + " (" + a.type() + ")").collect(Collectors.joining(", ", "[", "]"));
    }

    private static Object number(String attribute, String text) {
        BigDecimal number;
        try {
            number = new BigDecimal(text).stripTrailingZeros();
        } catch (NumberFormatException e) {
            throw new InvalidKeyValueException("key attribute '" + attribute + "': N value '" + text
                    + "' is not a number");
        }
        if (number.scale() <= 0 && number.precision() - number.scale() <= 19) {
            BigInteger integer = number.toBigIntegerExact();
            if (integer.bitLength() < Long.SIZE) {
                return integer.longValueExact();
            }
        }
        return number.toPlainString();
    }

    private static String plainNumber(KeyAttribute attribute, String text) {
        try {
            return new BigDecimal(text).toPlainString();
        } catch (NumberFormatException e) {
            throw new InvalidKeyValueException("key attribute " + attribute.name() + " is a number, got '" + text + "'");
        }
    }

    private static byte[] binary(KeyAttribute attribute, String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyValueException("key attribute " + attribute.name() + " is binary (base64 in an "
                    + "intent), got '" + text + "'");
        }
    }
}
