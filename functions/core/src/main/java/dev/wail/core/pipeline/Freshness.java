package dev.wail.core.pipeline;

import java.util.Set;

/**
 * How recent a read must be to be usable, so that a lagging replica is never allowed to move a sink backwards or to
 * miss the change an intent announced.
 *
 * @param minPosition           the newest source position the sink recorded for any of the entities: the read must
 *                              include at least everything up to it (0: no constraint)
 * @param committedTransactions transactions the source confirmed committed for these entities: the read must see them
 */
public record Freshness(long minPosition, Set<Long> committedTransactions) {

    public static final Freshness ANY = new Freshness(0, Set.of());

    public Freshness {
        committedTransactions = Set.copyOf(committedTransactions);
    }
}
