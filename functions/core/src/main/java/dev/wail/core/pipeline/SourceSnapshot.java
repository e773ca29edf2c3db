package dev.wail.core.pipeline;

import java.util.List;
import java.util.Optional;

/**
 * The result of one read from a source.
 *
 * @param states   one state per requested key, in request order
 * @param position a point in the source's history the read includes everything up to (for PostgreSQL a WAL
 *                 position), comparable across reads of one history of one source; 0 for sources that have no such
 *                 notion, whose reads are always current (DynamoDB consistent reads)
 * @param history  which history of the source the position belongs to, where the source can tell (for PostgreSQL the
 *                 cluster's {@code system_identifier}): a restore or a dump and reload into another cluster starts
 *                 another history, whose positions are not comparable with the old ones. Empty: unknown
 * @param current  whether the read came from an endpoint that is current by definition (a PostgreSQL primary): on
 *                 one history, such a read's position is never below a position any earlier read reported, so a
 *                 current read below a recorded position proves that the history changed
 */
public record SourceSnapshot(List<EntityState> states, long position, Optional<String> history, boolean current) {

    public SourceSnapshot {
        states = List.copyOf(states);
        history = history == null ? Optional.empty() : history;
    }

    /** A read of unknown history from an endpoint not known to be current. */
    public SourceSnapshot(List<EntityState> states, long position) {
        this(states, position, Optional.empty(), false);
    }

    /** The same read, marked as coming from an endpoint that is current by definition. */
    public SourceSnapshot fromCurrentEndpoint() {
        return new SourceSnapshot(states, position, history, true);
    }
}
