package dev.wail.core.pipeline;

import java.util.List;

/**
 * What a batch came to: one outcome per message, in the order given, and counts for metrics and logs.
 *
 * @param intents intents decoded from the batch, those of unconfigured tables included
 * @param tables  per configured table: intents, entities, refreshed, dropped, pending, latencies, freshness lags
 */
public record BatchResult(List<MessageOutcome> outcomes, int intents, List<TableStats> tables) {

    public BatchResult {
        outcomes = List.copyOf(outcomes);
        tables = List.copyOf(tables);
    }

    /** Distinct entities after coalescing, over the configured tables. */
    public int entities() {
        return tables.stream().mapToInt(TableStats::entities).sum();
    }

    /**
     * A batch the pipeline did not finish (the invocation's deadline came first): only its outcomes, nothing counted
     * as done.
     */
    public static BatchResult unfinished(List<MessageOutcome> outcomes) {
        return new BatchResult(outcomes, 0, List.of());
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
        return new BatchResult(reported, intents, tables);
    }

    public long count(MessageOutcome.Status status) {
        return outcomes.stream().filter(o -> o.status() == status).count();
    }
}
