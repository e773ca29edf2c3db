package dev.wail.core.pipeline;

import dev.wail.core.intent.EntityKey;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A destination for entity states that never goes backwards.
 *
 * <p><b>Lifecycle.</b> An implementation is built once from configuration (and validates it then, failing fast),
 * receives any number of {@link #refresh} calls, concurrently from several consumer invocations, and is closed with
 * the function.
 *
 * <p><b>Guarantees.</b> For each call, the sink
 * <ol>
 *   <li>takes an exclusive guard on every entity of the call (in a deadlock-free order) that concurrent refreshes of
 *       the same entities wait for;</li>
 *   <li>calls {@code reader} exactly once while holding the guards, passing the newest source position it has
 *       recorded for any of the entities and the source history that position belongs to ({@link Floor}), so that
 *       the read cannot be older than what the sink already holds;</li>
 *   <li>writes every state it got, unless its guard refuses it: a present state upserts the entity, an absent one
 *       removes it and leaves a tombstone with the read's position; a state never replaces one recorded with a newer
 *       position of the same history;</li>
 *   <li>reports every entity whose state it refused, with the reason: the caller must not acknowledge the messages
 *       of a refused entity as done (they are retried, and end in the dead-letter queue with that reason if the
 *       refusal persists). A refusal never happens for a read that honoured the {@link Floor}; it means the source
 *       answered below it, or a version column refused a state the position admitted;</li>
 *   <li>makes the writes durable before the guards are released and before the returned Uni completes.</li>
 * </ol>
 * Because reads of one entity happen one after another under its guard, each reads a source state at least as new
 * as the one before it, whatever the duplication, order or concurrency of the intents that asked for them. Writing
 * the same entities twice has the effect of writing them once. A failure fails the whole call and writes nothing;
 * the caller retries.
 *
 * <p><b>Source histories.</b> Positions are comparable only within one history of a source. A sink that keeps
 * positions detects a new history (a read names another history, or a read from a current endpoint is below the
 * recorded position) and starts a new epoch for the source that wins over every position of the old one; reads of
 * the old history that are not current (a replica of the replaced cluster) are then refused.
 */
public interface Sink {

    /**
     * @return the entities whose state the guard refused, with why; empty when every state was written
     */
    Uni<Map<EntityKey, String>> refresh(TableBinding table, List<EntityKey> keys, StateReader reader);

    /**
     * What the sink holds for the entities of one call.
     *
     * @param position the newest position the sink recorded for any of the entities in the source's current epoch;
     *                 0 when none
     * @param history  the source history that position belongs to, when known
     */
    record Floor(long position, Optional<String> history) {

        public static final Floor NONE = new Floor(0, Optional.empty());

        public Floor {
            history = history == null ? Optional.empty() : history;
        }
    }

    /** Reads the entities' current state; called by the sink under its per-entity guards. */
    @FunctionalInterface
    interface StateReader {
        Uni<SourceSnapshot> read(List<EntityKey> keys, Floor floor);
    }
}
