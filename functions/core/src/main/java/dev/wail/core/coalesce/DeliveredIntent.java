package dev.wail.core.coalesce;

import dev.wail.core.intent.Intent;
import java.util.Objects;

/**
 * An intent as it arrived: with the id of the log message that carried it (an SQS message id, a Kinesis sequence
 * number). One message may carry several intents.
 */
public record DeliveredIntent(String messageId, Intent intent) {
    public DeliveredIntent {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(intent, "intent");
    }
}
