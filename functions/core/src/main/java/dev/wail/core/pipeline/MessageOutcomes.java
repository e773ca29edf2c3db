package dev.wail.core.pipeline;

import dev.wail.core.coalesce.DeliveredIntent;
import dev.wail.core.intent.Intent;
import dev.wail.core.pipeline.MessageOutcome.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Collects what happens to each message of a batch, intent by intent, and folds it into one {@link MessageOutcome}
 * per message at the end. Every update is a constant-time step on the message's own entry, so the cost grows with
 * the problems reported, never with the product of messages and problems. Not thread-safe: the pipeline feeds it
 * from one thread, after its tables joined.
 */
final class MessageOutcomes {

    private final Map<String, Entry> byMessage;

    MessageOutcomes(int messages) {
        this.byMessage = new LinkedHashMap<>(Math.max(16, messages * 2));
    }

    void received(String messageId) {
        byMessage.put(messageId, new Entry());
    }

    /** @param intents the message's intents as decoded: what a rejection re-encodes */
    void decoded(String messageId, List<Intent> intents) {
        entry(messageId).decoded = intents;
    }

    /** The body could not be decoded: the whole message is rejected. */
    void malformed(String messageId, String reason) {
        entry(messageId).malformed = reason;
    }

    /** One intent can never succeed; rejecting the same intent twice keeps the first reason. */
    void reject(DeliveredIntent delivery, String reason) {
        Entry entry = entry(delivery.messageId());
        if (entry.rejected == null) {
            entry.rejected = new TreeMap<>();
        }
        entry.rejected.putIfAbsent(delivery.index(),
                new RejectedIntent(entry.decoded.get(delivery.index()), reason));
    }

    /** Something transient failed for the message: it is delivered again; the first reason is kept. */
    void retry(String messageId, String reason) {
        Entry entry = entry(messageId);
        if (entry.retry == null) {
            entry.retry = reason;
        }
    }

    /** @return one outcome per message, in the order received */
    List<MessageOutcome> outcomes() {
        List<MessageOutcome> outcomes = new ArrayList<>(byMessage.size());
        byMessage.forEach((id, entry) -> outcomes.add(entry.outcome(id)));
        return outcomes;
    }

    private Entry entry(String messageId) {
        Entry entry = byMessage.get(messageId);
        if (entry == null) {
            throw new IllegalArgumentException("message " + messageId + " is not part of this batch");
        }
        return entry;
    }

    private static final class Entry {
        private static final int REASONS_LISTED = 10;

        List<Intent> decoded = List.of();
        String malformed;
        TreeMap<Integer, RejectedIntent> rejected;
        String retry;

        MessageOutcome outcome(String id) {
            if (malformed != null) {
                return new MessageOutcome(id, Status.REJECTED, malformed);
            }
            List<RejectedIntent> rejectedIntents = rejected == null ? List.of() : List.copyOf(rejected.values());
            if (retry != null) {
                return new MessageOutcome(id, Status.RETRY, retry, rejectedIntents, decoded.size());
            }
            if (rejectedIntents.isEmpty()) {
                return new MessageOutcome(id, Status.DONE, null, List.of(), decoded.size());
            }
            return new MessageOutcome(id, Status.REJECTED, reason(rejectedIntents, decoded.size()), rejectedIntents,
                    decoded.size());
        }

        /**
         * Every distinct reason once (the first {@value #REASONS_LISTED}; each rejected intent keeps its own in
         * {@link MessageOutcome#rejectedIntents}); for a message partly rejected, how many of its intents that
         * concerns.
         */
        private static String reason(List<RejectedIntent> rejected, int intents) {
            Set<String> reasons = new LinkedHashSet<>();
            rejected.forEach(r -> reasons.add(r.reason()));
            String all = reasons.stream().limit(REASONS_LISTED).collect(Collectors.joining("; "))
                    + (reasons.size() > REASONS_LISTED ? "; and " + (reasons.size() - REASONS_LISTED)
                            + " other reasons" : "");
            return rejected.size() < intents
                    ? rejected.size() + " of " + intents + " intents rejected (the others are done): " + all
                    : all;
        }
    }
}
