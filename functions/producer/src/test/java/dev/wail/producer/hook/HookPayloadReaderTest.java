package dev.wail.producer.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Hook payloads as the triggers write them, and the ways they can be wrong. */
class HookPayloadReaderTest {

    private static final String HEADER =
            "{\"wail\":1,\"s\":\"shop\",\"t\":\"orders\",\"o\":\"u\",\"x\":752345,\"l\":439041101,"
                    + "\"c\":1764034800123,\"kc\":[\"id\"],";

    private static Intent update(long id) {
        return new Intent("shop", "orders", EntityKey.of("id", id), Operation.UPDATE,
                new VersionHint.Postgres(752345, 439041101), Instant.ofEpochMilli(1764034800123L));
    }

    @Test
    void everyKeyBecomesOneIntentWithTheSharedFields() {
        assertThat(HookPayloadReader.read(HEADER + "\"k\":[[42],[43]]}")).containsExactly(update(42), update(43));
    }

    @Test
    void badKeyEntriesAreRejectedOneByOneAndTheirNeighboursStillRead() {
        HookPayloadReader.Read read = HookPayloadReader.readEach(
                HEADER + "\"k\":[[1],{\"id\":2},[3],[4.5],[[5]],[6,7],[8]]}");

        assertThat(read.intents()).containsExactly(update(1), update(3), update(8));
        assertThat(read.rejectedKeys()).extracting(Throwable::getMessage).containsExactly(
                "hook payload field 'k[1]': expected an array of key values, got {",
                "hook payload field 'k[3][0]': key values must be strings or 64-bit integers, got 4.5",
                "hook payload field 'k[4][0]': key values must be strings or 64-bit integers, got [",
                "hook payload field 'k[5]': has 2 values for 1 key columns [id]");
    }

    @Test
    void theStrictReaderRefusesThePayloadAtItsFirstBadKeyEntry() {
        assertThatThrownBy(() -> HookPayloadReader.read(HEADER + "\"k\":[[1],[true]]}"))
                .isInstanceOf(HookPayloadException.class)
                .hasMessage("hook payload field 'k[1][0]': key values must be strings or 64-bit integers, got true");
    }

    @Test
    void unusableSharedFieldsRefuseTheWholePayload() {
        assertThatThrownBy(() -> HookPayloadReader.readEach("[1,2]"))
                .hasMessageStartingWith("hook payload: expected a JSON object like");
        assertThatThrownBy(() -> HookPayloadReader.readEach(HEADER.replace("\"o\":\"u\"", "\"o\":\"x\"")
                + "\"k\":[[1]]}")).hasMessage("hook payload field 'o': expected \"i\", \"u\" or \"d\", got x");
        assertThatThrownBy(() -> HookPayloadReader.readEach(HEADER.replace("[\"id\"]", "[\"id\",\"id\"]")
                + "\"k\":[[1,1]]}")).hasMessage("hook payload field 'kc': names a column twice: [id, id]");
        assertThatThrownBy(() -> HookPayloadReader.readEach(HEADER + "\"k\":{}}"))
                .hasMessage("hook payload field 'k': expected an array of key value arrays");
    }
}
