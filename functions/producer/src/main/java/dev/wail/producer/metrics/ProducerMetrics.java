package dev.wail.producer.metrics;

import dev.wail.core.intent.Intent;
import dev.wail.core.log.IntentLog.AppendResult;
import dev.wail.lambda.metrics.EmfMetrics;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * The producer's CloudWatch metrics, as Embedded Metric Format lines in the namespace {@value EmfMetrics#NAMESPACE}
 * (the consumer's). Per source and table ({@code Source}, {@code Table}), for each append: {@code IntentsOut} (intents
 * the log accepted) and {@code AppendFailed} (intents it still refused after every retry: the caller keeps or fails
 * them). Per function ({@code Function}): {@code Resent} (messages or records sent again after the service refused
 * them: throttling shows here first), {@code Refused} (input that could not become intents: malformed hook payloads or
 * key entries, unreadable outbox rows, DynamoDB stream records without usable keys) and, for the outbox drain,
 * {@code OutboxOldestAgeMs} (age of the oldest row still waiting; 0 when the outbox is empty) and
 * {@code OutboxIdlePolls} (polls of one invocation that found the outbox empty: a drain that keeps polling until its
 * deadline shows its idle time here).
 */
public final class ProducerMetrics {

    /** The function's name in the {@code Function} dimension when Lambda does not say it (tests, a laptop). */
    public static final String DEFAULT_FUNCTION_NAME = "wail-producer";

    private final EmfMetrics emf;

    public ProducerMetrics(Environment environment) {
        this.emf = new EmfMetrics(environment);
    }

    /** One document per table the intents belong to, then one for the function. */
    public void appended(List<Intent> intents, AppendResult result) {
        Set<Integer> failed = new HashSet<>(result.failedIndexes());
        Map<List<String>, int[]> perTable = new LinkedHashMap<>();
        for (int i = 0; i < intents.size(); i++) {
            Intent intent = intents.get(i);
            int[] counts = perTable.computeIfAbsent(List.of(intent.source(), intent.table()), t -> new int[2]);
            counts[failed.contains(i) ? 1 : 0]++;
        }
        perTable.forEach((table, counts) -> {
            MetricsLogger metrics = emf.forTable(table.get(0), table.get(1));
            metrics.putMetric("IntentsOut", counts[0], Unit.COUNT);
            metrics.putMetric("AppendFailed", counts[1], Unit.COUNT);
            metrics.flush();
        });
        MetricsLogger function = emf.forFunction();
        function.putMetric("Resent", result.resent(), Unit.COUNT);
        function.flush();
    }

    /** @param records input records (payloads, key entries, rows, stream records) that could not become intents */
    public void refused(int records) {
        MetricsLogger function = emf.forFunction();
        function.putMetric("Refused", records, Unit.COUNT);
        function.flush();
    }

    /** @param polls polls of one drain invocation that found the outbox empty */
    public void outboxIdlePolls(int polls) {
        MetricsLogger function = emf.forFunction();
        function.putMetric("OutboxIdlePolls", polls, Unit.COUNT);
        function.flush();
    }

    public void outboxOldestAge(long millis) {
        MetricsLogger function = emf.forFunction();
        function.putMetric("OutboxOldestAgeMs", millis, Unit.MILLISECONDS);
        function.flush();
    }
}
