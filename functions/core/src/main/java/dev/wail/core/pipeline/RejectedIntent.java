package dev.wail.core.pipeline;

import dev.wail.core.intent.Intent;
import java.util.Objects;

/**
 * One intent of a message that can never succeed, with why.
 *
 * @param intent the intent as its message carried it (decoded, before any rewriting by the pipeline), so that
 *               re-encoding it gives the producer's own intent back
 * @param reason what is wrong with it, naming the table, key or transaction: for a person to act on
 */
public record RejectedIntent(Intent intent, String reason) {
    public RejectedIntent {
        Objects.requireNonNull(intent, "intent");
        Objects.requireNonNull(reason, "reason");
    }
}
