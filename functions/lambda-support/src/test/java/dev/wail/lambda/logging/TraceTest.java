package dev.wail.lambda.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wail.core.intent.EntityKey;
import dev.wail.core.intent.Intent;
import dev.wail.core.intent.Operation;
import dev.wail.core.intent.VersionHint;
import dev.wail.core.wire.IntentCodec;
import dev.wail.testing.LogCapture;
import java.time.Instant;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;

/** A trace line carries the intent's id and its entity's id as MDC fields, for that line only. */
class TraceTest {

    @Test
    void aTraceLineCarriesBothIdsAndLeavesNothingBehind() {
        Intent intent = new Intent("shop", "orders", EntityKey.of("id", 42L), Operation.UPDATE,
                new VersionHint.Postgres(752345, 439041101), Instant.ofEpochMilli(1795570800123L));

        try (LogCapture capture = LogCapture.of(Trace.CATEGORY)) {
            Trace.intent(intent, "intent for %s appended", intent.entity());

            assertThat(capture.lines()).singleElement().satisfies(line -> {
                assertThat(line.message()).isEqualTo("intent for shop/orders{id=42} appended");
                assertThat(line.mdc()).containsEntry(Trace.INTENT_ID, IntentCodec.idOf(intent))
                        .containsEntry(Trace.ENTITY_ID, IntentCodec.entityId(intent.entity()));
            });
        }
        assertThat(MDC.get(Trace.INTENT_ID)).isNull();
        assertThat(MDC.get(Trace.ENTITY_ID)).isNull();
    }
}
