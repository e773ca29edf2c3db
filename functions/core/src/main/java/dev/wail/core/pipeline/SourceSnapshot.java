package dev.wail.core.pipeline;

import java.util.List;

/**
 * The result of one read from a source.
 *
 * @param states   one state per requested key, in request order
 * @param position a point in the source's history the read includes everything up to (for PostgreSQL a WAL
 *                 position), comparable across reads of one source; 0 for sources that have no such notion, whose
 *                 reads are always current (DynamoDB consistent reads)
 */
public record SourceSnapshot(List<EntityState> states, long position) {

    public SourceSnapshot {
        states = List.copyOf(states);
    }
}
