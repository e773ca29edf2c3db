package dev.wail.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The published JSON Schema and the codec must agree: on what is written, and on what is refused. */
class IntentSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchema SCHEMA = loadSchema();

    private static JsonSchema loadSchema() {
        try (InputStream in = IntentCodec.class.getResourceAsStream("intent-v1.schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<ValidationMessage> validate(String text) throws Exception {
        return SCHEMA.validate(JSON.readTree(text));
    }

    @Test
    void everythingTheCodecWritesConformsToTheSchema() throws Exception {
        Instant at = Instant.ofEpochMilli(1_764_034_800_123L);
        List<Intent> intents = List.of(
                new Intent("shop", "orders", EntityKey.of("id", 42L), Operation.UPDATE,
                        new VersionHint.Postgres(752_345L, 439_041_101L), at),
                new Intent("catalog", "items", EntityKey.builder().add("pk", "A").add("sk", 3).build(),
                        Operation.DELETE, VersionHint.StreamSequence.of("111122223333"), at),
                new Intent("shop", "orders", EntityKey.of("id", "x"), Operation.UNKNOWN, VersionHint.NONE, at),
                new Intent("shop", "orders", EntityKey.of("id", 42L), Operation.UPDATE,
                        new VersionHint.Postgres(752_345L, 439_041_101L), at, 3),
                new Intent("shop", "orders", EntityKey.of("id", 42L), Operation.UPDATE,
                        new VersionHint.Postgres(752_345L, 439_041_101L), at, 0));

        for (Intent intent : intents) {
            assertThat(validate(IntentCodec.DEFAULT.encodeToString(intent))).as(intent.toString()).isEmpty();
        }
        assertThat(validate(IntentCodec.DEFAULT.encodeAll(intents))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"v\":2,\"s\":\"shop\",\"t\":\"orders\",\"k\":{\"id\":1},\"c\":1}",
        "{\"v\":1,\"s\":\"shop\",\"t\":\"orders\",\"k\":{\"id\":1},\"c\":1,\"z\":0}",
        "{\"v\":1,\"s\":\"\",\"t\":\"orders\",\"k\":{\"id\":1},\"c\":1}",
        "{\"v\":1,\"s\":\"shop\",\"t\":\"orders\",\"k\":{},\"c\":1}",
        "{\"v\":1,\"s\":\"shop\",\"t\":\"orders\",\"k\":{\"id\":1.5},\"c\":1}",
        "{\"v\":1,\"s\":\"shop\",\"t\":\"orders\",\"k\":{\"id\":1},\"o\":\"x\",\"c\":1}",
        "{\"v\":1,\"s\":\"shop\",\"t\":\"orders\",\"k\":{\"id\":1},\"x\":5,\"c\":1}",
        "{\"v\":1,\"s\":\"shop\",\"t\":\"orders\",\"k\":{\"id\":1},\"x\":5,\"l\":6,\"q\":\"7\",\"c\":1}",
        "{\"v\":1,\"s\":\"shop\",\"t\":\"orders\",\"k\":{\"id\":1},\"q\":\"12a\",\"c\":1}",
        "{\"v\":1,\"s\":\"shop\",\"t\":\"orders\",\"k\":{\"id\":1}}",
        "{\"v\":1,\"s\":\"shop\",\"t\":\"orders\",\"cv\":-1,\"k\":{\"id\":1},\"c\":1}",
        "{\"v\":1,\"s\":\"shop\",\"t\":\"orders\",\"cv\":\"3\",\"k\":{\"id\":1},\"c\":1}",
        "{\"v\":1,\"s\":\"shop\",\"t\":\"orders\",\"k\":{\"id\":\"a\\u0000\"},\"c\":1}",
        "[]"
    })
    void whatTheSchemaRefusesTheCodecRefusesToo(String text) throws Exception {
        assertThat(validate(text)).as("schema verdict on " + text).isNotEmpty();
        assertThatThrownBy(() -> IntentCodec.DEFAULT.decodeAll(text)).isInstanceOf(IntentFormatException.class);
    }
}
