package dev.wail.core.pipeline;

import dev.wail.core.intent.EntityKey;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A source of truth as the consumer sees it: it can tell whether the transactions behind write-ahead intents
 * committed, and read the current state of entities no older than a given {@link Freshness}.
 *
 * <p>Implementations read a whole batch of one table in as few round trips as the source allows, bind key values as
 * parameters, and take identifiers only from the {@link TableBinding}. A failure (the source is unreachable) fails
 * the Uni: the caller retries the messages later.
 */
public interface Source {

    /**
     * @param transactionIds ids carried by {@code VersionHint.Postgres} intents of this source
     * @return a status for every id asked about
     */
    Uni<Map<Long, TransactionStatus>> transactionStatus(Set<Long> transactionIds);

    /**
     * Tells the source the newest capture version ({@link dev.wail.core.intent.Intent#captureVersion}) among the
     * intents of one table in a batch, before {@link #keys} is called for them. A source that caches what it learnt
     * of the table's definition (key types, statements) reloads it, once, when this is newer than the version its
     * cache was built for. Default: nothing (the source caches nothing, or has no capture versions).
     */
    default void captureVersionSeen(TableBinding table, int captureVersion) {
    }

    /**
     * Checks and canonicalizes the keys of one table's intents, before they are coalesced: the consumer rewrites each
     * intent's key to the canonical form this returns, so that entity ids, sink guards, coalescing groups and read
     * results are one per row however the key was spelled, and rejects only the intents whose key is in
     * {@link KeyCheck#problems()}. Reads then receive canonical keys only. A failure (the source is unreachable)
     * fails the Uni: the table's messages are retried. Default: every key is valid and canonical as it is.
     *
     * @param keys distinct keys, each with the table's key columns in key order
     */
    default Uni<KeyCheck> keys(TableBinding table, List<EntityKey> keys) {
        return Uni.createFrom().item(KeyCheck.UNCHANGED);
    }

    /**
     * @return the current state of every key, in the order of {@code keys}, at least as recent as {@code freshness};
     *     fails with {@link UnreadableKeysException} when the only trouble is keys the source cannot hold
     */
    Uni<SourceSnapshot> read(TableBinding table, List<EntityKey> keys, Freshness freshness);

    /**
     * A source without transactions visible to intents and whose reads are always current (DynamoDB with consistent
     * reads): every transaction counts as committed and every read has position 0.
     */
    static Source alwaysCurrent(Hydrator hydrator) {
        return new Source() {
            @Override
            public Uni<Map<Long, TransactionStatus>> transactionStatus(Set<Long> transactionIds) {
                return Uni.createFrom().item(transactionIds.stream()
                        .collect(Collectors.toMap(Function.identity(), id -> TransactionStatus.COMMITTED)));
            }

            @Override
            public Uni<SourceSnapshot> read(TableBinding table, List<EntityKey> keys, Freshness freshness) {
                return hydrator.read(table, keys).map(states -> new SourceSnapshot(states, 0).fromCurrentEndpoint());
            }
        };
    }
}
