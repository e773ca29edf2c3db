package dev.wail.core.pipeline;

import java.util.Objects;

/**
 * What became of one message. Handlers translate it to their event source's partial-failure response.
 *
 * @param reason why the message was not {@link Status#DONE}: human-readable, for logs and the dead-letter queue
 */
public record MessageOutcome(String messageId, Status status, String reason) {

    /** Ordered from best to worst: when a message carries several intents, the worst status of them wins. */
    public enum Status {
        /** Every intent it carried reached every sink (or needed nothing). Acknowledge it. */
        DONE,
        /** It can never succeed as it is (malformed, unconfigured table): it belongs in the dead-letter queue. */
        REJECTED,
        /** Something transient failed (the source or a sink was unreachable): deliver it again later. */
        RETRY
    }

    public MessageOutcome {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(status, "status");
    }

    public static MessageOutcome done(String messageId) {
        return new MessageOutcome(messageId, Status.DONE, null);
    }

    public MessageOutcome worse(MessageOutcome other) {
        return other.status.compareTo(status) > 0 ? other : this;
    }
}
