package dev.wail.lambda.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.wire.IntentCodec;
import dev.wail.lambda.dynamodb.DynamoDbKeyCodec.KeyAttribute;
import dev.wail.lambda.dynamodb.DynamoDbKeyCodec.KeyType;
import dev.wail.lambda.dynamodb.DynamoDbKeyCodec.KeyValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DynamoDbKeyCodecTest {

    private static final int KEYS = 5_000;

    /**
     * Generated item keys (S, N and B; a partition key alone or with a sort key) go from the producer's side to an
     * intent, over the wire, and back to the consumer's side: the same key, numbers compared by value.
     */
    @Test
    void generatedKeysComeBackAsTheSameItemKeyOverTheWire() {
        Random random = new Random(20261203);
        for (int i = 0; i < KEYS; i++) {
            List<KeyAttribute> schema = schema(random);
            Map<String, KeyValue> item = new LinkedHashMap<>();
            schema.forEach(attribute -> item.put(attribute.name(), value(attribute.type(), random)));

            EntityKey key = DynamoDbKeyCodec.toEntityKey(item, (name, value) -> value);
            Intent intent = new Intent("shop", "accounts", key, Operation.UPDATE,
                    VersionHint.StreamSequence.of(String.valueOf(100 + i)), Instant.EPOCH);
            EntityKey decoded = IntentCodec.DEFAULT.decode(IntentCodec.DEFAULT.encodeToString(intent)).key();
            Map<String, KeyValue> back = DynamoDbKeyCodec.toItemKey(decoded, schema, "accounts");

            assertThat(back.keySet()).as("key %d: %s", i, item).containsExactlyElementsOf(item.keySet());
            for (KeyAttribute attribute : schema) {
                KeyValue original = item.get(attribute.name());
                KeyValue returned = back.get(attribute.name());
                if (attribute.type() == KeyType.N) {
                    assertThat(new BigDecimal(returned.text())).as("key %d: %s", i, item)
                            .isEqualByComparingTo(new BigDecimal(original.text()));
                } else {
                    assertThat(returned).as("key %d: %s", i, item).isEqualTo(original);
                }
                assertThat(DynamoDbKeyCodec.identity(returned)).isEqualTo(DynamoDbKeyCodec.identity(original));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
        "42, integer, 42",
        "-7, integer, -7",
        "1E+2, integer, 100",
        "9223372036854775807, integer, 9223372036854775807",
        "9223372036854775808, text, 9223372036854775808",
        "-9223372036854775809, text, -9223372036854775809",
        "2.50, text, 2.5",
        "0.000001, text, 0.000001",
    })
    void numberKeysAreIntegersWhenTheyFitAndDecimalTextOtherwise(String n, String kind, String expected) {
        Object value = DynamoDbKeyCodec.intentValue("id", KeyValue.n(n));

        assertThat(value).isEqualTo(kind.equals("integer") ? (Object) Long.parseLong(expected) : expected);
    }

    @Test
    void intentKeysListAttributesByNameAndItemKeysFollowTheSchema() {
        Map<String, KeyValue> item = new LinkedHashMap<>();
        item.put("tenant", KeyValue.s("acme"));
        item.put("digest", KeyValue.b(new byte[] {0, 1, -2, 127}));

        EntityKey key = DynamoDbKeyCodec.toEntityKey(item, (name, value) -> value);

        assertThat(key).isEqualTo(EntityKey.builder().add("digest", "AAH+fw==").add("tenant", "acme").build());
        List<KeyAttribute> schema = List.of(new KeyAttribute("tenant", KeyType.S), new KeyAttribute("digest", KeyType.B));
        assertThat(DynamoDbKeyCodec.toItemKey(key, schema, "t")).containsExactly(
                Map.entry("tenant", KeyValue.s("acme")), Map.entry("digest", KeyValue.b(new byte[] {0, 1, -2, 127})));
    }

    @Test
    void errorsNameTheAttributeAndTheTable() {
        List<KeyAttribute> schema = List.of(new KeyAttribute("id", KeyType.N));
        assertThatThrownBy(() -> DynamoDbKeyCodec.intentValue("id", KeyValue.n("twelve")))
                .isInstanceOf(DynamoDbKeyCodec.InvalidKeyValueException.class)
                .hasMessage("key attribute 'id': N value 'twelve' is not a number");
        assertThatThrownBy(() -> DynamoDbKeyCodec.toItemKey(EntityKey.of("id", "x"), schema, "accounts"))
                .hasMessage("key attribute id is a number, got 'x'");
        assertThatThrownBy(() -> DynamoDbKeyCodec.toItemKey(EntityKey.of("uuid", "x"), schema, "accounts"))
                .hasMessage("key {uuid=x} does not name the attributes of DynamoDB table accounts's key [id (N)]");
        assertThatThrownBy(() -> DynamoDbKeyCodec.toItemKey(EntityKey.of("id", "%%"),
                List.of(new KeyAttribute("id", KeyType.B)), "accounts"))
                .hasMessage("key attribute id is binary (base64 in an intent), got '%%'");
    }

    private static List<KeyAttribute> schema(Random random) {
        List<KeyAttribute> schema = new ArrayList<>();
        KeyType[] types = KeyType.values();
        schema.add(new KeyAttribute(random.nextBoolean() ? "pk" : "id", types[random.nextInt(types.length)]));
        if (random.nextBoolean()) {
            // A sort key whose name orders before or after the partition key's.
            schema.add(new KeyAttribute(random.nextBoolean() ? "a_sort" : "z_sort", types[random.nextInt(types.length)]));
        }
        return schema;
    }

    private static KeyValue value(KeyType type, Random random) {
        return switch (type) {
            case S -> KeyValue.s(string(random));
            case N -> KeyValue.n(number(random));
            case B -> {
                byte[] bytes = new byte[1 + random.nextInt(40)];
                random.nextBytes(bytes);
                yield KeyValue.b(bytes);
            }
        };
    }

    private static String string(Random random) {
        StringBuilder text = new StringBuilder();
        int length = 1 + random.nextInt(20);
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(switch (random.nextInt(4)) {
                case 0 -> '0' + random.nextInt(10);
                case 1 -> 'a' + random.nextInt(26);
                case 2 -> 0x00e0 + random.nextInt(0x100);
                default -> 0x1f600 + random.nextInt(0x40);
            });
        }
        return text.toString();
    }

    /** Numbers as DynamoDB may spell them: integers small and past 64 bits, decimals, exponents, trailing zeros. */
    private static String number(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> String.valueOf(random.nextLong());
            case 1 -> new BigInteger(100, random).negate().toString();
            case 2 -> new BigDecimal(BigInteger.valueOf(random.nextInt()), random.nextInt(20)).toPlainString();
            case 3 -> random.nextInt(1000) + "E" + (random.nextInt(60) - 30);
            default -> random.nextInt(100) + ".500";
        };
    }
}
