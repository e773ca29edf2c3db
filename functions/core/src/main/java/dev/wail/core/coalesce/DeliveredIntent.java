package dev.wail.core.coalesce;

import dev.wail.core.intent.Intent;
import java.util.Objects;

/**
 * An intent as it arrived: with the id of the log message that carried it (an SQS message id, a Kinesis sequence
 * number) and its position in that message's body. One message may carry several intents; the position tells them
 * apart, so that an outcome can name exactly which of a packed message's intents it concerns.
 *
 * @param index the intent's position in its message (0 for a message of one intent)
 */
public record DeliveredIntent(String messageId, Intent intent, int index) {
    public DeliveredIntent {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(intent, "intent");
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative: " + index);
        }
    }

    /** The only (or first) intent of its message. */
    public DeliveredIntent(String messageId, Intent intent) {
        this(messageId, intent, 0);
    }

    /** The same delivery, carrying another form of its intent (a canonical key, a version set aside). */
    public DeliveredIntent with(Intent replacement) {
        return new DeliveredIntent(messageId, replacement, index);
    }
}
