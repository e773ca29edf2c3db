package dev.wail.core.pipeline;

import dev.wail.core.intent.EntityKey;
import io.smallrye.mutiny.Uni;
import java.util.List;

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
 *       recorded for any of the entities, so that the read cannot be older than what the sink already holds;</li>
 *   <li>writes every state it got: a present state upserts the entity, an absent one removes it and leaves a
 *       tombstone with the read's position; a state never replaces one recorded with a newer position;</li>
 *   <li>makes the writes durable before the guards are released and before the returned Uni completes.</li>
 * </ol>
 * Because reads of one entity happen one after another under its guard, each reads a source state at least as new
 * as the one before it, whatever the duplication, order or concurrency of the intents that asked for them. Writing
 * the same entities twice has the effect of writing them once. A failure fails the whole call and writes nothing;
 * the caller retries.
 */
public interface Sink {

    Uni<Void> refresh(TableBinding table, List<EntityKey> keys, StateReader reader);

    /** Reads the entities' current state; called by the sink under its per-entity guards. */
    @FunctionalInterface
    interface StateReader {
        /** @param minPosition the newest position the sink recorded for any of {@code keys}; 0 when none */
        Uni<SourceSnapshot> read(List<EntityKey> keys, long minPosition);
    }
}
