package dev.wail.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IntentCodecTest {

    private static final Instant CAPTURED = Instant.parse("2026-11-25T01:40:00.123Z");
    private final IntentCodec codec = IntentCodec.DEFAULT;

    static Intent typicalOrderUpdate() {
        return new Intent("shop", "orders", EntityKey.of("id", 42L), Operation.UPDATE,
                new VersionHint.Postgres(752_345L, 439_041_101L), CAPTURED);
    }

    @Test
    void typicalOneColumnKeyIntentEncodesToAtMost100Bytes() {
        byte[] encoded = codec.encode(typicalOrderUpdate());

        assertThat(new String(encoded, StandardCharsets.UTF_8)).isEqualTo(
                "{\"v\":1,\"s\":\"shop\",\"t\":\"orders\",\"k\":{\"id\":42},\"o\":\"u\","
                        + "\"x\":752345,\"l\":439041101,\"c\":1795570800123}");
        assertThat(encoded.length).isLessThanOrEqualTo(100);
    }

    @Test
    void captureVersionTravelsAsAShortOptionalFieldAfterTheTable() {
        Intent captured = new Intent("shop", "orders", EntityKey.of("id", 42L), Operation.UPDATE,
                new VersionHint.Postgres(752_345L, 439_041_101L), CAPTURED, 3);

        byte[] encoded = codec.encode(captured);

        assertThat(new String(encoded, StandardCharsets.UTF_8)).isEqualTo(
                "{\"v\":1,\"s\":\"shop\",\"t\":\"orders\",\"cv\":3,\"k\":{\"id\":42},\"o\":\"u\","
                        + "\"x\":752345,\"l\":439041101,\"c\":1795570800123}");
        // 7 bytes more than the same intent without it: 103 bytes with a one-digit capture version, 96 without.
        assertThat(encoded.length).isEqualTo(codec.encode(typicalOrderUpdate()).length + 7).isEqualTo(103);
        assertThat(codec.decode(new String(encoded, StandardCharsets.UTF_8))).isEqualTo(captured)
                .isNotEqualTo(typicalOrderUpdate());
        assertThat(IntentCodec.idOf(captured)).isNotEqualTo(IntentCodec.idOf(typicalOrderUpdate()));
    }

    @Test
    void anIntentWithoutCaptureVersionKeepsTheIdItAlwaysHad() {
        // The id of typicalOrderUpdate() before the capture version existed: the bytes without cv are unchanged.
        assertThat(IntentCodec.idOf(typicalOrderUpdate())).isEqualTo("P8QXTk6GQPjSr4L4");
        assertThat(codec.decode(codec.encodeToString(typicalOrderUpdate())).captureVersion()).isNull();
    }

    @Test
    void postgresIntentRoundTrips() {
        Intent intent = typicalOrderUpdate();

        assertThat(codec.decode(codec.encodeToString(intent))).isEqualTo(intent);
    }

    @Test
    void compositeUuidAndStreamSequenceIntentRoundTrips() {
        UUID tenant = UUID.fromString("6f1c2a9e-3b1d-4c6e-9f0a-1b2c3d4e5f60");
        Intent intent = new Intent("catalog", "sales.line_items",
                EntityKey.builder().add("tenant", tenant).add("order_id", 7).add("sku", "A-1").build(),
                Operation.DELETE, VersionHint.StreamSequence.of("4955000000000000000000000000000000000123"),
                CAPTURED);

        Intent decoded = codec.decode(codec.encodeToString(intent));

        assertThat(decoded).isEqualTo(intent);
        assertThat(decoded.key().columns()).containsExactly("tenant", "order_id", "sku");
        assertThat(decoded.key().values()).containsExactly(tenant.toString(), 7L, "A-1");
        assertThat(decoded.version()).isEqualTo(
                new VersionHint.StreamSequence(new java.math.BigInteger("4955000000000000000000000000000000000123")));
    }

    @Test
    void unknownOperationAndNoVersionAreOmittedOnTheWire() {
        Intent backfill = new Intent("shop", "orders", EntityKey.of("id", "A7"), Operation.UNKNOWN,
                VersionHint.NONE, CAPTURED);

        String text = codec.encodeToString(backfill);

        assertThat(text).isEqualTo("{\"v\":1,\"s\":\"shop\",\"t\":\"orders\",\"k\":{\"id\":\"A7\"},\"c\":1795570800123}");
        assertThat(codec.decode(text)).isEqualTo(backfill);
    }

    @Test
    void unsignedPositionsAboveLongMaxSurviveTheRoundTrip() {
        Intent intent = new Intent("shop", "orders", EntityKey.of("id", 1L), Operation.INSERT,
                new VersionHint.Postgres(5L, Long.parseUnsignedLong("18446744073709551000")), CAPTURED);

        String text = codec.encodeToString(intent);

        assertThat(text).contains("\"l\":18446744073709551000");
        assertThat(codec.decode(text)).isEqualTo(intent);
    }

    @Test
    void packedBodyDecodesEveryIntentInOrder() {
        Intent first = typicalOrderUpdate();
        Intent second = new Intent("shop", "orders", EntityKey.of("id", 43L), Operation.INSERT,
                new VersionHint.Postgres(752_346L, 439_041_300L), CAPTURED);

        assertThat(codec.decodeAll(codec.encodeAll(List.of(first, second)))).containsExactly(first, second);
        assertThat(codec.decodeAll(codec.encodeToString(first))).containsExactly(first);
    }

    @Test
    void idIsDerivedFromContentAndStableAcrossDecoding() {
        Intent intent = typicalOrderUpdate();
        Intent other = new Intent("shop", "orders", EntityKey.of("id", 43L), Operation.UPDATE,
                new VersionHint.Postgres(752_345L, 439_041_101L), CAPTURED);

        String id = IntentCodec.idOf(intent);
        assertThat(id).hasSize(16).matches("[A-Za-z0-9_-]{16}");
        assertThat(IntentCodec.idOf(codec.decode(codec.encodeToString(intent)))).isEqualTo(id);
        assertThat(IntentCodec.idOf(other)).isNotEqualTo(id);
        // A caller that holds the encoding (the SQS log's FIFO deduplication id) gets the same id without a decode.
        assertThat(IntentCodec.idOfEncoded(codec.encodeToString(intent))).isEqualTo(id);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON            | {"v":1,                                                      | $   | malformed JSON at line 1
            not an object       | "hello"                                                      | $   | expected a JSON object, got a string
            unknown version     | {"v":2,"s":"shop","t":"orders","k":{"id":1},"c":1,"z":true}  | v   | unsupported format version 2 (this reader understands 1)
            version missing     | {"s":"shop","t":"orders","k":{"id":1},"c":1}                 | v   | missing (the format version)
            version as string   | {"v":"1","s":"shop","t":"orders","k":{"id":1},"c":1}         | v   | expected an integer, got a string
            unknown field       | {"v":1,"s":"shop","t":"orders","k":{"id":1},"c":1,"z":0}     | z   | unknown field
            duplicate field     | {"v":1,"s":"shop","s":"x","t":"orders","k":{"id":1},"c":1}   | s   | appears more than once
            source missing      | {"v":1,"t":"orders","k":{"id":1},"c":1}                      | s   | missing
            source empty        | {"v":1,"s":"","t":"orders","k":{"id":1},"c":1}               | s   | must be 1 to 255 characters, got 0
            table as number     | {"v":1,"s":"shop","t":7,"k":{"id":1},"c":1}                  | t   | expected a string, got an integer
            key as array        | {"v":1,"s":"shop","t":"orders","k":[1],"c":1}                | k   | expected an object of key column -> value, got an array
            key empty           | {"v":1,"s":"shop","t":"orders","k":{},"c":1}                 | k   | has 0 key columns; a key has 1 to 16
            17 key columns      | {"v":1,"s":"shop","t":"orders","k":{"a":1,"b":1,"c":1,"d":1,"e":1,"f":1,"g":1,"h":1,"i":1,"j":1,"l":1,"m":1,"n":1,"o":1,"p":1,"q":1,"r":1},"c":1} | k | has 17 key columns; a key has 1 to 16
            source control char | {"v":1,"s":"sh\\nop","t":"orders","k":{"id":1},"c":1}        | s   | contains a control character (U+000A) at position 2
            key value NUL       | {"v":1,"s":"shop","t":"orders","k":{"id":"a\\u0000"},"c":1}  | k.id | the key value contains NUL (U+0000) at position 1
            key value surrogate | {"v":1,"s":"shop","t":"orders","k":{"id":"\\ud800x"},"c":1}  | k.id | the key value contains a lone surrogate (U+D800) at position 0
            capture version < 0 | {"v":1,"s":"shop","t":"orders","cv":-1,"k":{"id":1},"c":1}  | cv  | a capture version must be 0 to 2147483647, got -1
            capture version big | {"v":1,"s":"shop","t":"orders","cv":2147483648,"k":{"id":1},"c":1} | cv | a capture version must be 0 to 2147483647, got 2147483648
            capture version str | {"v":1,"s":"shop","t":"orders","cv":"3","k":{"id":1},"c":1} | cv  | expected an integer, got a string
            capture negative    | {"v":1,"s":"shop","t":"orders","k":{"id":1},"c":-5}          | c   | must be milliseconds since the epoch, got -5
            key value float     | {"v":1,"s":"shop","t":"orders","k":{"id":1.5},"c":1}         | k.id | expected a string or an integer, got a non-integer number
            key value null      | {"v":1,"s":"shop","t":"orders","k":{"id":null},"c":1}        | k.id | expected a string or an integer, got null
            key value nested    | {"v":1,"s":"shop","t":"orders","k":{"id":{"a":1}},"c":1}     | k.id | expected a string or an integer, got an object
            key value too big   | {"v":1,"s":"shop","t":"orders","k":{"id":99999999999999999999},"c":1} | k.id | does not fit in 64 bits
            key column twice    | {"v":1,"s":"shop","t":"orders","k":{"id":1,"id":2},"c":1}    | k.id | appears more than once
            operation unknown   | {"v":1,"s":"shop","t":"orders","k":{"id":1},"o":"x","c":1}   | o   | expected one of "i", "u", "d", got "x"
            txid without lsn    | {"v":1,"s":"shop","t":"orders","k":{"id":1},"x":5,"c":1}     | l   | needs both x (transaction id) and l (WAL position)
            negative lsn        | {"v":1,"s":"shop","t":"orders","k":{"id":1},"x":5,"l":-1,"c":1} | l | expected an unsigned 64-bit integer, got -1
            sequence with txid  | {"v":1,"s":"shop","t":"orders","k":{"id":1},"x":5,"l":6,"q":"7","c":1} | q | cannot be combined with x and l
            sequence not digits | {"v":1,"s":"shop","t":"orders","k":{"id":1},"q":"12a","c":1} | q   | expected 1 to 40 decimal digits
            capture missing     | {"v":1,"s":"shop","t":"orders","k":{"id":1}}                 | c   | missing
            trailing content    | {"v":1,"s":"shop","t":"orders","k":{"id":1},"c":1} {}        | $   | unexpected content after the intent object
            """)
    void decodingRejectsBadInputNamingTheFieldAndTheProblem(String caseName, String input, String field, String problem) {
        assertThatThrownBy(() -> codec.decode(input))
                .as(caseName)
                .isInstanceOfSatisfying(IntentFormatException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).contains(problem);
                });
    }

    @Test
    void oversizedIntentIsRejectedBeforeParsing() {
        String huge = "{\"v\":1,\"s\":\"shop\",\"t\":\"orders\",\"k\":{\"id\":\"" + "x".repeat(9000) + "\"},\"c\":1}";

        assertThatThrownBy(() -> codec.decode(huge))
                .isInstanceOf(IntentFormatException.class)
                .hasMessage("an intent is 9051 bytes, over the limit of 8192");
    }

    @Test
    void aKeyColumnNameWithNulIsRefusedNamingTheColumn() {
        String body = "{\"v\":1,\"s\":\"shop\",\"t\":\"orders\",\"k\":{\"i\\u0000d\":1},\"c\":1}";

        assertThatThrownBy(() -> codec.decode(body))
                .isInstanceOfSatisfying(IntentFormatException.class, e -> assertThat(e.field()).isEqualTo("k.i\0d"))
                .hasMessageContaining("key column name 'i\0d' contains NUL (U+0000) at position 1");
    }

    @Test
    void aWriterIsToldWhichFieldBreaksWhichLimitBeforeItSendsAnything() {
        Intent longKey = new Intent("shop", "orders", EntityKey.of("code", "x".repeat(2049)), Operation.UPDATE,
                VersionHint.NONE, CAPTURED);
        Intent tooBig = new Intent("shop", "orders", EntityKey.builder().add("a", "x".repeat(2048))
                .add("b", "x".repeat(2048)).add("c", "x".repeat(2048)).add("d", "x".repeat(2048)).build(),
                Operation.UPDATE, VersionHint.NONE, CAPTURED);

        assertThatThrownBy(() -> codec.requireWithinLimits(longKey))
                .isInstanceOfSatisfying(IntentFormatException.class, e -> assertThat(e.field()).isEqualTo("k.code"))
                .hasMessage("field 'k.code': a key value must be at most 2048 characters, got 2049");
        assertThatThrownBy(() -> codec.requireWithinLimits(tooBig))
                .isInstanceOf(IntentFormatException.class)
                .hasMessage("the encoded intent is 8283 bytes, over the limit of 8192");
        codec.requireWithinLimits(typicalOrderUpdate());
    }

    @Test
    void badElementOfAPackedBodyIsNamedByIndex() {
        String body = "[" + codec.encodeToString(typicalOrderUpdate()) + ",{\"v\":1,\"s\":\"shop\",\"t\":\"orders\","
                + "\"k\":{\"id\":true},\"c\":1}]";

        assertThatThrownBy(() -> codec.decodeAll(body))
                .isInstanceOfSatisfying(IntentFormatException.class,
                        e -> assertThat(e.field()).isEqualTo("[1].k.id"))
                .hasMessageContaining("expected a string or an integer, got a boolean");
    }

    @Test
    void emptyArrayAndScalarBodiesAreRejected() {
        assertThatThrownBy(() -> codec.decodeAll("[]")).hasMessage("the intent array is empty");
        assertThatThrownBy(() -> codec.decodeAll("42"))
                .hasMessage("expected an intent object or an array of them, got an integer");
    }
}
