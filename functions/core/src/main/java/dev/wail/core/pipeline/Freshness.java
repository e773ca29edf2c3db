package dev.wail.core.pipeline;

import java.util.Optional;
import java.util.Set;

/**
 * How recent a read must be to be usable, so that a lagging replica is never allowed to move a sink backwards or to
 * miss the change an intent announced.
 *
 * @param minPosition           the newest source position the sink recorded for any of the entities: the read must
 *                              include at least everything up to it (0: no constraint)
 * @param committedTransactions transactions the source confirmed committed for these entities: the read must see them
 * @param history               the source history {@code minPosition} belongs to (see {@link SourceSnapshot#history});
 *                              a replica of another history must not serve the read. Empty: unknown
 */
public record Freshness(long minPosition, Set<Long> committedTransactions, Optional<String> history) {

    public Freshness {
        committedTransactions = Set.copyOf(committedTransactions);
        history = history == null ? Optional.empty() : history;
    }

    public Freshness(long minPosition, Set<Long> committedTransactions) {
        this(minPosition, committedTransactions, Optional.empty());
    }
}
