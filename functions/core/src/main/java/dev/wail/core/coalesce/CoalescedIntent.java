package dev.wail.core.coalesce;

import dev.wail.core.intent.Entity;
import dev.wail.core.intent.Intent;
import java.util.List;
import java.util.SortedSet;

/**
 * What survives coalescing for one entity.
 *
 * @param latest     the most recent intent by {@link Intent#RECENCY}
 * @param members    every intent delivered for the entity in this batch, oldest first (duplicates included), so that
 *                   verification can look at each writing transaction
 * @param messageIds the ids of every message that carried one of the members: the consumer may acknowledge them only
 *                   when this entity is done, and must fail them when it is not
 * @param deliveries the same members as delivered (message id and position), by message id and position: what an outcome
 *                   about this entity names when it concerns single intents (a key the source cannot read)
 */
public record CoalescedIntent(Intent latest, List<Intent> members, SortedSet<String> messageIds,
        List<DeliveredIntent> deliveries) {

    public Entity entity() {
        return latest.entity();
    }
}
