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

    public long count(MessageOutcome.Status status) {
        return outcomes.stream().filter(o -> o.status() == status).count();
    }
}
