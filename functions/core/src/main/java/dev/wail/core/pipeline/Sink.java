package dev.wail.core.pipeline;

import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * A destination for entity states.
 *
 * <p>Lifecycle: an implementation is built once from configuration (and validates it then, failing fast), receives
 * any number of {@link #write} calls, possibly concurrently from several consumer invocations, and is closed with
 * the function.
 *
 * <p>Guarantees a sink owes the pipeline: a write that completes successfully is durable; a present state upserts
 * the entity, an absent state removes it; writing the same states twice has the effect of writing them once.
 */
public interface Sink {

    /** Writes the states of one table's entities; fails as a whole, so that the caller retries the batch. */
    Uni<Void> write(TableBinding table, List<EntityState> states);
}
