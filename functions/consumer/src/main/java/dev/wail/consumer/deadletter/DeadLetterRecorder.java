package dev.wail.consumer.deadletter;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Records failed messages in {@code wail.dead_letters} ({@link DeadLetter}) with one set-based statement per batch,
 * on the datasource's reactive pool. Off the hot path: only messages that did not succeed get here.
 *
 * <p>One row per message ({@code log}, {@code message_id}): a message not seen before gets {@code attempts} = the
 * number of times it is in the batch; one already recorded gets those added, and the newest disposition and reason.
 * The body is the one first recorded. Within a batch, the last occurrence of a message gives its disposition and
 * reason, and the first its body.
 */
@Singleton
public class DeadLetterRecorder {

    private static final Logger LOG = Logger.getLogger(DeadLetterRecorder.class);

    /**
     * The batch arrives as parallel arrays; the aggregate folds the duplicates of one message (an SQS batch may hold
     * a message twice), since one INSERT ... ON CONFLICT may not update a row twice. Values are bound, never spliced.
     */
    static final String UPSERT = """
            INSERT INTO wail.dead_letters AS d (log, message_id, body, disposition, reason, attempts)
            SELECT $1, f.message_id,
                   (array_agg(f.body ORDER BY f.n))[1],
                   (array_agg(f.disposition ORDER BY f.n DESC))[1],
                   (array_agg(f.reason ORDER BY f.n DESC))[1],
                   count(*)
            FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])
                 WITH ORDINALITY AS f(message_id, body, disposition, reason, n)
            GROUP BY f.message_id
            ON CONFLICT (log, message_id) DO UPDATE
               SET attempts = d.attempts + EXCLUDED.attempts,
                   disposition = EXCLUDED.disposition,
                   reason = EXCLUDED.reason,
                   last_seen_at = now()
            """;

    /** A message to record, with what became of it and why. */
    public record Failure(String messageId, String body, DeadLetter.Disposition disposition, String reason) {
    }

    private final Pool readModel;

    public DeadLetterRecorder(Pool readModel) {
        this.readModel = readModel;
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
            readModel.preparedQuery(UPSERT).execute(Tuple.of(log,
                    failures.stream().map(Failure::messageId).toArray(String[]::new),
                    failures.stream().map(Failure::body).toArray(String[]::new),
                    failures.stream().map(f -> f.disposition().name()).toArray(String[]::new),
                    failures.stream().map(Failure::reason).toArray(String[]::new)))
                    .await().indefinitely();
            return true;
        } catch (RuntimeException unreachable) {
            LOG.errorf(unreachable, "could not record %d dead letters of %s", failures.size(), log);
            return false;
        }
    }
}
