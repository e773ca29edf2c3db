package dev.wail.consumer.deadletter;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Records failed messages in {@code wail.dead_letters} with Hibernate Reactive. Off the hot path: only messages
 * that did not succeed get here. Called from Lambda handler threads, which have no Vert.x context of their own.
 */
@ApplicationScoped
public class DeadLetterRecorder {

    private static final Logger LOG = Logger.getLogger(DeadLetterRecorder.class);

    /** A message to record, with what became of it and why. */
    public record Failure(String messageId, String body, DeadLetter.Disposition disposition, String reason) {
    }

    /**
     * @return whether every failure was recorded; a database that cannot be reached is logged, not thrown, because
     *     the caller's answer to the log (retry these messages) does not depend on it, except for messages the log
     *     would otherwise drop
     */
    public boolean record(String log, List<Failure> failures) {
        if (failures.isEmpty()) {
            return true;
        }
        try {
            VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> upsertAll(log, failures)));
            return true;
        } catch (Throwable unreachable) {
            LOG.errorf(unreachable, "could not record %d dead letters of %s", failures.size(), log);
            return false;
        }
    }

    private static Uni<Void> upsertAll(String log, List<Failure> failures) {
        Instant now = Instant.now();
        return Multi.createFrom().iterable(failures)
                .onItem().transformToUniAndConcatenate(failure -> DeadLetter.findByMessage(log, failure.messageId())
                        .chain(existing -> existing == null ? create(log, failure, now).persist()
                                : seenAgain(existing, failure, now)))
                .collect().last().replaceWithVoid();
    }

    private static DeadLetter create(String log, Failure failure, Instant now) {
        DeadLetter letter = new DeadLetter();
        letter.log = log;
        letter.messageId = failure.messageId();
        letter.body = failure.body();
        letter.disposition = failure.disposition();
        letter.reason = failure.reason();
        letter.attempts = 1;
        letter.firstSeenAt = now;
        letter.lastSeenAt = now;
        return letter;
    }

    private static Uni<DeadLetter> seenAgain(DeadLetter letter, Failure failure, Instant now) {
        letter.attempts++;
        letter.disposition = failure.disposition();
        letter.reason = failure.reason();
        letter.lastSeenAt = now;
        return Uni.createFrom().item(letter); // managed: flushed when the transaction commits
    }
}
