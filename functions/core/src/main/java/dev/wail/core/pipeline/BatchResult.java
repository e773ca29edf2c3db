package dev.wail.core.pipeline;

import java.util.List;

/**
 * What a batch came to: one outcome per message, in the order given, and counts for metrics and logs.
 *
 * @param intents        intents decoded from the batch
 * @param entities       distinct entities after coalescing (configured tables only)
 * @param refreshed      entities read from their source and written to the sink
 * @param droppedAborted entities dropped because every intent for them came from a rolled-back transaction
 * @param pending        entities left for later because a transaction behind them was still in progress
 * @param tables         the same per table, with latencies and freshness lags
 */
public record BatchResult(List<MessageOutcome> outcomes, int intents, int entities, int refreshed,
        int droppedAborted, int pending, List<TableStats> tables) {

    public BatchResult {
        outcomes = List.copyOf(outcomes);
        tables = List.copyOf(tables);
    }

    public long count(MessageOutcome.Status status) {
        return outcomes.stream().filter(o -> o.status() == status).count();
    }
}
