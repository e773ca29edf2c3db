package dev.wail.core.pipeline;

import java.util.List;

/**
 * One table's part of a batch, for metrics.
 *
 * @param intents            intents for this table in the batch
 * @param entities           distinct entities after coalescing
 * @param refreshed          entities read from the source and written to the sink
 * @param droppedAborted     entities dropped because only rolled-back transactions announced them
 * @param pending            entities left for later because a transaction behind them was in progress
 * @param guardRefused       entities read but whose state the sink's guard refused (retried, see {@link Sink#refresh})
 * @param refreshMillis      time from verification to the sink's commit, in milliseconds (0 if nothing was refreshed)
 * @param hydrationMillis    of which the source read (0 if nothing was refreshed)
 * @param sinkMillis         of which the sink's part around the read: guards, writes, commit (0 if nothing was
 *                           refreshed)
 * @param freshnessLagMillis for each refreshed entity, the sink's commit time minus the capture time of its newest
 *                           intent: how far behind the source the sink was when it caught up
 */
public record TableStats(String source, String table, int intents, int entities, int refreshed, int droppedAborted,
        int pending, int guardRefused, long refreshMillis, long hydrationMillis, long sinkMillis,
        List<Long> freshnessLagMillis) {

    public TableStats {
        freshnessLagMillis = List.copyOf(freshnessLagMillis);
    }

    /** The same, with no entity refused by the sink's guard. */
    public TableStats(String source, String table, int intents, int entities, int refreshed, int droppedAborted,
            int pending, long refreshMillis, long hydrationMillis, long sinkMillis, List<Long> freshnessLagMillis) {
        this(source, table, intents, entities, refreshed, droppedAborted, pending, 0, refreshMillis, hydrationMillis,
                sinkMillis, freshnessLagMillis);
    }
}
