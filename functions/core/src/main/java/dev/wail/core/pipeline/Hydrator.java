package dev.wail.core.pipeline;

import dev.wail.core.intent.EntityKey;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * Reads the current state of entities from one endpoint of their source, with no notion of freshness; a
 * {@link Source} builds on one or more hydrators. Implementations read a whole batch of one table in as few round
 * trips as the source allows, bind key values as parameters, and take identifiers only from the {@link TableBinding}.
 */
public interface Hydrator {

    /**
     * @return one state per requested key, in the order of {@code keys}; a key with no row gives
     *     {@link EntityState#absent}. A failure (the source is unreachable) fails the whole Uni: the caller retries.
     */
    Uni<List<EntityState>> read(TableBinding table, List<EntityKey> keys);
}
