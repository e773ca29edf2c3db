package dev.wail.core.coalesce;

import dev.wail.core.intent.Entity;
import dev.wail.core.intent.Intent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Collapses a batch of intents to one per entity (source, table, key).
 *
 * <p>Because the consumer reads the current state anyway, ten updates of one order in a batch need one read and one
 * sink write, not ten. The result does not depend on the order of the input: the survivor is the maximum by
 * {@link Intent#RECENCY}, members are sorted by it, and entities come out in {@link Entity} order.
 */
public final class Coalescer {

    /** Deliveries by message id, then position in the message: an order that does not depend on the input's. */
    private static final Comparator<DeliveredIntent> BY_MESSAGE = Comparator.comparing(DeliveredIntent::messageId)
            .thenComparingInt(DeliveredIntent::index);

    private Coalescer() {
    }

    public static List<CoalescedIntent> coalesce(List<DeliveredIntent> batch) {
        Map<Entity, List<DeliveredIntent>> byEntity = new HashMap<>();
        for (DeliveredIntent delivered : batch) {
            byEntity.computeIfAbsent(delivered.intent().entity(), e -> new ArrayList<>(2)).add(delivered);
        }
        List<Entity> entities = new ArrayList<>(byEntity.keySet());
        Collections.sort(entities);
        List<CoalescedIntent> result = new ArrayList<>(entities.size());
        for (Entity entity : entities) {
            result.add(collapse(byEntity.get(entity)));
        }
        return result;
    }

    private static CoalescedIntent collapse(List<DeliveredIntent> deliveries) {
        List<Intent> members = new ArrayList<>(deliveries.size());
        SortedSet<String> messageIds = new TreeSet<>();
        for (DeliveredIntent delivered : deliveries) {
            members.add(delivered.intent());
            messageIds.add(delivered.messageId());
        }
        members.sort(Intent.RECENCY);
        List<DeliveredIntent> inOrder = new ArrayList<>(deliveries);
        inOrder.sort(BY_MESSAGE);
        Intent latest = members.get(members.size() - 1);
        return new CoalescedIntent(latest, List.copyOf(members), Collections.unmodifiableSortedSet(messageIds),
                List.copyOf(inOrder));
    }
}
