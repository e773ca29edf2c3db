package dev.wail.consumer.handler;

import dev.wail.consumer.deadletter.DeadLetter.Disposition;
import dev.wail.consumer.deadletter.DeadLetterRecorder.Failure;
import dev.wail.core.intent.Intent;
import dev.wail.core.pipeline.InboundMessage;
import dev.wail.core.pipeline.MessageOutcome;
import dev.wail.core.pipeline.MessageOutcome.Status;
import dev.wail.core.pipeline.RejectedIntent;
import dev.wail.core.wire.IntentCodec;
import dev.wail.core.wire.IntentFormatException;
import dev.wail.lambda.logging.Trace;
import java.util.ArrayList;
import java.util.List;

/** Turning the pipeline's outcomes into what the handlers report and record; shared by every event source. */
final class BatchOutcomes {

    private BatchOutcomes() {
    }

    /** @throws IllegalArgumentException naming what was expected, for an event that is not of the handler's shape */
    static <T> List<T> records(List<T> records, String expected) {
        if (records == null) {
            throw new IllegalArgumentException("expected " + expected + " with a \"Records\" array; got an event "
                    + "without one (is this function wired to the right event source?)");
        }
        return records;
    }

    /**
     * One {@link Trace} line per intent of the batch with its outcome, under the intent's id and its entity's id: the
     * same ids the producer logged when it appended them. A message that cannot be decoded has no intent to trace; it
     * is logged as a failure with its reason.
     */
    static void trace(List<InboundMessage> messages, List<MessageOutcome> outcomes) {
        if (!Trace.enabled()) {
            return;
        }
        for (int i = 0; i < outcomes.size(); i++) {
            MessageOutcome outcome = outcomes.get(i);
            for (Intent intent : decodable(messages.get(i))) {
                Trace.intent(intent, "intent for %s in message %s: %s%s", intent.entity(), outcome.messageId(),
                        outcome.status(), outcome.reason() == null ? "" : " (" + outcome.reason() + ")");
            }
        }
    }

    /**
     * The {@code source/table} names of a rejected message's rejected intents, in order, once each; none for an
     * unreadable body.
     */
    static List<String> rejectedTables(MessageOutcome outcome) {
        return outcome.rejectedIntents().stream().map(r -> r.intent().source() + "/" + r.intent().table()).distinct()
                .toList();
    }

    /**
     * What goes to the dead-letter queue or {@code wail.dead_letters} for a message that did not succeed: for a
     * message rejected only in part, its rejected intents re-encoded as a packed body (its other intents are done and
     * must not be delivered again from there); else its body unchanged, so a redrive hands the consumer the same
     * message.
     */
    static String deadLetterBody(InboundMessage message, MessageOutcome outcome) {
        if (outcome.status() == Status.REJECTED && outcome.partlyRejected()) {
            return IntentCodec.DEFAULT.encodeAll(outcome.rejectedIntents().stream().map(RejectedIntent::intent)
                    .toList());
        }
        return message.body();
    }

    private static List<Intent> decodable(InboundMessage message) {
        try {
            return IntentCodec.DEFAULT.decodeAll(message.body());
        } catch (IntentFormatException malformed) {
            return List.of();
        }
    }

    /**
     * The messages that did not succeed, for the dead-letter record: with their bodies, or only their rejected
     * intents when the others are done (see {@link #deadLetterBody}).
     */
    static List<Failure> failures(List<InboundMessage> messages, List<MessageOutcome> outcomes) {
        List<Failure> failures = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            MessageOutcome outcome = outcomes.get(i);
            if (outcome.status() != Status.DONE) {
                Disposition disposition = outcome.status() == Status.REJECTED ? Disposition.REJECTED
                        : Disposition.RETRY;
                failures.add(new Failure(outcome.messageId(), deadLetterBody(messages.get(i), outcome), disposition,
                        outcome.reason()));
            }
        }
        return failures;
    }
}
