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
    void aKeyValueTheConsumerWouldRejectIsRefusedNamingTheEntryAndTheLimit() {
        // Before the shared limits, this 3,000-character key was appended, and the consumer rejected the message.
        HookPayloadReader.Read read = HookPayloadReader.readEach(
                HEADER + "\"k\":[[\"" + "x".repeat(3000) + "\"],[42],[\"a\\u0000b\"]]}");

        assertThat(read.intents()).containsExactly(update(42));
        assertThat(read.rejectedKeys()).extracting(Throwable::getMessage).containsExactly(
                "hook payload field 'k[0][0]': key column 'id': a key value must be at most 2048 characters, got 3000",
                "hook payload field 'k[2][0]': key column 'id': the key value contains NUL (U+0000) at position 1; "
                        + "keys may not (PostgreSQL text cannot hold it)");
        assertThat(read.rejectedPayload()).isEqualTo(HEADER.replace("\"kc\"", "\"kc\"")
                + "\"k\":[[\"" + "x".repeat(3000) + "\"],[\"a\\u0000b\"]]}");
    }

    @Test
    void theCaptureVersionIsOptionalAndCarriedByEveryIntent() {
        String withCv = HEADER.replace("\"t\":\"orders\",", "\"t\":\"orders\",\"cv\":3,");

        assertThat(HookPayloadReader.read(withCv + "\"k\":[[42]]}")).singleElement()
                .satisfies(intent -> assertThat(intent.captureVersion()).isEqualTo(3));
        assertThat(HookPayloadReader.read(HEADER + "\"k\":[[42]]}")).singleElement()
                .satisfies(intent -> assertThat(intent.captureVersion()).isNull());
        assertThatThrownBy(() -> HookPayloadReader.readEach(withCv.replace("3", "-3") + "\"k\":[[42]]}"))
                .hasMessage("hook payload field 'cv': a capture version must be 0 to 2147483647, got -3");
    }

    @Test
    void sharedFieldsOutsideTheLimitsRefuseTheWholePayload() {
        assertThatThrownBy(() -> HookPayloadReader.readEach(HEADER.replace("shop", "s".repeat(256))
                + "\"k\":[[1]]}")).hasMessage("hook payload field 's': a name must be 1 to 255 characters, got 256");
        assertThatThrownBy(() -> HookPayloadReader.readEach(HEADER.replace("[\"id\"]", "[\"i\\u0000d\"]")
                + "\"k\":[[1]]}")).hasMessageStartingWith("hook payload field 'kc[0]': key column name 'i");
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
