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

    /**
     * A batch the pipeline did not finish (the invocation's deadline came first): only its outcomes, nothing counted
     * as done.
     */
    public static BatchResult unfinished(List<MessageOutcome> outcomes) {
        return new BatchResult(outcomes, 0, 0, 0, 0, 0, List.of());
    }

    /**
     * The same counts with the outcomes as the handler reports them, after its event source's rules changed some
     * (e.g. SQS FIFO: the messages after a failure in their group are retried too).
     */
    public BatchResult withOutcomes(List<MessageOutcome> reported) {
        if (reported.size() != outcomes.size()) {
            throw new IllegalArgumentException("expected one outcome per message: " + outcomes.size() + " messages, "
                    + reported.size() + " outcomes");
        }
        return new BatchResult(reported, intents, entities, refreshed, droppedAborted, pending, tables);
    }

    public long count(MessageOutcome.Status status) {
        return outcomes.stream().filter(o -> o.status() == status).count();
    }
}
