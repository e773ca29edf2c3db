package dev.wail.core.pipeline;

import java.util.List;
import java.util.Objects;

/**
 * What became of one message. Handlers translate it to their event source's partial-failure response.
 *
 * <p>A message may carry many intents (a packed message). Its status is the worst of its intents'. A
 * {@link Status#REJECTED} message names its rejected intents in {@link #rejectedIntents}: when they are only some of
 * its intents ({@link #partlyRejected()}), the others reached every sink, and only the rejected ones belong in the
 * dead-letter queue. A {@link Status#RETRY} message may also have rejected intents: it is delivered again as a
 * whole, and they are rejected again then.
 *
 * @param reason          why the message was not {@link Status#DONE}: human-readable, for logs and the dead-letter
 *                        queue. For a rejected message, every distinct reason of its rejected intents
 * @param rejectedIntents the message's intents that can never succeed, in message order, each with its reason; empty
 *                        for a message that could not be decoded at all (its body is the thing rejected)
 * @param intents         how many intents the message carried (0 when it could not be decoded)
 */
public record MessageOutcome(String messageId, Status status, String reason, List<RejectedIntent> rejectedIntents,
        int intents) {

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
        rejectedIntents = List.copyOf(rejectedIntents);
    }

    /** An outcome without intent details: a summary, or a message that could not be decoded. */
    public MessageOutcome(String messageId, Status status, String reason) {
        this(messageId, status, reason, List.of(), 0);
    }

    public static MessageOutcome done(String messageId) {
        return new MessageOutcome(messageId, Status.DONE, null);
    }

    /**
     * @return whether some, but not all, of the message's intents were rejected: the dead-letter queue gets only
     *     {@link #rejectedIntents}, re-encoded, and not the message's body
     */
    public boolean partlyRejected() {
        return !rejectedIntents.isEmpty() && rejectedIntents.size() < intents;
    }

    /** The same outcome with another status and reason (its intents unchanged). */
    public MessageOutcome with(Status newStatus, String newReason) {
        return new MessageOutcome(messageId, newStatus, newReason, rejectedIntents, intents);
    }

    /** The same status and reason, without intent details: what tests and logs compare. */
    public MessageOutcome summary() {
        return new MessageOutcome(messageId, status, reason);
    }
}
