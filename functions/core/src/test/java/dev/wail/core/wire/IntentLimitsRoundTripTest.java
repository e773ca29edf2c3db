package dev.wail.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.IntentLimits;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One definition of what an intent may hold: over generated edge cases (at and just over every limit, unicode, NUL,
 * lone surrogates, empty strings, the most key columns), {@link IntentCodec#requireWithinLimits} accepts an intent
 * exactly when it encodes and decodes back to an equal intent.
 */
class IntentLimitsRoundTripTest {

    private static final long SEED = 20_261_203L;
    private static final int CASES = 4_000;

    @Test
    void aWriterAcceptsExactlyWhatEncodesAndDecodesBackToAnEqualIntent() {
        IntentEdgeCases cases = new IntentEdgeCases(new Random(SEED));
        int accepted = 0;
        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            Intent intent = cases.intent();
            boolean withinLimits = withinLimits(intent);
            boolean roundTrips = roundTrips(intent);
            if (withinLimits != roundTrips) {
                disagreements.add("case " + i + ": requireWithinLimits " + (withinLimits ? "accepts" : "refuses")
                        + " but the round trip " + (roundTrips ? "succeeds" : "fails") + ": " + intent);
            }
            accepted += withinLimits ? 1 : 0;
        }

        assertThat(disagreements).isEmpty();
        // The generator must exercise both sides of the limits, not just one.
        assertThat(accepted).isBetween(CASES / 5, CASES * 4 / 5);
    }

    @Test
    void theEdgesThemselvesFallOnTheRightSide() {
        Instant at = Instant.ofEpochMilli(1_764_034_800_123L);
        EntityKey.Builder sixteen = EntityKey.builder();
        for (int i = 0; i < IntentLimits.MAX_KEY_COLUMNS; i++) {
            sixteen.add("c" + i, (long) i);
        }
        String astralAtLimit = "\uD83D\uDE00".repeat(IntentLimits.MAX_KEY_VALUE_CHARS / 2);

        assertThat(withinLimits(new Intent("x".repeat(255), "t", sixteen.build(), Operation.UPDATE,
                VersionHint.NONE, at, Integer.MAX_VALUE))).isTrue();
        // Lengths count UTF-16 code units; the encoder escapes an astral character as two
        // surrogates of six bytes each (12 bytes), so a key of 1,024 of them is refused for its size.
        assertThat(refusal(new Intent("s", "t", EntityKey.of("id", astralAtLimit + "a"), Operation.UPDATE,
                VersionHint.NONE, at))).isEqualTo("k.id");
        assertThat(refusal(new Intent("s", "t", EntityKey.of("id", astralAtLimit), Operation.UPDATE,
                VersionHint.NONE, at))).isEqualTo("$");
        assertThat(withinLimits(new Intent("s", "t", EntityKey.of("id", "é".repeat(2048)), Operation.UPDATE,
                VersionHint.NONE, at))).isTrue();
        assertThat(withinLimits(new Intent("s", "t", EntityKey.of("id", ""), Operation.UPDATE,
                VersionHint.NONE, at))).isTrue();
        assertThat(withinLimits(new Intent("s", "t", EntityKey.of("i\0d", 1L), Operation.UPDATE,
                VersionHint.NONE, at))).isFalse();
        assertThat(withinLimits(new Intent("s", "t", EntityKey.of("id", 1L), Operation.UPDATE,
                VersionHint.NONE, at, -1))).isFalse();
    }

    private static boolean withinLimits(Intent intent) {
        try {
            IntentCodec.DEFAULT.requireWithinLimits(intent);
            return true;
        } catch (IntentFormatException refused) {
            assertThat(refused.getMessage()).as("a refusal names the field or the size").isNotBlank();
            return false;
        }
    }

    private static String refusal(Intent intent) {
        try {
            IntentCodec.DEFAULT.requireWithinLimits(intent);
            return null;
        } catch (IntentFormatException refused) {
            return refused.field();
        }
    }

    private static boolean roundTrips(Intent intent) {
        try {
            return IntentCodec.DEFAULT.decode(IntentCodec.DEFAULT.encodeToString(intent)).equals(intent);
        } catch (IntentFormatException | IllegalArgumentException refused) {
            return false;
        }
    }
}
